/**
 * The large draft of two or more built trees, alternately, on copies of one template: what a change
 * gained, told apart from the machine's drift (a single run's ratio to the raw insert moves by a
 * quarter from hour to hour here; runs that alternate within minutes do not).
 *
 *   node packages/bench/dist/ab-large-draft.js [--checks N] [--rounds R] TREE TREE…
 *
 * Each TREE is a checkout with its packages built (`npx tsc -b`); its large-draft child
 * (`packages/bench/dist/children/large-draft.js`) promotes N new checks (default 100,000) as
 * drafts into an empty container, in its own process. Each round runs the raw insert of the same
 * checks and results, then every tree, the order reversed every other round. Prints each round and
 * the medians, each tree's as a ratio to the raw insert's. With PROMOTE_BENCH_STORE_TIMES=1 in the
 * environment, a child that can (this tree's) times every store call, and each run prints the
 * calls and time per store method.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { benchWorld } from './bench-world.js';
import { copyDatabase, rawDraftInsert, removeDatabase, sqliteTemplate } from './sqlite-files.js';

const usage = 'Usage: node packages/bench/dist/ab-large-draft.js [--checks N] [--rounds R] TREE TREE…';

const { values, positionals } = (() => {
  try {
    return parseArgs({ options: { checks: { type: 'string', default: '100000' }, rounds: { type: 'string', default: '5' } }, allowPositionals: true });
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
})();
const checks = wholeNumber('--checks', values.checks);
const rounds = wholeNumber('--rounds', values.rounds);
const trees = positionals.map((tree) => resolve(tree));
if (trees.length < 2) fail('give at least two trees');
const childOf = (tree: string) => join(tree, 'packages/bench/dist/children/large-draft.js');
for (const tree of trees) if (!existsSync(childOf(tree))) fail(`${tree} has no built large-draft child (run npx tsc -b there)`);

const workDir = mkdtempSync(join(tmpdir(), 'promote-ab-'));
try {
  const template = join(workDir, 'template.sqlite');
  const bench = benchWorld({ seed: 1, checks, destination: 'empty' });
  await sqliteTemplate(template, bench.world);
  const sources = bench.world.quality_checks.filter((check) => check.container_id === bench.request.container_id);
  const body = JSON.stringify({ ...bench.request, as_draft: true });
  const raw: number[] = [];
  const engine = new Map<string, number[]>(trees.map((tree) => [tree, []]));
  for (let round = 0; round < rounds; round++) {
    const rawFile = copyDatabase(template, join(workDir, 'raw.sqlite'));
    raw.push(rawDraftInsert(rawFile, sources, bench.request.destination_container_id, '2026-03-01T10:00:00Z'));
    removeDatabase(rawFile);
    for (const tree of round % 2 === 0 ? trees : [...trees].reverse()) {
      const file = copyDatabase(template, join(workDir, 'run.sqlite'));
      const out = execFileSync(process.execPath, ['--expose-gc', childOf(tree), file, body, bench.actor.email], { encoding: 'utf8', maxBuffer: 1 << 26 });
      removeDatabase(file);
      const answer = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { ms: number; result?: string; status?: { created: number }; storeTimes?: readonly { method: string; calls: number; ms: number }[] };
      if (answer.result !== 'success' || answer.status?.created !== checks) throw new Error(`${tree}: the promotion did not create ${checks} checks: ${out.slice(0, 500)}`);
      engine.get(tree)?.push(answer.ms);
      if (answer.storeTimes !== undefined) console.log(`  ${tree} ${answer.ms.toFixed(0)} ms, store calls: ${answer.storeTimes.map((entry) => `${entry.method} ${entry.ms.toFixed(0)} ms (${entry.calls})`).join(', ')}`);
    }
    console.log(`round ${round + 1}: raw ${raw.at(-1)?.toFixed(0)} ms; ${trees.map((tree) => `${tree} ${engine.get(tree)?.at(-1)?.toFixed(0)} ms`).join('; ')}`);
  }
  const rawMedian = median(raw);
  console.log(`medians of ${rounds}: raw ${rawMedian.toFixed(0)} ms; ${trees.map((tree) => { const ms = median(engine.get(tree) ?? []); return `${tree} ${ms.toFixed(0)} ms (${(ms / rawMedian).toFixed(2)}× raw)`; }).join('; ')}`);
} finally {
  rmSync(workDir, { recursive: true, force: true });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function wholeNumber(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) fail(`${name} must be a whole number from 1, not ${JSON.stringify(text)}`);
  return value;
}

function fail(message: string): never {
  console.error(`${message}\n${usage}`);
  process.exit(2);
}
