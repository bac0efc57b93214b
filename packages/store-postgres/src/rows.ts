import type {
  ListedResult,
  CheckStatus,
  ComputedField,
  ComputedFieldStatus,
  Container,
  Datastore,
  DistributiveOmit,
  EntityType,
  Field,
  FieldStatus,
  FieldType,
  LineageLink,
  Metadata,
  OperationRecord,
  OperationResult,
  PermissionLevel,
  PromoteRequest,
  PromoteResultRecord,
  PromoteResultValue,
  PromoteType,
  Properties,
  QualityCheck,
  RuleType,
  StoreType,
  Tags,
  Team,
  Transformation,
  User,
  UserRole,
} from '@promote/core';
import type { JsonIntern } from '@promote/core/internals';
import type { Selectable } from 'kysely';
import { decodeJson, decodeNullableJson, encodeJson, encodeNullableJson } from './json.js';
import type {
  ComputedFieldsTable,
  ContainersTable,
  DatastoresTable,
  FieldsTable,
  LineageTable,
  OperationsTable,
  QualityChecksTable,
  ResultsTable,
  UsersTable,
} from './schema.js';

/*
 * Entity ↔ row mapping. Each entity kind has a `…Values` type (its row without the id), a
 * `to…Values` function and a `from…Row` function; `from…Row({ ...to…Values(x), id })` deep-equals
 * `x`. Rows are trusted: the store only reads back what it wrote, so enum columns are cast, not
 * parsed.
 */

/** A row as read. */
export type Row<Table> = Selectable<Table>;
/** A row without its id: what a write binds (the id is added separately). */
export type Values<Table> = Omit<Selectable<Table>, 'id'>;

/** A user row. */
export function toUserRow(user: User): Row<UsersTable> {
  return { id: user.id, email: user.email, email_folded: user.email.toLowerCase(), role: user.role, token: user.token ?? null };
}

/** A user from its row; `token` is absent when there is none. */
export function fromUserRow(row: Row<UsersTable>): User {
  const user: User = { id: row.id, email: row.email, role: row.role as UserRole };
  return row.token === null ? user : { ...user, token: row.token };
}

/** A team row with its members and permissions as JSON text, as `selectTeams` reads it. */
export interface TeamRow {
  readonly id: number;
  readonly name: string;
  /** JSON array of user ids in position order. */
  readonly members: string;
  /** JSON object datastore id → level. */
  readonly permissions: string;
}

/** A team from its joined row. */
export function fromTeamRow(row: TeamRow): Team {
  return {
    id: row.id,
    name: row.name,
    members: decodeJson<number[]>(row.members),
    permissions: decodeJson<Record<number, PermissionLevel>>(row.permissions),
  };
}

/** A datastore from its row. */
export function fromDatastoreRow(row: Row<DatastoresTable>): Datastore {
  return { id: row.id, name: row.name, store_type: row.store_type as StoreType };
}

/** The columns of a container (type-specific columns `NULL` on the other types). */
export function toContainerValues(container: DistributiveOmit<Container, 'id'>): Values<ContainersTable> {
  const base: Values<ContainersTable> = {
    datastore_id: container.datastore_id,
    name: container.name,
    container_type: container.container_type,
    description: container.description,
    tags: encodeJson(container.tags),
    additional_metadata: encodeJson(container.additional_metadata),
    deleted_at: container.deleted_at,
    profiled: container.profiled,
    query: null,
    incremental_field_name: null,
    group_by_fields: null,
    volumetric_tracking: null,
    freshness_tracking: null,
    source_container_id: null,
    select_clause: null,
    where_clause: null,
    group_by_clause: null,
  };
  switch (container.container_type) {
    case 'computed_table':
      return {
        ...base,
        query: container.query,
        incremental_field_name: container.incremental_field_name,
        group_by_fields: encodeJson(container.group_by_fields),
        volumetric_tracking: container.volumetric_tracking,
        freshness_tracking: container.freshness_tracking,
      };
    case 'computed_file':
      return {
        ...base,
        source_container_id: container.source_container_id,
        select_clause: container.select_clause,
        where_clause: container.where_clause,
        group_by_clause: container.group_by_clause,
      };
    default:
      return base;
  }
}

