import type {
  CheckSelectionKey,
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
  OperationRequest,
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
import { checkStatuses, ruleTypes } from '@promote/core';
import { deepFreeze, type JsonIntern } from '@promote/core/internals';
import type { Selectable } from 'kysely';
import { decodeJson, decodeNullableJson, decodeSelection, encodeJson, encodeNullableJson } from './json.js';
import type {
  ComputedFieldsTable,
  ContainersTable,
  DatastoresTable,
  FieldsTable,
  Flag,
  LineageTable,
  OperationsTable,
  QualityChecksTable,
  ResultsTable,
  UsersTable,
} from './schema.js';

/*
 * Entity ↔ row mapping. Each entity kind has a `…Values` type (its row without the generated id),
 * a `to…Values` function and a `from…Row` function; `from…Row(to…Values(x))` deep-equals `x`.
 * Rows are trusted: the store only reads back what it wrote, so enum columns are cast, not parsed.
 */

/** A row as read. */
export type Row<Table> = Selectable<Table>;
/**
 * A row without its generated key and the columns SQLite generates (an entity's `summary`,
 * migration 0007): what an insert binds (the id is added when it is kept).
 */
export type Values<Table> = Omit<Selectable<Table>, 'id' | 'summary'>;

const flag = (value: boolean): Flag => (value ? 1 : 0);

/** A row of `Table` read in raw mode: the values of `columns`, in their order. */
type TupleOf<Table, Columns extends readonly (keyof Table)[]> = { readonly [K in keyof Columns]: Columns[K] extends keyof Table ? Table[Columns[K]] : never };

/** A user row. */
export function toUserRow(user: User): Row<UsersTable> {
  return { id: user.id, email: user.email, role: user.role, token: user.token ?? null };
}

/** A user from its row; `token` is absent when there is none. */
export function fromUserRow(row: Row<UsersTable>): User {
  const user: User = { id: row.id, email: row.email, role: row.role as UserRole };
  return row.token === null ? user : { ...user, token: row.token };
}

/** A team row joined with its members and permissions, as `teamSelection` reads it. */
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
    profiled: flag(container.profiled),
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
        volumetric_tracking: flag(container.volumetric_tracking),
        freshness_tracking: flag(container.freshness_tracking),
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
    profiled: row.profiled === 1,
  };
  switch (row.container_type) {
    case 'computed_table':
      return {
        ...base,
        container_type: 'computed_table',
        query: row.query ?? '',
        incremental_field_name: row.incremental_field_name,
        group_by_fields: row.group_by_fields === null ? [] : decodeJson<string[]>(row.group_by_fields),
        volumetric_tracking: row.volumetric_tracking === 1,
        freshness_tracking: row.freshness_tracking === 1,
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
  return {
    id: row.id,
    container_id: row.container_id,
    name: row.name,
    type: row.type as FieldType,
    status: row.status as FieldStatus,
  };
}

/** The columns of a quality check. */
export function toCheckValues(check: Omit<QualityCheck, 'id'>, intern?: JsonIntern): CheckValueTuple {
  return [
    check.container_id,
    check.rule_type,
    check.description,
    encodeRead(check.fields, intern),
    check.coverage,
    check.filter,
    encodeRead(check.properties, intern),
    encodeRead(check.tags, intern),
    encodeRead(check.additional_metadata, intern),
    check.status,
    flag(check.inferred),
    check.created_at,
    check.updated_at,
  ];
}

/**
 * A JSON column's text: a value the store read and writes again unchanged (fields, tags and
 * metadata copied from a source check) as the text it was read from (`JsonIntern.textOf`), any
 * other encoded.
 */
function encodeRead(value: unknown, intern: JsonIntern | undefined): string {
  return intern?.textOf(value) ?? encodeJson(value);
}

/**
 * The written columns of a check (all but `id`), in the order of {@link toCheckValues}' tuple: the
 * check writes bind positionally, which better-sqlite3 binds a third faster than named parameters
 * looked up on an object (a million checks in a draft).
 */
export const checkValueColumns = [
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
] as const satisfies readonly (keyof Values<QualityChecksTable>)[];

/** A check's written columns as an array, in the order of {@link checkValueColumns}. */
export type CheckValueTuple = TupleOf<Values<QualityChecksTable>, typeof checkValueColumns>;

/** The position in a {@link CheckValueTuple} of each JSON column, encoded by {@link toCheckValues}. */
const checkJsonColumns: ReadonlyMap<string, number> = new Map(['fields', 'properties', 'tags', 'additional_metadata'].map((name) => [name, checkValueColumns.indexOf(name as (typeof checkValueColumns)[number])]));

/**
 * `encodeJson({ ...check, id })`, with the check's JSON columns taken from its encoded row values
 * (`values`, of {@link toCheckValues}) rather than encoded again: the `after` image of a written
 * check. Same text, member for member (key order, `undefined` members dropped).
 */
export function writtenCheckJson(check: Omit<QualityCheck, 'id'> | QualityCheck, id: number, values: CheckValueTuple, standard = isStandardCheck(check)): string {
  if (standard) {
    // One template for the check the engine writes: no list of keys, no lookups (≈ 0.7 µs a check against 1.4).
    const c = check as Omit<QualityCheck, 'id'>;
    return `{"container_id":${memberJson(c.container_id)},"rule_type":${memberJson(c.rule_type)},"description":${memberJson(c.description)},"fields":${values[fieldsColumn]},"coverage":${memberJson(c.coverage)},"filter":${memberJson(c.filter)},"properties":${values[propertiesColumn]},"tags":${values[tagsColumn]},"additional_metadata":${values[metadataColumn]},"status":${memberJson(c.status)},"inferred":${memberJson(c.inferred)},"created_at":${memberJson(c.created_at)},"updated_at":${memberJson(c.updated_at)},"id":${encodeJson(id)}}`;
  }
  let text = '';
  for (const key of Object.keys(check)) {
    let json: string;
    const column = checkJsonColumns.get(key);
    if (key === 'id') json = encodeJson(id);
    else if (column !== undefined) json = values[column] as string;
    else {
      const item = (check as Record<string, unknown>)[key];
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
      json = memberJson(item);
    }
    text += `${text === '' ? '{' : ','}${memberPrefix(key)}${json}`;
  }
  if (!Object.hasOwn(check, 'id')) text += `${text === '' ? '{' : ','}"id":${encodeJson(id)}`;
  return `${text}}`;
}

/** The JSON of a member of a check that is not one of its JSON columns. */
function memberJson(item: unknown): string {
  return typeof item === 'string' ? JSON.stringify(item) : encodeJson(item);
}

const fieldsColumn = checkValueColumns.indexOf('fields');
const propertiesColumn = checkValueColumns.indexOf('properties');
const tagsColumn = checkValueColumns.indexOf('tags');
const metadataColumn = checkValueColumns.indexOf('additional_metadata');

/**
 * Whether a check value is one as the engine writes it: its own members exactly a check's
 * attributes but `id`, in {@link checkValueColumns}' order, each a value JSON writes (not
 * `undefined`, a function or a symbol). Such a check's `after` and its JSON are built by a literal
 * and a template ({@link checkWithId}, {@link writtenCheckJson}); any other the general way.
 */
export function isStandardCheck(check: object): boolean {
  let index = 0;
  for (const key in check) {
    if (!Object.hasOwn(check, key)) continue;
    if (key !== checkValueColumns[index]) return false;
    const item = (check as Record<string, unknown>)[key];
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') return false;
    index++;
  }
  return index === checkValueColumns.length;
}

/**
 * `{ ...check, id }`: the `after` of a written check's result record. V8 copies an object by spread
 * fast but then adds a property to the copy slowly — ≈ 1 µs a check, a second in a million-check
 * draft — so a check as the engine writes it ({@link isStandardCheck}) is copied by a literal
 * instead (≈ 0.02 µs), `id` last; any other goes by spread.
 */
export function checkWithId(check: Omit<QualityCheck, 'id'> | QualityCheck, id: number, standard = isStandardCheck(check)): QualityCheck {
  if (!standard) return { ...check, id };
  return {
    container_id: check.container_id,
    rule_type: check.rule_type,
    description: check.description,
    fields: check.fields,
    coverage: check.coverage,
    filter: check.filter,
    properties: check.properties,
    tags: check.tags,
    additional_metadata: check.additional_metadata,
    status: check.status,
    inferred: check.inferred,
    created_at: check.created_at,
    updated_at: check.updated_at,
    id,
  };
}

/** `"key":` of the few keys checks have, encoded once. */
const memberPrefixes = new Map<string, string>();

function memberPrefix(key: string): string {
  let prefix = memberPrefixes.get(key);
  if (prefix === undefined) {
    prefix = `${JSON.stringify(key)}:`;
    if (memberPrefixes.size < 64) memberPrefixes.set(key, prefix);
  }
  return prefix;
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
    inferred: row.inferred === 1,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

/**
 * The columns of a check in the order {@link fromCheckTuple} reads them: what the hot check reads
 * select, in better-sqlite3's raw (array) mode, which skips building one keyed object per row.
 */
export const checkTupleColumns = ['id', ...checkValueColumns] as const satisfies readonly (keyof Row<QualityChecksTable>)[];

/** A check row as an array, in the order of {@link checkTupleColumns}. */
export type CheckTuple = TupleOf<Row<QualityChecksTable>, typeof checkTupleColumns>;

/**
 * A quality check from its row in raw mode ({@link checkTupleColumns}), as the source checks of a
 * promotion are read: `fields`, `tags` and `additional_metadata`, whose texts repeat from check to
 * check, decoded through `intern` (shared, frozen values: one parse per distinct text, and written
 * again as the text they came from: `JsonIntern.decodeWritable`); `properties`, mostly one text per
 * check, shared when `intern` holds the text and parsed afresh otherwise
 * (`JsonIntern.decodeKnown`), so that a million new checks do not churn the intern.
 */
export function fromCheckTuple(row: CheckTuple, intern: JsonIntern): QualityCheck {
  return checkOfTuple(row, intern.decodeWritable<string[]>(row[4]), intern.decodeKnown<Properties>(row[7]), intern.decodeWritable<Tags>(row[8]), intern.decodeWritable<Metadata>(row[9]));
}

/**
 * A quality check from its row in raw mode, frozen with everything in it, its JSON columns decoded
 * through `intern` (shared, frozen values: see {@link JsonIntern}).
 */
export function frozenCheckOfTuple(row: CheckTuple, intern: JsonIntern): QualityCheck {
  return Object.freeze(checkOfTuple(row, intern.decode<string[]>(row[4]), intern.decode<Properties>(row[7]), intern.decode<Tags>(row[8]), intern.decode<Metadata>(row[9])));
}

/**
 * {@link frozenCheckOfTuple} for a source check that a promotion may copy: `fields`, `tags` and
 * `additional_metadata` decoded as {@link fromCheckTuple} does (`JsonIntern.decodeWritable`), so that
 * a creation writes them as the texts they came from.
 */
export function frozenSourceCheckOfTuple(row: CheckTuple, intern: JsonIntern): QualityCheck {
  return Object.freeze(checkOfTuple(row, intern.decodeWritable<string[]>(row[4]), intern.decode<Properties>(row[7]), intern.decodeWritable<Tags>(row[8]), intern.decodeWritable<Metadata>(row[9])));
}

/** A check of its row in raw mode, its JSON columns decoded by the caller. */
function checkOfTuple(row: CheckTuple, fields: readonly string[], properties: Properties, tags: Tags, additionalMetadata: Metadata): QualityCheck {
  return {
    id: row[0],
    container_id: row[1],
    rule_type: (knownRuleTypes.get(row[2]) ?? row[2]) as RuleType,
    description: row[3],
    fields,
    coverage: row[5],
    filter: row[6],
    properties,
    tags,
    additional_metadata: additionalMetadata,
    status: (knownStatuses.get(row[10]) ?? row[10]) as CheckStatus,
    inferred: row[11] === 1,
    created_at: row[12],
    updated_at: row[13],
  };
}

/** A check's selection key (`Store.listCheckKeys`) from its `[id, status, tags]` row in raw mode. */
export function checkKeyOfTuple(row: readonly [number, string, string], intern: JsonIntern): CheckSelectionKey {
  // Tag lists repeat from check to check: decoded once per distinct text (shared, frozen).
  return { id: row[0], status: (knownStatuses.get(row[1]) ?? row[1]) as CheckStatus, tags: intern.decode<Tags>(row[2]) };
}

/*
 * The one string of each rule type and status, for the listing to hold instead of the copy each row
 * brings: a listing is kept (and copied by every young-generation collection while it lives), and
 * two fewer strings per check is 20,000 fewer objects in a 10,000-check re-promotion.
 */
const knownRuleTypes = new Map<string, string>(ruleTypes.map((name) => [name, name]));
const knownStatuses = new Map<string, string>(checkStatuses.map((name) => [name, name]));

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

/** The columns of a lineage link (its `seq` is generated). */
export function toLineageValues(link: LineageLink): LineageValueTuple {
  return [link.entity_type, link.source_entity_id, link.destination_scope_id, link.destination_entity_id];
}

/** The written columns of a lineage link (all but `seq`), in the order of {@link toLineageValues}' tuple. */
export const lineageValueColumns = ['entity_type', 'source_entity_id', 'destination_scope_id', 'destination_entity_id'] as const satisfies readonly (keyof Row<LineageTable>)[];

/** A lineage link's written columns as an array, in the order of {@link lineageValueColumns}. */
export type LineageValueTuple = TupleOf<Row<LineageTable>, typeof lineageValueColumns>;

/** A lineage link from its row. */
export function fromLineageRow(row: Omit<Row<LineageTable>, 'seq'>): LineageLink {
  return {
    entity_type: row.entity_type as EntityType,
    source_entity_id: row.source_entity_id,
    destination_scope_id: row.destination_scope_id,
    destination_entity_id: row.destination_entity_id,
  };
}

/**
 * The columns a lineage lookup reads (raw mode): entity type and scope are the lookup's own
 * arguments, so only the source and the destination come back (10,000 links: 12 ms with all four
 * columns, 9 ms with these two).
 */
export const lineageTupleColumns = ['source_entity_id', 'destination_entity_id'] as const satisfies readonly (keyof Row<LineageTable>)[];

/** A lineage row as an array, in the order of {@link lineageTupleColumns}. */
export type LineageTuple = TupleOf<Row<LineageTable>, typeof lineageTupleColumns>;

/** A lineage link of `entityType` in `scope` from its row in raw mode ({@link lineageTupleColumns}). */
export function fromLineageTuple(entityType: EntityType, scope: number, row: LineageTuple): LineageLink {
  return { entity_type: entityType, source_entity_id: row[0], destination_scope_id: scope, destination_entity_id: row[1] };
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
    as_draft: operation.as_draft === undefined ? null : flag(operation.as_draft),
    total: operation.status.total,
    created: operation.status.created,
    updated: operation.status.updated,
    skipped: operation.status.skipped,
    failed: operation.status.failed,
    request: encodeJson(operation.request),
    destination_scope: operation.destination_scope,
  };
}

/** The parts of an operation that never change once it is created: its request and selection. */
export interface OperationParts {
  readonly request: OperationRequest;
  readonly selection: readonly number[];
}

/**
 * The parts of an operation just written from `values` (its {@link toOperationValues}): the request
 * decoded from its text, the selection a frozen copy — whole numbers, which its JSON decodes to —
 * rather than 7 MB of JSON read back and decoded for a million ids.
 */
export function writtenOperationParts(values: Values<OperationsTable>, selection: readonly number[]): OperationParts {
  return { request: deepFreeze(decodeJson<OperationRequest>(values.request as string)), selection: Object.freeze(selection.slice()) };
}

/** The request of an operation row and its selection's JSON, decoded and deep-frozen (so they can be shared). */
export function operationParts(row: Pick<Row<OperationsTable>, 'request'>, selection: string): OperationParts {
  return { request: deepFreeze(decodeJson<OperationRequest>(row.request)), selection: Object.freeze(decodeSelection(selection)) };
}

/** An operation from its row without `request` and `selection`, and those two decoded already. */
export function fromOperationHead(row: Omit<Row<OperationsTable>, 'request'>, parts: OperationParts): OperationRecord {
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
      row.destination_container_id === null
        ? null
        : { id: row.destination_container_id, name: row.destination_container_name ?? '' },
    status: { total: row.total, created: row.created, updated: row.updated, skipped: row.skipped, failed: row.failed },
    request: parts.request,
    selection: parts.selection,
    destination_scope: row.destination_scope,
  };
  return row.as_draft === null ? operation : { ...operation, as_draft: row.as_draft === 1 };
}

