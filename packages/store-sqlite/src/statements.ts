import type BetterSqlite3 from 'better-sqlite3';
import { prepareBlockInsert, type BlockInsert } from './block-insert.js';
import {
  checkTupleColumns,
  checkValueColumns,
  lineageTupleColumns,
  lineageValueColumns,
  resultInsertColumns,
  listedResultColumns,
  type CheckTuple,
  type CheckValueTuple,
  type LineageTuple,
  type LineageValueTuple,
  type ResultTuple,
  type Row,
  type ListedResultTuple,
  type TeamRow,
  type Values,
} from './rows.js';
import type {
  ComputedFieldsTable,
  ContainersTable,
  DatastoresTable,
  FieldsTable,
  LineageTable,
  OperationsTable,
  QualityChecksTable,
  ResultsTable,
  ScopeLeasesTable,
  TeamMembersTable,
  TeamPermissionsTable,
  TeamsTable,
  UsersTable,
} from './schema.js';

/*
 * Prepared statements for the paths that run once per entity (commit, edits, import), once per
 * commit (getOperation for the abort check, the lease renewal) or return thousands of rows
 * (listChecks, getChecks, findLineage: in raw mode, see `checkTupleColumns`). They run
 * synchronously on the better-sqlite3 handle, inside `handle.transaction(…).immediate()` for
 * writes; kysely builds everything else (docs/performance.md says what the profile showed). Column lists are records keyed by the row types of `schema.ts`, so the compiler
 * rejects a missing or unknown column; identifiers are quoted because some (`filter`, `before`)
 * are SQL keywords.
 */

type Columns<Table> = Readonly<Record<keyof Values<Table>, true>>;

const containerColumns: Columns<ContainersTable> = {
  datastore_id: true,
  name: true,
  container_type: true,
  description: true,
  tags: true,
  additional_metadata: true,
  deleted_at: true,
  profiled: true,
  query: true,
  incremental_field_name: true,
  group_by_fields: true,
  volumetric_tracking: true,
  freshness_tracking: true,
  source_container_id: true,
  select_clause: true,
  where_clause: true,
  group_by_clause: true,
};
const fieldColumns: Columns<FieldsTable> = { container_id: true, name: true, type: true, status: true };
const computedFieldColumns: Columns<ComputedFieldsTable> = {
  container_id: true,
  name: true,
  transformation: true,
  source_fields: true,
  properties: true,
  description: true,
  tags: true,
  additional_metadata: true,
  status: true,
};
const userColumns: Readonly<Record<keyof Row<UsersTable>, true>> = { id: true, email: true, role: true, token: true };
const datastoreColumns: Readonly<Record<keyof Row<DatastoresTable>, true>> = { id: true, name: true, store_type: true };
const teamColumns: Readonly<Record<keyof Row<TeamsTable>, true>> = { id: true, name: true };
const teamMemberColumns: Readonly<Record<keyof TeamMembersTable, true>> = { team_id: true, position: true, user_id: true };
const teamPermissionColumns: Readonly<Record<keyof TeamPermissionsTable, true>> = {
  team_id: true,
  datastore_id: true,
  level: true,
};

/** Every column of `operations` but `request`, which never changes once written. */
const operationHeadColumns: Readonly<Record<keyof Omit<Row<OperationsTable>, 'request'>, true>> = {
  id: true,
  promote_type: true,
  result: true,
  start_time: true,
  end_time: true,
  triggered_by: true,
  aborted_by: true,
  message: true,
  datastore_id: true,
  datastore_name: true,
  destination_datastore_id: true,
  destination_datastore_name: true,
  container_id: true,
  container_name: true,
  destination_container_id: true,
  destination_container_name: true,
  as_draft: true,
  total: true,
  created: true,
  updated: true,
  skipped: true,
  failed: true,
  destination_scope: true,
};

/** The columns an operation is inserted with: all but its id. */
const operationInsertColumns: Columns<OperationsTable> = (() => {
  const { id: _id, ...head } = operationHeadColumns;
  return { ...head, request: true };
})();

const quote = (name: string) => `"${name}"`;

