import type {
  EntityType,
  OperationPatch,
  OperationQuery,
  Page,
  PromoteResultRecord,
  PromoteResultValue,
  ResultQuery,
  ScopeLeases,
  Store,
  World,
  WorldEdit,
} from '@promote/core';
import type BetterSqlite3 from 'better-sqlite3';
import { sql, type Kysely, type Updateable } from 'kysely';
import {
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
  toCheckValues,
  toComputedFieldValues,
  toContainerValues,
  toFieldValues,
  toLineageValues,
  toOperationValues,
  toResultValues,
  toUserRow,
} from './rows.js';
import type { Database, OperationsTable } from './schema.js';
import { prepareStatements } from './statements.js';
import { applyEdit, checkUnitShape } from './write-entity.js';

/** The Store port on SQLite. Unlike the port, it always offers {@link ScopeLeases}. */
export interface SqliteStore extends Store {
  /** Leases in the `scope_leases` table: atomic across every process that opens the same file. */
  readonly leases: ScopeLeases;
}

/** What {@link createSqliteStore} runs on: a migrated handle and a kysely instance over it. */
export interface SqliteStoreParts {
  readonly handle: BetterSqlite3.Database;
  readonly db: Kysely<Database>;
  /** Whether `close()` closes the handle (it does only when the store opened it). */
  readonly ownsHandle: boolean;
}

/** Name of the SQL function, registered on the handle, that case-folds text as JavaScript does. */
const foldFunction = 'promote_fold';

/**
 * The store over a migrated database. Every call takes kysely's single-connection mutex first
 * (`db.connection().execute`), so a synchronous better-sqlite3 write transaction never runs inside
 * a kysely read transaction of a concurrent call. Writes run as `BEGIN IMMEDIATE` transactions on
 * the handle with prepared statements; reads of more than one statement run in one kysely
 * transaction, so they see one snapshot.
 */
