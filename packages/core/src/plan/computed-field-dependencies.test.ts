import { describe, expect, test } from 'vitest';
import { closeOverParents, computedFieldParents, expressionIdentifiers, topologicalOrder } from './computed-field-dependencies.js';
import { computedField } from './test-builders.js';

describe('computed-field dependencies (§6)', () => {
  test('identifiers of an expression: bare words and back-quoted names', () => {
    expect(expressionIdentifiers('CASE WHEN `amount usd` > 10 THEN amount_with_tax * 1.2 END')).toEqual(['CASE', 'WHEN', 'amount usd', 'THEN', 'amount_with_tax', 'END']);
  });

  const chain = [
    computedField(103, 'amount_bucket', { transformation: 'custom_expression', properties: { column_expression: 'CASE WHEN Amount_With_Tax > 100 THEN 1 ELSE 0 END' } }),
    computedField(101, 'amount_usd', { source_fields: ['amount'] }),
    computedField(102, 'amount_with_tax', { transformation: 'custom_expression', properties: { column_expression: '`amount_usd` * 1.2' } }),
    computedField(104, 'lonely', { source_fields: ['lonely'] }),
  ];

  test('parents come from source_fields and expression identifiers, case-insensitively; a field is not its own parent', () => {
    const parents = computedFieldParents(chain);
    expect(parents.get(103)).toEqual([102]);
    expect(parents.get(102)).toEqual([101]);
    expect(parents.get(101)).toEqual([]);
    expect(parents.get(104)).toEqual([]);
  });

  test('selection is closed over transitive parents and ordered parents first', () => {
    const parents = computedFieldParents(chain);
    const closed = closeOverParents([103], parents);
    expect([...closed].sort()).toEqual([101, 102, 103]);
    expect(topologicalOrder(new Set([104, 103, 102, 101]), parents)._unsafeUnwrap()).toEqual([101, 102, 103, 104]);
  });

  test('ties are broken by ascending id', () => {
    const fields = [computedField(5, 'e', { source_fields: ['a'] }), computedField(3, 'c', { source_fields: ['a'] }), computedField(1, 'a'), computedField(2, 'b')];
    expect(topologicalOrder(new Set([5, 3, 1, 2]), computedFieldParents(fields))._unsafeUnwrap()).toEqual([1, 2, 3, 5]);
  });

  test('a cycle is reported, parents first and closed', () => {
    const fields = [computedField(1, 'a', { source_fields: ['c'] }), computedField(2, 'b', { source_fields: ['a'] }), computedField(3, 'c', { source_fields: ['b'] }), computedField(4, 'd', { source_fields: ['a'] })];
    expect(topologicalOrder(new Set([1, 2, 3, 4]), computedFieldParents(fields))._unsafeUnwrapErr()).toEqual([1, 2, 3, 1]);
  });

  test('a cycle through 150,000 computed fields is reported, lowest id first, without overflowing the stack', () => {
    const n = 150_000;
    // Field i uses field i + 1; the last uses the first: one cycle through all of them.
    const parents = new Map(Array.from({ length: n }, (_, index) => [index + 1, [index + 2 > n ? 1 : index + 2]] as const));
    const cycle = topologicalOrder(new Set(parents.keys()), parents)._unsafeUnwrapErr();
    expect(cycle).toHaveLength(n + 1);
    expect(cycle[0]).toBe(1);
    expect(cycle.at(-1)).toBe(1);
  });
});
