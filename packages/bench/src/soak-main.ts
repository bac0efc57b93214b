#!/usr/bin/env node
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runSoak } from './soak.js';

const usage = `Usage: pnpm soak [--minutes M] [--clients C] [--checks N] [--sample-seconds S] [--seed N]

Runs promote serve on a SQLite file under mixed traffic (result pages, operation lists, plans, runs,
aborts, resumes) from C concurrent clients for M minutes (default 10), reads the server's RSS every
S seconds (default 10), and prints the series, the first and last fifth's medians and the growth.`;

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    clients: { type: 'string', default: '8' },
    checks: { type: 'string', default: '2000' },
    'sample-seconds': { type: 'string', default: '10' },
    seed: { type: 'string', default: '1' },
    help: { type: 'boolean', short: 'h' },
  },
  args: process.argv.slice(2).filter((argument, index) => !(index === 0 && argument === '--')),
});
if (values.help === true) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}
const numbers = [values.minutes, values.clients, values.checks, values['sample-seconds'], values.seed].map(Number);
if (numbers.some((value) => !Number.isFinite(value) || value <= 0)) {
  process.stderr.write(`Every option takes a number above 0.\n${usage}\n`);
  process.exit(2);
}
const [minutes, clients, checks, sampleSeconds, seed] = numbers as [number, number, number, number, number];
const directory = mkdtempSync(join(tmpdir(), 'promote-soak-'));
try {
  process.stderr.write(`soak: ${minutes} min, ${clients} clients, ${checks} checks, ${new Date().toISOString()}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}\n`);
  const report = await runSoak({
    durationMs: minutes * 60_000,
    clients,
    checks,
    sampleMs: sampleSeconds * 1000,
    database: join(directory, 'soak.sqlite'),
    seed,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  const growth = report.lastMiB - report.firstMiB;
  process.stdout.write(
    [
      `duration ${(report.durationMs / 1000).toFixed(0)} s, ${report.samples.at(-1)?.requests ?? 0} requests (${Object.entries(report.requests).map(([kind, count]) => `${kind} ${count}`).join(', ')}), ${report.serverErrors} answers ≥ 500`,
      `RSS first fifth ${report.firstMiB.toFixed(1)} MiB, last fifth ${report.lastMiB.toFixed(1)} MiB (growth ${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MiB), max ${report.maxMiB.toFixed(1)} MiB`,
      `heap after GC: first fifth ${report.firstHeapMiB.toFixed(1)} MiB, last fifth ${report.lastHeapMiB.toFixed(1)} MiB`,
      `samples (s: RSS/heap MiB): ${report.samples.map((sample) => `${(sample.atMs / 1000).toFixed(0)}: ${sample.rssMiB.toFixed(0)}/${sample.heapMiB?.toFixed(0) ?? '–'}`).join(', ')}`,
      ...(report.stderr.trim() === '' ? [] : [`server stderr:\n${report.stderr.trim()}`]),
    ].join('\n') + '\n',
  );
  if (report.serverErrors > 0 || report.stderr.trim() !== '') process.exitCode = 1;
} finally {
  rmSync(directory, { recursive: true, force: true });
}