/**
 * A bound parameter as the value of a `limit` or `offset`. SQLite (3.53, as better-sqlite3 12
 * bundles it) reads the bound value of a bare `limit ?` when it plans the statement, and marks the
 * statement to be planned again whenever that parameter is bound — which better-sqlite3 does at
 * every run: the statement was parsed and planned anew each time (≈ 10 µs for a small one, ≈ 100 µs
 * for the result views, `perf` showed `sqlite3Reprepare` under `sqlite3_step`). An expression is
 * not read, so the plan stays. `stable-plans.test.ts` keeps every prepared statement so.
 */
export const boundCount = (parameter: string) => `(${parameter} + 0)`;
const columnList = (columns: readonly string[]) => columns.map(quote).join(', ');

function insertSql(table: string, columns: object, withId: boolean): string {
  const names = [...(withId ? ['id'] : []), ...Object.keys(columns)];
  return `insert into ${quote(table)} (${names.map(quote).join(', ')}) values (${names.map((name) => `@${name}`).join(', ')})`;
}

/** {@link insertSql} with the id first, its values bound by position in that order. */
function positionalInsertWithIdSql(table: string, columns: readonly string[]): string {
  const names = ['id', ...columns];
  return `insert into ${quote(table)} (${columnList(names)}) values (${names.map(() => '?').join(', ')})`;
}

/** {@link updateSql}, its values bound by position in the order of `columns`, then `id`. */
function positionalUpdateSql(table: string, columns: readonly string[]): string {
  return `update ${quote(table)} set ${columns.map((name) => `${quote(name)} = ?`).join(', ')} where "id" = ?`;
}

function updateSql(table: string, columns: object): string {
  const assignments = Object.keys(columns).map((name) => `${quote(name)} = @${name}`);
  return `update ${quote(table)} set ${assignments.join(', ')} where "id" = @id`;
}

/** Binds a `Values<…>` row plus its id. */
type WithId<T> = T & { readonly id: number };
type Statement<Parameters extends unknown[] | object, Result = unknown> = BetterSqlite3.Statement<Parameters, Result>;

/** The prepared statements of one handle (see the comment at the top of this file). */
export interface Statements {
  readonly isEmpty: Statement<[], { empty: 0 | 1 }>;
  /** `PRAGMA data_version`, plucked: moves when another connection commits. */
  readonly dataVersion: Statement<[], number>;
  /** Moves `view_generation` (decision 0910): every kept page of result views is out of date. */
  readonly nextViewGeneration: Statement<[]>;

  readonly insertUser: Statement<Row<UsersTable>>;
  readonly insertTeam: Statement<Row<TeamsTable>>;
  readonly insertTeamMember: Statement<TeamMembersTable>;
  readonly insertTeamPermission: Statement<TeamPermissionsTable>;
  readonly insertDatastore: Statement<Row<DatastoresTable>>;

  /*
   * The reads behind every HTTP request (the user of the token, the teams behind the permission
   * check, the operation's datastores and container): prepared here rather than built by kysely
   * at each call (a tenth of a result page's server time).
   */
  readonly userById: Statement<[number], Row<UsersTable>>;
  /** Takes the lower-cased email; compares with the store's case folding. */
  readonly userByEmail: Statement<[string], Row<UsersTable>>;
  readonly userByToken: Statement<[string], Row<UsersTable>>;
  readonly teamsOfUser: Statement<[number], TeamRow>;
  readonly getDatastore: Statement<[number], Row<DatastoresTable>>;
  readonly getContainer: Statement<[number], Row<ContainersTable>>;

  readonly datastoreExists: Statement<[number], { found: 1 }>;
  readonly containerExists: Statement<[number], { found: 1 }>;
  /** Takes a container id; the computed files other than itself that name it as their source. */
  readonly computedFilesOver: Statement<{ readonly id: number }, { id: number }>;
  /** Take a container id: delete its fields, checks and computed fields. */
  readonly deleteFieldsOf: Statement<[number]>;
  readonly deleteChecksOf: Statement<[number]>;
  readonly deleteComputedFieldsOf: Statement<[number]>;

  readonly insertContainer: Statement<Values<ContainersTable>>;
  readonly insertContainerWithId: Statement<WithId<Values<ContainersTable>>>;
  readonly updateContainer: Statement<WithId<Values<ContainersTable>>>;
  readonly deleteContainer: Statement<[number]>;

