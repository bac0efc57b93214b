import type { Context } from 'hono';

/**
 * The query string as the core's query schemas take it: a parameter given once is a string, one
 * given several times (`?promote_result=created&promote_result=failed`) is an array of strings.
 */
export function queryObject(c: Context): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [key, values] of Object.entries(c.req.queries())) {
    query[key] = values.length === 1 ? (values[0] ?? '') : values;
  }
  return query;
}
