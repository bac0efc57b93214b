import { z } from 'zod';
import {
  checkStatuses,
  computedFieldStatuses,
  containerTypes,
  fieldStatuses,
  fieldTypes,
  permissionLevels,
  promoteTypes,
  storeTypes,
  transformations,
  userRoles,
} from '../domain/enums.js';

/* The schemas of the world snapshot document (§14): the source of truth of its shape. */

const id = z.number().int().positive();
const name = z.string().min(1, 'must not be empty');
const tags = z.array(name).default([]);
const metadata = z.record(z.string(), z.string()).default({});
const properties = z.record(z.string(), z.unknown()).default({});
const timestamp = z.iso.datetime({ offset: true });

/** Timestamp given to checks whose snapshot omits `created_at`/`updated_at`. */
export const defaultSnapshotTimestamp = '1970-01-01T00:00:00Z';

const fieldSnapshot = z.strictObject({
  id: id.optional(),
  name,
  type: z.enum(fieldTypes),
  status: z.enum(fieldStatuses).default('active'),
});

const containerSnapshot = z.strictObject({
  id,
  datastore_id: id,
  name,
  container_type: z.enum(containerTypes),
  description: z.string().default(''),
  tags,
  additional_metadata: metadata,
  deleted_at: timestamp.nullable().default(null),
  profiled: z.boolean().default(true),
  fields: z.array(fieldSnapshot).default([]),
  query: z.string().optional(),
  incremental_field_name: z.string().nullable().optional(),
  group_by_fields: z.array(name).optional(),
  volumetric_tracking: z.boolean().optional(),
  freshness_tracking: z.boolean().optional(),
  source_container_id: id.optional(),
  select_clause: z.string().optional(),
  where_clause: z.string().nullable().optional(),
  group_by_clause: z.string().nullable().optional(),
});

const checkSnapshot = z.strictObject({
  id,
  container_id: id,
  rule_type: z.string(),
  description: z.string().default(''),
  fields: z.array(name).default([]),
  coverage: z.number().gt(0).lte(1).nullable().default(null),
  filter: z.string().nullable().default(null),
  properties,
  tags,
  additional_metadata: metadata,
  status: z.enum(checkStatuses).default('active'),
  inferred: z.boolean().default(false),
  created_at: timestamp.default(defaultSnapshotTimestamp),
  updated_at: timestamp.default(defaultSnapshotTimestamp),
});

const computedFieldSnapshot = z.strictObject({
  id,
  container_id: id,
  name,
  transformation: z.enum(transformations),
  source_fields: z.array(name).default([]),
  properties,
  description: z.string().default(''),
  tags,
  additional_metadata: metadata,
  status: z.enum(computedFieldStatuses).default('active'),
});

const userSnapshot = z.strictObject({ id, email: z.string().email(), role: z.enum(userRoles), token: z.string().min(1).optional() });

const teamSnapshot = z.strictObject({
  id,
  name,
  members: z.array(id).default([]),
  permissions: z.record(z.string().regex(/^[1-9][0-9]*$/, 'must be a datastore id'), z.enum(permissionLevels)).default({}),
});

const datastoreSnapshot = z.strictObject({ id, name, store_type: z.enum(storeTypes) });

const lineageSnapshot = z.strictObject({
  entity_type: z.enum(promoteTypes),
  source_entity_id: id,
  destination_scope_id: id,
  destination_entity_id: id,
});

/** The element schema of each list of a snapshot. */
export const listSchemas = {
  users: userSnapshot,
  teams: teamSnapshot,
  datastores: datastoreSnapshot,
  containers: containerSnapshot,
  quality_checks: checkSnapshot,
  computed_fields: computedFieldSnapshot,
  lineage: lineageSnapshot,
} as const;

export type ListKey = keyof typeof listSchemas;
export type ParsedSnapshot = { [K in ListKey]: z.output<(typeof listSchemas)[K]>[] };

/** The world snapshot document of §14. */
export const worldSnapshotSchema = z.strictObject({
  users: z.array(userSnapshot).default([]),
  teams: z.array(teamSnapshot).default([]),
  datastores: z.array(datastoreSnapshot).default([]),
  containers: z.array(containerSnapshot).default([]),
  quality_checks: z.array(checkSnapshot).default([]),
  computed_fields: z.array(computedFieldSnapshot).default([]),
  lineage: z.array(lineageSnapshot).default([]),
});

/** A world snapshot document as written (§14). */
export type WorldSnapshot = z.input<typeof worldSnapshotSchema>;
