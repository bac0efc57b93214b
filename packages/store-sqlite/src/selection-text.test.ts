import fc from 'fast-check';
import { fcNumRuns } from '@promote/testkit';
import { testProp } from '@promote/testkit/vitest';
import { describe, expect, test } from 'vitest';
import { decodeSelection, encodeSelection } from './json.js';

/** Selections as the engine makes them (ascending ids) and as a store may be handed them (any order, repeats). */
const ids = fc.oneof(
  fc.array(fc.integer({ min: 1, max: 60 }), { maxLength: 80 }),
  fc.uniqueArray(fc.integer({ min: 1, max: 200 }), { maxLength: 150 }).map((values) => values.sort((a, b) => a - b)),
  fc.tuple(fc.integer({ min: 1, max: 2 ** 40 }), fc.integer({ min: 0, max: 40 })).map(([first, length]) => Array.from({ length }, (_, index) => first + index)),
);

describe('operation selection text (operation_selections.selection)', () => {
  testProp('decodes to the ids it was made from, in their order', [ids], (selection) => {
    expect(decodeSelection(encodeSelection(selection))).toEqual(selection);
  }, { numRuns: fcNumRuns(300) });

  testProp('a plain JSON array of ids (what migration 0005 moved) decodes as before', [ids], (selection) => {
    expect(decodeSelection(JSON.stringify(selection))).toEqual(selection);
  }, { numRuns: fcNumRuns(100) });

  test('consecutive ids are one run, short runs and gaps stay ids', () => {
    expect(encodeSelection([])).toBe('[]');
    expect(encodeSelection([4, 5])).toBe('[4,5]');
    expect(encodeSelection([1, 2, 3, 7, 9, 10, 11, 12, 3])).toBe('[[1,3],7,[9,12],3]');
    // Fewer than half the ids in runs: the plain array.
    expect(encodeSelection([1, 2, 3, 5, 7, 9, 11])).toBe('[1,2,3,5,7,9,11]');
    const million = Array.from({ length: 1_000_000 }, (_, index) => index + 1);
    expect(encodeSelection(million)).toBe('[[1,1000000]]');
  });
});