/** A container from its row, with exactly the attributes of its type. */
export function fromContainerRow(row: Row<ContainersTable>): Container {
  const base = {
    id: row.id,
    datastore_id: row.datastore_id,
    name: row.name,
    description: row.description,
    tags: decodeJson<Tags>(row.tags),
    additional_metadata: decodeJson<Metadata>(row.additional_metadata),
    deleted_at: row.deleted_at,
    profiled: row.profiled,
  };
  switch (row.container_type) {
    case 'computed_table':
      return {
        ...base,
        container_type: 'computed_table',
        query: row.query ?? '',
        incremental_field_name: row.incremental_field_name,
        group_by_fields: row.group_by_fields === null ? [] : decodeJson<string[]>(row.group_by_fields),
        volumetric_tracking: row.volumetric_tracking === true,
        freshness_tracking: row.freshness_tracking === true,
      };
    case 'computed_file':
      return {
        ...base,
        container_type: 'computed_file',
        source_container_id: row.source_container_id ?? 0,
        select_clause: row.select_clause ?? '',
        where_clause: row.where_clause,
        group_by_clause: row.group_by_clause,
      };
    default:
      return { ...base, container_type: row.container_type as 'table' | 'view' | 'file_pattern' };
  }
}

/** The columns of a plain field. */
export function toFieldValues(field: Omit<Field, 'id'>): Values<FieldsTable> {
  return { container_id: field.container_id, name: field.name, type: field.type, status: field.status };
}

/** A plain field from its row. */
export function fromFieldRow(row: Row<FieldsTable>): Field {
  return { id: row.id, container_id: row.container_id, name: row.name, type: row.type as FieldType, status: row.status as FieldStatus };
}

/** The columns of a quality check. */
export function toCheckValues(check: Omit<QualityCheck, 'id'>): Values<QualityChecksTable> {
  return {
    container_id: check.container_id,
    rule_type: check.rule_type,
    description: check.description,
    fields: encodeJson(check.fields),
    coverage: check.coverage,
    filter: check.filter,
    properties: encodeJson(check.properties),
    tags: encodeJson(check.tags),
    additional_metadata: encodeJson(check.additional_metadata),
    status: check.status,
    inferred: check.inferred,
    created_at: check.created_at,
    updated_at: check.updated_at,
  };
}

