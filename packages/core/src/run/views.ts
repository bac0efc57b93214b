import { ResultAsync } from 'neverthrow';
import type { ComputedField, Container, QualityCheck } from '../domain/entities.js';
import type { EntityType } from '../domain/enums.js';
import type { OperationRequest } from '../domain/requests.js';
import type { EntitySummary, OperationRecord, OperationView, PromoteResultView } from '../domain/operation.js';
import type { StoreFailureError } from '../errors.js';
import type { StoreRuntime } from '../ports/store-runtime.js';

/** What a result view is built from: a stored result or a planned one. */
export interface ResultLike {
  readonly id?: number | null | undefined;
  readonly entity_type: EntityType;
  readonly source_entity_id: number;
  readonly result: PromoteResultView['result'];
  readonly destination_entity_id: number | null;
  readonly message: string | null;
  readonly changes: PromoteResultView['changes'] | null;
}

/** Up to this many results, their sources' and destinations' summaries are one store read. */
const oneReadResults = 2000;

/**
 * Result views with the **current** details of source and destination entities (§10): one store
 * read for a list of up to 2,000 results (a page), two for a longer one.
 */
export function resultViews(store: StoreRuntime, results: readonly ResultLike[]): ResultAsync<PromoteResultView[], StoreFailureError> {
  const sourceIds: number[] = [];
  const destinationIds: number[] = [];
  for (let index = 0; index < results.length; index++) {
    const result = results[index] as ResultLike;
    sourceIds.push(result.source_entity_id);
    if (result.destination_entity_id !== null) destinationIds.push(result.destination_entity_id);
  }
  const kind = results[0]?.entity_type;
  // A page (of a listing, or of a streamed operation) asks once for both; a whole plan asks for
  // sources and destinations apart: each list is usually ascending already (processing order), so
  // a store need not sort one list of both (200,000 ids in a 100,000-check plan).
  const read =
    results.length <= oneReadResults
      ? summaries(store, kind, sourceIds.concat(destinationIds))
      : ResultAsync.combine([summaries(store, kind, sourceIds), summaries(store, kind, destinationIds)] as const).map(([sources, destinations]) => {
          for (const [id, summary] of destinations) sources.set(id, summary);
          return sources;
        });
  return read.map((byId) =>
    results.map((result) => ({
      id: result.id ?? null,
      source_entity_id: result.source_entity_id,
      source_entity: byId.get(result.source_entity_id) ?? null,
      entity_type: result.entity_type,
      result: result.result,
      destination_entity_id: result.destination_entity_id,
      destination_entity: result.destination_entity_id === null ? null : (byId.get(result.destination_entity_id) ?? null),
      message: result.message,
      ...(result.result === 'updated' && result.changes !== null ? { changes: result.changes } : {}),
    })),
  );
}

function summaries(store: StoreRuntime, kind: EntityType | undefined, ids: readonly number[]): ResultAsync<Map<number, EntitySummary>, StoreFailureError> {
  if (ids.length === 0) return ResultAsync.fromSafePromise(Promise.resolve(new Map()));
  if (kind !== undefined && store.summarise !== undefined) return store.summarise(kind, ids).map((found) => summariesById(found, (summary) => summary));
  switch (kind) {
    case undefined:
      return ResultAsync.fromSafePromise(Promise.resolve(new Map()));
    case 'quality_check':
      return store.getChecks(ids).map((checks) => summariesById(checks, checkSummary));
    case 'computed_field':
      return store.getComputedFields(ids).map((fields) => summariesById(fields, computedFieldSummary));
    case 'computed_table':
    case 'computed_file':
      return store.getContainers(ids).map((containers) => summariesById(containers, containerSummary));
  }
}

/** What a result view shows of a check (§10); `Store.summarise` answers the same. */
export function checkSummary(check: QualityCheck): EntitySummary {
  return { id: check.id, description: check.description, rule_type: check.rule_type, status: check.status };
}

/** What a result view shows of a computed field (§10). */
export function computedFieldSummary(field: ComputedField): EntitySummary {
  return { id: field.id, name: field.name, transformation: field.transformation, status: field.status };
}

/** What a result view shows of a container (§10). */
export function containerSummary(container: Container): EntitySummary {
  return { id: container.id, name: container.name, container_type: container.container_type };
}

/** Summaries by id, built in a loop (no `[id, summary]` pair per entity). */
function summariesById<T extends { readonly id: number }>(entities: readonly T[], summary: (entity: T) => EntitySummary): Map<number, EntitySummary> {
  const map = new Map<number, EntitySummary>();
  for (let index = 0; index < entities.length; index++) {
    const entity = entities[index] as T;
    map.set(entity.id, summary(entity));
  }
  return map;
}

/** The envelope of an operation (§9) without its results. */
export function operationEnvelope(operation: OperationRecord): Omit<OperationView, 'results'> {
  return {
    id: operation.id,
    ...operationKind(operation.request),
    promote_type: operation.promote_type,
    result: operation.result,
    start_time: operation.start_time,
    end_time: operation.end_time,
    triggered_by: operation.triggered_by,
    aborted_by: operation.aborted_by,
    message: operation.message,
    datastore: operation.datastore,
    destination_datastore: operation.destination_datastore,
    container: operation.container,
    destination_container: operation.destination_container,
    ...(operation.promote_type === 'quality_check' && operation.request.type !== 'revert' ? { as_draft: operation.as_draft ?? true } : {}),
    status: operation.status,
  };
}

/** `type` of an operation's envelope, and for a revert the operation it reverts (§16). */
export function operationKind(request: OperationRequest): { readonly type: 'promote' } | { readonly type: 'revert'; readonly reverted_operation_id: number } {
  return request.type === 'revert' ? { type: 'revert', reverted_operation_id: request.operation_id } : { type: 'promote' };
}
