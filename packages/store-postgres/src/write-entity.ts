import type { CommitUnit, EntityWrite, LineageLink, PromoteResultRecord, PromoteResultValue, WorldEdit } from '@promote/core';
import { sql, type Insertable, type Kysely } from 'kysely';
import {
  fromResultRow,
  toCheckValues,
  toComputedFieldValues,
  toContainerValues,
  toFieldValues,
  toLineageRow,
  toResultRow,
  type Row,
} from './rows.js';
import { columnTypes, type ColumnType } from './column-types.js';
import type { Database, IdKind, LineageTable, ResultsTable } from './schema.js';

/*
 * The writes of `commit`, `applyEdits` and `importWorld`, run inside one transaction that holds the
 * store's write lock (postgres-store.ts): any throw rolls the whole call back, ids included (they
 * come from `id_counters`, in the same transaction). References are checked here rather than left
 * to the deferred foreign keys alone, so that the store says which reference is missing, and
 * refuses the same writes as the memory and SQLite stores.
 */

type Transaction = Kysely<Database>;

/** The tables of the entities a write may create or update, by the id kind they use. */
const tableOf = { quality_check: 'quality_checks', computed_field: 'computed_fields', container: 'containers', field: 'fields' } as const;
type EntityKind = keyof typeof tableOf;

/** What a human calls each kind in a message. */
const nameOf: Readonly<Record<EntityKind, string>> = { quality_check: 'Quality check', computed_field: 'Computed field', container: 'Container', field: 'Field' };

/**
 * Reserves `count` ids of each kind: raises each counter in one statement and returns the first id
 * of each block (`1 + the largest id the kind ever had`). The counters' rows stay locked until the
 * transaction ends.
 */
export async function reserveIds(trx: Transaction, counts: ReadonlyMap<IdKind, number>): Promise<Map<IdKind, number>> {
  const kinds = [...counts].filter(([, count]) => count > 0);
  const first = new Map<IdKind, number>();
  if (kinds.length === 0) return first;
  const { rows } = await sql<{ kind: IdKind; last_id: number }>`
    update "id_counters" as "counter" set "last_id" = "counter"."last_id" + "wanted"."count"
    from (select unnest(${kinds.map(([kind]) => kind)}::text[]) as "kind", unnest(${kinds.map(([, count]) => count)}::bigint[]) as "count") as "wanted"
    where "counter"."kind" = "wanted"."kind"
    returning "counter"."kind", "counter"."last_id"`.execute(trx);
  for (const row of rows) first.set(row.kind, row.last_id - (counts.get(row.kind) ?? 0) + 1);
  if (first.size !== kinds.length) throw new Error('The id_counters table lacks a kind: the schema was changed by hand');
  return first;
}

/** Raises each counter to at least the given id (imported ids count: the port's id rule). */
export async function raiseCounters(trx: Transaction, highest: ReadonlyMap<IdKind, number>): Promise<void> {
  if (highest.size === 0) return;
  await sql`
    update "id_counters" as "counter" set "last_id" = greatest("counter"."last_id", "seen"."id")
    from (select unnest(${[...highest.keys()]}::text[]) as "kind", unnest(${[...highest.values()]}::bigint[]) as "id") as "seen"
    where "counter"."kind" = "seen"."kind"`.execute(trx);
}

/**
 * Inserts rows in one statement whatever their number: the rows go as one JSON parameter, an array
 * of rows each an array of values in column order, spread back into rows of the table by the
 * server (`insert … select ("row"->>0)::type, … from jsonb_array_elements($1)`, each value cast to
 * its column's type). A multi-row `values` list binds one parameter per value instead — 14,000 for
 * 1,000 checks, which kysely, pg and PostgreSQL each took longer to build, send and parse than the
 * rows took to insert, and 65,535 at most; one array per column (`unnest`) had pg escape every
 * element in JavaScript, where `JSON.stringify` does the whole batch natively. Rows as arrays
 * rather than objects (`json_populate_recordset`, before) leave the column names out of every row:
 * a third of a result row's bytes, to write, send and parse. Every row has the keys of the first
 * one; `undefined` is `NULL`.
 */
