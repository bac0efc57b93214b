import { err, ok, type Result } from 'neverthrow';
import type { z } from 'zod';
import { invalidRequest, type InvalidRequestError, type RequestIssue } from '../errors.js';

/**
 * Parses `input` with `schema` and returns the value or every issue, each with its `loc`
 * (prefixed by `locPrefix`, `['body']` for request bodies as the HTTP layer reports them).
 * The one place where `safeParse` becomes a `Result`.
 */
export function parseWith<S extends z.ZodType>(
  schema: S,
  input: unknown,
  locPrefix: readonly (string | number)[] = ['body'],
): Result<z.output<S>, InvalidRequestError> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return ok(parsed.data);
  return err(invalidRequest(parsed.error.issues.flatMap((issue) => toRequestIssues(issue, input, locPrefix))));
}

function toRequestIssues(issue: z.core.$ZodIssue, input: unknown, prefix: readonly (string | number)[]): RequestIssue[] {
  const path = issue.path.map((key) => (typeof key === 'symbol' ? String(key) : key));
  const loc = [...prefix, ...path];
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({ loc: [...loc, key], msg: 'Extra inputs are not permitted', type: 'extra_forbidden' }));
    case 'invalid_type':
      if (valueAt(input, path) === undefined) return [{ loc, msg: 'Field required', type: 'missing' }];
      return [{ loc, msg: issue.message, type: `${issue.expected}_type` }];
    case 'invalid_union':
      // For a discriminated union zod already puts the discriminator (`type`) in the path.
      if (valueAt(input, path) === undefined) return [{ loc, msg: 'Field required', type: 'missing' }];
      if ((issue as { note?: string }).note === 'No matching discriminator') return [{ loc, msg: issue.message, type: 'union_tag_invalid' }];
      return [{ loc, msg: issue.message, type: 'invalid_union' }];
    case 'custom': {
      const type = (issue.params as { type?: string } | undefined)?.type ?? 'value_error';
      return [{ loc, msg: issue.message, type }];
    }
    default:
      return [{ loc, msg: issue.message, type: issue.code }];
  }
}

function valueAt(input: unknown, path: readonly (string | number)[]): unknown {
  let current: unknown = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}
