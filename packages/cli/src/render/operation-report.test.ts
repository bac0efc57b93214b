import type { OperationView, PromoteResultView } from '@promote/core';
import { describe, expect, test } from 'vitest';
import { operationReport } from './operation-report.js';

function operationOf(results: readonly PromoteResultView[]): OperationView {
  return {
    id: 7,
    type: 'promote',
    promote_type: 'quality_check',
    result: 'success',
    start_time: '2026-03-10T14:30:00Z',
    end_time: '2026-03-10T14:31:00Z',
    triggered_by: 'jane@example.com',
    aborted_by: null,
    message: null,
    datastore: { id: 1, name: 'Staging' },
    destination_datastore: { id: 2, name: 'Production' },
    container: { id: 10, name: 'orders' },
    destination_container: { id: 20, name: 'orders' },
    as_draft: true,
    status: { total: results.length, created: results.length, updated: 0, skipped: 0, failed: 0 },
    results,
  };
}

const created = (id: number, description = `check ${id}`): PromoteResultView => ({
  id,
  source_entity_id: id,
  source_entity: { id, description, rule_type: 'not_null', status: 'active' },
  entity_type: 'quality_check',
  result: 'created',
  destination_entity_id: 100_000 + id,
  destination_entity: { id: 100_000 + id, description, rule_type: 'not_null', status: 'draft' },
  message: null,
});

describe('operationReport', () => {
  test('columns as wide as their widest cell (truncated at 48), the last one unpadded', () => {
    const lines = operationReport(operationOf([created(1, 'short'), created(22, 'a longer description')]));
    expect(lines).toEqual([
      'Operation 7: promote quality_check, Staging · orders (10) → Production · orders (20): success',
      '  id  source                           result   destination     message',
      '  1   not_null "short"                 created  100001 (draft)',
      '  22  not_null "a longer description"  created  100022 (draft)',
      '  2 total: 2 created, 0 updated, 0 skipped, 0 failed',
    ]);
  });

  test('160,000 results: one line each, no stack overflow', () => {
    const results = Array.from({ length: 160_000 }, (_, index) => created(index + 1));
    const lines = operationReport(operationOf(results));
    expect(lines).toHaveLength(160_000 + 3);
    expect(lines[2]).toBe('  1       not_null "check 1"       created  100001 (draft)');
  });
});
