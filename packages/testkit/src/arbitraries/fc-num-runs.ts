/**
 * The `numRuns` a property test should use: `defaultRuns`, unless the environment variable
 * `FC_NUM_RUNS` holds a positive integer, which then wins (CI's long job sets it to a few thousand).
 *
 * @example
 * ```ts
 * fc.assert(fc.property(arbPromotionWorld(), (pw) => { … }), { numRuns: fcNumRuns(25) });
 * ```
 */
export function fcNumRuns(defaultRuns: number): number {
  const raw = process.env['FC_NUM_RUNS'];
  if (raw === undefined || !/^\s*[1-9][0-9]*\s*$/.test(raw)) return defaultRuns;
  return Number(raw);
}