/** A quality check from its row. */
export function fromCheckRow(row: Row<QualityChecksTable>): QualityCheck {
  return {
    id: row.id,
    container_id: row.container_id,
    rule_type: row.rule_type as RuleType,
    description: row.description,
    fields: decodeJson<string[]>(row.fields),
    coverage: row.coverage,
    filter: row.filter,
    properties: decodeJson<Properties>(row.properties),
    tags: decodeJson<Tags>(row.tags),
    additional_metadata: decodeJson<Metadata>(row.additional_metadata),
    status: row.status as CheckStatus,
    inferred: row.inferred,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

/**
 * The columns of a check in the order {@link frozenCheckOfTuple} reads them: what the check reads
 * select, with rows as arrays (pg's `rowMode: 'array'`), which skips building one keyed object per
 * row.
 */
export const checkTupleColumns = [
  'id',
  'container_id',
  'rule_type',
  'description',
  'fields',
  'coverage',
  'filter',
  'properties',
  'tags',
  'additional_metadata',
  'status',
  'inferred',
  'created_at',
  'updated_at',
] as const satisfies readonly (keyof Row<QualityChecksTable>)[];

/** A check row as an array, in the order of {@link checkTupleColumns}. */
export type CheckTuple = readonly [number, number, string, string, string, number | null, string | null, string, string, string, string, boolean, string, string];

/**
 * A quality check from its row as an array ({@link checkTupleColumns}), frozen with everything in
 * it, its JSON columns decoded through `intern` (shared, frozen values: a re-promotion's
 * destination checks, copied from its sources, decode almost nothing).
 */
export function frozenCheckOfTuple(row: CheckTuple, intern: JsonIntern): QualityCheck {
  return Object.freeze({
    id: row[0],
    container_id: row[1],
    rule_type: row[2] as RuleType,
    description: row[3],
    fields: intern.decode<string[]>(row[4]),
    coverage: row[5],
    filter: row[6],
    properties: intern.decode<Properties>(row[7]),
    tags: intern.decode<Tags>(row[8]),
    additional_metadata: intern.decode<Metadata>(row[9]),
    status: row[10] as CheckStatus,
    inferred: row[11],
    created_at: row[12],
    updated_at: row[13],
  });
}

/** The columns of a computed field. */
export function toComputedFieldValues(field: Omit<ComputedField, 'id'>): Values<ComputedFieldsTable> {
  return {
    container_id: field.container_id,
    name: field.name,
    transformation: field.transformation,
    source_fields: encodeJson(field.source_fields),
    properties: encodeJson(field.properties),
    description: field.description,
    tags: encodeJson(field.tags),
    additional_metadata: encodeJson(field.additional_metadata),
    status: field.status,
  };
}

/** A computed field from its row. */
export function fromComputedFieldRow(row: Row<ComputedFieldsTable>): ComputedField {
  return {
    id: row.id,
    container_id: row.container_id,
    name: row.name,
    transformation: row.transformation as Transformation,
    source_fields: decodeJson<string[]>(row.source_fields),
    properties: decodeJson<Properties>(row.properties),
    description: row.description,
    tags: decodeJson<Tags>(row.tags),
    additional_metadata: decodeJson<Metadata>(row.additional_metadata),
    status: row.status as ComputedFieldStatus,
  };
}

/** The columns of a lineage link, with its `seq`. */
export function toLineageRow(link: LineageLink, seq: number): Row<LineageTable> {
  return {
    seq,
    entity_type: link.entity_type,
    source_entity_id: link.source_entity_id,
    destination_scope_id: link.destination_scope_id,
    destination_entity_id: link.destination_entity_id,
  };
}

/** A lineage link from its row. */
export function fromLineageRow(row: Omit<Row<LineageTable>, 'seq'>): LineageLink {
  return {
    entity_type: row.entity_type as EntityType,
    source_entity_id: row.source_entity_id,
    destination_scope_id: row.destination_scope_id,
    destination_entity_id: row.destination_entity_id,
  };
}

/** The columns of an operation. */
export function toOperationValues(operation: Omit<OperationRecord, 'id'>): Values<OperationsTable> {
  return {
    promote_type: operation.promote_type,
    result: operation.result,
    start_time: operation.start_time,
    end_time: operation.end_time,
    triggered_by: operation.triggered_by,
    aborted_by: operation.aborted_by,
    message: operation.message,
    datastore_id: operation.datastore.id,
    datastore_name: operation.datastore.name,
    destination_datastore_id: operation.destination_datastore.id,
    destination_datastore_name: operation.destination_datastore.name,
    container_id: operation.container?.id ?? null,
    container_name: operation.container?.name ?? null,
    destination_container_id: operation.destination_container?.id ?? null,
    destination_container_name: operation.destination_container?.name ?? null,
    as_draft: operation.as_draft ?? null,
    total: operation.status.total,
    created: operation.status.created,
    updated: operation.status.updated,
    skipped: operation.status.skipped,
    failed: operation.status.failed,
    request: encodeJson(operation.request),
    selection: encodeJson(operation.selection),
    destination_scope: operation.destination_scope,
  };
}

/** An operation from its row; `as_draft` is absent when it was not given. */
export function fromOperationRow(row: Row<OperationsTable>): OperationRecord {
  const operation: OperationRecord = {
    id: row.id,
    promote_type: row.promote_type as PromoteType,
    result: row.result as OperationResult,
    start_time: row.start_time,
    end_time: row.end_time,
    triggered_by: row.triggered_by,
    aborted_by: row.aborted_by,
    message: row.message,
    datastore: { id: row.datastore_id, name: row.datastore_name },
    destination_datastore: { id: row.destination_datastore_id, name: row.destination_datastore_name },
    container: row.container_id === null ? null : { id: row.container_id, name: row.container_name ?? '' },
    destination_container:
      row.destination_container_id === null ? null : { id: row.destination_container_id, name: row.destination_container_name ?? '' },
    status: { total: row.total, created: row.created, updated: row.updated, skipped: row.skipped, failed: row.failed },
    request: decodeJson<PromoteRequest>(row.request),
    selection: decodeJson<number[]>(row.selection),
    destination_scope: row.destination_scope,
  };
  return row.as_draft === null ? operation : { ...operation, as_draft: row.as_draft };
}

/** The row of a result, with the id the store assigned and the destination entity the unit ended on. */
export function toResultRow(result: Omit<PromoteResultRecord, 'id' | 'destination_entity_id' | 'after'>, after: PromoteResultRecord['after'], id: number, destinationEntityId: number | null): Row<ResultsTable> {
  return {
    id,
    operation_id: result.operation_id,
    seq: result.seq,
    entity_type: result.entity_type,
    source_entity_id: result.source_entity_id,
    result: result.result,
    destination_entity_id: destinationEntityId,
    message: result.message,
    changes: encodeNullableJson(result.changes),
    before: encodeNullableJson(result.before),
    after: encodeNullableJson(after),
    search_text: result.search_text,
    search_folded: result.search_text.toLowerCase(),
  };
}

/** The columns a listed result is read with: every column but `search_folded`. */
export const resultReadColumns = [
  'id',
  'operation_id',
  'seq',
  'entity_type',
  'source_entity_id',
  'result',
  'destination_entity_id',
  'message',
  'changes',
  'before',
  'after',
  'search_text',
] as const satisfies readonly (keyof Row<ResultsTable>)[];

/** A result from its row (read back, or as just written: one decoder for both, so they agree). */
export function fromResultRow(row: Omit<Row<ResultsTable>, 'search_folded'>): PromoteResultRecord {
  return {
    id: row.id,
    operation_id: row.operation_id,
    seq: row.seq,
    entity_type: row.entity_type as EntityType,
    source_entity_id: row.source_entity_id,
    result: row.result as PromoteResultValue,
    destination_entity_id: row.destination_entity_id,
    message: row.message,
    changes: decodeNullableJson(row.changes),
    before: decodeNullableJson(row.before),
    after: decodeNullableJson(row.after),
    search_text: row.search_text,
  };
}

/** The columns `listResultsAfter` reads: a listed result's, without the `before` and `after` images. */
export const listedResultColumns = [
  'id',
  'operation_id',
  'seq',
  'entity_type',
  'source_entity_id',
  'result',
  'destination_entity_id',
  'message',
  'changes',
  'search_text',
] as const satisfies readonly (keyof Row<ResultsTable>)[];

/** A listed result (no images) from its row of {@link listedResultColumns}. */
export function fromListedResultRow(row: Pick<Row<ResultsTable>, (typeof listedResultColumns)[number]>): ListedResult {
  return {
    id: row.id,
    operation_id: row.operation_id,
    seq: row.seq,
    entity_type: row.entity_type as EntityType,
    source_entity_id: row.source_entity_id,
    result: row.result as PromoteResultValue,
    destination_entity_id: row.destination_entity_id,
    message: row.message,
    changes: decodeNullableJson(row.changes),
    search_text: row.search_text,
  };
}
