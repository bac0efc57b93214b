import { errAsync, ok, ResultAsync, safeTry } from 'neverthrow';
import type { ComputedField, Container, Datastore, Field, QualityCheck, User } from '../domain/entities.js';
import type { PermissionLevel } from '../domain/enums.js';
import type { Page } from '../domain/operation.js';
import { parseWith } from '../domain/parse.js';
import { containerContentQuerySchema, containerListQuerySchema, datastoreListQuerySchema } from '../domain/queries.js';
import { notFound, type PromoteError } from '../errors.js';
import type { StoreRuntime } from '../ports/store-runtime.js';
import type { Access } from './access.js';

/** A container with its plain fields, as `GET /api/containers` lists it. */
export type ContainerWithFields = Container & { readonly fields: readonly Field[] };

/**
 * Read-only views of the world (the API's world endpoints). Every read needs at least `reporter`
 * on the datastore it reads from (§11), with the same `forbidden` messages as operations. Listings
 * are ascending id and paginated; a query is parsed here (`invalid_request` with `loc: ['query', …]`).
 */
export interface WorldReads {
  /** The datastores the user may read (others are left out, not refused), or only those where they hold `permission`. */
  listDatastores(user: User, query: unknown): ResultAsync<Page<Datastore>, PromoteError>;
  /** Containers of one datastore (404 / 403 when it is unknown / not readable), or of every readable one; soft-deleted ones included. */
  listContainers(user: User, query: unknown): ResultAsync<Page<ContainerWithFields>, PromoteError>;
  /** Checks of one container, every status. */
  listChecks(user: User, query: unknown): ResultAsync<Page<QualityCheck>, PromoteError>;
  /** Computed fields of one container, every status. */
  listComputedFields(user: User, query: unknown): ResultAsync<Page<ComputedField>, PromoteError>;
}

/** The {@link WorldReads} over a store runtime and the service's access rules. */
export function createWorldReads(store: StoreRuntime, access: Access): WorldReads {
  const readableDatastores = (user: User, level: PermissionLevel = 'reporter'): ResultAsync<Datastore[], PromoteError> =>
    ResultAsync.combine([store.listDatastores(), access.visibleDatastores(user, level)] as const).map(([datastores, visible]) => {
      if (visible === 'all') return [...datastores];
      const allowed = new Set(visible);
      return datastores.filter((datastore) => allowed.has(datastore.id));
    });

  const readableDatastore = (user: User, id: number): ResultAsync<Datastore, PromoteError> =>
    store.getDatastore(id).andThen((datastore) =>
      datastore === undefined ? errAsync(notFound('Datastore', id)) : access.require(user, [{ datastore, level: 'reporter' }]).map(() => datastore),
    );

  const readableContainer = (user: User, id: number): ResultAsync<Container, PromoteError> =>
    store.getContainer(id).andThen((container) =>
      container === undefined ? errAsync(notFound('Container', id)) : readableDatastore(user, container.datastore_id).map(() => container),
    );

  return {
    listDatastores: (user, query) =>
      safeTry(async function* () {
        const parsed = yield* parseWith(datastoreListQuerySchema, query, ['query']);
        return ok(paginate(yield* readableDatastores(user, parsed.permission), parsed));
      }),

    listContainers: (user, query) =>
      safeTry(async function* () {
        const parsed = yield* parseWith(containerListQuerySchema, query, ['query']);
        const datastores = parsed.datastore === undefined ? yield* readableDatastores(user) : [yield* readableDatastore(user, parsed.datastore)];
        const containers = (yield* ResultAsync.combine(datastores.map((datastore) => store.listContainers(datastore.id)))).flat();
        const shown = paginate(containers, parsed);
        const items = yield* ResultAsync.combine(shown.items.map((container) => store.listFields(container.id).map((fields) => ({ ...container, fields }))));
        return ok({ ...shown, items });
      }),

    listChecks: (user, query) =>
      safeTry(async function* () {
        const parsed = yield* parseWith(containerContentQuerySchema, query, ['query']);
        const container = yield* readableContainer(user, parsed.container);
        return ok(paginate(yield* store.listChecks(container.id), parsed));
      }),

    listComputedFields: (user, query) =>
      safeTry(async function* () {
        const parsed = yield* parseWith(containerContentQuerySchema, query, ['query']);
        const container = yield* readableContainer(user, parsed.container);
        return ok(paginate(yield* store.listComputedFields(container.id), parsed));
      }),
  };
}

function paginate<T>(all: readonly T[], { page, size }: { readonly page: number; readonly size: number }): Page<T> {
  const from = (page - 1) * size;
  return { items: all.slice(from, from + size), total: all.length, page, size };
}

