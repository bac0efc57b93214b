import fc from 'fast-check';

const arbPadding = fc.oneof({ weight: 5, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom(' ', '\t', '  ') });

/**
 * A subset of `pool` (at least `minLength`, at most 3 tags) as a request body writes it: now and
 * then with a tag padded by whitespace or given twice, which is still valid input since tags are
 * trimmed and de-duplicated (§2).
 */
export function arbRequestTags(pool: readonly string[], minLength: number): fc.Arbitrary<string[]> {
  return fc
    .tuple(
      fc.shuffledSubarray([...pool], { minLength, maxLength: Math.max(minLength, Math.min(3, pool.length)) }),
      fc.array(fc.tuple(arbPadding, arbPadding), { minLength: 3, maxLength: 3 }),
      fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    )
    .map(([tags, paddings, duplicate]) => {
      const written = tags.map((tag, index) => {
        const [before, after] = paddings[index % paddings.length] ?? ['', ''];
        return before + tag + after;
      });
      return duplicate && tags[0] !== undefined ? [...written, tags[0]] : written;
    });
}
