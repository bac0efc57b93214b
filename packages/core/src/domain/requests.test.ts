import { describe, expect, test } from 'vitest';
import { parseWith } from './parse.js';
import { promoteRequestSchema } from './requests.js';

const seedExample = {
  type: 'promote_quality_check',
  datastore_id: 1,
  container_id: 10,
  destination_container_id: 20,
  check_tags: ['pii-checks'],
  check_additional_tags: ['promoted-from-staging'],
  as_draft: true,
};

describe('request bodies (§2)', () => {
  test("the seed's quality-check example parses", () => {
    expect(parseWith(promoteRequestSchema, seedExample).isOk()).toBe(true);
  });

  test('as_draft defaults to true', () => {
    const { as_draft: _, ...body } = seedExample;
    expect(parseWith(promoteRequestSchema, body)._unsafeUnwrap()).toMatchObject({ as_draft: true });
  });

  test('unknown properties are rejected, naming each', () => {
    const result = parseWith(promoteRequestSchema, { ...seedExample, check_tag: ['x'] });
    expect(result._unsafeUnwrapErr().issues).toEqual([{ loc: ['body', 'check_tag'], msg: 'Extra inputs are not permitted', type: 'extra_forbidden' }]);
  });

  test('check_ids and check_tags are mutually exclusive', () => {
    const result = parseWith(promoteRequestSchema, { ...seedExample, check_ids: [1] });
    expect(result._unsafeUnwrapErr().issues).toEqual([
      { loc: ['body', 'check_tags'], msg: 'check_ids and check_tags are mutually exclusive', type: 'mutually_exclusive' },
    ]);
  });

  test('every issue is listed: missing fields, empty lists, non-positive ids', () => {
    const result = parseWith(promoteRequestSchema, { type: 'promote_quality_check', datastore_id: 0, check_ids: [] });
    const locs = result._unsafeUnwrapErr().issues.map((issue) => issue.loc.join('.'));
    expect(locs).toEqual(expect.arrayContaining(['body.datastore_id', 'body.container_id', 'body.destination_container_id', 'body.check_ids']));
    expect(result._unsafeUnwrapErr().issues.find((issue) => issue.loc.join('.') === 'body.container_id')).toMatchObject({ type: 'missing', msg: 'Field required' });
  });

  test('tags are trimmed, non-empty and de-duplicated', () => {
    const parsed = parseWith(promoteRequestSchema, { ...seedExample, check_tags: [' pii ', 'pii', 'core'] })._unsafeUnwrap();
    expect(parsed).toMatchObject({ check_tags: ['pii', 'core'] });
    expect(parseWith(promoteRequestSchema, { ...seedExample, check_tags: ['  '] }).isErr()).toBe(true);
  });

  test('an unknown type names the type; a missing one is missing', () => {
    expect(parseWith(promoteRequestSchema, { type: 'promote_everything' })._unsafeUnwrapErr().issues).toEqual([
      { loc: ['body', 'type'], msg: expect.stringContaining('promote_quality_check') as unknown as string, type: 'union_tag_invalid' },
    ]);
    expect(parseWith(promoteRequestSchema, {})._unsafeUnwrapErr().issues).toEqual([{ loc: ['body', 'type'], msg: 'Field required', type: 'missing' }]);
  });

  test('an explicitly given list of additional tags must not be empty either', () => {
    const result = parseWith(promoteRequestSchema, { ...seedExample, check_additional_tags: [] });
    expect(result._unsafeUnwrapErr().issues[0]).toMatchObject({ loc: ['body', 'check_additional_tags'] });
  });

  test('a computed-file request needs at least one mapping and each source once', () => {
    const body = { type: 'promote_computed_file', datastore_id: 4, destination_datastore_id: 3 };
    expect(parseWith(promoteRequestSchema, { ...body, source_container_mappings: [] }).isErr()).toBe(true);
    const duplicate = parseWith(promoteRequestSchema, {
      ...body,
      source_container_mappings: [
        { container_id: 50, destination_container_id: 60 },
        { container_id: 50, destination_container_id: 61 },
      ],
    });
    expect(duplicate._unsafeUnwrapErr().issues[0]).toMatchObject({ loc: ['body', 'source_container_mappings', 1, 'container_id'], type: 'duplicate_mapping' });
  });

  test('not an object at all is an invalid request, not a throw', () => {
    for (const value of [null, 42, 'x', [], undefined]) expect(parseWith(promoteRequestSchema, value).isErr()).toBe(true);
  });
});
