/**
 * Equality rules of §4 and §5, shared by matching and comparison.
 */

/** A filter as compared: whitespace runs collapsed, trimmed; `null` = empty. */
export function normaliseFilter(filter: string | null): string {
  // Most checks have no filter: asked for every check that overlap matching looks at.
  if (filter === null || filter === '') return '';
  return filter.replace(/\s+/g, ' ').trim();
}

/** Deep equality of JSON values; object key order is ignored, array order is not. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((item, index) => jsonEqual(item, other[index]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  // Counted in loops rather than with filtered key lists: the planner compares every check's properties.
  let leftCount = 0;
  for (const key in left) {
    if (!Object.hasOwn(left, key) || left[key] === undefined) continue;
    leftCount++;
    if (!Object.hasOwn(right, key) || !jsonEqual(left[key], right[key])) return false;
  }
  let rightCount = 0;
  for (const key in right) if (Object.hasOwn(right, key) && right[key] !== undefined) rightCount++;
  return leftCount === rightCount;
}

/** A canonical text of a JSON value (keys sorted), so that {@link jsonEqual} values share a key. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  // Built by concatenation: overlap matching computes this for every check on both sides.
  if (Array.isArray(value)) {
    let text = '[';
    for (let index = 0; index < value.length; index++) text += (index === 0 ? '' : ',') + canonicalJson(value[index]);
    return `${text}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  let text = '{';
  for (const key of keys.length > 1 ? keys.sort() : keys) {
    const item = record[key];
    if (item !== undefined) text += `${text === '{' ? '' : ','}${JSON.stringify(key)}:${canonicalJson(item)}`;
  }
  return `${text}}`;
}

/** Field lists compared as case-insensitive sets (order ignored). */
export function sameNameSet(a: readonly string[], b: readonly string[]): boolean {
  // Most comparisons are of equal lists (a check compared with its own promoted copy): no key needed.
  if (a === b) return true;
  if (a.length === b.length && a.every((name, index) => name === b[index])) return true;
  return nameSetKey(a) === nameSetKey(b);
}

/** The key of a case-insensitive name set. */
export function nameSetKey(names: readonly string[]): string {
  // Most checks name one field: its key needs no set and no sort.
  if (names.length === 1) return JSON.stringify([(names[0] as string).toLowerCase()]);
  return JSON.stringify([...new Set(names.map((name) => name.toLowerCase()))].sort());
}

/** Whether every element of `part` is in `whole`. */
export function includesAll<T>(whole: readonly T[], part: readonly T[]): boolean {
  const set = new Set(whole);
  return part.every((item) => set.has(item));
}

/**
 * `whole` followed by the elements of `extras` it lacks, in order. `whole` itself when it lacks
 * none (the usual case when re-promoting): no copy of every tag list of a promotion.
 */
export function union<T>(whole: readonly T[], ...extras: (readonly T[])[]): readonly T[] {
  let result: T[] | undefined;
  // Tag lists are short: a linear search beats building a Set for every merge.
  let seen: Set<T> | undefined;
  if (whole.length + extras.reduce((sum, extra) => sum + extra.length, 0) > 32) seen = new Set(whole);
  for (const extra of extras) {
    for (let index = 0; index < extra.length; index++) {
      const item = extra[index] as T;
      if (seen === undefined ? (result ?? whole).includes(item) : seen.has(item)) continue;
      seen?.add(item);
      (result ??= [...whole]).push(item);
    }
  }
  return result ?? whole;
}

/** A Python-style list of strings, as the seed's messages show them: `['email', 'phone']`. */
export function pythonList(items: readonly string[]): string {
  return `[${items.map(pythonString).join(', ')}]`;
}

/** A Python-style `repr` of a string: single quotes unless the text holds one and no double quote. */
export function pythonString(text: string): string {
  const useDouble = text.includes("'") && !text.includes('"');
  const quote = useDouble ? '"' : "'";
  const escaped = text.replace(/\\/g, '\\\\').replace(new RegExp(quote, 'g'), `\\${quote}`).replace(/\n/g, '\\n');
  return `${quote}${escaped}${quote}`;
}

/** Ids as a message lists them: `[5, 6]`; past 20, the first 20 and the count (`[1, 2, …, 20, … (500 in all)]`), each id once. */
export function idListText(ids: readonly number[]): string {
  const unique = [...new Set(ids)];
  return unique.length <= 20 ? `[${unique.join(', ')}]` : `[${unique.slice(0, 20).join(', ')}, … (${unique.length} in all)]`;
}
