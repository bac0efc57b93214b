#!/usr/bin/env node
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startProfiling } from './profiling.js';
import { renderMarkdown, renderTable } from './render-table.js';
import { runBench, scenarios, type ScenarioName } from './run-bench.js';
import { fullScale, tinyScale } from './scale.js';

const usage = `Usage: pnpm bench [--json FILE] [--markdown FILE] [--only NAME[,NAME…]] [--scale full|tiny] [--seed N] [--profile DIR]

Runs the Promote engine's benchmark scenarios and prints a table; every figure comes with a
baseline measured in the same run. Scenarios: ${Object.keys(scenarios).join(', ')}.
--profile DIR records a CPU profile of each measured section (profiling slows it down: figures
of a profiled run are not comparable); node packages/bench/dist/profile-summary.js DIR [LABEL] sums them up.`;

const { values } = parseArgs({
  options: {
    json: { type: 'string' },
    markdown: { type: 'string' },
    only: { type: 'string' },
    scale: { type: 'string', default: 'full' },
    seed: { type: 'string', default: '1' },
    profile: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
  // `pnpm bench -- --json x` hands the script a literal `--`.
  args: process.argv.slice(2).filter((argument, index) => !(index === 0 && argument === '--')),
});

if (values.help === true) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}
const only = values.only?.split(',').map((name) => name.trim());
const unknown = only?.filter((name) => !(name in scenarios)) ?? [];
const seed = Number(values.seed);
if (unknown.length > 0 || (values.scale !== 'full' && values.scale !== 'tiny') || !Number.isInteger(seed)) {
  process.stderr.write(`${unknown.length > 0 ? `Unknown scenario(s): ${unknown.join(', ')}\n` : ''}${usage}\n`);
  process.exit(2);
}

if (values.profile !== undefined) await startProfiling(values.profile);
const report = await runBench({
  scale: values.scale === 'tiny' ? tinyScale : fullScale,
  seed,
  only: only as ScenarioName[] | undefined,
  log: (line) => process.stderr.write(`${line}\n`),
});
process.stdout.write(`${renderTable(report)}\n`);
if (values.json !== undefined) writeFileSync(values.json, `${JSON.stringify(report, null, 2)}\n`);
if (values.markdown !== undefined) writeFileSync(values.markdown, `${renderMarkdown(report)}\n`);
