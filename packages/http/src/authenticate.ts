import type { Promoter, Store, User } from '@promote/core';

/**
 * Establishes the acting user from a bearer token: the user, or `undefined` for a token nobody has
 * (answered 401). A rejection is answered 503, like any store failure.
 */
export type Authenticate = (bearerToken: string) => Promise<User | undefined>;

/**
 * The default {@link Authenticate}: the service identifies the token (`promoter.identify({ token })`,
 * through its Authorization port — by default the `token` attribute of the world's users, §14).
 * An unknown token is `undefined`; a failure of the port rejects (answered 503).
 */
export function serviceAuthenticator(promoter: Pick<Promoter, 'identify'>): Authenticate {
  return async (bearerToken) => {
    const identified = await promoter.identify({ token: bearerToken });
    if (identified.isOk()) return identified.value;
    if (identified.error.kind === 'unauthenticated') return undefined;
    throw new Error(identified.error.kind === 'store_failure' ? identified.error.message : `Cannot identify the token: ${identified.error.kind}`);
  };
}

/**
 * An {@link Authenticate} straight from a store: looks the token up among the world's users
 * (`store.findUser({ token })`, the `token` attribute of the world snapshot, §14).
 *
 * @example
 * const app = createApp({ promoter, authenticate: tokenAuthenticator(store) });
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