export function createSqliteStore({ handle, db, ownsHandle }: SqliteStoreParts): SqliteStore {
  handle.function(foldFunction, { deterministic: true }, (text: unknown) =>
    typeof text === 'string' ? text.toLowerCase() : text,
  );
  const statements = prepareStatements(handle);
  let closing: Promise<void> | undefined;

  const use = <T>(work: (connection: Kysely<Database>) => T | Promise<T>): Promise<T> =>
    closing === undefined
      ? db.connection().execute(async (connection) => work(connection))
      : Promise.reject(new Error('The SQLite store is closed'));
  const read = <T>(work: (transaction: Kysely<Database>) => Promise<T>): Promise<T> =>
    use((connection) => connection.transaction().execute(work));
  const write = <T>(work: () => T): Promise<T> => use(() => handle.transaction(work).immediate());

  const leases: ScopeLeases = {
    tryAcquire: (scope, holder, now, expiresAt) =>
      use(async (connection) => {
        const nowMs = epochMs(now);
        const result = await connection
          .insertInto('scope_leases')
          .values({ scope, holder, expires_at: expiresAt, expires_at_ms: epochMs(expiresAt) })
          .onConflict((conflict) =>
            conflict
              .column('scope')
              .doUpdateSet((eb) => ({
                holder: eb.ref('excluded.holder'),
                expires_at: eb.ref('excluded.expires_at'),
                expires_at_ms: eb.ref('excluded.expires_at_ms'),
              }))
              .where((eb) =>
                eb.or([
                  eb('scope_leases.holder', '=', eb.ref('excluded.holder')),
                  eb('scope_leases.expires_at_ms', '<=', nowMs),
                ]),
              ),
          )
          .executeTakeFirst();
        return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
      }),
    release: (scope, holder) =>
      use(async (connection) => {
        await connection.deleteFrom('scope_leases').where('scope', '=', scope).where('holder', '=', holder).execute();
      }),
  };

  return {
    findUser: (by) =>
      use(async (connection) => {
        let query = connection.selectFrom('users').selectAll().orderBy('id').limit(1);
        if ('id' in by) query = query.where('id', '=', by.id);
        else if ('email' in by) query = query.where(sql<string>`${sql.raw(foldFunction)}("email")`, '=', by.email.toLowerCase());
        else query = query.where('token', '=', by.token);
        const row = await query.executeTakeFirst();
        return row === undefined ? undefined : fromUserRow(row);
      }),

    teamsOfUser: (userId) =>
      use(async (connection) => {
        const rows = await selectTeams(connection)
          .where('teams.id', 'in', (eb) => eb.selectFrom('team_members').select('team_id').where('user_id', '=', userId))
          .execute();
        return rows.map(fromTeamRow);
      }),

    getDatastore: (id) =>
      use(async (connection) => {
        const row = await connection.selectFrom('datastores').selectAll().where('id', '=', id).executeTakeFirst();
        return row === undefined ? undefined : fromDatastoreRow(row);
      }),

    listDatastores: () =>
      use(async (connection) => {
        const rows = await connection.selectFrom('datastores').selectAll().orderBy('id').execute();
        return rows.map(fromDatastoreRow);
      }),

    getContainer: (id) =>
      use(async (connection) => {
        const row = await connection.selectFrom('containers').selectAll().where('id', '=', id).executeTakeFirst();
        return row === undefined ? undefined : fromContainerRow(row);
      }),

    getContainers: (ids) =>
      use(async (connection) => {
        if (ids.length === 0) return [];
        const rows = await connection.selectFrom('containers').selectAll().where(idIn(ids)).orderBy('id').execute();
        return rows.map(fromContainerRow);
      }),

    listContainers: (datastoreId) =>
      use(async (connection) => {
        const rows = await connection
          .selectFrom('containers')
          .selectAll()
          .where('datastore_id', '=', datastoreId)
          .orderBy('id')
          .execute();
        return rows.map(fromContainerRow);
      }),

    listFields: (containerId) =>
      use(async (connection) => {
        const rows = await connection
          .selectFrom('fields')
          .selectAll()
          .where('container_id', '=', containerId)
          .orderBy('id')
          .execute();
        return rows.map(fromFieldRow);
      }),

    listChecks: (containerId) => use(() => statements.listChecks.all(containerId).map(fromCheckRow)),

    getChecks: (ids) =>
      use(() => (ids.length === 0 ? [] : statements.getChecks.all(JSON.stringify(ids)).map(fromCheckRow))),

    listComputedFields: (containerId) =>
      use(async (connection) => {
        const rows = await connection
          .selectFrom('computed_fields')
          .selectAll()
          .where('container_id', '=', containerId)
          .orderBy('id')
          .execute();
        return rows.map(fromComputedFieldRow);
      }),

    getComputedFields: (ids) =>
      use(async (connection) => {
        if (ids.length === 0) return [];
        const rows = await connection.selectFrom('computed_fields').selectAll().where(idIn(ids)).orderBy('id').execute();
        return rows.map(fromComputedFieldRow);
      }),

    findLineage: (entityType: EntityType, destinationScopeId, sourceIds) =>
      use(() =>
        sourceIds.length === 0
          ? []
          : statements.findLineage.all(entityType, destinationScopeId, JSON.stringify(sourceIds)).map(fromLineageRow),
      ),

    createOperation: (operation) =>
      use(async (connection) => {
        const row = await connection
          .insertInto('operations')
          .values(toOperationValues(operation))
          .returningAll()
          .executeTakeFirstOrThrow();
        return fromOperationRow(row);
      }),

    getOperation: (id) =>
      use(async (connection) => {
        const row = await connection.selectFrom('operations').selectAll().where('id', '=', id).executeTakeFirst();
        return row === undefined ? undefined : fromOperationRow(row);
      }),

    listOperations: (query: OperationQuery) =>
      read(async (transaction) => {
        checkPage(query.page, query.size);
        let selection = transaction.selectFrom('operations');
        if (query.result !== undefined) selection = selection.where('result', '=', query.result);
        if (query.promote_type !== undefined) selection = selection.where('promote_type', '=', query.promote_type);
        const datastore = query.datastore;
        if (datastore !== undefined) {
          selection = selection.where((eb) =>
            eb.or([eb('datastore_id', '=', datastore), eb('destination_datastore_id', '=', datastore)]),
          );
        }
        const { total } = await selection
          .select((eb) => eb.fn.countAll<number>().as('total'))
          .executeTakeFirstOrThrow();
        const rows = await selection
          .selectAll()
          .orderBy('id', 'desc')
          .limit(query.size)
          .offset((query.page - 1) * query.size)
          .execute();
        return { items: rows.map(fromOperationRow), total, page: query.page, size: query.size };
      }),

    listRunningOperations: () =>
      use(async (connection) => {
        const rows = await connection
          .selectFrom('operations')
          .selectAll()
          .where('result', '=', 'running')
          .orderBy('id')
          .execute();
        return rows.map(fromOperationRow);
      }),

    updateOperation: (id, patch: OperationPatch) =>
      use(async (connection) => {
        const changes: Updateable<OperationsTable> = {};
        if (patch.result !== undefined) changes.result = patch.result;
        if (patch.end_time !== undefined) changes.end_time = patch.end_time;
        if (patch.aborted_by !== undefined) changes.aborted_by = patch.aborted_by;
        if (patch.message !== undefined) changes.message = patch.message;
        const row =
          Object.keys(changes).length === 0
            ? await connection.selectFrom('operations').selectAll().where('id', '=', id).executeTakeFirst()
            : await connection.updateTable('operations').set(changes).where('id', '=', id).returningAll().executeTakeFirst();
        if (row === undefined) throw new Error(`Operation ${id} not found`);
        return fromOperationRow(row);
      }),

    commit: (units) =>
      write(() => {
        const records: PromoteResultRecord[] = [];
        const counters = new Map<number, Record<PromoteResultValue, number>>();
        for (const unit of units) {
          checkUnitShape(unit);
          const writtenId = unit.write === undefined ? undefined : applyEdit(statements, unit.write);
          const destinationId = unit.result === 'created' ? (writtenId ?? null) : unit.destination_entity_id;
          const values = toResultValues({ ...unit, destination_entity_id: destinationId });
          const id = Number(statements.insertResult.run(values).lastInsertRowid);
          if (unit.result !== 'failed' && destinationId !== null) {
            statements.insertLineage.run(
              toLineageValues({
                entity_type: unit.entity_type,
                source_entity_id: unit.source_entity_id,
                destination_scope_id: unit.destination_scope_id,
                destination_entity_id: destinationId,
              }),
            );
          }
          const counter = counters.get(unit.operation_id) ?? { created: 0, updated: 0, skipped: 0, failed: 0 };
          counter[unit.result] += 1;
          counters.set(unit.operation_id, counter);
          records.push(fromResultRow({ id, ...values }));
        }
        for (const [operationId, counter] of counters) {
          if (statements.addToStatus.run({ id: operationId, ...counter }).changes !== 1) {
            throw new Error(`Operation ${operationId} not found`);
          }
        }
        return records;
      }),

    listResults: (operationId, query: ResultQuery = {}) =>
      read(async (transaction) => {
        const page = query.page ?? 1;
        if (query.size !== undefined) checkPage(page, query.size);
        let selection = transaction.selectFrom('results').where('operation_id', '=', operationId);
        if (query.search !== undefined && query.search !== '') {
          selection = selection.where(
            sql<boolean>`instr(${sql.raw(foldFunction)}("search_text"), ${query.search.toLowerCase()}) > 0`,
          );
        }
        if (query.results !== undefined && query.results.length > 0) {
          selection = selection.where('result', 'in', [...query.results]);
        }
        const { total } = await selection
          .select((eb) => eb.fn.countAll<number>().as('total'))
          .executeTakeFirstOrThrow();
        const ordered = selection.selectAll().orderBy('seq').orderBy('id');
        if (query.size === undefined) {
          // Without `size`, every match is one page: page 1, as large as the list.
          const items = (await ordered.execute()).map(fromResultRow);
          return { items, total, page: 1, size: total } satisfies Page<PromoteResultRecord>;
        }
        const rows = await ordered.limit(query.size).offset((page - 1) * query.size).execute();
        return { items: rows.map(fromResultRow), total, page, size: query.size } satisfies Page<PromoteResultRecord>;
      }),

    applyEdits: (edits: readonly WorldEdit[]) => write(() => edits.map((edit) => applyEdit(statements, edit))),

    isEmpty: () => use(() => statements.isEmpty.get()?.empty === 1),

    importWorld: (world: World) =>
      write(() => {
        if (statements.isEmpty.get()?.empty !== 1) {
          throw new Error('importWorld needs an empty store, and this one already holds datastores or users');
        }
        for (const user of world.users) statements.insertUser.run(toUserRow(user));
        for (const team of world.teams) {
          statements.insertTeam.run({ id: team.id, name: team.name });
          team.members.forEach((userId, position) =>
            statements.insertTeamMember.run({ team_id: team.id, position, user_id: userId }),
          );
          for (const [datastoreId, level] of Object.entries(team.permissions)) {
            statements.insertTeamPermission.run({ team_id: team.id, datastore_id: Number(datastoreId), level });
          }
        }
        for (const datastore of world.datastores) statements.insertDatastore.run(datastore);
        for (const container of world.containers) {
          statements.insertContainerWithId.run({ ...toContainerValues(container), id: container.id });
        }
        for (const field of world.fields) statements.insertFieldWithId.run({ ...toFieldValues(field), id: field.id });
        for (const check of world.quality_checks) {
          statements.insertCheckWithId.run({ ...toCheckValues(check), id: check.id });
        }
        for (const field of world.computed_fields) {
          statements.insertComputedFieldWithId.run({ ...toComputedFieldValues(field), id: field.id });
        }
        for (const link of world.lineage) statements.insertLineage.run(toLineageValues(link));
      }),

    exportWorld: () =>
      read(async (transaction): Promise<World> => {
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
      }),

    leases,

    close() {
      closing ??= (async () => {
        // Waits for the calls already queued on the connection, then releases it.
        await db.connection().execute(() => Promise.resolve());
        if (ownsHandle) await db.destroy();
      })();
      return closing;
    },
  };
}

