import { sql, type CreateTableBuilder, type ForeignKeyConstraintBuilder, type Kysely, type Migration, type MigrationProvider, type RawBuilder } from 'kysely';

/*
 * Migrations take `Kysely<any>` on purpose, as kysely recommends: a migration describes the schema
 * at its own point in history and must not change when the current `Database` type does.
 */

/*
 * Foreign keys are checked at commit (`DEFERRABLE INITIALLY DEFERRED`), so that a world imports in
 * any order (a computed file may name a source container with a larger id). They guard the data
 * when the connection has `foreign_keys = ON`; the store also checks references itself, so that
 * it behaves the same on a handle without it and says which reference is missing.
 */
const deferred = (constraint: ForeignKeyConstraintBuilder) => constraint.deferrable().initiallyDeferred();
const deferredCascade = (constraint: ForeignKeyConstraintBuilder) => deferred(constraint.onDelete('cascade'));

const initial: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('users')
      .addColumn('id', 'integer', (column) => column.primaryKey().autoIncrement())
      .addColumn('email', 'text', (column) => column.notNull())
      .addColumn('role', 'text', (column) => column.notNull())
      .addColumn('token', 'text')
      .execute();
    await db.schema.createIndex('users_token').on('users').column('token').execute();

    await db.schema
      .createTable('teams')
      .addColumn('id', 'integer', (column) => column.primaryKey().autoIncrement())
      .addColumn('name', 'text', (column) => column.notNull())
      .execute();
    await db.schema
      .createTable('team_members')
      .addColumn('team_id', 'integer', (column) => column.notNull().references('teams.id').onDelete('cascade'))
      .addColumn('position', 'integer', (column) => column.notNull())
      .addColumn('user_id', 'integer', (column) => column.notNull())
      .addPrimaryKeyConstraint('team_members_pk', ['team_id', 'position'])
      .execute();
    await db.schema.createIndex('team_members_user').on('team_members').columns(['user_id', 'team_id']).execute();
    await db.schema
      .createTable('team_permissions')
      .addColumn('team_id', 'integer', (column) => column.notNull().references('teams.id').onDelete('cascade'))
      .addColumn('datastore_id', 'integer', (column) => column.notNull())
      .addColumn('level', 'text', (column) => column.notNull())
      .addPrimaryKeyConstraint('team_permissions_pk', ['team_id', 'datastore_id'])
      .execute();

    await db.schema
      .createTable('datastores')
      .addColumn('id', 'integer', (column) => column.primaryKey().autoIncrement())
      .addColumn('name', 'text', (column) => column.notNull())
      .addColumn('store_type', 'text', (column) => column.notNull())
      .execute();

    await db.schema
      .createTable('containers')
      .addColumn('id', 'integer', (column) => column.primaryKey().autoIncrement())
      .addColumn('datastore_id', 'integer', (column) => column.notNull())
      .addColumn('name', 'text', (column) => column.notNull())
      .addColumn('container_type', 'text', (column) => column.notNull())
      .addColumn('description', 'text', (column) => column.notNull())
      .addColumn('tags', 'text', (column) => column.notNull())
      .addColumn('additional_metadata', 'text', (column) => column.notNull())
      .addColumn('deleted_at', 'text')
      .addColumn('profiled', 'integer', (column) => column.notNull())
      .addColumn('query', 'text')
      .addColumn('incremental_field_name', 'text')
      .addColumn('group_by_fields', 'text')
      .addColumn('volumetric_tracking', 'integer')
      .addColumn('freshness_tracking', 'integer')
      .addColumn('source_container_id', 'integer')
      .addColumn('select_clause', 'text')
      .addColumn('where_clause', 'text')
      .addColumn('group_by_clause', 'text')
      .addForeignKeyConstraint('containers_datastore_fk', ['datastore_id'], 'datastores', ['id'], deferred)
      .addForeignKeyConstraint('containers_source_fk', ['source_container_id'], 'containers', ['id'], deferred)
      .execute();
    await db.schema.createIndex('containers_datastore').on('containers').column('datastore_id').execute();

    await db.schema
      .createTable('fields')
      .addColumn('id', 'integer', (column) => column.primaryKey().autoIncrement())
      .addColumn('container_id', 'integer', (column) => column.notNull())
      .addColumn('name', 'text', (column) => column.notNull())
      .addColumn('type', 'text', (column) => column.notNull())
      .addColumn('status', 'text', (column) => column.notNull())
      .addForeignKeyConstraint('fields_container_fk', ['container_id'], 'containers', ['id'], deferredCascade)
      .execute();
    await db.schema.createIndex('fields_container').on('fields').column('container_id').execute();

    await db.schema
      .createTable('quality_checks')
      .addColumn('id', 'integer', (column) => column.primaryKey().autoIncrement())
      .addColumn('container_id', 'integer', (column) => column.notNull())
      .addColumn('rule_type', 'text', (column) => column.notNull())
      .addColumn('description', 'text', (column) => column.notNull())
      .addColumn('fields', 'text', (column) => column.notNull())
      .addColumn('coverage', 'real')
      .addColumn('filter', 'text')
      .addColumn('properties', 'text', (column) => column.notNull())
      .addColumn('tags', 'text', (column) => column.notNull())
      .addColumn('additional_metadata', 'text', (column) => column.notNull())
      .addColumn('status', 'text', (column) => column.notNull())
      .addColumn('inferred', 'integer', (column) => column.notNull())
      .addColumn('created_at', 'text', (column) => column.notNull())
      .addColumn('updated_at', 'text', (column) => column.notNull())
      .addForeignKeyConstraint('quality_checks_container_fk', ['container_id'], 'containers', ['id'], deferredCascade)
      .execute();
    await db.schema.createIndex('quality_checks_container').on('quality_checks').column('container_id').execute();

    await db.schema
      .createTable('computed_fields')
      .addColumn('id', 'integer', (column) => column.primaryKey().autoIncrement())
      .addColumn('container_id', 'integer', (column) => column.notNull())
      .addColumn('name', 'text', (column) => column.notNull())
      .addColumn('transformation', 'text', (column) => column.notNull())
      .addColumn('source_fields', 'text', (column) => column.notNull())
      .addColumn('properties', 'text', (column) => column.notNull())
      .addColumn('description', 'text', (column) => column.notNull())
      .addColumn('tags', 'text', (column) => column.notNull())
      .addColumn('additional_metadata', 'text', (column) => column.notNull())
      .addColumn('status', 'text', (column) => column.notNull())
      .addForeignKeyConstraint('computed_fields_container_fk', ['container_id'], 'containers', ['id'], deferredCascade)
      .execute();
    await db.schema.createIndex('computed_fields_container').on('computed_fields').column('container_id').execute();

    await db.schema
      .createTable('lineage')
      .addColumn('seq', 'integer', (column) => column.primaryKey().autoIncrement())
      .addColumn('entity_type', 'text', (column) => column.notNull())
      .addColumn('source_entity_id', 'integer', (column) => column.notNull())
      .addColumn('destination_scope_id', 'integer', (column) => column.notNull())
      .addColumn('destination_entity_id', 'integer', (column) => column.notNull())
      .execute();
    // The rowid (`seq`) is the implicit last column of the index, so "newest first" reads it in order.
    await db.schema
      .createIndex('lineage_lookup')
      .on('lineage')
      .columns(['entity_type', 'destination_scope_id', 'source_entity_id'])
      .execute();

    await db.schema
      .createTable('operations')
      .addColumn('id', 'integer', (column) => column.primaryKey().autoIncrement())
      .addColumn('promote_type', 'text', (column) => column.notNull())
      .addColumn('result', 'text', (column) => column.notNull())
      .addColumn('start_time', 'text', (column) => column.notNull())
      .addColumn('end_time', 'text')
      .addColumn('triggered_by', 'text', (column) => column.notNull())
      .addColumn('aborted_by', 'text')
      .addColumn('message', 'text')
      .addColumn('datastore_id', 'integer', (column) => column.notNull())
      .addColumn('datastore_name', 'text', (column) => column.notNull())
      .addColumn('destination_datastore_id', 'integer', (column) => column.notNull())
      .addColumn('destination_datastore_name', 'text', (column) => column.notNull())
      .addColumn('container_id', 'integer')
      .addColumn('container_name', 'text')
      .addColumn('destination_container_id', 'integer')
      .addColumn('destination_container_name', 'text')
      .addColumn('as_draft', 'integer')
      .addColumn('total', 'integer', (column) => column.notNull())
      .addColumn('created', 'integer', (column) => column.notNull())
      .addColumn('updated', 'integer', (column) => column.notNull())
      .addColumn('skipped', 'integer', (column) => column.notNull())
      .addColumn('failed', 'integer', (column) => column.notNull())
      .addColumn('request', 'text', (column) => column.notNull())
      .addColumn('selection', 'text', (column) => column.notNull())
      .addColumn('destination_scope', 'text', (column) => column.notNull())
      .execute();
    await db.schema.createIndex('operations_result').on('operations').columns(['result', 'id']).execute();
    await db.schema.createIndex('operations_datastore').on('operations').column('datastore_id').execute();
    await db.schema
      .createIndex('operations_destination_datastore')
      .on('operations')
      .column('destination_datastore_id')
      .execute();

    await db.schema
      .createTable('results')
      .addColumn('id', 'integer', (column) => column.primaryKey().autoIncrement())
      .addColumn('operation_id', 'integer', (column) => column.notNull())
      .addColumn('seq', 'integer', (column) => column.notNull())
      .addColumn('entity_type', 'text', (column) => column.notNull())
      .addColumn('source_entity_id', 'integer', (column) => column.notNull())
      .addColumn('result', 'text', (column) => column.notNull())
      .addColumn('destination_entity_id', 'integer')
      .addColumn('message', 'text')
      .addColumn('changes', 'text')
      .addColumn('before', 'text')
      .addColumn('search_text', 'text', (column) => column.notNull())
      .addUniqueConstraint('results_operation_source', ['operation_id', 'source_entity_id'])
      .addForeignKeyConstraint('results_operation_fk', ['operation_id'], 'operations', ['id'], deferred)
      .execute();
    await db.schema.createIndex('results_operation_seq').on('results').columns(['operation_id', 'seq']).execute();
    await db.schema
      .createIndex('results_operation_result')
      .on('results')
      .columns(['operation_id', 'result', 'seq'])
      .execute();

    await db.schema
      .createTable('scope_leases')
      .addColumn('scope', 'text', (column) => column.primaryKey())
      .addColumn('holder', 'text', (column) => column.notNull())
      .addColumn('expires_at', 'text', (column) => column.notNull())
      .addColumn('expires_at_ms', 'integer', (column) => column.notNull())
      .modifyEnd(sql`without rowid`)
      .execute();
  },
};