export async function insertRows<Table extends keyof Database & string>(trx: Transaction, table: Table, rows: readonly Insertable<Database[Table]>[]): Promise<void> {
  const first = rows[0];
  if (first === undefined) return;
  const types = columnTypes[table] as Readonly<Record<string, ColumnType>>;
  const columns = Object.keys(first);
  const casts = columns.map((column, index) => {
    const type = types[column];
    if (type === undefined) throw new Error(`${table} has no column ${column}`);
    return sql.raw(`("row"->>${index})::${type}`);
  });
  const doubles = new Set(columns.filter((column) => types[column] === 'double precision'));
  const json = JSON.stringify(rows.map((row) => columns.map((column) => valueOf(row as Record<string, unknown>, column, doubles))));
  await sql`insert into ${sql.table(table)} (${sql.join(columns.map((column) => sql.ref(column)))}) select ${sql.join(casts)} from jsonb_array_elements(${json}::jsonb) as "row"`.execute(trx);
}

/**
 * A column's value as JSON should carry it: `undefined` as `null`, and a `-0` of a `double
 * precision` column as the text `-0` (`JSON.stringify` writes the number as `0`, and the port gives
 * values back exactly; the column's cast reads the text).
 */
function valueOf(row: Record<string, unknown>, column: string, doubles: ReadonlySet<string>): unknown {
  const value = row[column];
  if (value === undefined) return null;
  return doubles.size > 0 && Object.is(value, -0) && doubles.has(column) ? '-0' : value;
}

/**
 * A value as `pg` should send it: `undefined` as `NULL`, and a `-0` of a `double precision` column
 * as the text `-0` (pg writes the number as `0`; the port gives values back exactly).
 */
function bindable(type: ColumnType, value: unknown): unknown {
  if (value === undefined) return null;
  return type === 'double precision' && Object.is(value, -0) ? '-0' : value;
}

/** Applies one world edit after the ones before it (their effects visible); returns the entity's id. */
export async function applyEdit(trx: Transaction, edit: WorldEdit): Promise<number> {
  switch (edit.kind) {
    case 'create_field':
      await requireContainers(trx, [[edit.value.container_id, 'a field']]);
      return insertEntity(trx, 'field', toFieldValues(edit.value));
    case 'update_field':
      await requireContainers(trx, [[edit.value.container_id, 'a field']]);
      return updateEntity(trx, 'field', edit.value.id, toFieldValues(edit.value));
    case 'delete':
      await deleteEntity(trx, edit.entity, edit.id);
      return edit.id;
    default: {
      await requireReferences(trx, [edit]);
      const { kind, values } = entityValues(edit);
      return isUpdate(edit) ? updateEntity(trx, kind, edit.value.id, values) : insertEntity(trx, kind, values);
    }
  }
}

/**
 * Applies commit units in order (the Store port's `commit`): their writes, result rows, lineage
 * links and status counters, with ids reserved once per kind and rows inserted a table at a time.
 * Returns the stored result rows, in the order of `units`.
 */
