/**
 * Small value helpers of the reference model, written from SPEC.md alone: JSON equality with key
 * order ignored, the filter normalisation of §4, and the Python-style lists of the §7 messages.
 */

/** JSON text of `value` with object keys sorted at every depth, so that key order does not matter. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([key, item]) => [key, sortKeys(item)]));
  }
  return value;
}

/** Deep equality of JSON values, key order ignored, array order significant (§4 "deep equality"). */
export function sameJson(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/** §4: whitespace runs collapsed to one space, trimmed; `null` is the empty filter. */
export function normalisedFilter(filter: string | null): string {
  return (filter ?? '').replace(/\s+/g, ' ').trim();
}

/** Whether two name lists hold the same names, case-insensitively, order and repeats ignored. */
export function sameNameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a.map((name) => name.toLowerCase()));
  const right = new Set(b.map((name) => name.toLowerCase()));
  return left.size === right.size && [...left].every((name) => right.has(name));
}

/** `items` without repeats, first occurrence kept. */
export function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

/** Python's `repr` of a string: `'email'`, or `"it's"` when only a single quote occurs. */
export function pythonRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let body = '';
  for (const character of text) {
    const code = character.codePointAt(0) ?? 0;
    if (character === '\\') body += '\\\\';
    else if (character === quote) body += `\\${quote}`;
    else if (character === '\n') body += '\\n';
    else if (character === '\r') body += '\\r';
    else if (character === '\t') body += '\\t';
    else if (code < 0x20 || code === 0x7f) body += `\\x${code.toString(16).padStart(2, '0')}`;
    else body += character;
  }
  return quote + body + quote;
}

/** Python's `repr` of a list of strings: `['email', 'phone']`. */
export function pythonListRepr(items: readonly string[]): string {
  return `[${items.map(pythonRepr).join(', ')}]`;
}
