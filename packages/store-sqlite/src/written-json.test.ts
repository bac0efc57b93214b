import fc from 'fast-check';
import type { QualityCheck } from '@promote/core';
import { fcNumRuns } from '@promote/testkit';
import { testProp } from '@promote/testkit/vitest';
import { describe, expect } from 'vitest';
import { JsonIntern } from '@promote/core/internals';
import { encodeJson } from './json.js';
import { checkWithId, toCheckValues, writtenCheckJson } from './rows.js';

/*
 * A written check's `after` image is composed from its row's encoded JSON columns
 * (`writtenCheckJson`) instead of encoding the whole check again: it must be the very text that
 * encoding `{ ...check, id }` gives, for any check — key order, `-0`, `undefined` members and an
 * `id` already in the value (an update) included.
 */

const json = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(null, true, false, -0, 0, 1.5, -1e300, 5e-324),
    fc.string(),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 4 }), fc.option(tie('value'), { nil: undefined }), { maxKeys: 4 }),
  ),
})).value;

const check = fc.record(
  {
    id: fc.nat(),
    container_id: fc.nat(),
    rule_type: fc.constantFrom('between', 'notNull'),
    description: fc.string(),
    fields: fc.array(fc.string(), { maxLength: 3 }),
    coverage: fc.option(fc.oneof(fc.constant(-0), fc.double({ noNaN: true, noDefaultInfinity: true })), { nil: null }),
    filter: fc.option(fc.string(), { nil: null }),
    properties: fc.dictionary(fc.string({ maxLength: 4 }), json, { maxKeys: 4 }),
    tags: fc.array(fc.string(), { maxLength: 3 }),
    additional_metadata: fc.dictionary(fc.string({ maxLength: 4 }), fc.string(), { maxKeys: 3 }),
    status: fc.constantFrom('draft', 'active'),
    inferred: fc.boolean(),
    created_at: fc.constant('2026-03-10T14:30:00.123456Z'),
    updated_at: fc.constant('2026-03-10T14:30:00Z'),
  },
  { requiredKeys: ['container_id', 'rule_type', 'description', 'fields', 'coverage', 'filter', 'properties', 'tags', 'additional_metadata', 'status', 'inferred', 'created_at', 'updated_at'] },
);

describe('writtenCheckJson', () => {
  testProp('is the text of encodeJson({ ...check, id }) for any check, with or without an id of its own', [check, fc.nat()], (value, id) => {
    const written = value as unknown as QualityCheck;
    expect(writtenCheckJson(written, id, toCheckValues(written))).toBe(encodeJson({ ...written, id }));
  }, { numRuns: fcNumRuns(300) });
});

describe('checkWithId', () => {
  // A check as the engine writes it, a member of its own left out or undefined, or one more member.
  const odd = fc.tuple(check, fc.constantFrom('drop', 'undefined', 'extra'), fc.constantFrom('description', 'coverage', 'tags', 'updated_at')).map(([value, change, key]) => {
    const copy: Record<string, unknown> = { ...value };
    if (change === 'drop') delete copy[key];
    else if (change === 'undefined') copy[key] = undefined;
    else copy['extra'] = key;
    return copy;
  });

  testProp('is { ...check, id } for any check: members, values and undefined members alike', [fc.oneof(check, odd), fc.nat()], (value, id) => {
    const written = value as unknown as QualityCheck;
    expect(checkWithId(written, id)).toStrictEqual({ ...written, id });
  }, { numRuns: fcNumRuns(300) });
});

describe('toCheckValues with the store\'s intern', () => {
  testProp('writes a value read through the intern as encodeJson writes it, whatever spacing its text had', [check, fc.boolean()], (value, spaced) => {
    const written = value as unknown as QualityCheck;
    const intern = new JsonIntern();
    // As a source check is read: its JSON columns decoded through the intern from their texts.
    const read = (item: unknown) => intern.decodeWritable(JSON.stringify(item, null, spaced ? 1 : undefined) ?? 'null');
    const readBack = { ...written, fields: read(written.fields), tags: read(written.tags), properties: read(written.properties), additional_metadata: read(written.additional_metadata) } as QualityCheck;
    expect(toCheckValues(readBack, intern)).toEqual(toCheckValues(readBack));
  }, { numRuns: fcNumRuns(300) });
});