/**
 * `results` and `lineage` without `AUTOINCREMENT`, and the result-filter index without skipped
 * results (decision 0302). Their rows are never deleted, so
 * a plain `INTEGER PRIMARY KEY` (largest id + 1) assigns the same ids that `AUTOINCREMENT` did,
 * without updating `sqlite_sequence` at every insert (a tenth of a result insert's cost). SQLite
 * cannot drop `AUTOINCREMENT` from a table in place: each table is rebuilt under a new name, its
 * rows copied with their ids, the old table dropped and the new one renamed, then its indexes made
 * again. Nothing refers to either table, so no foreign key is touched.
 */
const withoutAutoincrement: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('results_next')
      .addColumn('id', 'integer', (column) => column.primaryKey())
      .addColumn('operation_id', 'integer', (column) => column.notNull())
      .addColumn('seq', 'integer', (column) => column.notNull())
      .addColumn('entity_type', 'text', (column) => column.notNull())
      .addColumn('source_entity_id', 'integer', (column) => column.notNull())
      .addColumn('result', 'text', (column) => column.notNull())
      .addColumn('destination_entity_id', 'integer')
      .addColumn('message', 'text')
      .addColumn('changes', 'text')
      .addColumn('before', 'text')
      .addColumn('search_text', 'text', (column) => column.notNull())
      .addUniqueConstraint('results_operation_source', ['operation_id', 'source_entity_id'])
      .addForeignKeyConstraint('results_operation_fk', ['operation_id'], 'operations', ['id'], deferred)
      .execute();
    const resultColumns = ['id', 'operation_id', 'seq', 'entity_type', 'source_entity_id', 'result', 'destination_entity_id', 'message', 'changes', 'before', 'search_text'];
    await db.insertInto('results_next').columns(resultColumns).expression(db.selectFrom('results').select(resultColumns)).execute();
    await db.schema.dropTable('results').execute();
    await db.schema.alterTable('results_next').renameTo('results').execute();
    await db.schema.createIndex('results_operation_seq').on('results').columns(['operation_id', 'seq']).execute();
    // Skipped results are most of a re-promotion's rows and are rarely asked for alone: the index
    // that serves the result filter leaves them out (one b-tree fewer per skipped result).
    await db.schema
      .createIndex('results_operation_outcome')
      .on('results')
      .columns(['operation_id', 'result', 'seq'])
      .where(sql.ref('result'), '<>', 'skipped')
      .execute();

    await db.schema
      .createTable('lineage_next')
      .addColumn('seq', 'integer', (column) => column.primaryKey())
      .addColumn('entity_type', 'text', (column) => column.notNull())
      .addColumn('source_entity_id', 'integer', (column) => column.notNull())
      .addColumn('destination_scope_id', 'integer', (column) => column.notNull())
      .addColumn('destination_entity_id', 'integer', (column) => column.notNull())
      .execute();
    const lineageColumns = ['seq', 'entity_type', 'source_entity_id', 'destination_scope_id', 'destination_entity_id'];
    await db.insertInto('lineage_next').columns(lineageColumns).expression(db.selectFrom('lineage').select(lineageColumns)).execute();
    await db.schema.dropTable('lineage').execute();
    await db.schema.alterTable('lineage_next').renameTo('lineage').execute();
    await db.schema.createIndex('lineage_lookup').on('lineage').columns(['entity_type', 'destination_scope_id', 'source_entity_id']).execute();

    await db.deleteFrom('sqlite_sequence').where('name', 'in', ['results', 'lineage']).execute();
  },
};

