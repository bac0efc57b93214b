import type { World } from '@promote/core';
import { WorldBuilder } from './world-builder.js';

/** The ids of {@link sampleWorld}, by role. */
export const sampleIds = {
  users: { admin: 1, editor: 2, viewer: 3 },
  teams: { editors: 1, readers: 2, idle: 3 },
  datastores: { warehouse: 1, staging: 2, lake: 3 },
  containers: {
    /** Table of the warehouse, source of promotions. */
    orders: 10,
    /** Table of staging, destination of promotions. */
    stagingOrders: 11,
    /** Soft-deleted view of staging. */
    oldOrders: 12,
    /** Computed table of the warehouse. */
    revenue: 13,
    /** Unprofiled file pattern of the lake. */
    events: 14,
    /** Computed file of the lake over `events`. */
    eventsByCountry: 15,
  },
  fields: { ordersId: 100, ordersAmount: 101, ordersEmail: 102, stagingId: 103, stagingAmount: 110 },
  checks: { notNull: 20, between: 21, stagingArchived: 22, stagingDiscarded: 40 },
  computedFields: { amountUsd: 30, expression: 31, stagingAmountUsd: 35 },
} as const;

/**
 * A small world using every kind of entity and attribute: soft-deleted and unprofiled containers,
 * each container type, each status, nested JSON properties, unicode text, timestamps with and
 * without milliseconds and with an offset, a user with a token and one with a mixed-case email,
 * gaps between ids, and lineage. Fresh values on each call.
 */
export function sampleWorld(): World {
  const ids = sampleIds;
  const world = new WorldBuilder();
  world.user({ id: ids.users.admin, email: 'admin@example.com', role: 'admin', token: 'token-admin' });
  world.user({ id: ids.users.editor, email: 'Editor@Example.com', role: 'member', token: 'token-editor' });
  world.user({ id: ids.users.viewer, email: 'viewer@example.com', role: 'manager' });
  world.datastore({ id: ids.datastores.warehouse, name: 'warehouse', store_type: 'jdbc' });
  world.datastore({ id: ids.datastores.staging, name: 'staging', store_type: 'jdbc' });
  world.datastore({ id: ids.datastores.lake, name: 'lake', store_type: 'dfs' });
  world.team({
    id: ids.teams.editors,
    name: 'editors',
    members: [ids.users.editor],
    permissions: { [ids.datastores.warehouse]: 'editor', [ids.datastores.staging]: 'editor' },
  });
  world.team({
    id: ids.teams.readers,
    name: 'readers',
    members: [ids.users.viewer, ids.users.editor],
    permissions: { [ids.datastores.warehouse]: 'reporter' },
  });
  world.team({ id: ids.teams.idle, name: 'idle' });

  world.table(ids.datastores.warehouse, {
    id: ids.containers.orders,
    name: 'orders',
    description: 'Orders — every one',
    tags: ['finance', 'pii'],
    additional_metadata: { owner: 'team-a', 'key with space': 'välue' },
  });
  world.table(ids.datastores.staging, { id: ids.containers.stagingOrders, name: 'Orders' });
  world.table(ids.datastores.staging, {
    id: ids.containers.oldOrders,
    name: 'old_orders',
    container_type: 'view',
    deleted_at: '2026-01-02T03:04:05.678Z',
  });
  world.computedTable(ids.datastores.warehouse, {
    id: ids.containers.revenue,
    name: 'revenue',
    query: "select region, sum(amount) from orders where note = 'a\\nb' group by region",
    incremental_field_name: 'updated_at',
    group_by_fields: ['region'],
    volumetric_tracking: true,
    freshness_tracking: false,
  });
  world.table(ids.datastores.lake, { id: ids.containers.events, name: 'events_*', container_type: 'file_pattern', profiled: false });
  world.computedFile(ids.datastores.lake, ids.containers.events, {
    id: ids.containers.eventsByCountry,
    name: 'events_by_country',
    select_clause: 'country, count(*)',
    where_clause: null,
    group_by_clause: 'country',
  });

  world.field(ids.containers.orders, { id: ids.fields.ordersId, name: 'id', type: 'integral' });
  world.field(ids.containers.orders, { id: ids.fields.ordersAmount, name: 'amount', type: 'fractional', status: 'masked' });
  world.field(ids.containers.orders, { id: ids.fields.ordersEmail, name: 'Email', type: 'string', status: 'excluded' });
  world.field(ids.containers.stagingOrders, { id: ids.fields.stagingId, name: 'ID', type: 'integral' });
  world.field(ids.containers.stagingOrders, { id: ids.fields.stagingAmount, name: 'amount', type: 'unknown', status: 'missing' });

  world.check(ids.containers.orders, {
    id: ids.checks.notNull,
    created_at: '2026-03-10T14:30:00Z',
    updated_at: '2026-03-10T14:30:00.123Z',
  });
  world.check(ids.containers.orders, {
    id: ids.checks.between,
    rule_type: 'between',
    description: 'Amount is plausible — «ünïcode» ✓',
    fields: ['amount'],
    coverage: 0.95,
    filter: "region = 'EU'",
    properties: {
      min: 0,
      max: 1000.5,
      inclusive: { min: true, max: false },
      nested: [1, 'two', null, { deep: [true, { deeper: -0.001 }] }],
      empty: {},
      text: '',
    },
    tags: ['finance', 'ünïcode'],
    additional_metadata: { owner: 'team-a', ticket: 'DQ-1' },
    status: 'draft',
    inferred: true,
    created_at: '2026-03-10T16:30:00+02:00',
    updated_at: '2026-03-11T00:00:00.000Z',
  });
  world.check(ids.containers.stagingOrders, { id: ids.checks.stagingArchived, status: 'archived', fields: ['ID'] });
  world.check(ids.containers.stagingOrders, { id: ids.checks.stagingDiscarded, status: 'discarded', rule_type: 'unique', fields: ['ID'] });

  world.computedField(ids.containers.orders, {
    id: ids.computedFields.amountUsd,
    name: 'amount_usd',
    transformation: 'cast',
    source_fields: ['amount'],
    properties: { target_type: 'fractional', format: '#,##0.00' },
    tags: ['money'],
  });
  world.computedField(ids.containers.orders, {
    id: ids.computedFields.expression,
    name: 'doubled',
    transformation: 'custom_expression',
    source_fields: [],
    properties: { column_expression: '`amount_usd` * 2' },
    status: 'deleted',
  });
  world.computedField(ids.containers.stagingOrders, {
    id: ids.computedFields.stagingAmountUsd,
    name: 'AMOUNT_USD',
    status: 'missing',
  });

  world.link({
    entity_type: 'quality_check',
    source_entity_id: ids.checks.notNull,
    destination_scope_id: ids.containers.stagingOrders,
    destination_entity_id: ids.checks.stagingArchived,
  });
  world.link({
    entity_type: 'computed_field',
    source_entity_id: ids.computedFields.amountUsd,
    destination_scope_id: ids.containers.stagingOrders,
    destination_entity_id: ids.computedFields.stagingAmountUsd,
  });
  world.link({
    entity_type: 'quality_check',
    source_entity_id: ids.checks.notNull,
    destination_scope_id: ids.containers.stagingOrders,
    destination_entity_id: ids.checks.stagingDiscarded,
  });
  return world.build();
}
