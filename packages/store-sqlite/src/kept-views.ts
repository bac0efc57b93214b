import type BetterSqlite3 from 'better-sqlite3';
import type { EntityType, RenderedResultViews, ResultPosition } from '@promote/core';
import type { StampedResultViews } from './render-result-views.js';

/*
 * Pages of result views kept in the file (`rendered_views`, migration 0008, decision 0910), so that
 * reading a finished operation again copies stored text rather than writing every view anew.
 *
 * A kept page is answered only while nothing it shows can have changed: its generation is the
 * current `view_generation` (which triggers move whenever an entity's summary changes or an entity
 * is deleted, by whatever connection) and its operation is not running and has as many results as
 * when the page was written (results are only ever added, so a resumed operation never matches an
 * older page). Both are checked in the statement that reads the page: one snapshot.
 *
 * Keeping costs the first read a small write of its own after the page was written (on the
 * store's connection, as the read's last step); it does not wait for another connection's write
 * lock (a busy timeout of 0 while it runs), and a page it cannot keep — the lock is taken, the file
 * is read-only or full — is simply not kept. The table stays under a budget of bytes: each write
 * drops the pages of older generations, then the oldest pages of other operations beyond the
 * budget, then the oldest of this one. An operation whose views would fill more than half of the
 * budget is not kept at all: its pages would push each other out, and every read would write them
 * all again.
 */

/** Default of `viewCacheBytes`: the most bytes of result views the SQLite store keeps in its file. */
export const defaultViewCacheBytes = 64 * 1024 * 1024;

/** Where a kept page sits: its operation, the position it starts after, its limit. */
export interface KeptPageKey {
  readonly operation_id: number;
  readonly seq: number;
  readonly id: number;
  readonly limit: number;
}

export interface KeptViews {
  /** The kept page at `key`, if it is still what writing it now would give. */
  find(key: KeptPageKey): RenderedResultViews | undefined;
  /** Keeps a written page (when it carries a stamp); whether it was kept. A lock held elsewhere, a read-only or a full file: not kept. */
  keep(key: KeptPageKey, page: StampedResultViews): boolean;
}

/** The key of the page of `limit` views of `operationId` after `after` (the first page: below every result, as `renderResultViews` starts it). */
export const keptPageKey = (operationId: number, after: ResultPosition | undefined, limit: number): KeptPageKey => ({
  operation_id: operationId,
  seq: after === undefined ? Number.MIN_SAFE_INTEGER : after.seq,
  id: after === undefined ? -1 : after.id,
  limit,
});

/**
 * The key of the views of the results of `entityType` at seq `from` … `from + count − 1`
 * (`renderResultRange`: an unfiltered result page of a complete operation), kept beside the pages:
 * `after_id` −2 for checks, −3 for computed fields, −4 and −5 for computed tables and files — no
 * page's position has one (a result's id is from 1; the first page's is −1), and a range asked for
 * as another kind than it was written for is not found (it answers nothing: another kind's results).
 */
export const keptRangeKey = (operationId: number, entityType: EntityType, from: number, count: number): KeptPageKey => ({
  operation_id: operationId,
  seq: from,
  id: -2 - rangeKinds.indexOf(entityType),
  limit: count,
});

const rangeKinds: readonly EntityType[] = ['quality_check', 'computed_field', 'computed_table', 'computed_file'];

/** Whether a page of `generation` and `processed` (columns or parameters) is current. */
const current = (generation: string, processed: string) => `${generation} = (select "n" from "view_generation")
  and ${processed} = (select o."created" + o."updated" + o."skipped" + o."failed" from "operations" o where o."id" = @operation_id and o."result" <> 'running')`;

/** {@link KeptViews} on `handle`, keeping at most `budgetBytes` (a whole number above 0). */
export function prepareKeptViews(handle: BetterSqlite3.Database, budgetBytes: number): KeptViews {
  const find = handle
    .prepare<[KeptPageKey], readonly [Buffer, number, number, number]>(
      `select "json", "count", "last_seq", "last_id" from "rendered_views"
       where "operation_id" = @operation_id and "after_seq" = @seq and "after_id" = @id and "size" = @limit and ${current('"generation"', '"processed"')}`,
    )
    .raw(true);
  const dropOutdated = handle.prepare(`delete from "rendered_views" where "generation" <> (select "n" from "view_generation")`);
  // Only a page still current when it is kept: one written before a change that committed since is not.
  const insert = handle.prepare<[KeptPageKey & { readonly generation: number; readonly processed: number; readonly count: number; readonly last_seq: number; readonly last_id: number; readonly bytes: number; readonly json: Uint8Array }]>(
    `insert or replace into "rendered_views" ("operation_id", "after_seq", "after_id", "size", "generation", "processed", "count", "last_seq", "last_id", "bytes", "json")
     select @operation_id, @seq, @id, @limit, @generation, @processed, @count, @last_seq, @last_id, @bytes, @json where ${current('@generation', '@processed')}`,
  );
  // Beyond the budget, counting this operation's pages first, newest first within each.
  const trim = handle.prepare<[{ readonly budget: number; readonly operation_id: number }]>(
    `delete from "rendered_views" where rowid in (
       select rowid from (select rowid, sum("bytes") over (order by "operation_id" = @operation_id desc, rowid desc) as "total" from "rendered_views") where "total" > @budget)`,
  );
  const keepPage = handle.transaction((key: KeptPageKey, page: StampedResultViews & { readonly last: ResultPosition; readonly generation: number; readonly processed: number }) => {
    dropOutdated.run();
    const kept = insert.run({ ...key, generation: page.generation, processed: page.processed, count: page.count, last_seq: page.last.seq, last_id: page.last.id, bytes: page.json.byteLength, json: page.json }).changes === 1;
    trim.run({ budget: budgetBytes, operation_id: key.operation_id });
    return kept;
  });

  return {
    find(key) {
      const row = find.get(key);
      return row === undefined ? undefined : { json: row[0], count: row[1], last: { seq: row[2], id: row[3] } };
    },
    keep(key, page) {
      const { generation, processed, last } = page;
      if (generation === undefined || processed === undefined || last === undefined || page.count === 0) return false;
      // The whole operation's views, guessed from this page's bytes per view.
      if ((page.json.byteLength / page.count) * Math.max(processed, page.count) > budgetBytes / 2) return false;
      const timeout = handle.pragma('busy_timeout', { simple: true }) as number;
      handle.pragma('busy_timeout = 0');
      try {
        return keepPage.immediate(key, { ...page, last, generation, processed });
      } catch (error) {
        if (cannotKeep(error)) return false;
        throw error;
      } finally {
        handle.pragma(`busy_timeout = ${timeout}`);
      }
    },
  };
}

/** The errors that mean "not now, not here": another connection's lock, a read-only or full file. Anything else (a damaged file) is the read's error. */
const cannotKeep = (error: unknown): boolean => {
  const code = error instanceof Error ? (error as Error & { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^SQLITE_(BUSY|LOCKED|READONLY|FULL)(_|$)/.test(code);
};
