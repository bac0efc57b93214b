/** @jsxImportSource hono/jsx */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { Layout, Message } from './layout.js';

/** Whether a request is for the page rather than the API (`/api/…` stays JSON). */
export function isPagePath(c: Context, basePath: string): boolean {
  const path = new URL(c.req.url).pathname;
  return !path.startsWith(`${basePath}/api/`) && path !== `${basePath}/api`;
}

/** A whole page that says what went wrong, never a stack trace: for unknown pages, refusals the page itself cannot attribute, defects. */
export function renderPageError(c: Context, basePath: string, status: ContentfulStatusCode, message: string): Response | Promise<Response> {
  return c.html(
    '<!doctype html>' +
      (
        <Layout title="Error" base={basePath}>
          <h1>{status === 404 ? 'Not found' : status >= 500 ? 'Server error' : 'Refused'}</h1>
          <Message kind="error">{message}</Message>
          <p>
            <a href={`${basePath}/`}>Back to the operations</a>
          </p>
        </Layout>
      ).toString(),
    status,
  );
}
