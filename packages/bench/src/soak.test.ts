import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { runSoak } from './soak.js';

const directory = mkdtempSync(join(tmpdir(), 'promote-soak-test-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

test('a short soak: every kind of request is sent, none answers ≥ 500, the server stays quiet, RSS is sampled', { timeout: 120_000 }, async () => {
  // Past the 4 s if the machine is slow, until every kind of request was sent.
  const report = await runSoak({ durationMs: 4000, everyKind: true, clients: 4, checks: 40, sampleMs: 500, database: join(directory, 'soak.sqlite') });
  expect(report.serverErrors).toBe(0);
  expect(report.stderr).toBe('');
  expect(Object.keys(report.requests).sort()).toEqual(['abort', 'operation', 'operation-list', 'plan', 'result-page', 'resume', 'run']);
  expect(report.samples.length).toBeGreaterThanOrEqual(3);
  for (const sample of report.samples) expect(sample.rssMiB).toBeGreaterThan(10);
  expect(report.samples.at(-1)?.heapMiB).toBeGreaterThan(1);
  expect(report.maxMiB).toBeGreaterThanOrEqual(report.lastMiB);
});