/**
 * `results.after`: what a unit wrote (§16, decision 0500), so that a revert can tell whether the
 * destination changed since. A nullable column added in place: results written before it read
 * `null` ("written before this store recorded what promotions wrote").
 */
const resultsAfter: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable('results').addColumn('after', 'text').execute();
  },
};

/**
 * `id_floors`: the largest id of a kind that deleted rows held above every row left.
 * `results` has no `AUTOINCREMENT` (0002), so a new result would take `largest id + 1` of
 * the rows left and reuse the id of a deleted one; the port forbids that. `deleteOperation` records
 * the floor, and the next commit gives its first result `floor + 1` and clears it, so the hot
 * insert keeps its plain `INTEGER PRIMARY KEY`.
 */
const idFloors: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('id_floors')
      .addColumn('kind', 'text', (column) => column.primaryKey())
      .addColumn('highest', 'integer', (column) => column.notNull())
      .modifyEnd(sql`without rowid`)
      .execute();
  },
};

/**
 * `operation_selections`: the selection out of the `operations` row. SQLite writes a whole row
 * again on every update, overflow pages included, and the engine updates the operation's counters
 * at every commit: a million-check promotion rewrote its 7 MB selection at each of its commits (80
 * results per second instead of thousands). Existing selections are moved.
 */
