import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseWith } from './parse.js';
import { containerMappingIssueCount, containerMappingSchema, idIssueCount, idSchema, promoteRequestSchema, tagIssueCount, tagSchema } from './requests.js';
// A test-only file that imports nothing of ours: core's tests share it without core depending on testkit.
import { testProp } from '../../../testkit/src/properties/test-prop.js';

const unbounded = { maxListedIssues: Infinity };

// JSON values near the edges of the element schemas: signs, fractions, the safe-integer range,
// blank strings, wrong types, mappings with missing, bad and extra keys.
const number = fc.oneof(
  fc.constantFrom(0, -0, 1, -1, 1.5, -1.5, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, -Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER - 2, 1e308, -1e308),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
const scalar = fc.oneof(number, fc.constantFrom('', ' ', '\u00a0\ufeff', 'a', ' pii ', 'x'), fc.boolean(), fc.constant(null));
const mapping = fc.oneof(
  scalar,
  fc.constant([]),
  fc.record({ container_id: scalar, destination_container_id: scalar, extra: scalar, length: scalar }, { requiredKeys: [] }),
);
const element = fc.oneof(scalar, mapping);

describe('the element issue counters agree with their schemas', () => {
  const countOf = (schema: Parameters<typeof parseWith>[0], value: unknown) => parseWith(schema, value, [], unbounded).match(() => 0, (error) => error.issues.length);
  testProp('ids', [element], (value) => {
    expect(idIssueCount(value)).toBe(countOf(idSchema, value));
  }, { numRuns: 500 });
  testProp('tags', [element], (value) => {
    expect(tagIssueCount(value)).toBe(countOf(tagSchema, value));
  }, { numRuns: 500 });
  testProp('container mappings', [element], (value) => {
    expect(containerMappingIssueCount(value)).toBe(countOf(containerMappingSchema, value));
  }, { numRuns: 500 });
});

describe('a bounded parse lists the first issues of the unbounded one and counts the rest (decision 0402)', () => {
  const list = (arbitrary: fc.Arbitrary<unknown>) => fc.array(arbitrary, { maxLength: 40 });
  const body = fc.oneof(
    fc.record(
      {
        type: fc.constant('promote_quality_check'),
        datastore_id: number,
        container_id: number,
        destination_container_id: number,
        check_ids: list(element),
        check_tags: list(element),
        check_additional_tags: list(element),
        extra: scalar,
      },
      { requiredKeys: ['type'] },
    ),
    fc.record(
      { type: fc.constant('promote_computed_file'), datastore_id: number, destination_datastore_id: number, source_container_mappings: list(element), container_additional_tags: list(element) },
      { requiredKeys: ['type'] },
    ),
  );

  testProp('with at most 5 listed', [body], (input) => {
    const all = parseWith(promoteRequestSchema, input, ['body'], unbounded);
    const bounded = parseWith(promoteRequestSchema, input, ['body'], { maxListedIssues: 5 });
    if (all.isOk()) {
      expect(bounded.isOk()).toBe(true);
      return;
    }
    const issues = all.error.issues;
    const listed = bounded._unsafeUnwrapErr().issues;
    const expected = issues.length <= 5 ? issues : [...issues.slice(0, 5), { loc: ['body'], msg: `… and ${issues.length - 5} more issues`, type: 'too_many_issues' }];
    expect(listed).toEqual(expected);
  }, { numRuns: 300 });

  test('100 by default: the seed-sized answer of a 250,000-element list', () => {
    const input = { type: 'promote_quality_check', datastore_id: 1, container_id: 10, destination_container_id: 20, check_ids: Array(250_000).fill(-1) };
    const listed = parseWith(promoteRequestSchema, input)._unsafeUnwrapErr().issues;
    expect(listed).toHaveLength(101);
    expect(listed.slice(0, 100)).toEqual(parseWith(promoteRequestSchema, { ...input, check_ids: Array(100).fill(-1) })._unsafeUnwrapErr().issues);
    expect(listed[100]).toEqual({ loc: ['body'], msg: '… and 249,900 more issues', type: 'too_many_issues' });
  });
});
