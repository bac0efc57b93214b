import { closeSync, copyFileSync, existsSync, fsyncSync, openSync, rmSync } from 'node:fs';
import type { QualityCheck, World } from '@promote/core';
import { checkSearchText } from '@promote/core/internals';
import { openSqliteStore } from '@promote/store-sqlite';
import BetterSqlite3 from 'better-sqlite3';

/**
 * Writes `world` into a new SQLite file at `path` through the store (so the schema is the store's
 * own), closed and checkpointed, ready to be copied for each measured run.
 */
export async function sqliteTemplate(path: string, world: World): Promise<void> {
  removeDatabase(path);
  const store = await openSqliteStore({ filename: path });
  await store.importWorld(world);
  await store.close();
}

/**
 * A fresh copy of a closed database file (its WAL was checkpointed into it on close), synced to
 * disk as a database that was not just written is. Unsynced, the first commit on the copy (a sync
 * inside SQLite's first commit) flushed the whole copy from the page cache: 25 ms at
 * 100,000 checks, 120–270 ms at a million, measured as the engine's longest step.
 */
export function copyDatabase(from: string, to: string): string {
  removeDatabase(to);
  copyFileSync(from, to);
  const descriptor = openSync(to, 'r+');
  try {
    fsyncSync(descriptor);
  } finally {
    closeSync(descriptor);
  }
  return to;
}

/** Deletes a database file with its WAL and shared-memory files. */
export function removeDatabase(path: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) {
    if (existsSync(path + suffix)) rmSync(path + suffix);
  }
}

/** Opens a file with the pragmas `openSqliteStore` sets: what the raw baselines run on. */
export function openRaw(path: string): BetterSqlite3.Database {
  const handle = new BetterSqlite3(path);
  handle.pragma('busy_timeout = 10000');
  handle.pragma('journal_mode = WAL');
  handle.pragma('synchronous = NORMAL');
  handle.pragma('foreign_keys = ON');
  return handle;
}

const checkColumns = ['container_id', 'rule_type', 'description', 'fields', 'coverage', 'filter', 'properties', 'tags', 'additional_metadata', 'status', 'inferred', 'created_at', 'updated_at'] as const;
/**
 * A container's checks, every column of a check and no other: not `select *`, which also reads the
 * summary SQLite keeps for result views (migration 0007), which no read of checks needs.
 */
const selectChecksOf = `select "id", ${checkColumns.map((column) => `"${column}"`).join(', ')} from "quality_checks" where "container_id" = ? order by "id"`;
const resultColumns = ['operation_id', 'seq', 'entity_type', 'source_entity_id', 'result', 'destination_entity_id', 'message', 'changes', 'before', 'search_text'] as const;
const insertSql = (table: string, columns: readonly string[]) =>
  `insert into "${table}" (${columns.map((column) => `"${column}"`).join(', ')}) values (${columns.map((column) => `@${column}`).join(', ')})`;

/** The operation row the raw statements attach their result rows to. */
function rawOperation(handle: BetterSqlite3.Database, total: number, now: string): number {
  return Number(
    handle
      .prepare(
        `insert into "operations" ("promote_type", "result", "start_time", "triggered_by", "datastore_id", "datastore_name", "destination_datastore_id", "destination_datastore_name", "total", "created", "updated", "skipped", "failed", "request", "destination_scope")
         values ('quality_check', 'running', @now, 'raw', 1, 'a', 2, 'b', @total, 0, 0, 0, 0, '{}', 'container:0')`,
      )
      .run({ now, total }).lastInsertRowid,
  );
}

