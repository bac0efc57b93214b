import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonIntern } from './json-intern.js';

describe('JsonIntern', () => {
  it('decodes a text once: the same text gives the same deep-frozen value', () => {
    const intern = new JsonIntern();
    const first = intern.decode<{ a: number[] }>('{"a":[1,2]}');
    expect(first).toEqual({ a: [1, 2] });
    expect(intern.decode('{"a":[1,2]}')).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.a)).toBe(true);
  });

  it('keeps at most two generations of texts', () => {
    const intern = new JsonIntern();
    const oldest = intern.decode<number[]>('[0]');
    for (let n = 1; n <= 2 * JsonIntern.maxEntries; n++) intern.decode(`[${n}]`);
    // Two generations later the first text is decoded afresh: equal, not the same value.
    const again = intern.decode<number[]>('[0]');
    expect(again).toEqual(oldest);
    expect(again).not.toBe(oldest);
  });

  it('decodeKnown shares what the intern holds and neither keeps nor freezes what it does not', () => {
    const intern = new JsonIntern();
    const known = intern.decode('{"k":"v"}');
    expect(intern.decodeKnown('{"k":"v"}')).toBe(known);
    const fresh = intern.decodeKnown<{ n: number }>('{"n":1}');
    expect(fresh).toEqual({ n: 1 });
    expect(Object.isFrozen(fresh)).toBe(false);
    // Not remembered: a later decode parses it (and keeps it), a later decodeKnown parses it again.
    expect(intern.decodeKnown('{"n":1}')).not.toBe(fresh);
    const kept = intern.decode('{"n":1}');
    expect(kept).not.toBe(fresh);
    expect(intern.decodeKnown('{"n":1}')).toBe(kept);
    expect(intern.decodeKnown('[]')).toBe(intern.decode('[]'));
    expect(intern.decodeKnown('{}')).toBe(intern.decode('{}'));
  });

  it('decode and decodeKnown equal JSON.parse for any JSON text', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (value, decodeFirst) => {
        const intern = new JsonIntern();
        const text = JSON.stringify(value);
        if (decodeFirst) intern.decode(text);
        expect(intern.decodeKnown(text)).toEqual(JSON.parse(text));
        expect(intern.decode(text)).toEqual(JSON.parse(text));
      }),
    );
  });

  it('textOf gives the text a decoded value came from, only when JSON.stringify gives it back', () => {
    const intern = new JsonIntern();
    const tags = intern.decodeWritable<string[]>('["a","b"]');
    expect(intern.textOf(tags)).toBe('["a","b"]');
    // The same shared value, whichever way it was decoded.
    expect(intern.decode('["a","b"]')).toBe(tags);
    expect(intern.textOf(intern.decodeWritable('[]'))).toBe('[]');
    expect(intern.textOf(intern.decodeWritable('{}'))).toBe('{}');
    // Not the text JSON.stringify gives: whitespace, a -0 (stringified as 0).
    expect(intern.textOf(intern.decodeWritable('[ "a" ]'))).toBeUndefined();
    expect(intern.textOf(intern.decodeWritable('{"n":-0}'))).toBeUndefined();
    // Not decoded for writing: a plain decode, an equal value, a value of decodeKnown, a primitive.
    expect(intern.textOf(intern.decode('["plain"]'))).toBeUndefined();
    expect(intern.textOf(['a', 'b'])).toBeUndefined();
    expect(intern.textOf(intern.decodeKnown('{"fresh":1}'))).toBeUndefined();
    expect(intern.textOf(intern.decodeWritable('"text"'))).toBeUndefined();
    // A value decoded plainly first and for writing later has its text then.
    const later = intern.decode<string[]>('["later"]');
    expect(intern.decodeWritable('["later"]')).toBe(later);
    expect(intern.textOf(later)).toBe('["later"]');
  });

  it('textOf is JSON.stringify of the value, or nothing, for any JSON text however spaced', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (value, spaced) => {
        const intern = new JsonIntern();
        const text = JSON.stringify(value, null, spaced ? 1 : undefined);
        const decoded = intern.decodeWritable(text);
        const known = intern.textOf(decoded);
        if (known !== undefined) expect(known).toBe(JSON.stringify(decoded));
        if (!spaced && typeof decoded === 'object' && decoded !== null) expect(known).toBe(text);
      }),
    );
  });
});