export async function commitUnits(trx: Transaction, units: readonly CommitUnit[]): Promise<PromoteResultRecord[]> {
  await requireReferences(trx, units.flatMap((unit) => (unit.write === undefined ? [] : [unit.write])));

  const recordsLink = (unit: CommitUnit) => unit.result !== 'failed' && unit.link_current !== true && unit.record_link !== false && (unit.result === 'created' || unit.destination_entity_id !== null);
  const counts = new Map<IdKind, number>([['result', units.length], ['lineage', units.filter(recordsLink).length]]);
  for (const unit of units) {
    if (unit.write !== undefined && !isUpdate(unit.write)) {
      const { kind } = entityValues(unit.write);
      counts.set(kind, (counts.get(kind) ?? 0) + 1);
    }
  }
  const next = await reserveIds(trx, counts);
  const take = (kind: IdKind): number => {
    const id = next.get(kind);
    if (id === undefined) throw new Error(`No ${kind} id was reserved`);
    next.set(kind, id + 1);
    return id;
  };

  const created = new Map<EntityKind, Record<string, unknown>[]>();
  const results: Row<ResultsTable>[] = [];
  const links: Row<LineageTable>[] = [];
  const counters = new Map<number, Record<PromoteResultValue, number>>();
  for (const unit of units) {
    let writtenId: number | undefined;
    if (unit.write !== undefined) {
      const { kind, values } = entityValues(unit.write);
      if (isUpdate(unit.write)) {
        writtenId = await updateEntity(trx, kind, unit.write.value.id, values);
      } else {
        writtenId = take(kind);
        let rows = created.get(kind);
        if (rows === undefined) created.set(kind, (rows = []));
        rows.push({ id: writtenId, ...values });
      }
    }
    const destinationId = unit.result === 'created' ? (writtenId ?? null) : unit.destination_entity_id;
    const after = unit.write === undefined || writtenId === undefined ? null : { ...unit.write.value, id: writtenId };
    results.push(toResultRow(unit, after, take('result'), destinationId));
    if (recordsLink(unit) && destinationId !== null) links.push(toLineageRow(linkOf(unit, destinationId), take('lineage')));
    let counter = counters.get(unit.operation_id);
    if (counter === undefined) counters.set(unit.operation_id, (counter = { created: 0, updated: 0, skipped: 0, failed: 0 }));
    counter[unit.result] += 1;
  }

  for (const [kind, rows] of created) await insertRows(trx, tableOf[kind], rows as never);
  // A second result for an (operation, source) pair fails here, on the UNIQUE constraint, even under a race.
  await insertRows(trx, 'results', results);
  await insertRows(trx, 'lineage', links);
  for (const [operationId, counter] of counters) {
    const updated = await trx
      .updateTable('operations')
      .set((eb) => ({
        created: eb('created', '+', counter.created),
        updated: eb('updated', '+', counter.updated),
        skipped: eb('skipped', '+', counter.skipped),
        failed: eb('failed', '+', counter.failed),
      }))
      .where('id', '=', operationId)
      .executeTakeFirst();
    if (updated.numUpdatedRows !== 1n) throw new Error(`Operation ${operationId} not found`);
  }
  // The stored rows as a listing reads them: one decoder for both.
  return results.map(fromResultRow);
}

function linkOf(unit: CommitUnit, destinationEntityId: number): LineageLink {
  return {
    entity_type: unit.entity_type,
    source_entity_id: unit.source_entity_id,
    destination_scope_id: unit.destination_scope_id,
    destination_entity_id: destinationEntityId,
  };
}

/** Whether a write replaces an existing entity (rather than creating one, whatever keys its value has). */
function isUpdate(write: EntityWrite): write is Extract<EntityWrite, { kind: `update_${string}` }> {
  return write.kind.startsWith('update_');
}

/** The table kind and the columns of an entity write. */
function entityValues(write: EntityWrite): { readonly kind: EntityKind; readonly values: Record<string, unknown> } {
  switch (write.kind) {
    case 'create_check':
    case 'update_check':
      return { kind: 'quality_check', values: { ...toCheckValues(write.value) } };
    case 'create_computed_field':
    case 'update_computed_field':
      return { kind: 'computed_field', values: { ...toComputedFieldValues(write.value) } };
    case 'create_container':
    case 'update_container':
      return { kind: 'container', values: { ...toContainerValues(write.value) } };
  }
}

async function insertEntity(trx: Transaction, kind: EntityKind, values: Record<string, unknown>): Promise<number> {
  const id = (await reserveIds(trx, new Map([[kind, 1]]))).get(kind) as number;
  await insertRows(trx, tableOf[kind], [{ id, ...values } as never]);
  return id;
}

