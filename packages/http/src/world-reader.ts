import {
  forbidden,
  hasPermission,
  notFound,
  parseWith,
  queryIntegerSchema,
  storeFailure,
  type ComputedField,
  type Container,
  type Datastore,
  type Field,
  type Page,
  type PromoteError,
  type QualityCheck,
  type Store,
  type User,
} from '@promote/core';
import { errAsync, ok, okAsync, ResultAsync, safeTry } from 'neverthrow';
import { z } from 'zod';

const page = queryIntegerSchema.pipe(z.number().min(1)).default(1);
const size = queryIntegerSchema.pipe(z.number().min(1).max(1000)).default(50);
const idParameter = queryIntegerSchema.pipe(z.number().positive());

/** Query of `GET /api/datastores`: `page` (from 1), `size` (1..1000, default 50). */
export const datastoreListQuerySchema = z.strictObject({ page, size });

/** Query of `GET /api/containers`: `datastore` (optional: every datastore the user may read), `page`, `size`. */
export const containerListQuerySchema = z.strictObject({ datastore: idParameter.optional(), page, size });

/** Query of `GET /api/quality-checks` and `GET /api/computed-fields`: `container` (required), `page`, `size`. */
export const containerContentQuerySchema = z.strictObject({ container: idParameter, page, size });

/** A container with its plain fields, as `GET /api/containers` lists it. */
export type ContainerWithFields = Container & { readonly fields: readonly Field[] };

/**
 * Read-only views of the world for the HTTP API. Every read needs at least `reporter` on the
 * datastore it reads from (§11); `admin` reads everything. Listings are ascending id and paginated.
 */
export interface WorldReader {
  /** The datastores the user may read (others are left out, not refused). */
  listDatastores(user: User, query: unknown): ResultAsync<Page<Datastore>, PromoteError>;
  /** Containers of one datastore (404 / 403 when it is unknown / not readable), or of every readable one; soft-deleted ones included. */
  listContainers(user: User, query: unknown): ResultAsync<Page<ContainerWithFields>, PromoteError>;
  /** Checks of one container, every status. */
  listChecks(user: User, query: unknown): ResultAsync<Page<QualityCheck>, PromoteError>;
  /** Computed fields of one container, every status. */
  listComputedFields(user: User, query: unknown): ResultAsync<Page<ComputedField>, PromoteError>;
}

/** Creates the {@link WorldReader} over a store. */
export function createWorldReader(store: Store): WorldReader {
  const read = <T>(call: () => Promise<T>): ResultAsync<T, PromoteError> => ResultAsync.fromPromise((async () => call())(), storeFailure);

  const readableDatastores = (user: User): ResultAsync<Datastore[], PromoteError> =>
    read(async () => {
      const [datastores, teams] = await Promise.all([store.listDatastores(), store.teamsOfUser(user.id)]);
      return datastores.filter((datastore) => hasPermission(user, teams, datastore.id, 'reporter'));
    });

  const readableDatastore = (user: User, id: number): ResultAsync<Datastore, PromoteError> =>
    read(async () => Promise.all([store.getDatastore(id), store.teamsOfUser(user.id)])).andThen(([datastore, teams]) => {
      if (datastore === undefined) return errAsync(notFound('Datastore', id));
      if (!hasPermission(user, teams, datastore.id, 'reporter')) {
        return errAsync(forbidden(`User ${user.email} needs reporter permission on datastore ${datastore.id} (${datastore.name})`));
      }
      return okAsync(datastore);
    });

  const readableContainer = (user: User, id: number): ResultAsync<Container, PromoteError> =>
    read(() => store.getContainer(id)).andThen((container) =>
      container === undefined ? errAsync(notFound('Container', id)) : readableDatastore(user, container.datastore_id).map(() => container),
    );

  return {
    listDatastores: (user, query) =>
      safeTry(async function* () {
        const parsed = yield* parseWith(datastoreListQuerySchema, query, ['query']);
        const datastores = yield* readableDatastores(user);
        return ok(paginate(datastores, parsed));
      }),

    listContainers: (user, query) =>
      safeTry(async function* () {
        const parsed = yield* parseWith(containerListQuerySchema, query, ['query']);
        const datastores = parsed.datastore === undefined ? yield* readableDatastores(user) : [yield* readableDatastore(user, parsed.datastore)];
        const containers = yield* read(async () => (await Promise.all(datastores.map((datastore) => store.listContainers(datastore.id)))).flat());
        const shown = paginate(containers, parsed);
        const items = yield* read(() => Promise.all(shown.items.map(async (container) => ({ ...container, fields: await store.listFields(container.id) }))));
        return ok({ ...shown, items });
      }),

    listChecks: (user, query) =>
      safeTry(async function* () {
        const parsed = yield* parseWith(containerContentQuerySchema, query, ['query']);
        const container = yield* readableContainer(user, parsed.container);
        const checks = yield* read(() => store.listChecks(container.id));
        return ok(paginate(checks, parsed));
      }),

    listComputedFields: (user, query) =>
      safeTry(async function* () {
        const parsed = yield* parseWith(containerContentQuerySchema, query, ['query']);
        const container = yield* readableContainer(user, parsed.container);
        const fields = yield* read(() => store.listComputedFields(container.id));
        return ok(paginate(fields, parsed));
      }),
  };
}

function paginate<T>(all: readonly T[], { page, size }: { readonly page: number; readonly size: number }): Page<T> {
  const from = (page - 1) * size;
  return { items: all.slice(from, from + size), total: all.length, page, size };
}
