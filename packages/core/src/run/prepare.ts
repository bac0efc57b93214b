import { err, errAsync, ok, okAsync, ResultAsync, safeTry } from 'neverthrow';
import type { Container, Datastore, User } from '../domain/entities.js';
import type { PermissionLevel, PromoteType } from '../domain/enums.js';
import { messages } from '../domain/operation.js';
import { promoteTypeOf, type PromoteQualityCheckRequest, type PromoteRequest } from '../domain/requests.js';
import { forbidden, notFound, unprocessable, type PromoteError } from '../errors.js';
import { selectChecks } from '../plan/select-checks.js';
import { hasPermission } from './permissions.js';
import type { SafeStore } from './safe-store.js';

/** A request that passed every check of §2.1: what an operation is created from. */
export interface PreparedOperation {
  readonly promote_type: PromoteType;
  readonly request: PromoteRequest;
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

/** Loads the acting user and their teams, or `forbidden`-free `unauthenticated`/`not_found`. */
export function requirePermissions(
  store: SafeStore,
  actor: User,
  needs: readonly { readonly datastore: Datastore; readonly level: PermissionLevel }[],
): ResultAsync<void, PromoteError> {
  return store.teamsOfUser(actor.id).andThen((teams) => {
    const missing = needs.find((need) => !hasPermission(actor, teams, need.datastore.id, need.level));
    return missing === undefined
      ? okAsync(undefined)
      : errAsync(forbidden(`User ${actor.email} needs ${missing.level} permission on datastore ${missing.datastore.id} (${missing.datastore.name})`));
  });
}

function liveDatastore(store: SafeStore, id: number): ResultAsync<Datastore, PromoteError> {
  return store.getDatastore(id).andThen((datastore) => (datastore === undefined ? err(notFound('Datastore', id)) : ok(datastore)));
}

function liveContainer(store: SafeStore, id: number): ResultAsync<Container, PromoteError> {
  return store.getContainer(id).andThen((container) =>
    container === undefined || container.deleted_at !== null ? err(notFound('Container', id)) : ok(container),
  );
}

/**
 * Runs the checks of §2.1 after the shape (existence → permission → semantics) and fixes the
 * selection. Nothing is written.
 */
export function prepareOperation(store: SafeStore, actor: User, request: PromoteRequest): ResultAsync<PreparedOperation, PromoteError> {
  switch (request.type) {
    case 'promote_quality_check':
      return prepareQualityChecks(store, actor, request);
    case 'promote_computed_field':
    case 'promote_computed_table':
    case 'promote_computed_file':
      return errAsync(unprocessable(`${request.type} is not supported by this engine version`));
  }
}

function prepareQualityChecks(store: SafeStore, actor: User, request: PromoteQualityCheckRequest): ResultAsync<PreparedOperation, PromoteError> {
  return safeTry(async function* () {
    const datastore = yield* liveDatastore(store, request.datastore_id);
    const container = yield* liveContainer(store, request.container_id);
    if (container.datastore_id !== datastore.id) {
      return err(unprocessable(`Container ${container.id} is not in datastore ${datastore.id}`));
    }
    const destinationContainer = yield* liveContainer(store, request.destination_container_id);
    const destinationDatastore = yield* liveDatastore(store, destinationContainer.datastore_id);
    yield* requirePermissions(store, actor, [
      { datastore, level: 'editor' },
      { datastore: destinationDatastore, level: 'editor' },
    ]);
    if (container.id === destinationContainer.id) return err(unprocessable(messages.sameSourceAndDestination));
    const sourceChecks = yield* store.listChecks(container.id);
    const selected = yield* selectChecks(sourceChecks, request, container.id);
    return ok({
      promote_type: promoteTypeOf(request),
      request,
      actor,
      datastore,
      destinationDatastore,
      container,
      destinationContainer,
      selection: selected.map((check) => check.id),
      destinationScope: `container:${destinationContainer.id}`,
      destinationScopeId: destinationContainer.id,
    });
  });
}