  readonly insertField: Statement<Values<FieldsTable>>;
  readonly insertFieldWithId: Statement<WithId<Values<FieldsTable>>>;
  readonly updateField: Statement<WithId<Values<FieldsTable>>>;
  readonly deleteField: Statement<[number]>;

  /** Positional, as the other check writes: the values of {@link checkValueColumns}, in order (then `id`, for an update). */
  readonly insertCheck: Statement<CheckValueTuple>;
  readonly insertCheckWithId: Statement<readonly [number, ...CheckValueTuple]>;
  readonly updateCheck: Statement<readonly [...CheckValueTuple, number]>;
  readonly deleteCheck: Statement<[number]>;
  /** Raw mode: rows are {@link CheckTuple}s. */
  readonly listChecks: Statement<[number], CheckTuple>;
  /** Takes a JSON array of ids. Raw mode: rows are {@link CheckTuple}s. */
  readonly getChecks: Statement<[string], CheckTuple>;
  /** A page of selection keys (`Store.listCheckKeys`): container, after id, limit. Raw mode: `[id, status, tags]`. */
  readonly listCheckKeys: Statement<[number, number, number], readonly [number, string, string]>;
  /** Whether a container holds more checks than a number: its check after that many by id (container, count), `undefined` if none. */
  readonly checkBeyond: Statement<[number, number], number>;
  /** The same page as {@link listCheckKeys} as whole checks (a selection of a container the store keeps, see `CheckListings`). Raw mode: {@link CheckTuple}s. */
  readonly listCheckPage: Statement<[number, number, number], CheckTuple>;

  /** Summaries (§10) by ids given as one JSON array, ascending id; raw mode, in the order of the summary keys. */
  readonly checkSummaries: Statement<[string], readonly [number, string, string, string]>;
  readonly computedFieldSummaries: Statement<[string], readonly [number, string, string, string]>;
  readonly containerSummaries: Statement<[string], readonly [number, string, string]>;

  readonly insertComputedField: Statement<Values<ComputedFieldsTable>>;
  readonly insertComputedFieldWithId: Statement<WithId<Values<ComputedFieldsTable>>>;
  readonly updateComputedField: Statement<WithId<Values<ComputedFieldsTable>>>;
  readonly deleteComputedField: Statement<[number]>;

  /** Positional: the values of {@link lineageValueColumns}, in order. */
  readonly insertLineage: Statement<LineageValueTuple>;
  /** Takes entity type, scope id and a JSON array of source ids; newest first. Raw mode: rows are {@link LineageTuple}s. */
  readonly findLineage: Statement<[string, number, string], LineageTuple>;

  readonly getOperation: Statement<[number], Row<OperationsTable>>;
  /** An operation without `request` (for when it and the selection are decoded already). */
  readonly getOperationHead: Statement<[number], Omit<Row<OperationsTable>, 'request'>>;
  /** An operation's row, its `request` included (`operations` without its id). */
  readonly insertOperation: Statement<Values<OperationsTable>>;
  /** An operation's selection (JSON text), `undefined` for none. */
  readonly getSelection: Statement<[number], string>;
  readonly insertSelection: Statement<[number, string]>;
  readonly deleteSelection: Statement<[number]>;

  /** Takes the lease row and `now_ms`; changes a row when the lease is free, expired or the holder's own. */
  readonly tryAcquireLease: Statement<ScopeLeasesTable & { readonly now_ms: number }>;
  readonly releaseLease: Statement<Pick<ScopeLeasesTable, 'scope' | 'holder'>>;
  /** The holder of the scope's lease unless it expired at `now_ms`. */
  readonly leaseHolder: Statement<{ readonly scope: string; readonly now_ms: number }, { readonly holder: string }>;
  /** Takes a lease that is free, expired, held by `previous` or already by `holder`. */
  readonly takeOverLease: Statement<ScopeLeasesTable & { readonly now_ms: number; readonly previous: string }>;
  /** Extends a lease its holder holds unexpired at `now_ms`; changes no row otherwise (a commit's fence). */
  readonly holdLease: Statement<ScopeLeasesTable & { readonly now_ms: number }>;