/** `"id" in (…ids)`, bound as one JSON parameter, so any number of ids is one statement. */
function idIn(ids: readonly number[]) {
  return sql<boolean>`"id" in (select "value" from json_each(${JSON.stringify(ids)}))`;
}

/** Teams with their members (in position order) and permissions as JSON, ascending id. */
function selectTeams(db: Kysely<Database>) {
  return db
    .selectFrom('teams')
    .select([
      'teams.id',
      'teams.name',
      sql<string>`(select json_group_array("user_id") from (select "user_id" from "team_members" where "team_id" = "teams"."id" order by "position"))`.as(
        'members',
      ),
      sql<string>`(select json_group_object(cast("datastore_id" as text), "level") from (select "datastore_id", "level" from "team_permissions" where "team_id" = "teams"."id" order by "datastore_id"))`.as(
        'permissions',
      ),
    ])
    .orderBy('teams.id');
}

/** Refuses a page that is not an integer from 1 or a size that is not an integer from 1. */
function checkPage(page: number, size: number): void {
  if (!Number.isInteger(page) || page < 1) throw new RangeError(`page must be an integer from 1, got ${page}`);
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`size must be an integer from 1, got ${size}`);
}

function epochMs(timestamp: string): number {
  const ms = Date.parse(timestamp);
  if (Number.isNaN(ms)) throw new Error(`Not an ISO-8601 timestamp: ${JSON.stringify(timestamp)}`);
  return ms;
}