/** Prepared inserts of the rows a promotion writes, bound by name like the store's. */
function rawInserts(handle: BetterSqlite3.Database) {
  const insertCheck = handle.prepare(insertSql('quality_checks', checkColumns));
  const insertResult = handle.prepare(insertSql('results', resultColumns));
  const insertLineage = handle.prepare(insertSql('lineage', ['entity_type', 'source_entity_id', 'destination_scope_id', 'destination_entity_id']));
  return {
    /** The check row of a created check: JSON columns encoded here, as any code inserting checks must. */
    check: (check: QualityCheck, containerId: number, now: string) =>
      Number(
        insertCheck.run({
          container_id: containerId,
          rule_type: check.rule_type,
          description: check.description,
          fields: JSON.stringify(check.fields),
          coverage: check.coverage,
          filter: check.filter,
          properties: JSON.stringify(check.properties),
          tags: JSON.stringify(check.tags),
          additional_metadata: JSON.stringify(check.additional_metadata),
          status: 'draft',
          inferred: 0,
          created_at: now,
          updated_at: now,
        }).lastInsertRowid,
      ),
    result: (operationId: number, seq: number, check: QualityCheck, result: 'created' | 'skipped', destinationId: number) =>
      insertResult.run({
        operation_id: operationId,
        seq,
        entity_type: 'quality_check',
        source_entity_id: check.id,
        result,
        destination_entity_id: destinationId,
        message: null,
        changes: null,
        before: null,
        search_text: checkSearchText(check),
      }),
    lineage: (check: QualityCheck, scopeId: number, destinationId: number) =>
      insertLineage.run({ entity_type: 'quality_check', source_entity_id: check.id, destination_scope_id: scopeId, destination_entity_id: destinationId }),
  };
}

/**
 * The raw baseline of a draft promotion, as the issue defines it: inserts one check row and one
 * result row per source check with two prepared statements in one transaction (encoding the JSON
 * columns in the loop, as any code inserting checks must). Returns the milliseconds of the
 * transaction.
 */
export function rawDraftInsert(path: string, sources: readonly QualityCheck[], destinationContainerId: number, now: string): number {
  const handle = openRaw(path);
  try {
    const operationId = rawOperation(handle, sources.length, now);
    const insert = rawInserts(handle);
    const start = performance.now();
    handle
      .transaction(() => {
        sources.forEach((check, seq) => insert.result(operationId, seq, check, 'created', insert.check(check, destinationContainerId, now)));
      })
      .immediate();
    return performance.now() - start;
  } finally {
    handle.close();
  }
}

/**
 * {@link rawDraftInsert} as the engine's SQLite store writes the same promotion: each check's
 * lineage link too, each result with its `after` image (the check as written, with its id, as
 * JSON), every statement bound by position (the issue's raw insert binds by name and writes
 * neither). One transaction. Not one of the issue's baselines: printed beside it, to say what the
 * engine costs over the rows it must write.
 */
export function rawDraftInsertWithLinks(path: string, sources: readonly QualityCheck[], destinationContainerId: number, scopeId: number, now: string): number {
  const handle = openRaw(path);
  try {
    const operationId = rawOperation(handle, sources.length, now);
    const positional = (table: string, columns: readonly string[]) => handle.prepare(`insert into "${table}" (${columns.map((column) => `"${column}"`).join(', ')}) values (${columns.map(() => '?').join(', ')})`);
    const insertCheck = positional('quality_checks', checkColumns);
    const insertResult = positional('results', [...resultColumns, 'after']);
    const insertLineage = positional('lineage', ['entity_type', 'source_entity_id', 'destination_scope_id', 'destination_entity_id']);
    const start = performance.now();
    handle
      .transaction(() => {
        sources.forEach((source, seq) => {
          const written = { ...source, container_id: destinationContainerId, status: 'draft', inferred: false, created_at: now, updated_at: now };
          const values = [destinationContainerId, written.rule_type, written.description, JSON.stringify(written.fields), written.coverage, written.filter, JSON.stringify(written.properties), JSON.stringify(written.tags), JSON.stringify(written.additional_metadata), 'draft', 0, now, now];
          const id = Number(insertCheck.run(values).lastInsertRowid);
          insertResult.run([operationId, seq, 'quality_check', source.id, 'created', id, null, null, null, checkSearchText(source), JSON.stringify({ ...written, id })]);
          insertLineage.run(['quality_check', source.id, scopeId, id]);
        });
      })
      .immediate();
    return performance.now() - start;
  } finally {
    handle.close();
  }
}

