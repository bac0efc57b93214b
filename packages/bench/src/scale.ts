/** The sizes every scenario runs at. */
export interface BenchScale {
  readonly name: string;
  /** Source checks of the planner-scaling cases, ascending (the 1k, 10k, 100k). */
  readonly plannerSizes: readonly number[];
  /** New checks of the draft promotion and its all-skipped re-promotion. */
  readonly draftChecks: number;
  /** Checks of the active promotion (batches of 10). */
  readonly activeChecks: number;
  readonly activeLatencyMs: number;
  readonly activeConcurrency: readonly number[];
  /** Checks of the large draft promotions whose peak RSS is measured, each in a child process of its own (SPEC §19: a million within the memory of a hundred thousand). */
  readonly largeSizes: readonly number[];
  /** New checks of the promotion `promote serve` runs while the responsiveness scenario reads another operation's pages. */
  readonly responsivenessChecks: number;
  /** Results of the operation the HTTP scenario reads. */
  readonly httpResults: number;
  readonly httpPageSize: number;
  /** Requests in flight at all times during the HTTP measurement. */
  readonly httpConcurrency: number;
  /** Measured requests (after one untimed round of `httpConcurrency` requests). */
  readonly httpRequests: number;
  /** Full `GET /api/operations/{id}` (every result in one answer): requests in flight, and in all. */
  readonly httpFullConcurrency: number;
  readonly httpFullRequests: number;
  /** Results of the operation whose one whole read the server's memory is measured for (against `httpResults`). */
  readonly httpMemoryResults: number;
  /** New checks of the draft promotion that the abort-latency scenario aborts, and when (ms after its first commit). */
  readonly abortChecks: number;
  readonly abortDelaysMs: readonly number[];
  /** New checks per destination of the PostgreSQL scaling scenario (4 destinations). */
  readonly postgresScalingChecks: number;
  /** How long after spawning them the scaling scenario's instances start together: their start-up (node, imports, the pool) must fit. */
  readonly postgresStartDelayMs: number;
  /** Operations, and results of the largest one, of the Activity page's long history. */
  readonly pageOperations: number;
  readonly pageResults: number;
  /** Timed requests per page of the Activity page (the median is reported). */
  readonly pageRequests: number;
  /** Repetitions of the short scenarios (the median is reported). */
  readonly repetitions: number;
}

/** The sizes: what `pnpm bench` runs. */
export const fullScale: BenchScale = {
  name: 'full',
  plannerSizes: [1_000, 10_000, 100_000],
  draftChecks: 10_000,
  activeChecks: 2_000,
  activeLatencyMs: 10,
  activeConcurrency: [1, 4, 8],
  largeSizes: [100_000, 1_000_000],
  responsivenessChecks: 1_000_000,
  httpResults: 10_000,
  httpPageSize: 50,
  httpConcurrency: 200,
  httpRequests: 4_000,
  httpFullConcurrency: 4,
  httpFullRequests: 80,
  httpMemoryResults: 100_000,
  abortChecks: 50_000,
  abortDelaysMs: [20, 150, 400],
  postgresScalingChecks: 5_000,
  postgresStartDelayMs: 3_000,
  pageOperations: 10_000,
  pageResults: 100_000,
  pageRequests: 30,
  // Nine: on this shared two-core machine a median of five still moved by a tenth between runs.
  repetitions: 9,
};

/** Every scenario at a size that takes a few seconds in all: the smoke test's. */
export const tinyScale: BenchScale = {
  name: 'tiny',
  plannerSizes: [10, 100],
  draftChecks: 40,
  activeChecks: 40,
  activeLatencyMs: 1,
  activeConcurrency: [1, 4],
  largeSizes: [100, 300],
  responsivenessChecks: 300,
  httpResults: 40,
  httpPageSize: 5,
  httpConcurrency: 4,
  httpRequests: 16,
  httpFullConcurrency: 2,
  httpFullRequests: 4,
  httpMemoryResults: 400,
  abortChecks: 5_000,
  abortDelaysMs: [0],
  postgresScalingChecks: 50,
  postgresStartDelayMs: 0,
  pageOperations: 30,
  pageResults: 60,
  pageRequests: 3,
  repetitions: 1,
};

/** `1000` → `1k`, `100000` → `100k`. */
export function count(n: number): string {
  return n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n);
}
