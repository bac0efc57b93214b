import type { CheckStatus, EntitySummary, QualityCheck, LineageLink, OperationPatch, OperationQuery, Page, PromoteResultRecord, ResultQuery, ScopeLeases, Store, Tags, World, WorldEdit } from '@promote/core';
import { LeaseLostError } from '@promote/core';
import { JsonIntern } from '@promote/core/internals';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import {
  checkTupleColumns,
  frozenCheckOfTuple,
  type CheckTuple,
  fromCheckRow,
  fromComputedFieldRow,
  fromContainerRow,
  fromDatastoreRow,
  fromFieldRow,
  fromLineageRow,
  fromOperationRow,
  fromResultRow,
  fromTeamRow,
  fromUserRow,
  resultReadColumns,
  listedResultColumns,
  fromListedResultRow,
  toCheckValues,
  toComputedFieldValues,
  toContainerValues,
  toFieldValues,
  toLineageRow,
  toOperationValues,
  toUserRow,
  type TeamRow,
} from './rows.js';
import type { Database, IdKind } from './schema.js';
import { applyEdit, commitUnits, insertRows, raiseCounters, reserveIds } from './write-entity.js';
import { postgresStoreMigrations } from './migrations.js';
import { decodeJson } from './json.js';

/** The Store port on PostgreSQL. Unlike the port, it always offers {@link ScopeLeases}, with `holderOf` and `takeOver`, and `checkReady`. */
export interface PostgresStore extends Store {
  /** Leases in the `scope_leases` table: atomic across every engine instance on the same database and schema. */
  readonly leases: Required<ScopeLeases>;
  readonly commitBlocks: false;
  /**
   * Resolves when the server answers and the schema's `kysely_migration` lists exactly the
   * migrations of this package; otherwise rejects with the server's error or, e.g.,
   * `schema public is not migrated (0001_initial, 0002_results_without_operation_key, 0003_results_keyed_by_order pending)` (see `Store.checkReady`).
   */
  checkReady(): Promise<void>;
}

/** What {@link createPostgresStore} runs on: a migrated schema and a kysely instance whose connections use it. */
export interface PostgresStoreParts {
  readonly db: Kysely<Database>;
  /** The schema the tables live in: the key of the store's write lock. */
  readonly schema: string;
  /**
   * Runs one read statement with its rows as arrays (pg's `rowMode: 'array'`), for the reads of
   * many rows; its tables are named with their schema (it may run on a connection kysely has not
   * set up).
   */
  readonly readArrays: (text: string, values: readonly unknown[]) => Promise<readonly unknown[][]>;
}

/**
 * First key of the store's transaction-level advisory lock, taken by every call that assigns ids
 * or writes entities (`commit`, `applyEdits`, `importWorld`); the second key is `hashtext(schema)`.
 * ASCII `PRW1`.
 */
export const writeLockClass = 0x50525731;

/**
 * The store over a migrated schema. Every call runs on a connection of the pool:
 *
 * - Writes that assign ids or touch entities (`commit`, `applyEdits`, `importWorld`) run in one
 *   transaction that first takes the store's advisory write lock, so that they apply one after the
 *   other across every instance on the database, as SQLite's `BEGIN IMMEDIATE` makes them on a
 *   file: ids come out as the port's rule says, lineage is ordered as committed, and two writers
 *   never deadlock on each other's rows.
 * - `createOperation` reserves its id from the `operation` counter row in its own transaction
 *   (nothing else writes that row, so it need not wait for a commit); `updateOperation`,
 *   `transitionOperation` and the lease calls are one statement each, atomic on their row.
 * - Reads of more than one statement (a page and its total, `exportWorld`) run in one
 *   `REPEATABLE READ READ ONLY` transaction, so they see one snapshot.
 */
