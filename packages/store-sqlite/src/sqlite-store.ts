import type {
  CheckSelectionKey,
  EntitySummary,
  EntityType,
  OperationPatch,
  OperationRecord,
  OperationQuery,
  Page,
  PromoteResultRecord,
  PromoteResultValue,
  QualityCheck,
  RenderedResultViews,
  ResultQuery,
  ScopeLeases,
  Store,
  World,
  WorldEdit,
} from '@promote/core';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { JsonIntern } from '@promote/core/internals';
import { LeaseLostError } from '@promote/core';
import type BetterSqlite3 from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import {
  fromCheckRow,
  fromCheckTuple,
  fromComputedFieldRow,
  fromContainerRow,
  fromDatastoreRow,
  fromFieldRow,
  fromLineageRow,
  fromLineageTuple,
  fromOperationHead,
  fromStoredResultTuple,
  fromListedResultTuple,
  resultInsertColumns,
  lineageValueColumns,
  type CheckValueTuple,
  resultReadColumns,
  type ResultTuple,
  type StoredResultTuple,
  fromTeamRow,
  fromUserRow,
  checkKeyOfTuple,
  frozenCheckOfTuple,
  frozenSourceCheckOfTuple,
  operationParts,
  toCheckValues,
  toComputedFieldValues,
  toContainerValues,
  toFieldValues,
  toLineageValues,
  toOperationValues,
  toResultTuple,
  toUserRow,
  type OperationParts,
  writtenOperationParts,
  type Row,
} from './rows.js';
import type { Database, OperationsTable, ResultsTable } from './schema.js';
import { prepareRenderStatements, renderResultRange, renderResultViews, renderSql, type StampedResultViews } from './render-result-views.js';
import type { RenderThreads } from './render-threads.js';
import { defaultViewCacheBytes, keptPageKey, keptRangeKey, prepareKeptViews } from './kept-views.js';
import { boundCount, foldFunction, prepareStatements, teamMembersJson, teamPermissionsJson } from './statements.js';
import { insertInBlocks } from './block-insert.js';
import { checkContainersWritten, CheckListings, noChecksWritten, type ChecksWritten } from './check-listings.js';
import { encodeSelection } from './json.js';
import { applyEdit, applyWrite, checkCreationValues, writtenCheck } from './write-entity.js';

/** A selection at least this long is encoded, copied and written in turns of the event loop of their own. */
const yieldingSelectionLength = 10_000;

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
  /**
   * Run by `close()` once the queued calls are done, before the handle closes (the checkpoint
   * thread's end). A write waiting for a catch-up (`beforeWrite`) is not queued yet: the store
   * runtime's `close()` (`guardStore`, which `openSqliteStore` wraps the store in) waits for it.
   */
  readonly beforeClose?: (() => Promise<void>) | undefined;
  /** Run after each write transaction of the store (commit, applyEdits, importWorld): the checkpoint thread's cue. */
  readonly afterWrite?: (() => void) | undefined;
  /** Asked before each write transaction: a promise to wait for first (the checkpoint thread catching the WAL up), or `undefined`. */
  readonly beforeWrite?: (() => Promise<void> | undefined) | undefined;
  /** Threads that write result views on connections of their own (decision 0908); without, the handle writes them. Stopped by `close()` after the queued calls. */
  readonly renderThreads?: RenderThreads | undefined;
  /** The most bytes of result views kept in the file to answer again (decision 0910); `0` keeps none. Default `defaultViewCacheBytes` (64 MiB). */
  readonly viewCacheBytes?: number | undefined;
}


/** A written page as the port answers it, without what it was kept under. */
const asRendered = (page: StampedResultViews | undefined): RenderedResultViews | undefined =>
  page === undefined || !('generation' in page) ? page : { json: page.json, count: page.count, last: page.last };

/** The page of a selection (`Store.listCheckKeys`) of a container's checks (ascending id): at most `limit` checks after `afterId`. */
function pageOf(checks: readonly QualityCheck[], afterId: number, limit: number): readonly QualityCheck[] {
  let low = 0;
  for (let high = checks.length; low < high; ) {
    const middle = (low + high) >>> 1;
    if ((checks[middle] as QualityCheck).id <= afterId) low = middle + 1;
    else high = middle;
  }
  return checks.slice(low, low + limit);
}

/** How many operations' decoded request and selection {@link createSqliteStore} keeps. */
const cachedOperationParts = 16;

