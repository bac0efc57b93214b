import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';

/** Name of the Activity page's session cookie. Its value is the user's bearer token. */
export const sessionCookieName = 'promote_session';

/** The bearer token of the request's session cookie, if it has one. */
export function sessionToken(c: Context): string | undefined {
  const token = getCookie(c, sessionCookieName);
  return token === undefined || token === '' ? undefined : token;
}

/**
 * Starts a session: the token in an `HttpOnly` (no script reads it), `SameSite=Strict` (no other
 * site's request carries it) cookie for the app's path, `Secure` when the page was reached over HTTPS.
 * It lasts as long as the browser session.
 */
export function startSession(c: Context, basePath: string, token: string): void {
  setCookie(c, sessionCookieName, token, { httpOnly: true, sameSite: 'Strict', path: cookiePath(basePath), secure: new URL(c.req.url).protocol === 'https:' });
}

/** Ends the session: the cookie is removed. */
export function endSession(c: Context, basePath: string): void {
  deleteCookie(c, sessionCookieName, { path: cookiePath(basePath), httpOnly: true, sameSite: 'Strict', secure: new URL(c.req.url).protocol === 'https:' });
}

function cookiePath(basePath: string): string {
  return basePath === '' ? '/' : basePath;
}