export function createPostgresStore({ db, schema, readArrays }: PostgresStoreParts): PostgresStore {
  let closing: Promise<void> | undefined;
  const table = (name: string): string => `${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(name)}`;
  const selectChecks = `select ${checkTupleColumns.map((column) => pg.escapeIdentifier(column)).join(', ')} from ${table('quality_checks')}`;
  // Shared by every check read of this store: see JsonIntern.
  const jsonTexts = new JsonIntern();
  const readChecks = async (rest: string, values: readonly unknown[]): Promise<QualityCheck[]> =>
    (await readArrays(`${selectChecks} ${rest} order by "id"`, values)).map((row) => frozenCheckOfTuple(row as unknown as CheckTuple, jsonTexts));

  const read = <T>(work: (transaction: Kysely<Database>) => Promise<T>): Promise<T> =>
    db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute(work);

  const write = <T>(work: (transaction: Kysely<Database>) => Promise<T>): Promise<T> =>
    db.transaction().execute(async (transaction) => {
      await sql`select pg_advisory_xact_lock(${writeLockClass}::int4, hashtext(${schema}::text))`.execute(transaction);
      return work(transaction);
    });

  const leases: Required<ScopeLeases> = {
    async tryAcquire(scope, holder, now, expiresAt) {
      const { rows } = await sql<{ held: number }>`
        insert into "scope_leases" ("scope", "holder", "expires_at", "expires_at_ms") values (${scope}, ${holder}, ${expiresAt}, ${epochMs(expiresAt)})
        on conflict ("scope") do update set "holder" = excluded."holder", "expires_at" = excluded."expires_at", "expires_at_ms" = excluded."expires_at_ms"
        where "scope_leases"."holder" = excluded."holder" or "scope_leases"."expires_at_ms" <= ${epochMs(now)}
        returning 1 as "held"`.execute(db);
      return rows.length > 0;
    },
    async release(scope, holder) {
      await db.deleteFrom('scope_leases').where('scope', '=', scope).where('holder', '=', holder).execute();
    },
    async holderOf(scope, now) {
      const row = await db.selectFrom('scope_leases').select('holder').where('scope', '=', scope).where('expires_at_ms', '>', epochMs(now)).executeTakeFirst();
      return row?.holder;
    },
    async takeOver(scope, previous, holder, now, expiresAt) {
      const { rows } = await sql<{ held: number }>`
        insert into "scope_leases" ("scope", "holder", "expires_at", "expires_at_ms") values (${scope}, ${holder}, ${expiresAt}, ${epochMs(expiresAt)})
        on conflict ("scope") do update set "holder" = excluded."holder", "expires_at" = excluded."expires_at", "expires_at_ms" = excluded."expires_at_ms"
        where "scope_leases"."holder" in (excluded."holder", ${previous}) or "scope_leases"."expires_at_ms" <= ${epochMs(now)}
        returning 1 as "held"`.execute(db);
      return rows.length > 0;
    },
  };

  return {
    async findUser(by) {
      let query = db.selectFrom('users').selectAll();
      if ('id' in by) query = query.where('id', '=', by.id);
      else if ('email' in by) query = query.where('email_folded', '=', by.email.toLowerCase());
      else query = query.where('token', '=', by.token);
      const row = await query.orderBy('id').limit(1).executeTakeFirst();
      return row === undefined ? undefined : fromUserRow(row);
    },

    async teamsOfUser(userId) {
      const rows = await selectTeams(db)
        .where('teams.id', 'in', (eb) => eb.selectFrom('team_members').select('team_id').where('user_id', '=', userId))
        .execute();
      return rows.map(fromTeamRow);
    },

    async getDatastore(id) {
      const row = await db.selectFrom('datastores').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : fromDatastoreRow(row);
    },

    async listDatastores() {
      return (await db.selectFrom('datastores').selectAll().orderBy('id').execute()).map(fromDatastoreRow);
    },

    async getContainer(id) {
      const row = await db.selectFrom('containers').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : fromContainerRow(row);
    },

    async getContainers(ids) {
      if (ids.length === 0) return [];
      return (await db.selectFrom('containers').selectAll().where(idIn(ids)).orderBy('id').execute()).map(fromContainerRow);
    },

    async listContainers(datastoreId) {
      return (await db.selectFrom('containers').selectAll().where('datastore_id', '=', datastoreId).orderBy('id').execute()).map(fromContainerRow);
    },

    async listFields(containerId) {
      return (await db.selectFrom('fields').selectAll().where('container_id', '=', containerId).orderBy('id').execute()).map(fromFieldRow);
    },

    listChecks(containerId) {
      return readChecks('where "container_id" = $1', [containerId]);
    },

    async listCheckKeys(containerId, afterId, limit) {
      const rows = await readArrays(`select "id", "status", "tags" from ${table('quality_checks')} where "container_id" = $1 and "id" > $2 order by "id" limit $3`, [containerId, afterId, limit]);
      return rows.map(([id, status, tags]) => ({ id: id as number, status: status as CheckStatus, tags: jsonTexts.decode<Tags>(tags as string) }));
    },

    async getChecks(ids) {
      if (ids.length === 0) return [];
      return readChecks(joinIdRuns('"id"', 1), idRuns(ids));
    },

    async listComputedFields(containerId) {
      return (await db.selectFrom('computed_fields').selectAll().where('container_id', '=', containerId).orderBy('id').execute()).map(fromComputedFieldRow);
    },

    async getComputedFields(ids) {
      if (ids.length === 0) return [];
      return (await db.selectFrom('computed_fields').selectAll().where(idIn(ids)).orderBy('id').execute()).map(fromComputedFieldRow);
    },

    async summarise(entityType, ids): Promise<readonly EntitySummary[]> {
      if (ids.length === 0) return [];
      switch (entityType) {
        case 'quality_check': {
          const rows = await readArrays(`select "id", "description", "rule_type", "status" from ${table('quality_checks')} ${joinIdRuns('"id"', 1)} order by "id"`, idRuns(ids));
          return rows.map(([id, description, rule_type, status]) => ({ id, description, rule_type, status }) as EntitySummary);
        }
        case 'computed_field': {
          const rows = await db.selectFrom('computed_fields').select(['id', 'name', 'transformation', 'status']).where(idIn(ids)).orderBy('id').execute();
          return rows.map(({ id, name, transformation, status }) => ({ id, name, transformation, status }) as EntitySummary);
        }
        case 'computed_table':
        case 'computed_file': {
          const rows = await db.selectFrom('containers').select(['id', 'name', 'container_type']).where(idIn(ids)).orderBy('id').execute();
          return rows.map(({ id, name, container_type }) => ({ id, name, container_type }) as EntitySummary);
        }
      }
    },

    async findLineage(entityType, destinationScopeId, sourceIds) {
      if (sourceIds.length === 0) return [];
      // Two JSON arrays of ids in one row, not a row per link: pg's cost per row was most of the
      // call's time in this process (5,000 links: 3.2 ms of CPU as rows, 1.0 ms as arrays).
      const [row] = await readArrays(
        `select json_agg("source_entity_id" order by "seq" desc)::text, json_agg("destination_entity_id" order by "seq" desc)::text from ${table('lineage')} ${joinIdRuns('"source_entity_id"', 3)} where "entity_type" = $1 and "destination_scope_id" = $2`,
        [entityType, destinationScopeId, ...idRuns(sourceIds)],
      );
      if (row?.[0] === null || row?.[0] === undefined) return [];
      const sources = JSON.parse(row[0] as string) as number[];
      const destinations = JSON.parse(row[1] as string) as number[];
      return sources.map((source, index): LineageLink => ({ entity_type: entityType, source_entity_id: source, destination_scope_id: destinationScopeId, destination_entity_id: destinations[index] as number }));
    },

    createOperation(operation) {
      return db.transaction().execute(async (transaction) => {
        const id = (await reserveIds(transaction, new Map<IdKind, number>([['operation', 1]]))).get('operation') as number;
        const row = await transaction
          .insertInto('operations')
          .values({ id, ...toOperationValues(operation) })
          .returningAll()
          .executeTakeFirstOrThrow();
        return fromOperationRow(row);
      });
    },

    async getOperation(id) {
      const row = await db.selectFrom('operations').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : fromOperationRow(row);
    },

    listOperations(query: OperationQuery) {
      return read(async (transaction) => {
        let selection = transaction.selectFrom('operations');
        if (query.result !== undefined) selection = selection.where('result', '=', query.result);
        if (query.promote_type !== undefined) selection = selection.where('promote_type', '=', query.promote_type);
        const datastore = query.datastore;
        if (datastore !== undefined) {
          selection = selection.where((eb) => eb.or([eb('datastore_id', '=', datastore), eb('destination_datastore_id', '=', datastore)]));
        }
        const visible = query.visibleDatastores;
        if (visible !== undefined) {
          selection = selection
            .where(sql<boolean>`"datastore_id" = any(${[...visible]}::bigint[])`)
            .where(sql<boolean>`"destination_datastore_id" = any(${[...visible]}::bigint[])`);
        }
        const { total } = await selection.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
        const rows = await selection
          .selectAll()
          .orderBy('id', 'desc')
          .limit(query.size)
          .offset((query.page - 1) * query.size)
          .execute();
        return { items: rows.map(fromOperationRow), total, page: query.page, size: query.size };
      });
    },

    async listRunningOperations() {
      return (await db.selectFrom('operations').selectAll().where('result', '=', 'running').orderBy('id').execute()).map(fromOperationRow);
    },

    async updateOperation(id, patch: OperationPatch) {
      const row = await db.updateTable('operations').set(patch).where('id', '=', id).returningAll().executeTakeFirst();
      if (row === undefined) throw new Error(`Operation ${id} not found`);
      return fromOperationRow(row);
    },

    async transitionOperation(id, from, patch: OperationPatch) {
      // One statement: the check of the current result and the write are atomic across instances.
      const row = await db
        .updateTable('operations')
        .set(patch)
        .where('id', '=', id)
        .where('result', 'in', [...from])
        .returningAll()
        .executeTakeFirst();
      if (row !== undefined) return fromOperationRow(row);
      const exists = await db.selectFrom('operations').select('id').where('id', '=', id).executeTakeFirst();
      if (exists === undefined) throw new Error(`Operation ${id} not found`);
      return undefined;
    },

    deleteOperation(id, from) {
      return db.transaction().execute(async (transaction) => {
        // One statement checks the result and removes the row: a concurrent resume or commit waits
        // for this transaction on the row's lock, or has already moved it out of `from`. The results
        // go in the same transaction (a commit of this operation waits for its row, then finds it
        // gone and writes nothing: migration 0002). Ids come from the
        // counter rows, which a delete leaves as they are, so none is given again.
        const row = await transaction.deleteFrom('operations').where('id', '=', id).where('result', 'in', [...from]).returningAll().executeTakeFirst();
        if (row === undefined) return undefined;
        await transaction.deleteFrom('results').where('operation_id', '=', id).execute();
        return fromOperationRow(row);
      });
    },

    commit(units, options) {
      return write(async (transaction) => {
        // The fence: in the commit's own transaction, whose row lock keeps any other instance from
        // taking the lease between this check and the writes (decision 0008).
        const lease = options?.lease;
        if (lease !== undefined) {
          const held = await transaction
            .updateTable('scope_leases')
            .set({ expires_at: lease.expiresAt, expires_at_ms: epochMs(lease.expiresAt) })
            .where('scope', '=', lease.scope)
            .where('holder', '=', lease.holder)
            .where('expires_at_ms', '>', epochMs(lease.now))
            .executeTakeFirst();
          if (held.numUpdatedRows !== 1n) throw new LeaseLostError(lease.scope, lease.holder);
        }
        return commitUnits(transaction, units);
      });
    },

    listResults(operationId, query: ResultQuery = {}) {
      return read(async (transaction): Promise<Page<PromoteResultRecord>> => {
        const page = query.page ?? 1;
        const search = query.search !== undefined && query.search !== '' ? query.search.toLowerCase() : undefined;
        const results = query.results !== undefined && query.results.length > 0 ? [...query.results] : undefined;
        let selection = transaction.selectFrom('results').where('operation_id', '=', operationId);
        if (search !== undefined) selection = selection.where(sql<boolean>`strpos("search_folded", ${search}) > 0`);
        if (results !== undefined) {
          selection = selection.where(sql<boolean>`"result" = any(${results}::text[])`);
          // Lets PostgreSQL use the partial index that leaves skipped results out.
          if (!results.includes('skipped')) selection = selection.where('result', '<>', 'skipped');
        }
        const { total } = await selection.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
        const ordered = selection.select(resultReadColumns).orderBy('seq').orderBy('id');
        if (query.size === undefined) {
          // Without `size`, every match is one page: page 1, as large as the list.
          return { items: (await ordered.execute()).map(fromResultRow), total, page: 1, size: total };
        }
        const rows = await ordered.limit(query.size).offset((page - 1) * query.size).execute();
        return { items: rows.map(fromResultRow), total, page, size: query.size };
      });
    },

    async listResultsAfter(operationId, after, limit) {
      // One statement: a range of the index (operation_id, seq, id) from the row value `after`.
      let selection = db.selectFrom('results').select(listedResultColumns).where('operation_id', '=', operationId);
      if (after !== undefined) selection = selection.where(sql<boolean>`("seq", "id") > (${after.seq}, ${after.id})`);
      const rows = await selection.orderBy('seq').orderBy('id').limit(limit).execute();
      return rows.map(fromListedResultRow);
    },

    applyEdits(edits: readonly WorldEdit[]) {
      return write(async (transaction) => {
        const ids: number[] = [];
        for (const edit of edits) ids.push(await applyEdit(transaction, edit));
        return ids;
      });
    },

    async isEmpty() {
      return isEmpty(db);
    },

    importWorld(world: World) {
      return write(async (transaction) => {
        if (!(await isEmpty(transaction))) throw new Error('importWorld needs an empty store, and this one already holds datastores or users');
        await insertRows(transaction, 'users', world.users.map(toUserRow));
        await insertRows(transaction, 'teams', world.teams.map((team) => ({ id: team.id, name: team.name })));
        await insertRows(transaction, 'team_members', world.teams.flatMap((team) => team.members.map((userId, position) => ({ team_id: team.id, position, user_id: userId }))));
        await insertRows(
          transaction,
          'team_permissions',
          world.teams.flatMap((team) => Object.entries(team.permissions).map(([datastoreId, level]) => ({ team_id: team.id, datastore_id: Number(datastoreId), level }))),
        );
        await insertRows(transaction, 'datastores', world.datastores.map((datastore) => ({ id: datastore.id, name: datastore.name, store_type: datastore.store_type })));
        await insertRows(transaction, 'containers', world.containers.map((container) => ({ id: container.id, ...toContainerValues(container) })));
        await insertRows(transaction, 'fields', world.fields.map((field) => ({ id: field.id, ...toFieldValues(field) })));
        await insertRows(transaction, 'quality_checks', world.quality_checks.map((check) => ({ id: check.id, ...toCheckValues(check) })));
        await insertRows(transaction, 'computed_fields', world.computed_fields.map((field) => ({ id: field.id, ...toComputedFieldValues(field) })));
        // Imported links are older than every link recorded before: below the smallest seq there is.
        const { oldest } = await transaction
          .selectFrom('lineage')
          .select((eb) => eb.fn.coalesce(eb.fn.min('seq'), sql.lit(1)).as('oldest'))
          .executeTakeFirstOrThrow();
        const firstSeq = Number(oldest) - world.lineage.length;
        await insertRows(transaction, 'lineage', world.lineage.map((link, index) => toLineageRow(link, firstSeq + index)));
        const highest = (rows: readonly { readonly id: number }[]) => rows.reduce((max, row) => Math.max(max, row.id), 0);
        await raiseCounters(
          transaction,
          new Map<IdKind, number>([
            ['container', highest(world.containers)],
            ['field', highest(world.fields)],
            ['quality_check', highest(world.quality_checks)],
            ['computed_field', highest(world.computed_fields)],
          ]),
        );
      });
    },

    exportWorld() {
      return read(async (transaction): Promise<World> => {
        const users = await transaction.selectFrom('users').selectAll().orderBy('id').execute();
        const teams = await selectTeams(transaction).execute();
        const datastores = await transaction.selectFrom('datastores').selectAll().orderBy('id').execute();
        const containers = await transaction.selectFrom('containers').selectAll().orderBy('id').execute();
        const fields = await transaction.selectFrom('fields').selectAll().orderBy('id').execute();
        const checks = await transaction.selectFrom('quality_checks').selectAll().orderBy('id').execute();
        const computedFields = await transaction.selectFrom('computed_fields').selectAll().orderBy('id').execute();
        const lineage = await transaction
          .selectFrom('lineage')
          .select(['entity_type', 'source_entity_id', 'destination_scope_id', 'destination_entity_id'])
          .orderBy('seq')
          .execute();
        return {
          users: users.map(fromUserRow),
          teams: teams.map(fromTeamRow),
          datastores: datastores.map(fromDatastoreRow),
          containers: containers.map(fromContainerRow),
          fields: fields.map(fromFieldRow),
          quality_checks: checks.map(fromCheckRow),
          computed_fields: computedFields.map(fromComputedFieldRow),
          lineage: lineage.map(fromLineageRow),
        };
      });
    },

    leases,

    // A commit waits for the server, and for the write lock while another commit holds it: sized
    // by the clock it would shrink to one unit under contention (Store.commitBlocks).
    commitBlocks: false,

    async checkReady() {
      let applied: readonly string[] | undefined;
      // A pooled connection the server ended while it sat idle (a restart, pg_terminate_backend)
      // fails once and leaves the pool; the probe asks about the database now, so it asks again
      // on another connection, a few times at most.
      for (let attempt = 1; applied === undefined; attempt += 1) {
        try {
          const { rows } = await sql<{ name: string }>`select "name" from ${sql.id(schema, 'kysely_migration')}`.execute(db);
          applied = rows.map((row) => row.name);
        } catch (error) {
          // 42P01 undefined_table: the schema was dropped or never migrated.
          if ((error as { code?: unknown }).code === '42P01') throw new Error(`schema ${schema} is not migrated (it has no kysely_migration table)`);
          if (attempt >= 3 || !isBrokenConnection(error)) throw error;
        }
      }
      const known = Object.keys(postgresStoreMigrations);
      const unknown = applied.filter((name) => !known.includes(name));
      if (unknown.length > 0) throw new Error(`schema ${schema} was migrated by a newer version (${unknown.join(', ')})`);
      const pending = known.filter((name) => !applied.includes(name));
      if (pending.length > 0) throw new Error(`schema ${schema} is not migrated (${pending.join(', ')} pending)`);
    },

    close() {
      // The runtime calls it after every earlier call settled; ending the pool closes its connections.
      closing ??= db.destroy();
      return closing;
    },
  };
}

