/**
 * The tables of the PostgreSQL store, as kysely sees them (the typed `DB` of `Kysely<Database>`).
 *
 * Conventions (docs/decisions/0600-postgres-store.md): ids are `bigint`, read back as numbers (the
 * store's pool parses `int8`, refusing anything past `Number.MAX_SAFE_INTEGER`), and assigned by the
 * store from `id_counters`, never by a sequence (a sequence is not transactional: a rolled-back
 * call would consume ids); booleans are `boolean`; JSON columns are `text` written by `encodeJson`
 * (`jsonb` reorders keys, the port wants them back as given); timestamps are the ISO-8601 text the
 * caller gave, stored verbatim; `*_folded` columns hold JavaScript's `toLowerCase()` of their
 * column, so that case-insensitive matching does not depend on the database's locale.
 */
export interface Database {
  users: UsersTable;
  teams: TeamsTable;
  team_members: TeamMembersTable;
  team_permissions: TeamPermissionsTable;
  datastores: DatastoresTable;
  containers: ContainersTable;
  fields: FieldsTable;
  quality_checks: QualityChecksTable;
  computed_fields: ComputedFieldsTable;
  lineage: LineageTable;
  operations: OperationsTable;
  results: ResultsTable;
  scope_leases: ScopeLeasesTable;
  id_counters: IdCountersTable;
}

/** `users`: one row per user. */
export interface UsersTable {
  id: number;
  email: string;
  /** `email.toLowerCase()`: what `findUser({ email })` compares. */
  email_folded: string;
  role: string;
  token: string | null;
}

/** `teams`: members and permissions live in their own tables. */
export interface TeamsTable {
  id: number;
  name: string;
}

/** `team_members`: a team's member list, `position` keeping the order it was given in. */
export interface TeamMembersTable {
  team_id: number;
  position: number;
  user_id: number;
}

/** `team_permissions`: datastore id → level, per team. */
export interface TeamPermissionsTable {
  team_id: number;
  datastore_id: number;
  level: string;
}

/** `datastores`. */
export interface DatastoresTable {
  id: number;
  name: string;
  store_type: string;
}

/**
 * `containers`: one table for every container type; the type-specific attributes of computed
 * tables and computed files are nullable columns, `NULL` on the other types.
 */
export interface ContainersTable {
  id: number;
  datastore_id: number;
  name: string;
  container_type: string;
  description: string;
  /** JSON array of strings. */
  tags: string;
  /** JSON object string → string. */
  additional_metadata: string;
  deleted_at: string | null;
  profiled: boolean;
  query: string | null;
  incremental_field_name: string | null;
  /** JSON array of strings (computed tables). */
  group_by_fields: string | null;
  volumetric_tracking: boolean | null;
  freshness_tracking: boolean | null;
  source_container_id: number | null;
  select_clause: string | null;
  where_clause: string | null;
  group_by_clause: string | null;
}

/** `fields`: plain fields of containers. */
export interface FieldsTable {
  id: number;
  container_id: number;
  name: string;
  type: string;
  status: string;
}

/** `quality_checks`. */
export interface QualityChecksTable {
  id: number;
  container_id: number;
  rule_type: string;
  description: string;
  /** JSON array of field names, in order. */
  fields: string;
  coverage: number | null;
  filter: string | null;
  /** JSON object. */
  properties: string;
  /** JSON array of strings. */
  tags: string;
  /** JSON object string → string. */
  additional_metadata: string;
  status: string;
  inferred: boolean;
  created_at: string;
  updated_at: string;
}

/** `computed_fields`. */
export interface ComputedFieldsTable {
  id: number;
  container_id: number;
  name: string;
  transformation: string;
  /** JSON array of field names. */
  source_fields: string;
  /** JSON object. */
  properties: string;
  description: string;
  /** JSON array of strings. */
  tags: string;
  /** JSON object string → string. */
  additional_metadata: string;
  status: string;
}

/**
 * `lineage`: append-only; `seq` orders links oldest → newest. Recorded links take the next value of
 * the `lineage` counter; imported ones take values below every existing link (0 and below in a new
 * store), so that they are older than every recorded one, as the port says.
 */
export interface LineageTable {
  seq: number;
  entity_type: string;
  source_entity_id: number;
  destination_scope_id: number;
  destination_entity_id: number;
}

/** `operations`: the envelope as columns, the request and selection as JSON. */
export interface OperationsTable {
  id: number;
  promote_type: string;
  result: string;
  start_time: string;
  end_time: string | null;
  triggered_by: string;
  aborted_by: string | null;
  message: string | null;
  datastore_id: number;
  datastore_name: string;
  destination_datastore_id: number;
  destination_datastore_name: string;
  container_id: number | null;
  container_name: string | null;
  destination_container_id: number | null;
  destination_container_name: string | null;
  /** `NULL` when the operation has no `as_draft` (everything but quality-check promotions). */
  as_draft: boolean | null;
  total: number;
  created: number;
  updated: number;
  skipped: number;
  failed: number;
  /** JSON of the parsed request. */
  request: string;
  /** JSON array of source entity ids. */
  selection: string;
  destination_scope: string;
}

/** `results`: one row per (operation, source entity), UNIQUE on that pair. */
export interface ResultsTable {
  id: number;
  operation_id: number;
  seq: number;
  entity_type: string;
  source_entity_id: number;
  result: string;
  destination_entity_id: number | null;
  message: string | null;
  /** JSON array of changes, or `NULL`. */
  changes: string | null;
  /** JSON of the destination's definition before the write, or `NULL`. */
  before: string | null;
  /** JSON of what the unit wrote (its write's value with the written id), or `NULL` (§16, decision 0500). */
  after: string | null;
  search_text: string;
  /** `search_text.toLowerCase()`: what `listResults({ search })` looks in. */
  search_folded: string;
}

/** `scope_leases`: one row per leased destination scope. */
export interface ScopeLeasesTable {
  scope: string;
  holder: string;
  /** As given to `tryAcquire`. */
  expires_at: string;
  /** `expires_at` in epoch milliseconds, which is what expiry is compared on. */
  expires_at_ms: number;
}

/**
 * `id_counters`: the largest id each kind has ever had (`last_id`), raised by imports and by every
 * id the store assigns, never lowered. Updated inside the transaction that uses the ids, so a
 * rolled-back call consumes none.
 */
export interface IdCountersTable {
  kind: IdKind;
  last_id: number;
}

/** The kinds whose ids the store assigns (`lineage`: the `seq` of recorded links). */
export type IdKind = 'container' | 'field' | 'quality_check' | 'computed_field' | 'operation' | 'result' | 'lineage';

/** Every {@link IdKind}, in the order the counter rows are created. */
export const idKinds: readonly IdKind[] = ['container', 'field', 'quality_check', 'computed_field', 'operation', 'result', 'lineage'];
