import { sql, type ForeignKeyConstraintBuilder, type Kysely, type Migration, type MigrationProvider } from 'kysely';

/*
 * Migrations take `Kysely<any>` on purpose, as kysely recommends: a migration describes the schema
 * at its own point in history and must not change when the current `Database` type does. Tables
 * are created unqualified: every connection of the store has the store's schema first on its
 * `search_path` (open-postgres-store.ts).
 */

/*
 * Foreign keys are checked at commit (`DEFERRABLE INITIALLY DEFERRED`), so that a world imports in
 * any order (a computed file may name a source container with a larger id). The store also checks
 * references itself, so that it says which reference is missing.
 */
const deferred = (constraint: ForeignKeyConstraintBuilder) => constraint.deferrable().initiallyDeferred();
const deferredCascade = (constraint: ForeignKeyConstraintBuilder) => deferred(constraint.onDelete('cascade'));

const initial: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('users')
      .addColumn('id', 'bigint', (column) => column.primaryKey())
      .addColumn('email', 'text', (column) => column.notNull())
      .addColumn('email_folded', 'text', (column) => column.notNull())
      .addColumn('role', 'text', (column) => column.notNull())
      .addColumn('token', 'text')
      .execute();
    await db.schema.createIndex('users_email_folded').on('users').columns(['email_folded', 'id']).execute();
    await db.schema.createIndex('users_token').on('users').column('token').execute();

    await db.schema
      .createTable('teams')
      .addColumn('id', 'bigint', (column) => column.primaryKey())
      .addColumn('name', 'text', (column) => column.notNull())
      .execute();
    await db.schema
      .createTable('team_members')
      .addColumn('team_id', 'bigint', (column) => column.notNull().references('teams.id').onDelete('cascade'))
      .addColumn('position', 'integer', (column) => column.notNull())
      .addColumn('user_id', 'bigint', (column) => column.notNull())
      .addPrimaryKeyConstraint('team_members_pk', ['team_id', 'position'])
      .execute();
    await db.schema.createIndex('team_members_user').on('team_members').columns(['user_id', 'team_id']).execute();
    await db.schema
      .createTable('team_permissions')
      .addColumn('team_id', 'bigint', (column) => column.notNull().references('teams.id').onDelete('cascade'))
      .addColumn('datastore_id', 'bigint', (column) => column.notNull())
      .addColumn('level', 'text', (column) => column.notNull())
      .addPrimaryKeyConstraint('team_permissions_pk', ['team_id', 'datastore_id'])
      .execute();

    await db.schema
      .createTable('datastores')
      .addColumn('id', 'bigint', (column) => column.primaryKey())
      .addColumn('name', 'text', (column) => column.notNull())
      .addColumn('store_type', 'text', (column) => column.notNull())
      .execute();

    await db.schema
      .createTable('containers')
      .addColumn('id', 'bigint', (column) => column.primaryKey())
      .addColumn('datastore_id', 'bigint', (column) => column.notNull())
      .addColumn('name', 'text', (column) => column.notNull())
      .addColumn('container_type', 'text', (column) => column.notNull())
      .addColumn('description', 'text', (column) => column.notNull())
      .addColumn('tags', 'text', (column) => column.notNull())
      .addColumn('additional_metadata', 'text', (column) => column.notNull())
      .addColumn('deleted_at', 'text')
      .addColumn('profiled', 'boolean', (column) => column.notNull())
      .addColumn('query', 'text')
      .addColumn('incremental_field_name', 'text')
      .addColumn('group_by_fields', 'text')
      .addColumn('volumetric_tracking', 'boolean')
      .addColumn('freshness_tracking', 'boolean')
      .addColumn('source_container_id', 'bigint')
      .addColumn('select_clause', 'text')
      .addColumn('where_clause', 'text')
      .addColumn('group_by_clause', 'text')
      .addForeignKeyConstraint('containers_datastore_fk', ['datastore_id'], 'datastores', ['id'], deferred)
      .addForeignKeyConstraint('containers_source_fk', ['source_container_id'], 'containers', ['id'], deferred)
      .execute();
    await db.schema.createIndex('containers_datastore').on('containers').columns(['datastore_id', 'id']).execute();
    await db.schema
      .createIndex('containers_source')
      .on('containers')
      .column('source_container_id')
      .where(sql.ref('source_container_id'), 'is not', null)
      .execute();

    await db.schema
      .createTable('fields')
      .addColumn('id', 'bigint', (column) => column.primaryKey())
      .addColumn('container_id', 'bigint', (column) => column.notNull())
      .addColumn('name', 'text', (column) => column.notNull())
      .addColumn('type', 'text', (column) => column.notNull())
      .addColumn('status', 'text', (column) => column.notNull())
      .addForeignKeyConstraint('fields_container_fk', ['container_id'], 'containers', ['id'], deferredCascade)
      .execute();

    await db.schema
      .createTable('quality_checks')
      .addColumn('id', 'bigint', (column) => column.primaryKey())
      .addColumn('container_id', 'bigint', (column) => column.notNull())
      .addColumn('rule_type', 'text', (column) => column.notNull())
      .addColumn('description', 'text', (column) => column.notNull())
      .addColumn('fields', 'text', (column) => column.notNull())
      .addColumn('coverage', 'double precision')
      .addColumn('filter', 'text')
      .addColumn('properties', 'text', (column) => column.notNull())
      .addColumn('tags', 'text', (column) => column.notNull())
      .addColumn('additional_metadata', 'text', (column) => column.notNull())
      .addColumn('status', 'text', (column) => column.notNull())
      .addColumn('inferred', 'boolean', (column) => column.notNull())
      .addColumn('created_at', 'text', (column) => column.notNull())
      .addColumn('updated_at', 'text', (column) => column.notNull())
      .addForeignKeyConstraint('quality_checks_container_fk', ['container_id'], 'containers', ['id'], deferredCascade)
      .execute();

    await db.schema
      .createTable('computed_fields')
      .addColumn('id', 'bigint', (column) => column.primaryKey())
      .addColumn('container_id', 'bigint', (column) => column.notNull())
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

    // With the id, so that "the children of a container, ascending id" is one index range.
    for (const table of ['fields', 'quality_checks', 'computed_fields']) {
      await db.schema.createIndex(`${table}_container`).on(table).columns(['container_id', 'id']).execute();
    }

    await db.schema
      .createTable('lineage')
      .addColumn('seq', 'bigint', (column) => column.primaryKey())
      .addColumn('entity_type', 'text', (column) => column.notNull())
      .addColumn('source_entity_id', 'bigint', (column) => column.notNull())
      .addColumn('destination_scope_id', 'bigint', (column) => column.notNull())
      .addColumn('destination_entity_id', 'bigint', (column) => column.notNull())
      .execute();
    // `seq` last, so that "newest first" reads the index backwards.
    await db.schema
      .createIndex('lineage_lookup')
      .on('lineage')
      .columns(['entity_type', 'destination_scope_id', 'source_entity_id', 'seq'])
      .execute();

    await db.schema
      .createTable('operations')
      .addColumn('id', 'bigint', (column) => column.primaryKey())
      .addColumn('promote_type', 'text', (column) => column.notNull())
      .addColumn('result', 'text', (column) => column.notNull())
      .addColumn('start_time', 'text', (column) => column.notNull())
      .addColumn('end_time', 'text')
      .addColumn('triggered_by', 'text', (column) => column.notNull())
      .addColumn('aborted_by', 'text')
      .addColumn('message', 'text')
      .addColumn('datastore_id', 'bigint', (column) => column.notNull())
      .addColumn('datastore_name', 'text', (column) => column.notNull())
      .addColumn('destination_datastore_id', 'bigint', (column) => column.notNull())
      .addColumn('destination_datastore_name', 'text', (column) => column.notNull())
      .addColumn('container_id', 'bigint')
      .addColumn('container_name', 'text')
      .addColumn('destination_container_id', 'bigint')
      .addColumn('destination_container_name', 'text')
      .addColumn('as_draft', 'boolean')
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
    await db.schema.createIndex('operations_datastore').on('operations').columns(['datastore_id', 'id']).execute();
    await db.schema.createIndex('operations_destination_datastore').on('operations').columns(['destination_datastore_id', 'id']).execute();

    await db.schema
      .createTable('results')
      .addColumn('id', 'bigint', (column) => column.primaryKey())
      .addColumn('operation_id', 'bigint', (column) => column.notNull())
      .addColumn('seq', 'integer', (column) => column.notNull())
      .addColumn('entity_type', 'text', (column) => column.notNull())
      .addColumn('source_entity_id', 'bigint', (column) => column.notNull())
      .addColumn('result', 'text', (column) => column.notNull())
      .addColumn('destination_entity_id', 'bigint')
      .addColumn('message', 'text')
      .addColumn('changes', 'text')
      .addColumn('before', 'text')
      .addColumn('after', 'text')
      .addColumn('search_text', 'text', (column) => column.notNull())
      .addColumn('search_folded', 'text', (column) => column.notNull())
      .addUniqueConstraint('results_operation_source', ['operation_id', 'source_entity_id'])
      .addForeignKeyConstraint('results_operation_fk', ['operation_id'], 'operations', ['id'], deferred)
      .execute();
    await db.schema.createIndex('results_operation_seq').on('results').columns(['operation_id', 'seq', 'id']).execute();
    // Skipped results are most of a re-promotion's rows and are rarely asked for alone: the index
    // that serves the result filter leaves them out (as the SQLite store's, decision 0302).
    await db.schema
      .createIndex('results_operation_outcome')
      .on('results')
      .columns(['operation_id', 'result', 'seq', 'id'])
      .where(sql.ref('result'), '<>', 'skipped')
      .execute();

    await db.schema
      .createTable('scope_leases')
      .addColumn('scope', 'text', (column) => column.primaryKey())
      .addColumn('holder', 'text', (column) => column.notNull())
      .addColumn('expires_at', 'text', (column) => column.notNull())
      .addColumn('expires_at_ms', 'bigint', (column) => column.notNull())
      .execute();

    await db.schema
      .createTable('id_counters')
      .addColumn('kind', 'text', (column) => column.primaryKey())
      .addColumn('last_id', 'bigint', (column) => column.notNull())
      .execute();
    await db
      .insertInto('id_counters')
      .values(['container', 'field', 'quality_check', 'computed_field', 'operation', 'result', 'lineage'].map((kind) => ({ kind, last_id: 0 })))
      .execute();
  },
};

