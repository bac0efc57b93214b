import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { QualityCheck, Store } from '@promote/core';
import { checkValue, fcNumRuns, sampleIds, sampleWorld } from '@promote/testkit';
import { testProp } from '@promote/testkit/vitest';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { openSqliteStore } from './index.js';

/*
 * getChecks answers the checks of the ids asked for that exist, ascending, each once — whatever
 * else lies between them (another container's checks, deleted ids, ids not asked for), for runs of
 * consecutive ids (a promotion's chunk of a container), runs with holes and ids in any order.
 */

let store: Store;
let all: readonly QualityCheck[];

beforeAll(async () => {
  store = await openSqliteStore({ filename: ':memory:' });
  await store.importWorld(sampleWorld());
  // 80 checks in two containers, interleaved, then a few deleted: ranges hold ids of both and gaps.
  const created = await store.applyEdits(
    Array.from({ length: 80 }, (_, index) => ({ kind: 'create_check' as const, value: checkValue(index % 3 === 0 ? sampleIds.containers.stagingOrders : sampleIds.containers.orders, { description: `check ${index}` }) })),
  );
  await store.applyEdits(created.filter((_, index) => index % 11 === 5).map((id) => ({ kind: 'delete' as const, entity: 'quality_check' as const, id })));
  all = (await store.exportWorld()).quality_checks;
});
afterAll(async () => {
  await store.close();
});

describe('getChecks', () => {
  const highest = () => Math.max(...all.map((check) => check.id));
  // Runs of consecutive ids (dense), runs with holes, and any ids in any order with repeats.
  const ids = fc.oneof(
    fc.tuple(fc.integer({ min: 1, max: 120 }), fc.integer({ min: 1, max: 60 })).map(([first, length]) => Array.from({ length }, (_, index) => first + index)),
    fc.tuple(fc.integer({ min: 1, max: 120 }), fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 40 })).map(([first, steps]) => steps.map((_, index) => first + steps.slice(0, index).reduce((sum, step) => sum + step, 0))),
    fc.array(fc.integer({ min: 0, max: 130 }), { maxLength: 50 }),
  );

  testProp('is the checks of the ids asked for that exist, ascending, each once', [ids], async (asked) => {
    assert.ok(highest() > 100);
    const wanted = new Set(asked);
    const expected = all.filter((check) => wanted.has(check.id)).sort((a, b) => a.id - b.id);
    assert.deepEqual(await store.getChecks(asked), expected);
  }, { numRuns: fcNumRuns(200) });

  test('a run holding a deleted id and leaving out an existing one: as many checks between them as ids asked, not the same ones', async () => {
    // 46 was deleted; 47 exists and is not asked for: 41–50 holds 9 checks, as 9 ids are asked.
    const asked = [41, 42, 43, 44, 45, 46, 48, 49, 50];
    assert.equal(all.some((check) => check.id === 46), false);
    assert.equal(all.some((check) => check.id === 47), true);
    assert.deepEqual((await store.getChecks(asked)).map((check) => check.id), [41, 42, 43, 44, 45, 48, 49, 50]);
  });
});
