import type { OperationRecord } from '../domain/operation.js';

/**
 * An operation record for the colocated tests of `run/`: a quality-check promotion 10 → 20 of
 * checks 1, 2 and 3, running. Not shipped in `dist` (tsconfig.json excludes it).
 */
export function testOperation(overrides: Partial<OperationRecord> = {}): OperationRecord {
  return {
    id: 7,
    promote_type: 'quality_check',
    result: 'running',
    start_time: '2026-03-10T14:00:00Z',
    end_time: null,
    triggered_by: 'mira@example.com',
    aborted_by: null,
    message: null,
    datastore: { id: 1, name: 'staging' },
    destination_datastore: { id: 2, name: 'production' },
    container: { id: 10, name: 'orders' },
    destination_container: { id: 20, name: 'orders' },
    as_draft: true,
    status: { total: 3, created: 0, updated: 0, skipped: 0, failed: 0 },
    request: { type: 'promote_quality_check', datastore_id: 1, container_id: 10, destination_container_id: 20, as_draft: true },
    selection: [1, 2, 3],
    destination_scope: 'container:20',
    ...overrides,
  };
}