/** The columns an inserted result row binds, in order (positional: cheaper to bind than by name). */
export const resultInsertColumns = [
  'operation_id',
  'seq',
  'entity_type',
  'source_entity_id',
  'result',
  'destination_entity_id',
  'message',
  'changes',
  'before',
  'search_text',
  'after',
] as const satisfies readonly (keyof Values<ResultsTable>)[];

/** A result row's values, in the order of {@link resultInsertColumns}. */
export type ResultTuple = TupleOf<Values<ResultsTable>, typeof resultInsertColumns>;

/** The values of a result row, with the destination entity the unit ended on and the JSON of what it wrote (`after`). */
export function toResultTuple(result: Omit<PromoteResultRecord, 'id' | 'destination_entity_id' | 'after'>, afterJson: string | null, destinationEntityId: number | null): ResultTuple {
  // `after` last: added by migration 0003, after the other columns.
  return [
    result.operation_id,
    result.seq,
    result.entity_type,
    result.source_entity_id,
    result.result,
    destinationEntityId,
    result.message,
    encodeNullableJson(result.changes),
    encodeNullableJson(result.before),
    result.search_text,
    afterJson,
  ];
}

/** The columns a listed result is read with (raw mode): its id, then the inserted values. */
export const resultReadColumns = ['id', ...resultInsertColumns] as const satisfies readonly (keyof Row<ResultsTable>)[];