async function updateEntity(trx: Transaction, kind: EntityKind, id: number, values: Record<string, unknown>): Promise<number> {
  const types = columnTypes[tableOf[kind]] as Readonly<Record<string, ColumnType>>;
  const bound = Object.fromEntries(Object.entries(values).map(([column, value]) => [column, bindable(types[column] ?? 'text', value)]));
  const updated = await trx.updateTable(tableOf[kind]).set(bound as never).where('id', '=', id).executeTakeFirst();
  if (updated.numUpdatedRows !== 1n) throw new Error(`${nameOf[kind]} ${id} does not exist`);
  return id;
}

/**
 * Deletes one entity. A container takes its fields, checks and computed fields with it, and is
 * refused while another computed file uses it as its source. Lineage links are never deleted.
 */
async function deleteEntity(trx: Transaction, entity: Extract<WorldEdit, { kind: 'delete' }>['entity'], id: number): Promise<void> {
  const kind: EntityKind = entity;
  if (kind === 'container') {
    const user = await trx
      .selectFrom('containers')
      .select('id')
      .where('container_type', '=', 'computed_file')
      .where('source_container_id', '=', id)
      .where('id', '<>', id)
      .orderBy('id')
      .executeTakeFirst();
    if (user !== undefined) throw new Error(`Cannot delete container ${id}: computed file ${user.id} uses it as its source`);
    for (const table of ['fields', 'quality_checks', 'computed_fields'] as const) await trx.deleteFrom(table).where('container_id', '=', id).execute();
  }
  const deleted = await trx.deleteFrom(tableOf[kind]).where('id', '=', id).executeTakeFirst();
  if (deleted.numDeletedRows !== 1n) throw new Error(`${nameOf[kind]} ${id} does not exist`);
}

/** A container that must exist, and what needs it (for the message). */
type NeededContainer = readonly [containerId: number, what: string];

async function requireContainers(trx: Transaction, needed: readonly NeededContainer[]): Promise<void> {
  if (needed.length === 0) return;
  const found = await existing(trx, 'containers', needed.map(([id]) => id));
  for (const [id, what] of needed) if (!found.has(id)) throw new Error(`Container ${id} of ${what} does not exist`);
}

/**
 * Checks the references of entity writes applied in order, in two reads: the container of every
 * check and computed field, the datastore of every container and the source of every computed
 * file. A container created by an earlier write of the same list counts as existing once its id is
 * known, which it is not before it is written: creations are never referred to by the same call.
 */
async function requireReferences(trx: Transaction, writes: readonly EntityWrite[]): Promise<void> {
  const containers: NeededContainer[] = [];
  const datastores: number[] = [];
  for (const write of writes) {
    switch (write.kind) {
      case 'create_check':
      case 'update_check':
        containers.push([write.value.container_id, 'a quality check']);
        break;
      case 'create_computed_field':
      case 'update_computed_field':
        containers.push([write.value.container_id, 'a computed field']);
        break;
      case 'create_container':
      case 'update_container':
        datastores.push(write.value.datastore_id);
        if (write.value.container_type === 'computed_file') containers.push([write.value.source_container_id, 'the source of a computed file']);
        break;
    }
  }
  if (datastores.length > 0) {
    const found = await existing(trx, 'datastores', datastores);
    for (const id of datastores) if (!found.has(id)) throw new Error(`Datastore ${id} of a container does not exist`);
  }
  await requireContainers(trx, containers);
}

/** Which of these ids the table holds. */
async function existing(trx: Transaction, table: 'containers' | 'datastores', ids: readonly number[]): Promise<Set<number>> {
  const rows = await trx.selectFrom(table).select('id').where(sql<boolean>`"id" = any(${[...new Set(ids)]}::bigint[])`).execute();
  return new Set(rows.map((row) => row.id));
}
