// Imports nothing of ours but `fcNumRuns` (itself import-free), so that core's tests can use this
// file too although core cannot depend on testkit.
import fc from 'fast-check';
import { test } from 'vitest';
import { fcNumRuns } from '../arbitraries/fc-num-runs.js';

type PropertyResult = boolean | void | Promise<boolean | void>;

/**
 * Registers a vitest test that checks a property with `fc.assert(fc.asyncProperty(…))`: the
 * predicate passes when it returns neither `false` nor a rejection and throws no assertion error.
 *
 * `arbitraries` is a tuple (the predicate gets one argument per arbitrary) or a record (it gets one
 * object). `params` are fast-check's; `numRuns` (default 100) is raised to `FC_NUM_RUNS` when that
 * is set higher (see {@link fcNumRuns}). The seed is drawn at registration, unless `params.seed` or
 * `fc.configureGlobal` gives one, and shows in the test name as ` (with seed=…)`; on failure
 * fast-check's report gives the seed and path to replay the counterexample.
 *
 * It is a few lines over plain fast-check rather than `@fast-check/vitest`, whose import alone cost
 * about 2.7 s per test file under vitest 4.1.
 *
 * @example
 * testProp('sorting is idempotent', [fc.array(fc.integer())], (list) => {
 *   expect([...list].sort().sort()).toEqual([...list].sort());
 * }, { numRuns: 50 });
 */
export function testProp<Ts extends [unknown, ...unknown[]]>(
  name: string,
  arbitraries: { [K in keyof Ts]: fc.Arbitrary<Ts[K]> },
  predicate: (...args: Ts) => PropertyResult,
  params?: fc.Parameters<Ts>,
  timeout?: number,
): void;
export function testProp<T extends Record<string, unknown>>(
  name: string,
  arbitraries: { [K in keyof T]: fc.Arbitrary<T[K]> },
  predicate: (value: T) => PropertyResult,
  params?: fc.Parameters<[T]>,
  timeout?: number,
): void;
export function testProp(
  name: string,
  arbitraries: readonly fc.Arbitrary<unknown>[] | Record<string, fc.Arbitrary<unknown>>,
  // `any`: the implementation serves both overloads, which give the real types.
  predicate: (...args: any[]) => PropertyResult,
  params: fc.Parameters<any> = {},
  timeout?: number,
): void {
  const tuple = Array.isArray(arbitraries) ? arbitraries : [fc.record(arbitraries as Record<string, fc.Arbitrary<unknown>>)];
  const global = fc.readConfigureGlobal();
  const seed = params.seed ?? global.seed ?? Date.now() ^ (Math.random() * 0x1_0000_0000);
  const defaultRuns = params.numRuns ?? global.numRuns ?? 100;
  const numRuns = Math.max(defaultRuns, fcNumRuns(defaultRuns));
  const property = fc.asyncProperty(...(tuple as [fc.Arbitrary<unknown>]), async (...args: unknown[]) => predicate(...args));
  test(`${name} (with seed=${seed})`, () => fc.assert(property, { ...params, seed, numRuns }), timeout);
}