/** A listed result row as an array, in the order of {@link resultReadColumns}. */
export type StoredResultTuple = TupleOf<Row<ResultsTable>, typeof resultReadColumns>;

/**
 * A result from its row in raw mode ({@link resultReadColumns}): no keyed object per row first
 * (10,000 results of an operation: 31 ms as objects, 19 ms as arrays).
 */
export function fromStoredResultTuple(row: StoredResultTuple): PromoteResultRecord {
  return {
    id: row[0],
    operation_id: row[1],
    seq: row[2],
    entity_type: row[3] as EntityType,
    source_entity_id: row[4],
    result: row[5] as PromoteResultValue,
    destination_entity_id: row[6],
    message: row[7],
    changes: decodeNullableJson(row[8]),
    before: decodeNullableJson(row[9]),
    after: decodeNullableJson(row[11]),
    search_text: row[10],
  };
}


/** The columns `listResultsAfter` reads (raw mode): a listed result's, without the `before` and `after` images. */
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

/** A listed result row as an array, in the order of {@link listedResultColumns}. */
export type ListedResultTuple = TupleOf<Row<ResultsTable>, typeof listedResultColumns>;

/** A listed result (no images) from its row in raw mode ({@link listedResultColumns}). */
export function fromListedResultTuple(row: ListedResultTuple): ListedResult {
  return {
    id: row[0],
    operation_id: row[1],
    seq: row[2],
    entity_type: row[3] as EntityType,
    source_entity_id: row[4],
    result: row[5] as PromoteResultValue,
    destination_entity_id: row[6],
    message: row[7],
    changes: decodeNullableJson(row[8]),
    search_text: row[9],
  };
}
