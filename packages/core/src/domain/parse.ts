import { err, ok, type Result } from 'neverthrow';
import { z } from 'zod';
import { invalidRequest, type InvalidRequestError, type RequestIssue } from '../errors.js';

/** Default of {@link ParseOptions.maxListedIssues}: 100 (decision 0402). */
export const defaultMaxListedIssues = 100;

/** Options of {@link parseWith}. */
export interface ParseOptions {
  /**
   * Most issues listed one by one; the rest are counted in one last issue. Default
   * {@link defaultMaxListedIssues}; `Infinity` lists every issue (and bounds no work).
   */
  readonly maxListedIssues?: number | undefined;
}

/**
 * How many issues one element of a list gets, computed without zod: for the lists of a request
 * body, which may hold hundreds of thousands of bad elements. MUST agree with what the list's
 * element schema reports (after {@link parseWith} expands unknown keys into one issue each); a
 * property test holds each counter to its schema.
 */
export type ElementIssueCount = (element: unknown) => number;

/**
 * Array schemas whose elements {@link parseWith} counts with a cheap {@link ElementIssueCount}
 * beyond the ones a 422 lists, instead of having zod build an issue for each. Register the array
 * schema itself (with its length checks), not a transform or pipe around it.
 *
 * @example
 * const idArray = z.array(idSchema).min(1).register(countedLists, { issuesOf: idIssueCount });
 */
export const countedLists = z.registry<{ readonly issuesOf: ElementIssueCount }>();

/**
 * Parses `input` with `schema` and returns the value or its issues, each with its `loc`
 * (prefixed by `locPrefix`, `['body']` for request bodies as the HTTP layer reports them).
 * The one place where `safeParse` becomes a `Result`.
 *
 * At most {@link ParseOptions.maxListedIssues} (100) issues are listed, in zod's order; when there
 * are more, one last issue `{loc: locPrefix, msg: '… and N more issues', type: 'too_many_issues'}`
 * counts them. Bad input stays cheap: a list registered in {@link countedLists} is cut after the
 * element that gives it one issue more than are listed, and the elements cut off are only counted.
 */
export function parseWith<S extends z.ZodType>(
  schema: S,
  input: unknown,
  locPrefix: readonly (string | number)[] = ['body'],
  options: ParseOptions = {},
): Result<z.output<S>, InvalidRequestError> {
  const maxListedIssues = options.maxListedIssues ?? defaultMaxListedIssues;
  const counted = { maxListedIssues, omitted: 0 };
  const bounded = boundLists(schema, input, counted);
  const parsed = schema.safeParse(bounded);
  if (parsed.success) return ok(parsed.data);
  const listed: RequestIssue[] = [];
  let more = counted.omitted;
  for (const issue of parsed.error.issues) {
    const omitted = omittedCount(issue);
    if (omitted !== undefined) {
      more += omitted;
      continue;
    }
    const room = maxListedIssues - listed.length;
    // One zod issue names every unknown key, and becomes one request issue per key.
    const size = issue.code === 'unrecognized_keys' ? issue.keys.length : 1;
    if (room > 0) listed.push(...toRequestIssues(issue, bounded, locPrefix, room));
    more += Math.max(0, size - Math.max(room, 0));
  }
  if (more > 0) listed.push({ loc: [...locPrefix], msg: `… and ${more.toLocaleString('en-US')} more issues`, type: 'too_many_issues' });
  return err(invalidRequest(listed));
}

/**
 * The issue a refinement adds instead of its `count` last issues, when it finds more than
 * {@link defaultMaxListedIssues} + 1 of them: {@link parseWith} only counts it, in its last issue.
 *
 * @example
 * if (duplicates > defaultMaxListedIssues + 1) ctx.addIssue(omittedIssues(duplicates - defaultMaxListedIssues - 1));
 */
export function omittedIssues(count: number): z.core.$ZodRawIssue {
  return { code: 'custom', path: [], message: `${count} more issues`, input: undefined, params: { type: omittedIssuesType, count } };
}

const omittedIssuesType = 'omitted_issues';

function omittedCount(issue: z.core.$ZodIssue): number | undefined {
  if (issue.code !== 'custom') return undefined;
  const params = issue.params as { type?: unknown; count?: unknown } | undefined;
  return params?.type === omittedIssuesType && typeof params.count === 'number' ? params.count : undefined;
}

/** What {@link boundLists} counts: the issues it cut off, beyond `maxListedIssues`. */
interface Counted {
  readonly maxListedIssues: number;
  omitted: number;
}

/** The parts of a zod schema definition that lead to nested values. */
interface SchemaDef {
  readonly type: string;
  readonly shape?: Record<string, z.core.$ZodType>;
  readonly innerType?: z.core.$ZodType;
  readonly in?: z.core.$ZodType;
  readonly options?: readonly z.core.$ZodType[];
  readonly discriminator?: string;
}

/**
 * `input` with every list of {@link countedLists} cut after its `counted.maxListedIssues + 1`th issue (so
 * that the listed issues, and whether there are more, are the same as for the whole input), the
 * issues cut off added to `counted.omitted`. Copies only what it changes.
 */
function boundLists(schema: z.core.$ZodType, input: unknown, counted: Counted): unknown {
  const list = countedLists.get(schema as z.ZodType);
  if (list !== undefined) return Array.isArray(input) ? boundList(input, list.issuesOf, counted) : input;
  const def = schema._zod.def as SchemaDef;
  switch (def.type) {
    case 'object': {
      if (def.shape === undefined || !isPlainObject(input)) return input;
      let copy: Record<string, unknown> | undefined;
      for (const [key, property] of Object.entries(def.shape)) {
        if (!Object.hasOwn(input, key)) continue;
        const value = input[key];
        const bounded = boundLists(property, value, counted);
        if (bounded !== value) (copy ??= { ...input })[key] = bounded;
      }
      return copy ?? input;
    }
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
      return def.innerType === undefined ? input : boundLists(def.innerType, input, counted);
    case 'pipe':
      // A preprocess (a transform first) sees the raw input: nothing to bound through it.
      return def.in === undefined || def.in._zod.def.type === 'transform' ? input : boundLists(def.in, input, counted);
    case 'union': {
      // Only a discriminated union picks one option for the input; a plain one tries them all.
      if (def.discriminator === undefined || def.options === undefined || !isPlainObject(input)) return input;
      const tag = input[def.discriminator];
      const option = def.options.find((candidate) => candidate._zod.propValues?.[def.discriminator as string]?.has(tag as z.core.util.Primitive));
      return option === undefined ? input : boundLists(option, input, counted);
    }
    default:
      return input;
  }
}

function boundList(list: readonly unknown[], issuesOf: ElementIssueCount, counted: Counted): unknown {
  let issues = 0;
  for (let index = 0; index < list.length; index++) {
    issues += issuesOf(list[index]);
    if (issues > counted.maxListedIssues) {
      for (let rest = index + 1; rest < list.length; rest++) counted.omitted += issuesOf(list[rest]);
      return index + 1 === list.length ? list : list.slice(0, index + 1);
    }
  }
  return list;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The request issues of one zod issue, at most `room` of them. */
function toRequestIssues(issue: z.core.$ZodIssue, input: unknown, prefix: readonly (string | number)[], room: number): RequestIssue[] {
  const path = issue.path.map((key) => (typeof key === 'symbol' ? String(key) : key));
  const loc = [...prefix, ...path];
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.slice(0, room).map((key) => ({ loc: [...loc, key], msg: 'Extra inputs are not permitted', type: 'extra_forbidden' }));
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
