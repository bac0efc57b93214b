import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { root, tempDirectory } from './built-cli.js';
import { serve, type ServeProcess } from './serve-process.js';

/** Debian's Chromium, which `.ci/run` installs when it is missing. */
export const chromiumPath = '/usr/bin/chromium';

/** Starts headless Chromium; fails (never skips) when it is not installed. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(chromiumPath)) throw new Error(`${chromiumPath} is missing: install it with apt-get install -y chromium (.ci/run does)`);
  return chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
}

/**
 * Starts `promote serve --world … --db <tmp>/promote.sqlite --port 0 …extra` on a world of its own
 * and waits for "Listening on"; `killServes()` ends it.
 */
export async function startServe(world: unknown, extra: readonly string[] = []): Promise<ServeProcess> {
  const directory = tempDirectory({ 'world.json': world });
  return serve(['--world', join(directory, 'world.json'), '--db', join(directory, 'promote.sqlite'), '--port', '0', ...extra]);
}

/** The example world of docs/examples/world.json. */
export function exampleWorldJson(): Record<string, unknown[]> {
  return JSON.parse(readFileSync(join(root, 'docs/examples/world.json'), 'utf8')) as Record<string, unknown[]>;
}

const require = createRequire(import.meta.url);
let axeSource: string | undefined;

/** Serious or critical axe-core violations of the page as it is now: `rule: target …` lines. */
export async function seriousViolations(page: Page): Promise<string[]> {
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  // Evaluated, not added as a script tag: the page's content security policy allows only its own scripts.
  await page.evaluate(`${axeSource};0`);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: { id: string; impact: string | null; nodes: { target: unknown[] }[] }[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((violation) => ({ id: violation.id, impact: violation.impact, targets: violation.nodes.map((node) => JSON.stringify(node.target)) }));
  });
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical').map((violation) => `${violation.id}: ${violation.targets.join(' ')}`);
}

/**
 * Where screenshots go: `$PROMOTE_SCREENSHOT_DIR` (docs/activity-page to refresh the committed set),
 * else a temporary folder, so that a test run leaves the checkout as it was.
 */
export function screenshotDirectory(): string {
  const configured = process.env['PROMOTE_SCREENSHOT_DIR'];
  const directory = configured === undefined || configured === '' ? tempDirectory() : join(root, configured);
  mkdirSync(directory, { recursive: true });
  return directory;
}
