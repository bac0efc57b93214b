import { err, ok, ResultAsync, safeTry } from 'neverthrow';
import type { Container, Datastore, User } from '../domain/entities.js';
import type { PromoteType } from '../domain/enums.js';
import { messages } from '../domain/operation.js';
import {
  promoteTypeOf,
  type PromoteComputedFieldRequest,
  type PromoteComputedFileRequest,
  type PromoteComputedTableRequest,
  type PromoteQualityCheckRequest,
  type OperationRequest,
  type RevertRequest,
} from '../domain/requests.js';
import { conflict, notFound, unprocessable, type PromoteError } from '../errors.js';
import { CheckSelector } from '../plan/select-checks.js';
import { selectComputedFields, selectComputedFiles, selectComputedTables } from '../plan/select-computed.js';
import type { Access } from './access.js';
import type { StoreRuntime } from '../ports/store-runtime.js';
import { growingSizes } from './growing-sizes.js';
import { nextTurn } from './next-turn.js';

/** A request that passed every check of §2.1: what an operation is created from. */
export interface PreparedOperation {
  readonly promote_type: PromoteType;
  readonly request: OperationRequest;
  readonly actor: User;
  readonly datastore: Datastore;
  readonly destinationDatastore: Datastore;
  readonly container: Container | null;
  readonly destinationContainer: Container | null;
  /** Source ids in processing order (§3, §6). */
  readonly selection: readonly number[];
  /** `container:<id>` or `datastore:<id>`. */
  readonly destinationScope: string;
  readonly destinationScopeId: number;
}

function liveDatastore(store: StoreRuntime, id: number): ResultAsync<Datastore, PromoteError> {
  return store.getDatastore(id).andThen((datastore) => (datastore === undefined ? err(notFound('Datastore', id)) : ok(datastore)));
}

function liveContainer(store: StoreRuntime, id: number): ResultAsync<Container, PromoteError> {
  return store.getContainer(id).andThen((container) =>
    container === undefined || container.deleted_at !== null ? err(notFound('Container', id)) : ok(container),
  );
}

/**
 * Runs the checks of §2.1 after the shape (existence → permission → semantics) and fixes the
 * selection. Nothing is written.
 */
export function prepareOperation(store: StoreRuntime, access: Access, actor: User, request: OperationRequest): ResultAsync<PreparedOperation, PromoteError> {
  switch (request.type) {
    case 'revert':
      return prepareRevert(store, access, actor, request);
    case 'promote_quality_check':
      return prepareContainerScoped(store, access, actor, request, (container) => selectCheckIds(store, request, container.id));
    case 'promote_computed_field':
      return prepareContainerScoped(store, access, actor, request, (container) =>
        store.listComputedFields(container.id).andThen((fields) => selectComputedFields(fields, request, container.id).map((selected) => selected.map((field) => field.id))),
      );
    case 'promote_computed_table':
    case 'promote_computed_file':
      return prepareComputedContainers(store, access, actor, request);
  }
}

/** Checks per page when the selection reads a container's checks (`Store.listCheckKeys`): a page of 5,000 and its decoding were 24–32 ms of one step at a million checks (decision 0909). */
export const checkKeyPageSize = 2_500;

/**
 * The selection of a quality-check request (§3), reading the source container's checks a page of
 * selection keys at a time (SPEC §19: the selection of a million checks holds their ids, not the
 * checks). Yields to the event loop between pages, so a large container does not block a server.
 */
function selectCheckIds(store: StoreRuntime, request: PromoteQualityCheckRequest, containerId: number): ResultAsync<readonly number[], PromoteError> {
  return safeTry(async function* () {
    const selector = new CheckSelector(request, containerId);
    let afterId = 0;
    // The first pages are read cold: a tenth of a page, growing to a whole one.
    const nextSize = growingSizes(checkKeyPageSize / 10, checkKeyPageSize);
    for (;;) {
      // A turn before each page, the first too: the request's parse and permission reads come
      // in the same step otherwise.
      await nextTurn();
      const size = nextSize();
      const page = yield* store.checkKeyPage(containerId, afterId, size);
      selector.add(page.keys);
      if (page.last || page.keys.length === 0) break;
      afterId = (page.keys[page.keys.length - 1] as { readonly id: number }).id;
    }
    // The ids themselves: an object per id was 40–110 ms of one synchronous step at a million.
    return selector.finish();
  });
}

/** The existence checks shared by the container-scoped types: source datastore and container, destination container. */
function containerPair(store: StoreRuntime, request: { datastore_id: number; container_id: number; destination_container_id: number }) {
  return safeTry(async function* () {
    // Every 404 comes before the 422 of a container outside its datastore (§2.1 step 2).
    const datastore = yield* liveDatastore(store, request.datastore_id);
    const container = yield* liveContainer(store, request.container_id);
    const destinationContainer = yield* liveContainer(store, request.destination_container_id);
    const destinationDatastore = yield* liveDatastore(store, destinationContainer.datastore_id);
    if (container.datastore_id !== datastore.id) {
      return err(unprocessable(`Container ${container.id} is not in datastore ${datastore.id}`));
    }
    return ok({ datastore, container, destinationContainer, destinationDatastore });
  });
}

