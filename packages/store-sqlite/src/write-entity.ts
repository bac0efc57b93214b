import type { Container, DistributiveOmit, QualityCheck, WorldEdit } from '@promote/core';
import type { JsonIntern } from '@promote/core/internals';
import type BetterSqlite3 from 'better-sqlite3';
import { encodeJson } from './json.js';
import { checkWithId, isStandardCheck, toCheckValues, type CheckValueTuple, toComputedFieldValues, toContainerValues, toFieldValues, writtenCheckJson } from './rows.js';
import type { Statements } from './statements.js';

/*
 * The synchronous writes of `commit` and `applyEdits`, run inside a `BEGIN IMMEDIATE` transaction:
 * any throw rolls the whole call back. References are checked here rather than left to the
 * foreign keys alone, so that the store refuses the same writes on a handle without
 * `foreign_keys = ON` and says what is missing.
 */

/**
 * Applies one world edit (or entity write); returns the entity's id, the assigned one for a creation.
 * `liveContainers`, when given, holds containers already found to exist earlier in the same
 * transaction and is added to: `commit` passes one for all its units, whose writes never delete a
 * container, so that 10,000 checks into one container check it once (`applyEdits` cannot: an edit
 * may delete the container a later one writes into).
 */
export function applyEdit(statements: Statements, edit: WorldEdit, liveContainers?: Set<number>): number {
  const requireContainer = (containerId: number, what: string) => requireLiveContainer(statements, containerId, what, liveContainers);
  switch (edit.kind) {
    case 'create_check':
    case 'update_check':
      return writeCheck(statements, edit, liveContainers).id;
    case 'create_computed_field':
      requireContainer(edit.value.container_id, 'a computed field');
      return insertedId(statements.insertComputedField.run(toComputedFieldValues(edit.value)));
    case 'update_computed_field':
      requireContainer(edit.value.container_id, 'a computed field');
      return updated(
        statements.updateComputedField.run({ ...toComputedFieldValues(edit.value), id: edit.value.id }),
        'Computed field',
        edit.value.id,
      );
    case 'create_field':
      requireContainer(edit.value.container_id, 'a field');
      return insertedId(statements.insertField.run(toFieldValues(edit.value)));
    case 'update_field':
      requireContainer(edit.value.container_id, 'a field');
      return updated(statements.updateField.run({ ...toFieldValues(edit.value), id: edit.value.id }), 'Field', edit.value.id);
    case 'create_container':
      requireContainerReferences(statements, edit.value);
      return insertedId(statements.insertContainer.run(toContainerValues(edit.value)));
    case 'update_container':
      requireContainerReferences(statements, edit.value);
      return updated(
        statements.updateContainer.run({ ...toContainerValues(edit.value), id: edit.value.id }),
        'Container',
        edit.value.id,
      );
    case 'delete':
      deleteEntity(statements, edit.entity, edit.id);
      return edit.id;
  }
}

/** An entity written by {@link applyWrite}: its id, and what it now is, as a value and as JSON text. */
export interface WrittenEntity {
  readonly id: number;
  /** `{ ...value, id }`: the result record's `after`. */
  readonly after: object;
  /** {@link after} as JSON: the result row's `after` image. */
  readonly json: string;
}

/**
 * {@link applyEdit} for the write of a commit unit (a create or an update): also returns the JSON
 * of the written entity. A check's is composed from its row's encoded JSON columns, so that its
 * `fields`, `properties`, `tags` and `additional_metadata` are encoded once, not twice.
 */
export function applyWrite(statements: Statements, edit: Exclude<WorldEdit, { kind: 'delete' }>, liveContainers?: Set<number>, intern?: JsonIntern): WrittenEntity {
  if (edit.kind === 'create_check' || edit.kind === 'update_check') {
    const { id, values } = writeCheck(statements, edit, liveContainers, intern);
    return writtenCheck(edit.value, id, values);
  }
  const id = applyEdit(statements, edit, liveContainers);
  const after = { ...edit.value, id };
  return { id, after, json: encodeJson(after) };
}

/**
 * The row values of a check creation whose insert waits for a block of them (`commit`, decision
 * 0911): its container is checked now, in unit order, as {@link applyWrite} does.
 */
export function checkCreationValues(statements: Statements, value: Omit<QualityCheck, 'id'>, liveContainers: Set<number>, intern: JsonIntern): CheckValueTuple {
  requireLiveContainer(statements, value.container_id, 'a quality check', liveContainers);
  return toCheckValues(value, intern);
}

/** What a check write wrote, once its id is known: the result record's `after` and its JSON. */
export function writtenCheck(value: Omit<QualityCheck, 'id'> | QualityCheck, id: number, values: CheckValueTuple): WrittenEntity {
  const standard = isStandardCheck(value);
  return { id, after: checkWithId(value, id, standard), json: writtenCheckJson(value, id, values, standard) };
}

/** Inserts or updates a check; returns its id and the row's values as written (JSON columns encoded). */
function writeCheck(statements: Statements, edit: Extract<WorldEdit, { kind: 'create_check' | 'update_check' }>, liveContainers?: Set<number>, intern?: JsonIntern) {
  requireLiveContainer(statements, edit.value.container_id, 'a quality check', liveContainers);
  const values = toCheckValues(edit.value, intern);
  const id = edit.kind === 'create_check' ? insertedId(statements.insertCheck.run(values)) : updated(statements.updateCheck.run([...values, edit.value.id]), 'Quality check', edit.value.id);
  return { id, values };
}

/**
 * Deletes one entity. A container takes its fields, checks and computed fields with it, and is
 * refused while another computed file uses it as its source. Lineage links are never deleted.
 */
function deleteEntity(statements: Statements, entity: Extract<WorldEdit, { kind: 'delete' }>['entity'], id: number): void {
  switch (entity) {
    case 'quality_check':
      updated(statements.deleteCheck.run(id), 'Quality check', id);
      return;
    case 'computed_field':
      updated(statements.deleteComputedField.run(id), 'Computed field', id);
      return;
    case 'field':
      updated(statements.deleteField.run(id), 'Field', id);
      return;
    case 'container': {
      const user = statements.computedFilesOver.get({ id });
      if (user !== undefined) {
        throw new Error(`Cannot delete container ${id}: computed file ${user.id} uses it as its source`);
      }
      statements.deleteFieldsOf.run(id);
      statements.deleteChecksOf.run(id);
      statements.deleteComputedFieldsOf.run(id);
      updated(statements.deleteContainer.run(id), 'Container', id);
      return;
    }
  }
}

function requireLiveContainer(statements: Statements, containerId: number, what: string, liveContainers?: Set<number>): void {
  if (liveContainers?.has(containerId) === true) return;
  if (statements.containerExists.get(containerId) === undefined) {
    throw new Error(`Container ${containerId} of ${what} does not exist`);
  }
  liveContainers?.add(containerId);
}

function requireContainerReferences(statements: Statements, container: DistributiveOmit<Container, 'id'>): void {
  if (statements.datastoreExists.get(container.datastore_id) === undefined) {
    throw new Error(`Datastore ${container.datastore_id} of a container does not exist`);
  }
  if (container.container_type === 'computed_file') {
    requireLiveContainer(statements, container.source_container_id, 'the source of a computed file');
  }
}

function insertedId(info: BetterSqlite3.RunResult): number {
  return Number(info.lastInsertRowid);
}

function updated(info: BetterSqlite3.RunResult, entity: string, id: number): number {
  if (info.changes !== 1) throw new Error(`${entity} ${id} does not exist`);
  return id;
}
