/**
 * JSON text for the store's JSON columns, such that `decodeJson(encodeJson(value))` deep-equals
 * `value` for every JSON value: strings, finite numbers, booleans, `null`, arrays and plain objects
 * (key order kept; keys whose value is `undefined` dropped, as JSON does).
 *
 * `JSON.stringify` loses one JSON-parseable value: `-0` (`JSON.parse('-0')` is `-0`, but
 * `JSON.stringify(-0)` is `"0"`). Values holding a `-0` are written by a small serialiser that keeps
 * it; every other value takes the native fast path.
 */
export function encodeJson(value: unknown): string {
  const text = holdsNegativeZero(value) ? stringifyKeepingNegativeZero(value) : JSON.stringify(value);
  if (text === undefined) throw new TypeError(`Cannot store ${typeof value} as JSON`);
  return text;
}

/** {@link encodeJson} for a nullable column: `null` and `undefined` become SQL `NULL`. */
export function encodeNullableJson(value: unknown): string | null {
  return value === null || value === undefined ? null : encodeJson(value);
}

/** Parses a JSON column. */
export function decodeJson<T>(text: string): T {
  return JSON.parse(text) as T;
}

/** Parses a nullable JSON column: SQL `NULL` is `null`. */
export function decodeNullableJson<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

function holdsNegativeZero(value: unknown): boolean {
  if (typeof value === 'number') return Object.is(value, -0);
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return value.some(holdsNegativeZero);
  for (const key in value) {
    if (Object.hasOwn(value, key) && holdsNegativeZero((value as Record<string, unknown>)[key])) return true;
  }
  return false;
}

function stringifyKeepingNegativeZero(value: unknown): string | undefined {
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : JSON.stringify(value);
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return stringifyKeepingNegativeZero((value as { toJSON: () => unknown }).toJSON());
  }
  if (Array.isArray(value)) {
    return `[${value.map((item) => stringifyKeepingNegativeZero(item) ?? 'null').join(',')}]`;
  }
  const members: string[] = [];
  for (const [key, item] of Object.entries(value)) {
    const text = stringifyKeepingNegativeZero(item);
    if (text !== undefined) members.push(`${JSON.stringify(key)}:${text}`);
  }
  return `{${members.join(',')}}`;
}

/**
 * An operation's selection (ids, in processing order) as the text of `operation_selections`: a JSON
 * array whose items are ids, or `[first, last]` for a run of at least {@link shortestRun}
 * consecutive ids. A container's checks mostly have consecutive ids, so a million-check selection
 * is a few bytes instead of 7 MB — the longest synchronous step of starting such a promotion was
 * encoding and inserting that text. A plain array of ids (what migration 0005 moved) is the same
 * text with no runs, and decodes as before.
 */
export function encodeSelection(ids: readonly number[]): string {
  // Without runs to speak of (a selection filtered by tags or status), the plain array: the native
  // serialiser is faster than building items.
  if (idsInRuns(ids) * 2 < ids.length) return JSON.stringify(ids);
  const items: (number | readonly [number, number])[] = [];
  let index = 0;
  while (index < ids.length) {
    const first = ids[index] as number;
    let end = index + 1;
    while (end < ids.length && ids[end] === first + (end - index)) end++;
    if (end - index >= shortestRun) {
      items.push([first, first + (end - index - 1)]);
    } else {
      for (let at = index; at < end; at++) items.push(ids[at] as number);
    }
    index = end;
  }
  return JSON.stringify(items);
}

/** How many of `ids` are in runs of at least {@link shortestRun} consecutive ids. */
function idsInRuns(ids: readonly number[]): number {
  let inRuns = 0;
  let length = 1;
  for (let index = 1; index <= ids.length; index++) {
    if (index < ids.length && ids[index] === (ids[index - 1] as number) + 1) {
      length++;
      continue;
    }
    if (length >= shortestRun) inRuns += length;
    length = 1;
  }
  return inRuns;
}

/** The ids of {@link encodeSelection}'s text. */
export function decodeSelection(text: string): number[] {
  // A plain array has no bracket but its first.
  if (text.indexOf('[', 1) === -1) return JSON.parse(text) as number[];
  const items = JSON.parse(text) as (number | [number, number])[];
  const ids: number[] = [];
  for (const item of items) {
    if (typeof item === 'number') ids.push(item);
    else for (let id = item[0]; id <= item[1]; id++) ids.push(id);
  }
  return ids;
}

/** Runs shorter than this are written id by id (`[5,7]` is no shorter than `5,6,7`). */
const shortestRun = 3;
