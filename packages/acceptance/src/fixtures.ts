import { parseWorldSnapshot, type World, type WorldSnapshot } from '@promote/core';

type CheckSnapshot = NonNullable<WorldSnapshot['quality_checks']>[number];

/**
 * A small world: Staging Warehouse (1) with `orders` (10), Production Warehouse (2) with `orders`
 * (20, destination casing `Email`), users admin / jane (editor on both) / victor (viewer) / hank
 * (editor on staging, author on production), and the given checks (container 10 unless said).
 */
export function smallWorld(checks: readonly (Partial<CheckSnapshot> & { id: number })[], extra: Partial<WorldSnapshot> = {}): World {
  const snapshot: WorldSnapshot = {
    users: [
      { id: 1, email: 'admin@example.com', role: 'admin' },
      { id: 2, email: 'jane@example.com', role: 'member' },
      { id: 3, email: 'victor@example.com', role: 'member' },
      { id: 4, email: 'hank@example.com', role: 'manager' },
    ],
    teams: [
      { id: 1, name: 'Data Engineering', members: [2], permissions: { '1': 'editor', '2': 'editor' } },
      { id: 2, name: 'Analysts', members: [3], permissions: { '1': 'viewer', '2': 'viewer' } },
      { id: 3, name: 'Staging', members: [4], permissions: { '1': 'editor', '2': 'author' } },
    ],
    datastores: [
      { id: 1, name: 'Staging Warehouse', store_type: 'jdbc' },
      { id: 2, name: 'Production Warehouse', store_type: 'jdbc' },
    ],
    containers: [
      {
        id: 10,
        datastore_id: 1,
        name: 'orders',
        container_type: 'table',
        fields: [
          { name: 'email', type: 'string' },
          { name: 'amount', type: 'integral' },
          { name: 'phone', type: 'string' },
        ],
      },
      {
        id: 20,
        datastore_id: 2,
        name: 'orders',
        container_type: 'table',
        fields: [
          { name: 'Email', type: 'string' },
          { name: 'AMOUNT', type: 'integral' },
        ],
      },
      { id: 21, datastore_id: 2, name: 'gone', container_type: 'table', deleted_at: '2026-01-01T00:00:00Z' },
    ],
    quality_checks: checks.map((check) => ({ container_id: 10, rule_type: 'not_null', fields: ['email'], description: `check ${check.id}`, ...check })),
    ...extra,
  };
  const parsed = parseWorldSnapshot(snapshot);
  if (parsed.isErr()) throw new Error(JSON.stringify(parsed.error.problems));
  return parsed.value;
}

/** A quality-check request body from container 10 to 20. */
export function qcRequest(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'promote_quality_check', datastore_id: 1, container_id: 10, destination_container_id: 20, ...extra };
}