/**
 * `results` without its foreign key to `operations`. A deferred foreign key runs one check per row
 * at commit: 10,000 result rows of a re-promotion were ≈ 45 ms of its `COMMIT`s, a tenth of the
 * whole promotion. Every commit already proves its operation is there in the same transaction —
 * the `UPDATE` of the operation's counters must change exactly one row, or the commit fails and
 * writes nothing — and that row lock holds off a concurrent `deleteOperation`, which removes the
 * operation's results after its row.
 */
const resultsWithoutOperationKey: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable('results').dropConstraint('results_operation_fk').ifExists().execute();
  },
};

/**
 * `results` keyed by `(operation_id, seq, id)`, its reading order, instead of by `id` beside an
 * index of that order: one b-tree fewer to update per result row (a re-promotion writes 10,000 of
 * them: ≈ 8 % of each insert). Nothing reads a result by its id alone, and ids stay unique: each
 * comes from `id_counters`. The new key is built from the table's rows.
 */
const resultsKeyedByOrder: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable('results').dropConstraint('results_pkey').execute();
    await db.schema.dropIndex('results_operation_seq').execute();
    await db.schema.alterTable('results').addPrimaryKeyConstraint('results_pkey', ['operation_id', 'seq', 'id']).execute();
  },
};

/**
 * The store's migrations, by name; kysely runs the pending ones in name order. Append new ones
 * (`0002_…`); never edit one that has shipped.
 */
export const postgresStoreMigrations: Readonly<Record<string, Migration>> = Object.freeze({
  '0001_initial': initial,
  '0002_results_without_operation_key': resultsWithoutOperationKey,
  '0003_results_keyed_by_order': resultsKeyedByOrder,
});

/** A kysely `MigrationProvider` serving {@link postgresStoreMigrations} from the code itself. */
export const postgresStoreMigrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve({ ...postgresStoreMigrations }),
};
