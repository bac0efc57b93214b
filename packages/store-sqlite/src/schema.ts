import type { Generated, GeneratedAlways } from 'kysely';

/**
 * The tables of the SQLite store, as kysely sees them (the typed `DB` of `Kysely<Database>`).
 *
 * Conventions: booleans are `0 | 1` integers; JSON columns hold text written by `encodeJson` and
 * read by `decodeJson` (see `json.ts`); timestamps are the ISO-8601 text the caller gave, stored
 * verbatim. Every id column of an entity is `INTEGER PRIMARY KEY AUTOINCREMENT`, which gives the
 * port's id rule (1 + the largest id the table ever held) through `sqlite_sequence`.
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
  operation_selections: OperationSelectionsTable;
  results: ResultsTable;
  scope_leases: ScopeLeasesTable;
  id_floors: IdFloorsTable;
  view_generation: ViewGenerationTable;
  rendered_views: RenderedViewsTable;
}

/** A SQLite boolean. */
export type Flag = 0 | 1;

/** `users`: one row per user. */
export interface UsersTable {
  id: Generated<number>;
  email: string;
  role: string;
  token: string | null;
}

/** `teams`: members and permissions live in their own tables. */
export interface TeamsTable {
  id: Generated<number>;
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
  id: Generated<number>;
  name: string;
  store_type: string;
}

/**
 * `containers`: one table for every container type; the type-specific attributes of computed
 * tables and computed files are nullable columns, `NULL` on the other types.
 */
export interface ContainersTable {
  id: Generated<number>;
  datastore_id: number;
  name: string;
  container_type: string;
  description: string;
  /** JSON array of strings. */
  tags: string;
  /** JSON object string → string. */
  additional_metadata: string;
  deleted_at: string | null;
  profiled: Flag;
  query: string | null;
  incremental_field_name: string | null;
  /** JSON array of strings (computed tables). */
  group_by_fields: string | null;
  volumetric_tracking: Flag | null;
  freshness_tracking: Flag | null;
  source_container_id: number | null;
  select_clause: string | null;
  where_clause: string | null;
  group_by_clause: string | null;
}

/** `fields`: plain fields of containers. */
export interface FieldsTable {
  id: Generated<number>;
  container_id: number;
  name: string;
  type: string;
  status: string;
}

/** `quality_checks`. */
export interface QualityChecksTable {
  id: Generated<number>;
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
  inferred: Flag;
  created_at: string;
  updated_at: string;
  /** The check's summary as a result view shows it, as JSON: a STORED generated column (migration 0007). */
  summary: GeneratedAlways<string>;
}

/** `computed_fields`. */
export interface ComputedFieldsTable {
  id: Generated<number>;
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
  /** The computed field's summary as a result view shows it, as JSON: a STORED generated column (migration 0007). */
  summary: GeneratedAlways<string>;
}

/** `lineage`: append-only; `seq` (autoincrement) orders links oldest → newest. */
export interface LineageTable {
  seq: Generated<number>;
  entity_type: string;
  source_entity_id: number;
  destination_scope_id: number;
  destination_entity_id: number;
}

/** `operations`: the envelope as columns, the request as JSON (the selection: {@link OperationSelectionsTable}). */
export interface OperationsTable {
  id: Generated<number>;
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
  as_draft: Flag | null;
  total: number;
  created: number;
  updated: number;
  skipped: number;
  failed: number;
  /** JSON of the parsed request. */
  request: string;
  destination_scope: string;
}

/**
 * `operation_selections`: an operation's selection, the JSON array of its source entity ids, apart
 * from its row (migration 0005). SQLite writes a whole row again on every update, and `operations`
 * is updated at every commit (the counters): with a million-id selection (7 MB) in it, each commit
 * rewrote 7 MB.
 */
export interface OperationSelectionsTable {
  operation_id: number;
  selection: string;
}

/** `results`: one row per (operation, source entity), UNIQUE on that pair. */
export interface ResultsTable {
  id: Generated<number>;
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
  search_text: string;
  /** JSON of what the unit wrote, its id included, or `NULL` (no write, or written before migration 0003). */
  after: string | null;
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
 * `id_floors`: per kind of row (`result`), the largest id deleted rows held above every row left;
 * the next insert of that kind takes `highest + 1`, then the row goes.
 */
export interface IdFloorsTable {
  kind: string;
  highest: number;
}

/** `view_generation`: one row, counting the changes that can alter a finished operation's views (migration 0008, decision 0910). */
export interface ViewGenerationTable {
  n: number;
}

/** `rendered_views`: pages of result views as the store wrote them, answered again while still valid (decision 0910). */
export interface RenderedViewsTable {
  operation_id: number;
  /** The position the page starts after (the first page: `Number.MIN_SAFE_INTEGER`, -1). */
  after_seq: number;
  after_id: number;
  /** The page's limit. */
  size: number;
  /** `view_generation.n` when the page was written. */
  generation: number;
  /** The operation's created + updated + skipped + failed when the page was written. */
  processed: number;
  count: number;
  last_seq: number;
  last_id: number;
  bytes: number;
  json: Uint8Array;
}