  /** Positional, bound as one array: the values of {@link resultInsertColumns}, in order, after the id. */
  readonly insertResultWithId: Statement<readonly [number, ...ResultTuple]>;
  /** Result rows ({@link resultInsertColumns}), lineage links ({@link lineageValueColumns}) and created checks ({@link checkValueColumns}) in multi-row inserts: a commit's rows of each table. */
  readonly resultRows: BlockInsert;
  readonly lineageRows: BlockInsert;
  readonly checkRows: BlockInsert;
  /** The floor of result ids left by deleted operations (`id_floors`), if any. */
  readonly resultIdFloor: Statement<[], number>;
  readonly largestResultId: Statement<[], number | null>;
  readonly clearResultIdFloor: Statement<[]>;
  /** Raises the floor of result ids to `highest` when it is above every result left. */
  readonly raiseResultIdFloor: Statement<{ readonly highest: number }>;
  readonly largestResultIdOf: Statement<[number], number | null>;
  readonly deleteResultsOf: Statement<[number]>;
  readonly deleteOperation: Statement<[number]>;
  /**
   * `listResultsAfter` (raw mode, {@link listedResultColumns}): the first `@limit` results of an
   * operation, and those after `(@seq, @id)` — a range of the index `results_operation_seq`
   * (`operation_id`, `seq`, and the rowid `id`), neither counted nor skipped over.
   */
  readonly firstResults: Statement<{ readonly operation_id: number; readonly limit: number }, ListedResultTuple>;
  readonly resultsAfter: Statement<{ readonly operation_id: number; readonly seq: number; readonly id: number; readonly limit: number }, ListedResultTuple>;
  readonly addToStatus: Statement<{
    readonly id: number;
    readonly created: number;
    readonly updated: number;
    readonly skipped: number;
    readonly failed: number;
  }>;
}

/** Name of the SQL function, registered on the handle, that case-folds text as JavaScript does. */
export const foldFunction = 'promote_fold';

/** A team's members in position order, as a JSON array (a column of `teams` rows as {@link TeamRow} reads them). */
export const teamMembersJson = `(select json_group_array("user_id") from (select "user_id" from "team_members" where "team_id" = "teams"."id" order by "position"))`;
/** A team's permissions, datastore id → level, as a JSON object. */
export const teamPermissionsJson = `(select json_group_object(cast("datastore_id" as text), "level") from (select "datastore_id", "level" from "team_permissions" where "team_id" = "teams"."id" order by "datastore_id"))`;

/** A page of a container's checks after an id (container, after id, limit), ascending id: `columns` of each. */
const checkPageSql = (columns: string) => `select ${columns} from "quality_checks" where "container_id" = ? and "id" > ? order by "id" limit ${boundCount('?')}`;

