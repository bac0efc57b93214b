import { describe, expect, test } from 'vitest';
import { canonicalJson, jsonEqual, normaliseFilter, pythonList, pythonString, sameNameSet, union } from './compare.js';

describe('comparison rules of §4/§5', () => {
  test('filters compare with whitespace runs collapsed and trimmed; null is empty', () => {
    expect(normaliseFilter('  a  >\n 1 ')).toBe('a > 1');
    expect(normaliseFilter(null)).toBe(normaliseFilter('   '));
  });

  test('properties compare deeply with key order ignored, array order kept', () => {
    expect(jsonEqual({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toBe(true);
    expect(jsonEqual({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
    expect(jsonEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(canonicalJson({ b: 1, a: { d: 2, c: 3 } })).toBe(canonicalJson({ a: { c: 3, d: 2 }, b: 1 }));
  });

  test('field lists compare as case-insensitive sets', () => {
    expect(sameNameSet(['Email', 'id'], ['ID', 'email'])).toBe(true);
    expect(sameNameSet(['email'], ['email', 'id'])).toBe(false);
  });

  test('union keeps the first list and appends what is new, in order', () => {
    expect(union(['a', 'b'], ['b', 'c'], ['d', 'a'])).toEqual(['a', 'b', 'c', 'd']);
  });

  test('names in messages are written as a Python list', () => {
    expect(pythonList(['email'])).toBe("['email']");
    expect(pythonList(['email', 'phone'])).toBe("['email', 'phone']");
    expect(pythonString("o'brien")).toBe('"o\'brien"');
  });
});
