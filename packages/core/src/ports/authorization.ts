import type { User } from '../domain/entities.js';
import type { PermissionLevel } from '../domain/enums.js';

/** Who acts, as a caller names them: a user by id, email or bearer token. */
export type ActorReference = { readonly id: number } | { readonly email: string } | { readonly token: string };

/**
 * The Authorization port (§11): who an actor is, and what they may do on which datastores. The
 * default, {@link storeAuthorization} in `run/`, answers from the store's users and teams; an
 * embedder whose platform has its own identity system passes their own, so that users and teams
 * need not be mirrored into the engine's world (docs/authorization.md).
 *
 * The engine asks `identify` once per service call (or not at all for an actor given as
 * `{ user }`), then `permits` or `visibleDatastores` once. Both MAY reject: the call then answers a
 * `store_failure`.
 */
export interface Authorization {
  /**
   * The identity acting, or `undefined` when the reference names nobody (answered
   * `unauthenticated`). Its `email` is what operations record as `triggered_by` and `aborted_by`;
   * its `role` `admin` is only informative here (what it may do is `permits`' answer).
   */
  identify(actor: ActorReference): Promise<User | undefined>;
  /**
   * Whether `user` holds at least `level` on each datastore of `datastoreIds`: one answer per id,
   * in order. Levels are ordered `reporter < viewer < drafter < author < editor`; reading an
   * operation or the world needs `reporter`, promoting needs `editor` on both sides, abort and
   * resume `editor` on the destination.
   */
  permits(user: User, level: PermissionLevel, datastoreIds: readonly number[]): Promise<readonly boolean[]>;
  /**
   * The datastores on which `user` holds at least `level`, ascending, each once — or `'all'` when
   * every datastore (an admin) — so that listings are filtered in the store, not in memory.
   */
  visibleDatastores(user: User, level: PermissionLevel): Promise<'all' | readonly number[]>;
}