const operationSelections: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('operation_selections')
      .addColumn('operation_id', 'integer', (column) => column.primaryKey())
      .addColumn('selection', 'text', (column) => column.notNull())
      .execute();
    await sql`insert into "operation_selections" ("operation_id", "selection") select "id", "selection" from "operations"`.execute(db);
    await db.schema.alterTable('operations').dropColumn('selection').execute();
  },
};

/**
 * `operation_selections.selection` may hold runs of ids (`[[1,1000000]]`, decision 0904). Nothing to
 * change in the file: the migration is there so that an older version of this package, which would
 * read a run as one id, refuses the file (kysely's migrator refuses a database with a migration it
 * does not know) instead of failing every check of a resumed operation.
 */
const selectionRuns: Migration = {
  async up(): Promise<void> {},
};

/**
 * `quality_checks.summary` and `computed_fields.summary`: the entity's summary as a result view
 * shows it (SPEC §10: `id`, `description`, `rule_type`, `status` of a check; `id`, `name`,
 * `transformation`, `status` of a computed field), as the JSON text `JSON.stringify` writes, kept
 * by SQLite in a STORED generated column — recomputed by every insert and update whoever writes
 * the row, so it is always the entity's current details. Writing a page of result views then
 * copies two stored texts per result instead of running a `format` and three `json_quote` for
 * each of its two entities (a third of the time of writing a whole operation, decision 0907).
 *
 * SQLite cannot add a stored generated column in place: each table is rebuilt under a new name,
 * its rows copied with their ids, the old table dropped, the new one renamed and its index made
 * again. Nothing refers to either table (they refer to `containers`, whose foreign keys the new
 * tables declare as the old ones did). Dropping an `AUTOINCREMENT` table drops its
 * `sqlite_sequence` row, which holds the largest id the table ever held (the port's id rule): it
 * is read first and put back.
 */
