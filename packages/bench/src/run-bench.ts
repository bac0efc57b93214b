import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import type { Figure } from './figure.js';
import { collectGarbage } from './measure.js';
import type { BenchScale } from './scale.js';
import { abortLatency } from './scenarios/abort-latency.js';
import { activityPage } from './scenarios/activity-page.js';
import { activePromotion } from './scenarios/active-promotion.js';
import { draftPromotion } from './scenarios/draft-promotion.js';
import { httpReads } from './scenarios/http-reads.js';
import { largeDraft } from './scenarios/large-draft.js';
import { plannerScaling } from './scenarios/planner-scaling.js';
import { postgresScenarios } from './scenarios/postgres.js';
import { responsiveness } from './scenarios/responsiveness.js';

/** The scenarios, in the order they run; the keys `--only` takes. */
export const scenarios = {
  'planner-scaling': (scale: BenchScale, seed: number) => plannerScaling(scale, seed),
  'draft-promotion': (scale: BenchScale, seed: number, workDir: string) => draftPromotion(scale, seed, workDir),
  'active-promotion': (scale: BenchScale, seed: number, workDir: string) => activePromotion(scale, seed, workDir),
  'large-draft': (scale: BenchScale, seed: number, workDir: string) => largeDraft(scale, seed, workDir),
  responsiveness: (scale: BenchScale, seed: number, workDir: string) => responsiveness(scale, seed, workDir),
  http: (scale: BenchScale, seed: number, workDir: string) => httpReads(scale, seed, workDir),
  'abort-latency': (scale: BenchScale, seed: number, workDir: string) => abortLatency(scale, seed, workDir),
  'activity-page': (scale: BenchScale, seed: number, workDir: string) => activityPage(scale, seed, workDir),
  postgres: (scale: BenchScale, seed: number) => postgresScenarios(scale, seed),
} as const;

export type ScenarioName = keyof typeof scenarios;

/** Options of {@link runBench}. */
export interface RunBenchOptions {
  readonly scale: BenchScale;
  /** Seed of every generated world. Default 1. */
  readonly seed?: number | undefined;
  /** Only these scenarios. Default: all. */
  readonly only?: readonly ScenarioName[] | undefined;
  /** Told when a scenario starts and ends. */
  readonly log?: ((line: string) => void) | undefined;
}

/** What a run measured, and where. */
export interface BenchReport {
  readonly startedAt: string;
  readonly scale: string;
  readonly seed: number;
  readonly machine: { readonly node: string; readonly platform: string; readonly cpus: number; readonly cpuModel: string; readonly memoryMiB: number; readonly exposedGc: boolean };
  readonly figures: readonly Figure[];
}

/**
 * Runs the scenarios one after the other in this process (the large draft's and the HTTP client's
 * child processes aside), in a temporary directory removed at the end.
 *
 * @example
 * const report = await runBench({ scale: fullScale });
 * console.log(renderTable(report));
 */
export async function runBench(options: RunBenchOptions): Promise<BenchReport> {
  const seed = options.seed ?? 1;
  const log = options.log ?? (() => undefined);
  const workDir = mkdtempSync(join(tmpdir(), 'promote-bench-'));
  const startedAt = new Date().toISOString();
  const figures: Figure[] = [];
  try {
    for (const [name, scenario] of Object.entries(scenarios) as [ScenarioName, (typeof scenarios)[ScenarioName]][]) {
      if (options.only !== undefined && !options.only.includes(name)) continue;
      log(`${name} …`);
      collectGarbage();
      const start = Date.now();
      figures.push(...(await scenario(options.scale, seed, workDir)));
      log(`${name} done in ${((Date.now() - start) / 1000).toFixed(1)} s`);
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  const cpuList = cpus();
  return {
    startedAt,
    scale: options.scale.name,
    seed,
    machine: {
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      cpus: cpuList.length,
      cpuModel: cpuList[0]?.model ?? 'unknown',
      memoryMiB: Math.round(totalmem() / 1024 / 1024),
      exposedGc: typeof (globalThis as { gc?: unknown }).gc === 'function',
    },
    figures,
  };
}
