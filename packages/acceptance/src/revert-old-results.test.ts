import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createPromoter, createReferenceDataplane, steppingClock, messages } from '@promote/core';
import { openSqliteStore } from '@promote/store-sqlite';
import { admin, exampleWorld, runToEnd } from './support.js';

const qcSeed = { type: 'promote_quality_check', datastore_id: 1, container_id: 10, destination_container_id: 20, check_tags: ['pii-checks'], as_draft: true };

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'promote-revert-old-'));
});
afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

describe('revert of results written before the store kept after images (SQLite migration 0003)', () => {
  test('a file of the previous version migrates in place; its old results fail per entity with a clear message, new ones revert', async () => {
    const filename = join(directory, 'promote.sqlite');
    const open = async () => {
      const store = await openSqliteStore({ filename });
      return { store, promoter: createPromoter({ store, dataplane: createReferenceDataplane(), clock: steppingClock() }) };
    };
    const first = await open();
    await first.store.importWorld(exampleWorld());
    const old = await runToEnd(first.promoter, admin, qcSeed);
    await first.promoter.close();
    await first.store.close();
    // The file as the previous version wrote it: the same rows, without the column and the table of
    // migrations 0003 and 0004, with the selections in the operation rows (before 0005), without
    // the entities' summaries (0007), without kept result views (0008), and without the records of
    // those migrations.
    const handle = new BetterSqlite3(filename);
    handle.exec(`alter table "results" drop column "after"; drop table "id_floors";
      alter table "operations" add column "selection" text not null default '';
      update "operations" set "selection" = (select "selection" from "operation_selections" where "operation_id" = "operations"."id");
      drop table "operation_selections";
      drop trigger "quality_checks_summary_changed"; drop trigger "quality_checks_deleted"; drop trigger "computed_fields_summary_changed"; drop trigger "computed_fields_deleted";
      drop trigger "containers_summary_changed"; drop trigger "containers_deleted"; drop trigger "operations_running_again"; drop trigger "operations_deleted";
      drop table "rendered_views"; drop table "view_generation";
      alter table "quality_checks" drop column "summary"; alter table "computed_fields" drop column "summary";
      delete from kysely_migration where name in ('0003_results_after', '0004_id_floors', '0005_operation_selections', '0006_selection_runs', '0007_entity_summaries', '0008_rendered_views');`);
    handle.close();

    const second = await open();
    const revert = await runToEnd(second.promoter, admin, { type: 'revert', operation_id: old.id });
    expect(revert.status).toMatchObject({ total: 4, updated: 0, failed: 4 });
    expect(new Set(revert.results.map((result) => result.message))).toEqual(new Set([messages.writtenBeforeAfterImages]));
    // Promoted again after the migration (all skipped: nothing to revert), then changed and promoted: that reverts.
    const again = await runToEnd(second.promoter, admin, { ...qcSeed, check_additional_tags: ['after-migration'] });
    expect(again.status.updated).toBeGreaterThan(0);
    const undo = await runToEnd(second.promoter, admin, { type: 'revert', operation_id: again.id });
    expect(undo.status).toMatchObject({ total: again.status.updated + again.status.created, failed: 0 });
    await second.promoter.close();
    await second.store.close();
  });
});