const entitySummaries: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    const rebuild = async (table: string, columns: readonly (readonly [name: string, type: 'integer' | 'text' | 'real', notNull: boolean])[], summary: RawBuilder<unknown>) => {
      const next = `${table}_next`;
      const highest = await db.selectFrom('sqlite_sequence').select('seq').where('name', '=', table).executeTakeFirst();
      let create: CreateTableBuilder<string, string> = db.schema.createTable(next).addColumn('id', 'integer', (column) => column.primaryKey().autoIncrement());
      for (const [name, type, notNull] of columns) create = create.addColumn(name, type, (column) => (notNull ? column.notNull() : column));
      await create
        .addColumn('summary', 'text', (column) => column.notNull().generatedAlwaysAs(summary).stored())
        .addForeignKeyConstraint(`${table}_container_fk`, ['container_id'], 'containers', ['id'], deferredCascade)
        .execute();
      const copied: string[] = ['id', ...columns.map(([name]) => name)];
      await db.insertInto(next).columns(copied).expression(db.selectFrom(table).select(copied)).execute();
      await db.schema.dropTable(table).execute();
      await db.schema.alterTable(next).renameTo(table).execute();
      await db.schema.createIndex(`${table}_container`).on(table).column('container_id').execute();
      await db.deleteFrom('sqlite_sequence').where('name', '=', table).execute();
      if (highest !== undefined) await db.insertInto('sqlite_sequence').values({ name: table, seq: highest.seq }).execute();
    };
    await rebuild(
      'quality_checks',
      [
        ['container_id', 'integer', true],
        ['rule_type', 'text', true],
        ['description', 'text', true],
        ['fields', 'text', true],
        ['coverage', 'real', false],
        ['filter', 'text', false],
        ['properties', 'text', true],
        ['tags', 'text', true],
        ['additional_metadata', 'text', true],
        ['status', 'text', true],
        ['inferred', 'integer', true],
        ['created_at', 'text', true],
        ['updated_at', 'text', true],
      ],
      sql`format('{"id":%d,"description":%s,"rule_type":%s,"status":%s}', "id", json_quote("description"), json_quote("rule_type"), json_quote("status"))`,
    );
    await rebuild(
      'computed_fields',
      [
        ['container_id', 'integer', true],
        ['name', 'text', true],
        ['transformation', 'text', true],
        ['source_fields', 'text', true],
        ['properties', 'text', true],
        ['description', 'text', true],
        ['tags', 'text', true],
        ['additional_metadata', 'text', true],
        ['status', 'text', true],
      ],
      sql`format('{"id":%d,"name":%s,"transformation":%s,"status":%s}', "id", json_quote("name"), json_quote("transformation"), json_quote("status"))`,
    );
  },
};

