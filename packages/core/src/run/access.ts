import { errAsync, okAsync, ResultAsync } from 'neverthrow';
import type { Datastore, User } from '../domain/entities.js';
import type { PermissionLevel } from '../domain/enums.js';
import { forbidden, storeFailure, unauthenticated, type PromoteError } from '../errors.js';
import type { ActorReference, Authorization } from '../ports/authorization.js';

/**
 * Who acts: a user by id, email or bearer token — or `{ user }`, a user the caller already
 * identified (through `Promoter.identify`, once per request), which the service **trusts** as it is:
 * never pass a user object that came from a client.
 */
export type Actor = ActorReference | { readonly user: User };

/** One permission a call needs (§11). */
export interface PermissionNeed {
  readonly datastore: Pick<Datastore, 'id' | 'name'>;
  readonly level: PermissionLevel;
}

/** The service's side of the {@link Authorization} port: typed errors and the messages of §11. */
export interface Access {
  /** The acting user, or `unauthenticated`. */
  identify(actor: Actor): ResultAsync<User, PromoteError>;
  /** `forbidden` naming the first need `user` lacks, in the order given. */
  require(user: User, needs: readonly PermissionNeed[]): ResultAsync<void, PromoteError>;
  /** The datastores `user` may read at `level`, or `'all'`. */
  visibleDatastores(user: User, level: PermissionLevel): ResultAsync<'all' | readonly number[], PromoteError>;
}

/** Wraps an {@link Authorization}: a rejection becomes a `store_failure`. */
export function createAccess(authorization: Authorization): Access {
  const call = <T>(work: () => Promise<T>) => ResultAsync.fromPromise((async () => work())(), storeFailure);
  return {
    identify: (actor) =>
      'user' in actor
        ? okAsync(actor.user)
        : call(() => authorization.identify(actor)).andThen((user) => (user === undefined ? errAsync(unauthenticated('Unknown user')) : okAsync(user))),

    require: (user, needs) =>
      call(async () => {
        const levels = [...new Set(needs.map((need) => need.level))];
        const answers = await Promise.all(
          levels.map(async (level) => {
            const ofLevel = needs.filter((need) => need.level === level);
            const permitted = await authorization.permits(user, level, ofLevel.map((need) => need.datastore.id));
            return ofLevel.map((need, index) => [need, permitted[index] === true] as const);
          }),
        );
        return new Map(answers.flat());
      }).andThen((permitted) => {
        const missing = needs.find((need) => permitted.get(need) !== true);
        return missing === undefined
          ? okAsync(undefined)
          : errAsync(forbidden(`User ${user.email} needs ${missing.level} permission on datastore ${missing.datastore.id} (${missing.datastore.name})`));
      }),

    visibleDatastores: (user, level) => call(() => authorization.visibleDatastores(user, level)),
  };
}