/**
 * The store over a migrated database. Every call takes kysely's single-connection mutex first
 * (`db.connection().execute`), so a synchronous better-sqlite3 write transaction never runs inside
 * a kysely read transaction of a concurrent call. Writes run as `BEGIN IMMEDIATE` transactions on
 * the handle with prepared statements; reads of more than one statement run in one transaction
 * (kysely's, or the handle's for the prepared `listResults`), so they see one snapshot. The hot
 * paths run on prepared statements; docs/decisions/0301-engine-performance-changes.md says which and why.
 */
export function createSqliteStore({ handle, db, ownsHandle, beforeClose, afterWrite, beforeWrite, renderThreads, viewCacheBytes = defaultViewCacheBytes }: SqliteStoreParts): SqliteStore {
  handle.function(foldFunction, { deterministic: true }, (text: unknown) =>
    typeof text === 'string' ? text.toLowerCase() : text,
  );
  const statements = prepareStatements(handle);
  const rendering = prepareRenderStatements(handle, renderSql);
  // A read-only handle cannot keep pages; one in memory would keep them in the process.
  const keptViews = viewCacheBytes > 0 && !handle.readonly && !handle.memory ? prepareKeptViews(handle, viewCacheBytes) : undefined;
  let closing: Promise<void> | undefined;

  // The engine's store runtime refuses calls after close (guardStore); a direct caller gets kysely's error.
  const use = <T>(work: (connection: Kysely<Database>) => T | Promise<T>): Promise<T> => db.connection().execute(async (connection) => work(connection));
  const read = <T>(work: (transaction: Kysely<Database>) => Promise<T>): Promise<T> =>
    use((connection) => connection.transaction().execute(work));

  // The checks of the containers listed last (a promotion's source and destination), kept while nothing can have changed them.
  // None on a handle its caller owns, who may write on it: writes on the same connection do not move `data_version`.
  const listings = new CheckListings(() => statements.dataVersion.get() as number, ownsHandle ? CheckListings.wholeChecksLimit : 0);
  // Decoded JSON texts of the listings: a destination's copies of the source's checks decode to the source's values.
  const jsonTexts = new JsonIntern();

  /** A write transaction; `checksOf` says whose checks it may change (see `CheckListings.forget`). */
  const write = <T>(work: () => T, checksOf: ChecksWritten = 'any'): Promise<T> => {
    const transaction = () =>
      use(() => {
        listings.forget(checksOf);
        const done = handle.transaction(work).immediate();
        afterWrite?.();
        return done;
      });
    // The checkpoint thread's catch-up is waited for before the connection is taken: the reads of
    // other calls go on meanwhile (held behind it, reads during a million-check promotion in
    // `serve` had a p99 of 91 ms instead of 24). Writes asked meanwhile wait for the same catch-up
    // and reach the connection in the order they were asked; the few writes that do not come
    // through here (operations and leases: a row each; kept result views, decision 0910) are not held back.
    const waiting = beforeWrite?.();
    return waiting === undefined ? transaction() : waiting.then(transaction);
  };

  /*
   * An operation's request and selection never change once created (no patch touches them, ids are
   * never reused), yet the engine reads its operation before every commit (the cross-process abort
   * check) and a 100,000-check selection takes milliseconds to read and decode. So they are decoded
   * once, deep-frozen, and reused for the last few operations read.
   */
  const partsByOperation = new Map<number, OperationParts>();
  const rememberParts = (id: number, parts: OperationParts) => {
    partsByOperation.delete(id);
    partsByOperation.set(id, parts);
    if (partsByOperation.size > cachedOperationParts) partsByOperation.delete(partsByOperation.keys().next().value as number);
    return parts;
  };
  /**
   * An operation from its whole row, with the request and selection decoded once: the cached parts
   * when there are any (a selection of a million ids takes tens of milliseconds to decode, and
   * listings and status changes read the row again and again while it runs).
   */
  const selectionOf = (id: number): string => {
    const selection = statements.getSelection.get(id);
    if (selection === undefined) throw new Error(`Operation ${id} has no selection`);
    return selection;
  };
  const operationOf = (row: Row<OperationsTable>, remember: boolean): OperationRecord => {
    const cached = partsByOperation.get(row.id);
    if (cached !== undefined) return fromOperationHead(row, cached);
    const parts = operationParts(row, selectionOf(row.id));
    return fromOperationHead(row, remember ? rememberParts(row.id, parts) : parts);
  };

  /*
   * `listResults` on prepared statements, one set per combination of filters: the result pages
   * are what an HTTP client reads most, and building each query with kysely took half of the
   * call's time (docs/performance.md).
   */
  const resultStatementSets = new Map<string, ReturnType<typeof prepareResultStatements>>();
  const resultStatements = (search: boolean, results: ResultFilter) => {
    const key = `${search}/${results}`;
    let set = resultStatementSets.get(key);
    if (set === undefined) {
      set = prepareResultStatements(handle, search, results);
      resultStatementSets.set(key, set);
    }
    return set;
  };

  // Prepared statements: the engine renews its lease after commits.
  const leases: ScopeLeases = {
    tryAcquire: (scope, holder, now, expiresAt) =>
      use(() => {
        const values = { scope, holder, expires_at: expiresAt, expires_at_ms: epochMs(expiresAt), now_ms: epochMs(now) };
        return statements.tryAcquireLease.run(values).changes > 0;
      }),
    release: (scope, holder) =>
      use(() => {
        statements.releaseLease.run({ scope, holder });
      }),
    holderOf: (scope, now) => use(() => statements.leaseHolder.get({ scope, now_ms: epochMs(now) })?.holder),
    takeOver: (scope, previous, holder, now, expiresAt) =>
      use(() => {
        const values = { scope, holder, previous, expires_at: expiresAt, expires_at_ms: epochMs(expiresAt), now_ms: epochMs(now) };
        return statements.takeOverLease.run(values).changes > 0;
      }),
  };

  return {
    findUser: (by) =>
      use(() => {
        const row =
          'id' in by ? statements.userById.get(by.id) : 'email' in by ? statements.userByEmail.get(by.email.toLowerCase()) : statements.userByToken.get(by.token);
        return row === undefined ? undefined : fromUserRow(row);
      }),

    teamsOfUser: (userId) => use(() => statements.teamsOfUser.all(userId).map(fromTeamRow)),

    getDatastore: (id) =>
      use(() => {
        const row = statements.getDatastore.get(id);
        return row === undefined ? undefined : fromDatastoreRow(row);
      }),

    listDatastores: () =>
      use(async (connection) => {
        const rows = await connection.selectFrom('datastores').selectAll().orderBy('id').execute();
        return rows.map(fromDatastoreRow);
      }),

    getContainer: (id) =>
      use(() => {
        const row = statements.getContainer.get(id);
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

    listChecks: (containerId) =>
      use(() => {
        const listed = listings.listed(containerId);
        if (listed !== undefined) return listed;
        const dataVersion = statements.dataVersion.get() as number;
        const checks = Object.freeze(statements.listChecks.all(containerId).map((row) => frozenCheckOfTuple(row, jsonTexts)));
        listings.keep(containerId, dataVersion, checks);
        return checks;
      }),

    listCheckKeys: (containerId, afterId, limit) =>
      use((): readonly CheckSelectionKey[] => {
        // Whole checks are keys too (`CheckSelectionKey` is a part of a check): the kept ones are handed out, not copied.
        const listed = listings.listed(containerId, afterId);
        if (listed !== undefined) return pageOf(listed, afterId, limit);
        // A container of at most 20,000 checks is read whole once: its promotion asks for the same checks by id next.
        const holdsMoreThan = (count: number) => statements.checkBeyond.get(containerId, count) !== undefined;
        if (!listings.readsWholeChecks(containerId, afterId, limit, holdsMoreThan)) {
          return statements.listCheckKeys.all(containerId, afterId, limit).map((row) => checkKeyOfTuple(row, jsonTexts));
        }
        const page = statements.listCheckPage.all(containerId, afterId, limit).map((row) => frozenSourceCheckOfTuple(row, jsonTexts));
        listings.addSelectionPage(containerId, page, limit);
        return page;
      }),

    getChecks: (ids) =>
      use(() => {
        if (ids.length === 0) return [];
        const listed = listings.find(ids);
        if (listed !== undefined) return listed;
        // Texts the store has decoded before (the destination's listing, in a re-promotion) are shared, others parsed.
        return statements.getChecks.all(JSON.stringify(ids)).map((row) => fromCheckTuple(row, jsonTexts));
      }),

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

    summarise: (entityType, ids) =>
      use((): readonly EntitySummary[] => {
        if (ids.length === 0) return [];
        const asked = JSON.stringify(ids);
        switch (entityType) {
          case 'quality_check':
            return statements.checkSummaries.all(asked).map(([id, description, rule_type, status]) => ({ id, description, rule_type, status }));
          case 'computed_field':
            return statements.computedFieldSummaries.all(asked).map(([id, name, transformation, status]) => ({ id, name, transformation, status }));
          case 'computed_table':
          case 'computed_file':
            return statements.containerSummaries.all(asked).map(([id, name, container_type]) => ({ id, name, container_type }));
        }
      }),

    findLineage: (entityType: EntityType, destinationScopeId, sourceIds) =>
      use(() =>
        sourceIds.length === 0
          ? []
          : statements.findLineage.all(entityType, destinationScopeId, JSON.stringify(sourceIds)).map((row) => fromLineageTuple(entityType, destinationScopeId, row)),
      ),

    createOperation: async (operation) => {
      // The head read back, the request and selection not: a million-check selection was the
      // longest synchronous step of starting such a promotion. The parts are the request decoded
      // from what was written and a frozen copy of the selection (whole numbers: its text decodes
      // to the same). The selection is written as runs of ids (`encodeSelection`). Encoded, copied
      // and written in three turns of the event loop: at a million ids the three were one step of
      // ≈ 34–44 ms (SPEC §19: ≈ 20 ms; the encoding ≈ 12 ms, the copy ≈ 10 ms). The first two
      // before the connection is taken: the store's other calls (status polls, result pages, other
      // scopes' commits) do not wait behind them.
      const values = toOperationValues(operation);
      const selectionText = encodeSelection(operation.selection);
      const yielding = operation.selection.length >= yieldingSelectionLength;
      if (yielding) await nextTurn();
      const parts = writtenOperationParts(values, operation.selection);
      if (yielding) await nextTurn();
      // One transaction for the row and its selection; not `write`, which would drop the source
      // listing the promotion is about to plan from (an operation is not a check).
      return use(() =>
        handle
          .transaction(() => {
            const id = Number(statements.insertOperation.run(values).lastInsertRowid);
            statements.insertSelection.run(id, selectionText);
            const head = statements.getOperationHead.get(id);
            if (head === undefined) throw new Error(`the operation just inserted (${id}) is not there`);
            return fromOperationHead(head, rememberParts(id, parts));
          })
          .immediate(),
      );
    },

    getOperation: (id) =>
      use(() => {
        const parts = partsByOperation.get(id);
        if (parts !== undefined) {
          const head = statements.getOperationHead.get(id);
          return head === undefined ? undefined : fromOperationHead(head, rememberParts(id, parts));
        }
        const row = statements.getOperation.get(id);
        return row === undefined ? undefined : fromOperationHead(row, rememberParts(id, operationParts(row, selectionOf(id))));
      }),

    listOperations: (query: OperationQuery) =>
      read(async (transaction) => {
        let selection = transaction.selectFrom('operations');
        if (query.result !== undefined) selection = selection.where('result', '=', query.result);
        if (query.promote_type !== undefined) selection = selection.where('promote_type', '=', query.promote_type);
        const datastore = query.datastore;
        if (datastore !== undefined) {
          selection = selection.where((eb) =>
            eb.or([eb('datastore_id', '=', datastore), eb('destination_datastore_id', '=', datastore)]),
          );
        }
        const visible = query.visibleDatastores;
        if (visible !== undefined) {
          const listed = JSON.stringify(visible);
          selection = selection
            .where(sql<boolean>`"datastore_id" in (select "value" from json_each(${listed}))`)
            .where(sql<boolean>`"destination_datastore_id" in (select "value" from json_each(${listed}))`);
        }
        const { total } = await selection
          .select((eb) => eb.fn.countAll<number>().as('total'))
          .executeTakeFirstOrThrow();
        const rows = await selection
          .selectAll()
          .orderBy('id', 'desc')
          // Not bound bare: SQLite would plan the statement again at every run (see `boundCount`).
          .limit(sql<number>`(${query.size} + 0)`)
          .offset(sql<number>`(${(query.page - 1) * query.size} + 0)`)
          .execute();
        return { items: rows.map((row) => operationOf(row, false)), total, page: query.page, size: query.size };
      }),

    listRunningOperations: () =>
      use(async (connection) => {
        const rows = await connection
          .selectFrom('operations')
          .selectAll()
          .where('result', '=', 'running')
          .orderBy('id')
          .execute();
        return rows.map((row) => operationOf(row, true));
      }),

    updateOperation: (id, patch: OperationPatch) =>
      use(async (connection) => {
        const row = await connection.updateTable('operations').set(patch).where('id', '=', id).returningAll().executeTakeFirst();
        if (row === undefined) throw new Error(`Operation ${id} not found`);
        return operationOf(row, true);
      }),

    transitionOperation: (id, from, patch: OperationPatch) =>
      use(async (connection) => {
        // One statement: the check of the current result and the write are atomic across processes.
        const row = await connection.updateTable('operations').set(patch).where('id', '=', id).where('result', 'in', [...from]).returningAll().executeTakeFirst();
        if (row !== undefined) return operationOf(row, true);
        const exists = await connection.selectFrom('operations').select('id').where('id', '=', id).executeTakeFirst();
        if (exists === undefined) throw new Error(`Operation ${id} not found`);
        return undefined;
      }),

    deleteOperation: (id, from) =>
      write(() => {
        const row = statements.getOperation.get(id);
        if (row === undefined || !(from as readonly string[]).includes(row.result)) return undefined;
        const operation = operationOf(row, false);
        const largest = statements.largestResultIdOf.get(id);
        statements.deleteResultsOf.run(id);
        statements.deleteOperation.run(id);
        statements.deleteSelection.run(id);
        // After the delete: the floor is kept only when no result left has a larger id.
        if (largest !== null && largest !== undefined) statements.raiseResultIdFloor.run({ highest: largest });
        partsByOperation.delete(id);
        return operation;
      }, noChecksWritten),

    commit: (units, options) =>
      write(() => {
        // The fence: inside the write transaction, so no other process can take the lease between
        // this check and the writes (decision 0008).
        const lease = options?.lease;
        if (lease !== undefined) {
          const held = { scope: lease.scope, holder: lease.holder, expires_at: lease.expiresAt, expires_at_ms: epochMs(lease.expiresAt), now_ms: epochMs(lease.now) };
          if (statements.holdLease.run(held).changes !== 1) throw new LeaseLostError(lease.scope, lease.holder);
        }
        const records: PromoteResultRecord[] = [];
        const counters = new Map<number, Record<PromoteResultValue, number>>();
        const liveContainers = new Set<number>();
        // Ids of deleted results are never given again (`id_floors`, migration 0004).
        let floor = units.length === 0 ? undefined : statements.resultIdFloor.get();
        if (floor !== undefined) statements.clearResultIdFloor.run();
        // Created checks, lineage links and result rows wait here and go in multi-row inserts, each
        // table's rows in unit order (decision 0911); a created check's id, known once its block is
        // in, is filled into its result row, record and link. Updates and other writes go at once,
        // in unit order. The records returned are built from the values in hand, not read back.
        const results: unknown[][] = [];
        const resultRecords: InsertedRecord[] = [];
        const links: unknown[][] = [];
        const creations: { readonly value: Omit<QualityCheck, 'id'>; readonly result: unknown[]; readonly record: InsertedRecord; readonly link: unknown[] | undefined }[] = [];
        const creationValues: CheckValueTuple[] = [];
        for (const unit of units) {
          // The first result of a commit after deleted results takes the id floor's: inserted at once, with its write.
          const flooredId = floor !== undefined && floor > (statements.largestResultId.get() ?? 0) ? floor + 1 : undefined;
          floor = undefined;
          const { write } = unit;
          const waits = write?.kind === 'create_check' && flooredId === undefined;
          const written = write === undefined || waits ? undefined : applyWrite(statements, write, liveContainers, jsonTexts);
          const destinationId = unit.result === 'created' ? (written?.id ?? null) : unit.destination_entity_id;
          const values = toResultTuple(unit, written?.json ?? null, destinationId) as unknown as unknown[];
          const record: InsertedRecord = {
            id: 0,
            operation_id: unit.operation_id,
            seq: unit.seq,
            entity_type: unit.entity_type,
            source_entity_id: unit.source_entity_id,
            result: unit.result,
            destination_entity_id: destinationId,
            message: unit.message,
            changes: unit.changes,
            before: unit.before,
            after: written === undefined ? null : written.after,
            search_text: unit.search_text,
          };
          records.push(record);
          if (flooredId !== undefined) {
            record.id = flooredId;
            statements.insertResultWithId.run([record.id, ...values] as unknown as readonly [number, ...ResultTuple]);
          } else {
            results.push(values);
            resultRecords.push(record);
          }
          // A link the engine says is the newest already would change nothing: not recorded again;
          // a revert's units record none.
          const link =
            unit.result !== 'failed' && (waits || destinationId !== null) && unit.link_current !== true && unit.record_link !== false
              ? [unit.entity_type, unit.source_entity_id, unit.destination_scope_id, destinationId]
              : undefined;
          if (link !== undefined) links.push(link);
          if (waits) {
            creations.push({ value: write.value, result: values, record, link });
            creationValues.push(checkCreationValues(statements, write.value, liveContainers, jsonTexts));
          }
          let counter = counters.get(unit.operation_id);
          if (counter === undefined) counters.set(unit.operation_id, (counter = { created: 0, updated: 0, skipped: 0, failed: 0 }));
          counter[unit.result] += 1;
        }
        insertInBlocks(statements.checkRows, creationValues, (index, id) => {
          const creation = creations[index] as (typeof creations)[number];
          const written = writtenCheck(creation.value, id, creationValues[index] as CheckValueTuple);
          creation.result[resultDestinationColumn] = id;
          creation.result[resultAfterColumn] = written.json;
          creation.record.destination_entity_id = id;
          creation.record.after = written.after;
          if (creation.link !== undefined) creation.link[linkDestinationColumn] = id;
        });
        insertInBlocks(statements.lineageRows, links);
        insertInBlocks(statements.resultRows, results, (index, id) => {
          (resultRecords[index] as InsertedRecord).id = id;
        });
        for (const [operationId, counter] of counters) {
          if (statements.addToStatus.run({ id: operationId, ...counter }).changes !== 1) {
            throw new Error(`Operation ${operationId} not found`);
          }
        }
        return records;
      }, checkContainersWritten(units.map((unit) => unit.write))),

    listResults: (operationId, query: ResultQuery = {}) =>
      use(() => {
        const page = query.page ?? 1;
        const search = query.search !== undefined && query.search !== '' ? query.search.toLowerCase() : undefined;
        const results = query.results !== undefined && query.results.length > 0 ? JSON.stringify(query.results) : undefined;
        const filter: ResultFilter = results === undefined ? 'none' : query.results?.includes('skipped') === true ? 'any' : 'not_skipped';
        const { count, list, slice } = resultStatements(search !== undefined, filter);
        const parameters = { operation_id: operationId, ...(search === undefined ? {} : { search }), ...(results === undefined ? {} : { results }) };
        // One read transaction, so that the page and its total come from one snapshot.
        return handle.transaction((): Page<PromoteResultRecord> => {
          const total = count.get(parameters) as number;
          if (query.size === undefined) {
            // Without `size`, every match is one page: page 1, as large as the list.
            return { items: list.all(parameters).map(fromStoredResultTuple), total, page: 1, size: total };
          }
          const rows = slice.all({ ...parameters, limit: query.size, offset: (page - 1) * query.size });
          return { items: rows.map(fromStoredResultTuple), total, page, size: query.size };
        })();
      }),

    listResultsAfter: (operationId, after, limit) =>
      use(() =>
        (after === undefined
          ? statements.firstResults.all({ operation_id: operationId, limit })
          : statements.resultsAfter.all({ operation_id: operationId, seq: after.seq, id: after.id, limit })
        ).map(fromListedResultTuple),
      ),

    // The JSON of a page of views written in SQL (render-result-views.ts); one read transaction for
    // its statements. By a render thread when one is ready (render-threads.ts, decision 0908). A
    // page of a finished operation is kept in the file and answered again while nothing it shows
    // changed (kept-views.ts, decision 0910).
    renderResultViews: (operationId, after, limit) => {
      const onConnection = () => use(() => handle.transaction(() => renderResultViews(rendering, operationId, after, limit))());
      const written = renderThreads === undefined ? onConnection : () => renderThreads.views(operationId, after, limit, onConnection);
      if (keptViews === undefined) return written().then(asRendered);
      const key = keptPageKey(operationId, after, limit);
      return use(() => keptViews.find(key)).then(
        (found) =>
          found ??
          written().then((page) =>
            page?.generation === undefined
              ? asRendered(page)
              : use(() => {
                  if (keptViews.keep(key, page)) afterWrite?.();
                  return asRendered(page);
                }),
          ),
      );
    },

    // A seq range of views in one statement (render-result-views.ts): the unfiltered result pages
    // of a complete operation. Kept in the file as pages are (decision 0910): the stamp is read
    // before the range is written, and the range kept only if it is still current when kept — no
    // change between the two, so the range shows what the stamp says.
    renderResultRange: (operationId, entityType, from, count) => {
      const onConnection = () => use(() => renderResultRange(rendering, operationId, entityType, from, count));
      const written = renderThreads === undefined ? onConnection : () => renderThreads.range(operationId, entityType, from, count, onConnection);
      if (keptViews === undefined) return written();
      const key = keptRangeKey(operationId, entityType, from, count);
      return use(() => {
        const found = keptViews.find(key);
        return found === undefined ? { stamp: rendering.stamp.get({ operation_id: operationId }) } : { found };
      }).then(({ found, stamp }) => {
        if (found !== undefined) return found.json;
        return written().then((json) =>
          json === undefined || stamp === undefined
            ? json
            : use(() => {
                if (keptViews.keep(key, { json, count, last: { seq: from + count - 1, id: 0 }, generation: stamp[0], processed: stamp[1] })) afterWrite?.();
                return json;
              }),
        );
      });
    },

    applyEdits: (edits: readonly WorldEdit[]) => write(() => edits.map((edit) => applyEdit(statements, edit))),

    isEmpty: () => use(() => statements.isEmpty.get()?.empty === 1),

    importWorld: (world: World) =>
      write(() => {
        if (statements.isEmpty.get()?.empty !== 1) {
          throw new Error('importWorld needs an empty store, and this one already holds datastores or users');
        }
        // It writes ids of its own: no page kept before may show them (decision 0910).
        statements.nextViewGeneration.run();
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
          statements.insertCheckWithId.run([check.id, ...toCheckValues(check)]);
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
        await renderThreads?.stop();
        await beforeClose?.();
        if (ownsHandle) await db.destroy();
      })();
      return closing;
    },
  };
}

/**
 * How `listResults` filters by result value: not at all, by a list holding `skipped`, or by a list
 * without it — which also says `"result" <> 'skipped'`, so that SQLite may use the partial index
 * `results_operation_outcome` (it holds no skipped result: decision 0302).
 */
type ResultFilter = 'none' | 'any' | 'not_skipped';

/**
 * The statements of `listResults` for one combination of filters: `count` (plucked), every match
 * (`list`) and one page (`slice`, with `@limit` and `@offset`), in processing order. `@search` is
 * matched case-insensitively as `listResults` always did; `@results` is a JSON array of values.
 */
function prepareResultStatements(handle: BetterSqlite3.Database, search: boolean, results: ResultFilter) {
  const where = [
    '"operation_id" = @operation_id',
    ...(search ? [`instr(${foldFunction}("search_text"), @search) > 0`] : []),
    ...(results === 'none' ? [] : ['"result" in (select "value" from json_each(@results))']),
    ...(results === 'not_skipped' ? [`"result" <> 'skipped'`] : []),
  ].join(' and ');
  const ordered = `select ${resultReadColumns.map((column) => `"${column}"`).join(', ')} from "results" where ${where} order by "seq", "id"`;
  return {
    count: handle.prepare(`select count(*) from "results" where ${where}`).pluck(true),
    list: handle.prepare<Record<string, unknown>, StoredResultTuple>(ordered).raw(true),
    slice: handle.prepare<Record<string, unknown>, StoredResultTuple>(`${ordered} limit ${boundCount('@limit')} offset ${boundCount('@offset')}`).raw(true),
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
      sql<string>`${sql.raw(teamMembersJson)}`.as('members'),
      sql<string>`${sql.raw(teamPermissionsJson)}`.as('permissions'),
    ])
    .orderBy('teams.id');
}

/** A result record whose id is known once its row is inserted. */
type InsertedRecord = { -readonly [K in keyof PromoteResultRecord]: PromoteResultRecord[K] };

/** Where a created check's id and `after` go in its result row, and its id in its lineage link. */
const resultDestinationColumn = resultInsertColumns.indexOf('destination_entity_id');
const resultAfterColumn = resultInsertColumns.indexOf('after');
const linkDestinationColumn = lineageValueColumns.indexOf('destination_entity_id');

function epochMs(timestamp: string): number {
  const ms = Date.parse(timestamp);
  if (Number.isNaN(ms)) throw new Error(`Not an ISO-8601 timestamp: ${JSON.stringify(timestamp)}`);
  return ms;
}