/**
 * `rendered_views`: pages of result views as `renderResultViews` wrote them, kept so that reading a
 * finished operation again copies stored text instead of writing it anew (decision 0910); and
 * `view_generation`, one row counting the changes that can alter a view of a finished operation:
 * an entity's summary changed (its current details, SPEC §10) or an entity deleted (its summary
 * then reads `null`). A kept page is answered only while its generation is the current one and its
 * operation has the same number of results as when it was written and is not running.
 *
 * Triggers count the changes, so that every writer of the file is counted, this store's or not:
 * an update of what a view shows (the id included) and a delete. Inserts are not counted: an
 * entity's id is never reused (`AUTOINCREMENT`), so a new entity is in no view written before it;
 * `importWorld`, the one writer of ids, moves the generation itself. Not counted either, since the
 * store never does them: an insert of an explicit id below the table's largest, `REPLACE` on an
 * entity table (SQLite fires its delete triggers only with `recursive_triggers`), edits of
 * `results` rows. A migration that rebuilds one of these tables (drop and rename, as 0007 does)
 * drops its triggers and MUST create them again (`kept-views.test.ts` checks they exist).
 */
const renderedViews: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await sql`create table "view_generation" ("n" integer not null)`.execute(db);
    await sql`insert into "view_generation" ("n") values (0)`.execute(db);
    // The blob last: summing `bytes` (the store keeps the table under a budget) reads no overflow page.
    await sql`create table "rendered_views" (
      "operation_id" integer not null,
      "after_seq" integer not null,
      "after_id" integer not null,
      "size" integer not null,
      "generation" integer not null,
      "processed" integer not null,
      "count" integer not null,
      "last_seq" integer not null,
      "last_id" integer not null,
      "bytes" integer not null,
      "json" blob not null
    )`.execute(db);
    await sql`create unique index "rendered_views_page" on "rendered_views" ("operation_id", "after_seq", "after_id", "size")`.execute(db);
    const counted: readonly (readonly [table: string, columns: readonly string[]])[] = [
      ['quality_checks', ['id', 'description', 'rule_type', 'status']],
      ['computed_fields', ['id', 'name', 'transformation', 'status']],
      ['containers', ['id', 'name', 'container_type']],
    ];
    for (const [table, columns] of counted) {
      const changed = columns.map((column) => `old."${column}" is not new."${column}"`).join(' or ');
      await sql
        .raw(`create trigger "${table}_summary_changed" after update of ${columns.map((column) => `"${column}"`).join(', ')} on "${table}" when ${changed}
          begin update "view_generation" set "n" = "n" + 1; end`)
        .execute(db);
      await sql.raw(`create trigger "${table}_deleted" after delete on "${table}" begin update "view_generation" set "n" = "n" + 1; end`).execute(db);
    }
    // Kept pages of an operation that runs again (a resume) or is deleted are of no use any more.
    await sql`create trigger "operations_running_again" after update of "result" on "operations" when new."result" = 'running'
      begin delete from "rendered_views" where "operation_id" = new."id"; end`.execute(db);
    await sql`create trigger "operations_deleted" after delete on "operations"
      begin delete from "rendered_views" where "operation_id" = old."id"; end`.execute(db);
  },
};

/**
 * The store's migrations, by name; kysely runs the pending ones in name order. Append new ones
 * (`0002_…`); never edit one that has shipped.
 */
export const sqliteStoreMigrations: Readonly<Record<string, Migration>> = Object.freeze({
  '0001_initial': initial,
  '0002_results_and_lineage_without_autoincrement': withoutAutoincrement,
  '0003_results_after': resultsAfter,
  '0004_id_floors': idFloors,
  '0005_operation_selections': operationSelections,
  '0006_selection_runs': selectionRuns,
  '0007_entity_summaries': entitySummaries,
  '0008_rendered_views': renderedViews,
});

/** A kysely `MigrationProvider` serving {@link sqliteStoreMigrations} from the code itself. */
export const sqliteStoreMigrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve({ ...sqliteStoreMigrations }),
};
