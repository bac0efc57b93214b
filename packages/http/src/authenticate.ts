import type { Store, User } from '@promote/core';

/**
 * Establishes the acting user from a bearer token: the user, or `undefined` for a token nobody has
 * (answered 401). A rejection is answered 503, like any store failure.
 */
export type Authenticate = (bearerToken: string) => Promise<User | undefined>;

/**
 * The default {@link Authenticate}: looks the token up among the world's users
 * (`store.findUser({ token })`, the `token` attribute of the world snapshot, §14).
 *
 * @example
 * const app = createApp({ promoter, store, authenticate: tokenAuthenticator(store) });
 */
export function tokenAuthenticator(store: Pick<Store, 'findUser'>): Authenticate {
  return (bearerToken) => store.findUser({ token: bearerToken });
}

/**
 * The token of an `Authorization: Bearer <token>` header (scheme case-insensitive, RFC 6750), or
 * `undefined` when the header is absent, has another scheme, or carries no token.
 */
export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^\s*bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match?.[1];
}
