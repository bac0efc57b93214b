import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

/** The crash test's child, built: node runs it on the built core and store, as in production. */
export const builtChild = join(root, 'packages/acceptance/dist/crash/promote-child.js');

// The lock of the CLI tests' build too (packages/cli/src/testing/built-cli.ts): both builds write
// core's and store-sqlite's dist/, so two at once could read each other's half-written files.
const lockDirectory = join(tmpdir(), 'promote-test-build.lock');

/**
 * Builds the child and what it imports with `tsc -b packages/acceptance/tsconfig.build.json`, one
 * build at a time across test workers; a build that is up to date takes about a second.
 */
export async function buildChild(): Promise<void> {
  await acquireLock();
  try {
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    const { code, output } = await new Promise<{ code: number; output: string }>((resolve) => {
      execFile(process.execPath, [tsc, '-b', 'packages/acceptance/tsconfig.build.json'], { cwd: root }, (error, stdout, stderr) => {
        resolve({ code: error === null ? 0 : 1, output: `${stdout}${stderr}` });
      });
    });
    if (code !== 0) throw new Error(`tsc -b packages/acceptance/tsconfig.build.json failed:\n${output}`);
  } finally {
    rmSync(lockDirectory, { recursive: true, force: true });
  }
}

async function acquireLock(): Promise<void> {
  for (;;) {
    try {
      mkdirSync(lockDirectory);
      return;
    } catch {
      const age = Date.now() - (modifiedAt(lockDirectory) ?? Date.now());
      if (age > 180_000) rmSync(lockDirectory, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

function modifiedAt(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}
