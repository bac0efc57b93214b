import { describe, expect, test } from 'vitest';
import type { ComputedTableContainer } from '../domain/entities.js';
import type { PromoteResultRecord } from '../domain/operation.js';
import { planRevert } from './plan-revert.js';

const live: ComputedTableContainer = {
  id: 40,
  datastore_id: 2,
  name: 'orders_daily',
  container_type: 'computed_table',
  description: '',
  tags: [],
  additional_metadata: {},
  deleted_at: null,
  profiled: true,
  query: 'select 1',
  incremental_field_name: null,
  group_by_fields: [],
  volumetric_tracking: false,
  freshness_tracking: false,
};

/** Operation 2 (a revert) retired the table at `retiredAt`: its `updated` result. */
const retiredBy2 = (retiredAt: string): PromoteResultRecord => ({
  id: 7,
  operation_id: 2,
  seq: 0,
  entity_type: 'computed_table',
  source_entity_id: 30,
  result: 'updated',
  destination_entity_id: live.id,
  message: null,
  changes: [{ path: 'deleted_at', before: null, after: retiredAt }] as never,
  before: live,
  after: { ...live, deleted_at: retiredAt },
  search_text: 'orders_daily',
});

describe('planRevert: a container soft-deleted is one status, whenever it was deleted (§16)', () => {
  test('the revert of a revert revives a table the first revert retired and a rerun of it retired again', () => {
    // Operation 2 retired it at 10:00; a rerun of operation 2 retired it again at 11:00.
    const [plan] = planRevert({
      revertedOperationId: 2,
      items: [{ recorded: retiredBy2('2026-03-01T10:00:00.000Z'), current: { ...live, deleted_at: '2026-03-01T11:00:00.000Z' } }],
      now: '2026-03-01T12:00:00.000Z',
    });
    expect(plan).toMatchObject({ result: 'updated', message: null, changes: [{ path: 'deleted_at' }] });
    expect((plan?.write?.value as ComputedTableContainer | undefined)?.deleted_at).toBeNull();
  });

  test('a table revived since the revert is still a change', () => {
    const [plan] = planRevert({
      revertedOperationId: 2,
      items: [{ recorded: retiredBy2('2026-03-01T10:00:00.000Z'), current: { ...live, description: 'changed' } }],
      now: '2026-03-01T12:00:00.000Z',
    });
    expect(plan).toMatchObject({ result: 'failed', message: 'Changed on the destination since operation 2: description, deleted_at' });
  });
});