async function isEmpty(db: Kysely<Database>): Promise<boolean> {
  const { empty } = await db
    .selectNoFrom((eb) => eb.not(eb.or([eb.exists(eb.selectFrom('datastores').select(sql.lit(1).as('one'))), eb.exists(eb.selectFrom('users').select(sql.lit(1).as('one')))])).as('empty'))
    .executeTakeFirstOrThrow();
  return empty === true;
}

/**
 * `join` of the runs of consecutive ids of {@link idRuns}, bound as parameters `$first` (first
 * ids) and `$first + 1` (last ids): one index range read per run. `"id" = any(…ids)` binds every
 * id, which pg writes into an array literal and the server parses: for a lineage slice of 5,000
 * of a container's checks (one run) that was most of the call.
 */
function joinIdRuns(column: string, first: number): string {
  return `join unnest($${first}::bigint[], $${first + 1}::bigint[]) as "run"("first", "last") on ${column} between "run"."first" and "run"."last"`;
}

/** Distinct `ids` as runs of consecutive ids: the first ids of the runs and their last ids, ascending and apart. */
export function idRuns(ids: readonly number[]): [number[], number[]] {
  // A typed array sorts numerically, and holds every safe integer exactly.
  const sorted = Float64Array.from(ids).sort();
  const firsts: number[] = [];
  const lasts: number[] = [];
  for (const id of sorted) {
    const last = lasts.length - 1;
    // Ascending: an id is the last one again (a duplicate), the next one, or the first of a new run.
    if (last >= 0 && (lasts[last] as number) >= id - 1) lasts[last] = id;
    else {
      firsts.push(id);
      lasts.push(id);
    }
  }
  return [firsts, lasts];
}

