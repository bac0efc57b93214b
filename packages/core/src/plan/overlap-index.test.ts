import fc from 'fast-check';
import { describe, expect } from 'vitest';
import type { Properties } from '../domain/entities.js';
import { OverlapIndex, overlapHash, sameOverlap, type OverlapAttributes } from './overlap-index.js';
import { overlapKey } from './plan-quality-checks.js';
// A test-only file that imports nothing of ours: core's tests share it without core depending on testkit.
import { testProp } from '../../../testkit/src/properties/test-prop.js';

// Small domains with the variations overlap matching must see through: case (ASCII and not:
// the Kelvin sign lower-cases to "k"), name order and repeats, key order, -0, whitespace in filters.
const name = fc.constantFrom('id', 'ID', 'Id', 'k', 'K', '\u212a', 'straße', 'STRASSE', 'İd');
const scalar = fc.constantFrom<unknown>(0, -0, 1, '1', 'a', true, null);
const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, fc.array(tie('value'), { maxLength: 2 }), tie('object')),
  object: fc.dictionary(fc.constantFrom('a', 'b', 'min'), tie('value'), { maxKeys: 2 }),
})).value;
const properties = fc
  .dictionary(fc.constantFrom('a', 'b', 'min', 'max'), json, { maxKeys: 3 })
  .chain((record) => fc.shuffledSubarray(Object.keys(record), { minLength: Object.keys(record).length }).map((keys) => Object.fromEntries(keys.map((key) => [key, record[key]])) as Properties));
const attributes: fc.Arbitrary<OverlapAttributes> = fc.record({
  rule_type: fc.constantFrom('not_null', 'between'),
  fields: fc.array(name, { minLength: 1, maxLength: 3 }),
  properties,
  filter: fc.constantFrom(null, '', ' ', 'a > 1', ' a  >  1 ', 'a > 1\n', 'A > 1'),
}) as fc.Arbitrary<OverlapAttributes>;

describe('overlap matching by hash (§4)', () => {
  testProp('checks that overlap hash alike, and overlap exactly when their overlap keys are equal', [attributes, attributes], (a, b) => {
    const same = sameOverlap(a, b);
    expect(same).toBe(overlapKey(a) === overlapKey(b));
    if (same) expect(overlapHash(a)).toBe(overlapHash(b));
  }, { numRuns: 3000 });

  testProp('the index finds exactly the overlapping candidates, in their order', [fc.array(attributes, { maxLength: 30 }), attributes], (checks, probe) => {
    const candidates = checks.map((check, index) => ({ ...check, id: index + 1 }));
    const expected = candidates.filter((candidate) => overlapKey(candidate) === overlapKey(probe)).map((candidate) => candidate.id);
    expect(new OverlapIndex(candidates).find(probe)).toEqual(expected);
    // The probe's own copy among the candidates is always found.
    expect(new OverlapIndex([...candidates, { ...probe, id: 99 }]).find(probe)).toContain(99);
  }, { numRuns: 500 });
});