/** Prepares every statement of {@link Statements} on `handle` (the schema must exist). */
export function prepareStatements(handle: BetterSqlite3.Database): Statements {
  const prepare = handle.prepare.bind(handle);
  // Checks and lineage links are inserted in blocks by a commit; a single one (an edit, an import) by the blocks' one-row statement.
  const checkRows = prepareBlockInsert(handle, 'quality_checks', checkValueColumns);
  const lineageRows = prepareBlockInsert(handle, 'lineage', lineageValueColumns);
  return {
    isEmpty: prepare(
      'select not (exists (select 1 from "datastores") or exists (select 1 from "users")) as "empty"',
    ),
    dataVersion: prepare<[], number>('pragma data_version').pluck(true),
    nextViewGeneration: prepare<[]>('update "view_generation" set "n" = "n" + 1'),

    insertUser: prepare(insertSql('users', userColumns, false)),
    insertTeam: prepare(insertSql('teams', teamColumns, false)),
    insertTeamMember: prepare(insertSql('team_members', teamMemberColumns, false)),
    insertTeamPermission: prepare(insertSql('team_permissions', teamPermissionColumns, false)),
    insertDatastore: prepare(insertSql('datastores', datastoreColumns, false)),

    userById: prepare<[number], Row<UsersTable>>('select * from "users" where "id" = ? order by "id" limit 1'),
    userByEmail: prepare<[string], Row<UsersTable>>(`select * from "users" where ${foldFunction}("email") = ? order by "id" limit 1`),
    userByToken: prepare<[string], Row<UsersTable>>('select * from "users" where "token" = ? order by "id" limit 1'),
    teamsOfUser: prepare<[number], TeamRow>(
      `select "teams"."id", "teams"."name", ${teamMembersJson} as "members", ${teamPermissionsJson} as "permissions"
       from "teams" where "teams"."id" in (select "team_id" from "team_members" where "user_id" = ?) order by "teams"."id"`,
    ),
    getDatastore: prepare<[number], Row<DatastoresTable>>('select * from "datastores" where "id" = ?'),
    getContainer: prepare<[number], Row<ContainersTable>>('select * from "containers" where "id" = ?'),
    datastoreExists: prepare('select 1 as "found" from "datastores" where "id" = ?'),
    containerExists: prepare('select 1 as "found" from "containers" where "id" = ?'),
    computedFilesOver: prepare(
      `select "id" from "containers" where "container_type" = 'computed_file' and "source_container_id" = @id and "id" <> @id order by "id"`,
    ),
    deleteFieldsOf: prepare('delete from "fields" where "container_id" = ?'),
    deleteChecksOf: prepare('delete from "quality_checks" where "container_id" = ?'),
    deleteComputedFieldsOf: prepare('delete from "computed_fields" where "container_id" = ?'),

    insertContainer: prepare(insertSql('containers', containerColumns, false)),
    insertContainerWithId: prepare(insertSql('containers', containerColumns, true)),
    updateContainer: prepare(updateSql('containers', containerColumns)),
    deleteContainer: prepare('delete from "containers" where "id" = ?'),

    insertField: prepare(insertSql('fields', fieldColumns, false)),
    insertFieldWithId: prepare(insertSql('fields', fieldColumns, true)),
    updateField: prepare(updateSql('fields', fieldColumns)),
    deleteField: prepare('delete from "fields" where "id" = ?'),

    insertCheck: checkRows.one as Statement<CheckValueTuple>,
    insertCheckWithId: prepare<readonly [number, ...CheckValueTuple]>(positionalInsertWithIdSql('quality_checks', checkValueColumns)),
    updateCheck: prepare<readonly [...CheckValueTuple, number]>(positionalUpdateSql('quality_checks', checkValueColumns)),
    deleteCheck: prepare('delete from "quality_checks" where "id" = ?'),
    listChecks: prepare<[number], CheckTuple>(`select ${columnList(checkTupleColumns)} from "quality_checks" where "container_id" = ? order by "id"`).raw(true),
    listCheckKeys: prepare<[number, number, number], readonly [number, string, string]>(checkPageSql('"id", "status", "tags"')).raw(true),
    checkBeyond: prepare<[number, number], number>(`select "id" from "quality_checks" where "container_id" = ? order by "id" limit 1 offset ${boundCount('?')}`).pluck(true),
    listCheckPage: prepare<[number, number, number], CheckTuple>(checkPageSql(columnList(checkTupleColumns))).raw(true),
    getChecks: prepare<[string], CheckTuple>(
      `select ${columnList(checkTupleColumns)} from "quality_checks" where "id" in (select "value" from json_each(?)) order by "id"`,
    ).raw(true),

    checkSummaries: prepare<[string], readonly [number, string, string, string]>(
      `select "id", "description", "rule_type", "status" from "quality_checks" where "id" in (select "value" from json_each(?)) order by "id"`,
    ).raw(true),
    computedFieldSummaries: prepare<[string], readonly [number, string, string, string]>(
      `select "id", "name", "transformation", "status" from "computed_fields" where "id" in (select "value" from json_each(?)) order by "id"`,
    ).raw(true),
    containerSummaries: prepare<[string], readonly [number, string, string]>(
      `select "id", "name", "container_type" from "containers" where "id" in (select "value" from json_each(?)) order by "id"`,
    ).raw(true),
    insertComputedField: prepare(insertSql('computed_fields', computedFieldColumns, false)),
    insertComputedFieldWithId: prepare(insertSql('computed_fields', computedFieldColumns, true)),
    updateComputedField: prepare(updateSql('computed_fields', computedFieldColumns)),
    deleteComputedField: prepare('delete from "computed_fields" where "id" = ?'),

    insertLineage: lineageRows.one as Statement<LineageValueTuple>,
    findLineage: prepare<[string, number, string], LineageTuple>(
      `select ${columnList(lineageTupleColumns)} from "lineage"
       where "entity_type" = ? and "destination_scope_id" = ? and "source_entity_id" in (select "value" from json_each(?))
       order by "seq" desc`,
    ).raw(true),

    getOperation: prepare('select * from "operations" where "id" = ?'),
    getOperationHead: prepare(`select ${columnList(Object.keys(operationHeadColumns))} from "operations" where "id" = ?`),
    insertOperation: prepare(insertSql('operations', operationInsertColumns, false)),
    getSelection: prepare<[number], string>('select "selection" from "operation_selections" where "operation_id" = ?').pluck(true),
    insertSelection: prepare<[number, string]>('insert into "operation_selections" ("operation_id", "selection") values (?, ?)'),
    deleteSelection: prepare<[number]>('delete from "operation_selections" where "operation_id" = ?'),

    tryAcquireLease: prepare(
      `insert into "scope_leases" ("scope", "holder", "expires_at", "expires_at_ms") values (@scope, @holder, @expires_at, @expires_at_ms)
       on conflict ("scope") do update set "holder" = excluded."holder", "expires_at" = excluded."expires_at", "expires_at_ms" = excluded."expires_at_ms"
       where "scope_leases"."holder" = excluded."holder" or "scope_leases"."expires_at_ms" <= @now_ms`,
    ),
    releaseLease: prepare('delete from "scope_leases" where "scope" = @scope and "holder" = @holder'),
    leaseHolder: prepare('select "holder" from "scope_leases" where "scope" = @scope and "expires_at_ms" > @now_ms'),
    takeOverLease: prepare(
      `insert into "scope_leases" ("scope", "holder", "expires_at", "expires_at_ms") values (@scope, @holder, @expires_at, @expires_at_ms)
       on conflict ("scope") do update set "holder" = excluded."holder", "expires_at" = excluded."expires_at", "expires_at_ms" = excluded."expires_at_ms"
       where "scope_leases"."holder" in (excluded."holder", @previous) or "scope_leases"."expires_at_ms" <= @now_ms`,
    ),
    holdLease: prepare(
      `update "scope_leases" set "expires_at" = @expires_at, "expires_at_ms" = @expires_at_ms
       where "scope" = @scope and "holder" = @holder and "expires_at_ms" > @now_ms`,
    ),

    insertResultWithId: prepare<readonly [number, ...ResultTuple]>(
      `insert into "results" ("id", ${columnList(resultInsertColumns)}) values (?, ${resultInsertColumns.map(() => '?').join(', ')})`,
    ),
    resultRows: prepareBlockInsert(handle, 'results', resultInsertColumns),
    checkRows,
    lineageRows,
    resultIdFloor: prepare<[], number>(`select "highest" from "id_floors" where "kind" = 'result'`).pluck(true),
    largestResultId: prepare<[], number | null>('select max("id") from "results"').pluck(true),
    clearResultIdFloor: prepare(`delete from "id_floors" where "kind" = 'result'`),
    raiseResultIdFloor: prepare(
      `insert into "id_floors" ("kind", "highest")
       select 'result', @highest where @highest > coalesce((select max("id") from "results"), 0)
       on conflict ("kind") do update set "highest" = max("id_floors"."highest", excluded."highest")`,
    ),
    largestResultIdOf: prepare<[number], number | null>('select max("id") from "results" where "operation_id" = ?').pluck(true),
    deleteResultsOf: prepare('delete from "results" where "operation_id" = ?'),
    deleteOperation: prepare('delete from "operations" where "id" = ?'),
    firstResults: prepare<{ readonly operation_id: number; readonly limit: number }, ListedResultTuple>(
      `select ${columnList(listedResultColumns)} from "results" where "operation_id" = @operation_id order by "seq", "id" limit ${boundCount('@limit')}`,
    ).raw(true),
    resultsAfter: prepare<{ readonly operation_id: number; readonly seq: number; readonly id: number; readonly limit: number }, ListedResultTuple>(
      `select ${columnList(listedResultColumns)} from "results" where "operation_id" = @operation_id and ("seq", "id") > (@seq, @id) order by "seq", "id" limit ${boundCount('@limit')}`,
    ).raw(true),
    addToStatus: prepare(
      `update "operations" set "created" = "created" + @created, "updated" = "updated" + @updated,
       "skipped" = "skipped" + @skipped, "failed" = "failed" + @failed where "id" = @id`,
    ),
  };
}