/** `"id" = any(…ids)`, bound as one array parameter, so any number of ids is one statement. */
function idIn(ids: readonly number[]) {
  return sql<boolean>`"id" = any(${[...new Set(ids)]}::bigint[])`;
}

/** Teams with their members (in position order) and permissions as JSON text, ascending id. */
function selectTeams(db: Kysely<Database>) {
  return db
    .selectFrom('teams')
    .select([
      'teams.id',
      'teams.name',
      sql<string>`coalesce((select json_agg("user_id" order by "position") from "team_members" where "team_id" = "teams"."id"), '[]')::text`.as('members'),
      sql<string>`coalesce((select json_object_agg("datastore_id", "level" order by "datastore_id") from "team_permissions" where "team_id" = "teams"."id"), '{}')::text`.as('permissions'),
    ])
    .orderBy('teams.id')
    .$castTo<TeamRow>();
}

function epochMs(timestamp: string): number {
  const ms = Date.parse(timestamp);
  if (Number.isNaN(ms)) throw new Error(`Not an ISO-8601 timestamp: ${JSON.stringify(timestamp)}`);
  return ms;
}

/**
 * Whether `error` says the connection it ran on is gone, not the database: the server ended the
 * session (57P01 admin_shutdown, 57P02 crash_shutdown) or its socket closed under pg.
 */
function isBrokenConnection(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === '57P01' || code === '57P02') return true;
  return error instanceof Error && /Connection terminated/i.test(error.message);
}