function prepareComputedContainers(
  store: StoreRuntime,
  access: Access,
  actor: User,
  request: PromoteComputedTableRequest | PromoteComputedFileRequest,
): ResultAsync<PreparedOperation, PromoteError> {
  return safeTry(async function* () {
    const datastore = yield* liveDatastore(store, request.datastore_id);
    const destinationDatastore = yield* liveDatastore(store, request.destination_datastore_id);
    yield* access.require(actor, [
      { datastore, level: 'editor' },
      { datastore: destinationDatastore, level: 'editor' },
    ]);
    if (datastore.id === destinationDatastore.id) return err(unprocessable(messages.sameSourceAndDestination));
    const [storeType, label] = request.type === 'promote_computed_table' ? (['jdbc', 'Computed tables'] as const) : (['dfs', 'Computed files'] as const);
    const wrong = [datastore, destinationDatastore].find((candidate) => candidate.store_type !== storeType);
    if (wrong !== undefined) {
      return err(unprocessable(`${label} can only be promoted between ${storeType.toUpperCase()} datastores: datastore ${wrong.id} is ${wrong.store_type.toUpperCase()}`));
    }
    const sourceContainers = yield* store.listContainers(datastore.id);
    const selected =
      request.type === 'promote_computed_table'
        ? yield* selectComputedTables(sourceContainers, request, datastore.id)
        : yield* selectComputedFiles(sourceContainers, yield* store.listContainers(destinationDatastore.id), request.source_container_mappings, datastore.id, destinationDatastore.id);
    return ok({
      promote_type: promoteTypeOf(request),
      request,
      actor,
      datastore,
      destinationDatastore,
      container: null,
      destinationContainer: null,
      selection: selected.map((container) => container.id),
      destinationScope: `datastore:${destinationDatastore.id}`,
      destinationScopeId: destinationDatastore.id,
    });
  });
}

/**
 * Checks and computed fields: both scoped by a source and a destination container; `select` reads
 * the source container's entities and fixes the selection (§3, §6).
 */
function prepareContainerScoped(
  store: StoreRuntime,
  access: Access,
  actor: User,
  request: PromoteQualityCheckRequest | PromoteComputedFieldRequest,
  /** The selected source ids, in processing order. */
  select: (container: Container) => ResultAsync<readonly number[], PromoteError>,
): ResultAsync<PreparedOperation, PromoteError> {
  return safeTry(async function* () {
    const { datastore, container, destinationContainer, destinationDatastore } = yield* containerPair(store, request);
    yield* access.require(actor, [
      { datastore, level: 'editor' },
      { datastore: destinationDatastore, level: 'editor' },
    ]);
    if (container.id === destinationContainer.id) return err(unprocessable(messages.sameSourceAndDestination));
    const selected = yield* select(container);
    return ok({
      promote_type: promoteTypeOf(request),
      request,
      actor,
      datastore,
      destinationDatastore,
      container,
      destinationContainer,
      selection: selected,
      destinationScope: `container:${destinationContainer.id}`,
      destinationScopeId: destinationContainer.id,
    });
  });
}

/**
 * A revert (§16): operation N exists (404), the actor may read it and is `editor` on its destination
 * datastore (403), it has ended (409). Its selection is N's `created` and `updated` results in
 * reverse processing order, on N's destination scope, with N's datastores and containers.
 */
function prepareRevert(store: StoreRuntime, access: Access, actor: User, request: RevertRequest): ResultAsync<PreparedOperation, PromoteError> {
  return safeTry(async function* () {
    const reverted = yield* store.getOperation(request.operation_id);
    if (reverted === undefined) return err(notFound('Operation', request.operation_id));
    yield* access.require(actor, [
      { datastore: reverted.datastore, level: 'reporter' },
      { datastore: reverted.destination_datastore, level: 'reporter' },
      { datastore: reverted.destination_datastore, level: 'editor' },
    ]);
    if (reverted.result === 'running') {
      return err(conflict(`Operation ${reverted.id} is running; only an ended operation can be reverted`));
    }
    const datastore = yield* liveDatastore(store, reverted.datastore.id);
    const destinationDatastore = yield* liveDatastore(store, reverted.destination_datastore.id);
    // The containers as they are now, soft-deleted or not: the revert names what N named.
    const container = reverted.container === null ? null : ((yield* store.getContainer(reverted.container.id)) ?? null);
    const destinationContainer = reverted.destination_container === null ? null : ((yield* store.getContainer(reverted.destination_container.id)) ?? null);
    if (reverted.destination_container !== null && destinationContainer === null) return err(notFound('Container', reverted.destination_container.id));
    const written = yield* store.listResults(reverted.id, { results: ['created', 'updated'] });
    const selection = written.items.map((result) => result.source_entity_id).reverse();
    return ok({
      promote_type: reverted.promote_type,
      request,
      actor,
      datastore,
      destinationDatastore,
      container,
      destinationContainer,
      selection,
      destinationScope: reverted.destination_scope,
      destinationScopeId: destinationContainer?.id ?? destinationDatastore.id,
    });
  });
}
