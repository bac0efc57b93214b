/**
 * Helpers for the stores of this repository that read JSON columns: texts decoded once per store
 * into deep-frozen values that every entity read shares.
 */

/**
 * Decoded JSON column texts, shared by the check listings of one store: the same text decodes to
 * the same deep-frozen value. A re-promotion lists the source container, then the destination
 * container whose checks were copied from it: their `fields`, `properties`, `tags` and
 * `additional_metadata` are the same texts, so the second listing decodes almost nothing, and the
 * comparison of two equal values is one identity test (`jsonEqual` and the unchanged-check fast
 * path start with `a === b`); a later promotion of the same container decodes nothing new. A text
 * always means the same value, so nothing here is ever stale; the values are frozen, so that
 * sharing them is safe.
 *
 * Memory is bounded by two generations of at most {@link JsonIntern.maxEntries} texts each: when
 * the newer one is full it becomes the older one, and the older one is dropped.
 */
export class JsonIntern {
  /** Texts per generation at most (about 5–8 MB of texts and values at the sizes checks have). */
  static readonly maxEntries = 50_000;
  private current = new Map<string, unknown>();
  private previous = new Map<string, unknown>();

  /**
   * The text of each value decoded by {@link decodeWritable}, or `null` when `JSON.stringify` does
   * not give that text back (whitespace, a `-0`): a value read from a store and written again
   * unchanged — the fields, tags and metadata of a promoted check — is written as the text it was
   * read from rather than encoded again. Weak: a value no one holds is forgotten with it.
   */
  private readonly texts = new WeakMap<object, string | null>();

  /** The deep-frozen value of a JSON text; `[]` and `{}` are shared frozen values. */
  decode<T>(text: string): T {
    if (text === '[]') return emptyList as T;
    if (text === '{}') return emptyObject as T;
    let value = this.current.get(text);
    if (value !== undefined) return value as T;
    value = this.previous.get(text) ?? deepFreeze(JSON.parse(text) as unknown);
    if (this.current.size >= JsonIntern.maxEntries) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(text, value);
    return value as T;
  }

  /**
   * {@link decode}, for a value that may be written again: its text is remembered for
   * {@link textOf} when `JSON.stringify` gives it back exactly (checked once per value, so that
   * plain reads pay nothing for it).
   */
  decodeWritable<T>(text: string): T {
    const value = this.decode<T>(text);
    if (typeof value === 'object' && value !== null && value !== emptyList && value !== emptyObject && !this.texts.has(value)) {
      this.texts.set(value, JSON.stringify(value) === text ? text : null);
    }
    return value;
  }

  /**
   * `JSON.stringify(value)`, when `value` came from {@link decodeWritable} (or is a shared `[]` or
   * `{}`) and that is the text it was decoded from; `undefined` otherwise. Such a value is
   * deep-frozen, so its text stays true.
   */
  textOf(value: unknown): string | undefined {
    if (value === emptyList) return '[]';
    if (value === emptyObject) return '{}';
    return typeof value === 'object' && value !== null ? (this.texts.get(value) ?? undefined) : undefined;
  }

  /**
   * The shared value of a text this intern already holds, or the text decoded afresh and not kept
   * (neither frozen nor remembered): for reads whose texts are mostly new, such as the source
   * checks of a promotion read chunk by chunk. A re-promotion lists the destination first, so its
   * sources' texts are found here (no parse, and the comparison of equal values is one identity
   * test); a first promotion of a million checks adds nothing to the intern.
   */
  decodeKnown<T>(text: string): T {
    if (text === '[]') return emptyList as T;
    if (text === '{}') return emptyObject as T;
    const value = this.current.get(text) ?? this.previous.get(text);
    return (value === undefined ? JSON.parse(text) : value) as T;
  }
}

/** Freezes a decoded JSON-like value and everything in it, so that it can be handed out more than once. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const key in value) deepFreeze((value as Record<string, unknown>)[key]);
    Object.freeze(value);
  }
  return value;
}

const emptyList: readonly never[] = Object.freeze([]);
const emptyObject: Readonly<Record<string, never>> = Object.freeze({});