/** Options of {@link rawFloor}. */
export interface RawFloorOptions {
  readonly sourceContainerId: number;
  readonly destinationContainerId: number;
  /** `created`: a draft promotion into an empty container; `skipped`: its repetition. */
  readonly result: 'created' | 'skipped';
  readonly unitsPerTransaction: number;
  readonly now: string;
}

/** Result rows per insert statement in {@link rawFloor}, as the store inserts them (blocks of 100 rows, then of 10, then one by one). */
const floorRowsPerInsert = [100, 10, 1] as const;

/**
 * What the engine's contract makes a promotion do to the database at the least, in raw
 * better-sqlite3: read the checks it compares (the source container's, and for `skipped` the
 * destination's) and decode their JSON columns, then per check insert its write (for `created`),
 * its result row and (for `created`) its lineage link, `unitsPerTransaction` checks per
 * transaction, as the engine commits them; result rows in multi-row inserts of
 * {@link floorRowsPerInsert} rows, positional, as the SQLite store writes them. Not one of the
 * issue's baselines: a floor, to tell the engine's own overhead from the work it must do.
 */
export function rawFloor(path: string, options: RawFloorOptions): number {
  const handle = openRaw(path);
  try {
    const operationId = rawOperation(handle, 0, options.now);
    const select = handle.prepare(selectChecksOf);
    const decode = (row: Record<string, unknown>): QualityCheck =>
      ({ ...row, fields: JSON.parse(row['fields'] as string), properties: JSON.parse(row['properties'] as string), tags: JSON.parse(row['tags'] as string), additional_metadata: JSON.parse(row['additional_metadata'] as string) }) as unknown as QualityCheck;
    const insert = rawInserts(handle);
    const row = `(${resultColumns.map(() => '?').join(', ')})`;
    const insertResults = new Map(
      floorRowsPerInsert.map((size) => [size, handle.prepare(`insert into "results" (${resultColumns.map((column) => `"${column}"`).join(', ')}) values ${Array.from({ length: size }, () => row).join(', ')}`)]),
    );
    const start = performance.now();
    const sources = (select.all(options.sourceContainerId) as Record<string, unknown>[]).map(decode);
    const destinations = options.result === 'skipped' ? (select.all(options.destinationContainerId) as Record<string, unknown>[]).map(decode) : [];
    for (let first = 0; first < sources.length; first += options.unitsPerTransaction) {
      handle
        .transaction(() => {
          const results: unknown[][] = [];
          for (let seq = first; seq < Math.min(sources.length, first + options.unitsPerTransaction); seq++) {
            const check = sources[seq] as QualityCheck;
            const destinationId = options.result === 'created' ? insert.check(check, options.destinationContainerId, options.now) : (destinations[seq]?.id ?? 0);
            results.push([operationId, seq, 'quality_check', check.id, options.result, destinationId, null, null, null, checkSearchText(check)]);
            // A skipped check's link is already the newest one: not recorded again (decision 0302).
            if (options.result === 'created') insert.lineage(check, options.destinationContainerId, destinationId);
          }
          let next = 0;
          for (const size of floorRowsPerInsert) {
            const statement = insertResults.get(size) as BetterSqlite3.Statement;
            for (; results.length - next >= size; next += size) statement.run(results.slice(next, next + size).flat());
          }
        })
        .immediate();
    }
    return performance.now() - start;
  } finally {
    handle.close();
  }
}

/** The raw baseline of a re-promotion: reads every check of both containers with one prepared statement. */
export function rawReadChecks(path: string, containerIds: readonly number[]): number {
  const handle = openRaw(path);
  try {
    const select = handle.prepare(selectChecksOf);
    const start = performance.now();
    let rows = 0;
    handle.transaction(() => {
      for (const containerId of containerIds) rows += select.all(containerId).length;
    })();
    const ms = performance.now() - start;
    if (rows === 0) throw new Error('defect: the raw read found no checks');
    return ms;
  } finally {
    handle.close();
  }
}
