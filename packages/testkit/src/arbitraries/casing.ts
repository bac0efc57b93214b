import fc from 'fast-check';

/**
 * How a name is re-cased on the other side: kept, all upper case, each `_`-separated word
 * capitalised (`Customer_Id`), or a bit mask (bit `i` upper-cases letter `i`, modulo 31).
 * A value rather than a function, so that counterexamples print readably.
 */
export type Casing = 'as-is' | 'upper' | 'title' | number;

/** Mostly a visible change of casing, sometimes none. */
export const arbCasing: fc.Arbitrary<Casing> = fc.oneof(
  { weight: 1, arbitrary: fc.constant<Casing>('as-is') },
  { weight: 1, arbitrary: fc.constant<Casing>('upper') },
  { weight: 2, arbitrary: fc.constant<Casing>('title') },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 0x7fffffff }) },
);

/** `name` re-cased by `casing`; the result equals `name` case-insensitively. */
export function applyCasing(name: string, casing: Casing): string {
  switch (casing) {
    case 'as-is':
      return name;
    case 'upper':
      return name.toUpperCase();
    case 'title':
      return name
        .split('_')
        .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
        .join('_');
    default:
      return [...name].map((char, index) => ((casing >>> index % 31) & 1 ? char.toUpperCase() : char)).join('');
  }
}
