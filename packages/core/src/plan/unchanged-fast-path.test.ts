import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { QualityCheck } from '../domain/entities.js';
import { checkChanges, desiredCheck, isUnchanged } from './plan-quality-checks.js';
import type { ResolvedCheck } from './resolve-check.js';
import { check } from './test-builders.js';
// A test-only file that imports nothing of ours: core's tests share it without core depending on testkit.
import { testProp } from '../../../testkit/src/properties/test-prop.js';

// Small value domains, so that the source and the destination often agree on an attribute, and
// the cases where `isUnchanged` answers `true` are frequent.
const name = fc.constantFrom('email', 'EMAIL', 'amount', 'id');
const tag = fc.constantFrom('pii', 'core', 'daily');
const json = fc.oneof(fc.constantFrom(1, 2, 'a', null, true), fc.constantFrom([1], [1, 2]), fc.constantFrom({ a: 1 }, { a: 1, b: 2 }, { b: 2, a: 1 }));
const record = fc.dictionary(fc.constantFrom('a', 'b', 'min'), json, { maxKeys: 2 });
const metadata = fc.dictionary(fc.constantFrom('owner', 'team'), fc.constantFrom('a', 'b'), { maxKeys: 2 });
const attributes = fc.record({
  description: fc.constantFrom('x', 'y'),
  fields: fc.array(name, { minLength: 1, maxLength: 2 }),
  coverage: fc.constantFrom(null, 0.5, 1),
  filter: fc.constantFrom(null, '', 'a > 1', ' a  >  1 '),
  properties: record,
  tags: fc.uniqueArray(tag, { maxLength: 3 }),
  additional_metadata: metadata,
  status: fc.constantFrom<QualityCheck['status']>('active', 'draft'),
});
const pair = attributes.chain((source) =>
  fc.record({
    source: fc.constant(check(1, source)),
    // The destination: the source's attributes, each kept or replaced at random.
    destination: fc.record({
      description: fc.oneof(fc.constant(source.description), attributes.map((a) => a.description)),
      fields: fc.oneof(fc.constant(source.fields), attributes.map((a) => a.fields)),
      coverage: fc.oneof(fc.constant(source.coverage), attributes.map((a) => a.coverage)),
      filter: fc.oneof(fc.constant(source.filter), attributes.map((a) => a.filter)),
      properties: fc.oneof(fc.constant(source.properties), record),
      tags: fc.oneof(fc.constant(source.tags), fc.uniqueArray(tag, { maxLength: 3 })),
      additional_metadata: fc.oneof(fc.constant(source.additional_metadata), metadata),
      status: attributes.map((a) => a.status),
    }).map((destination) => check(2, { ...destination, container_id: 20 })),
    additionalTags: fc.uniqueArray(tag, { maxLength: 2 }),
    message: fc.constantFrom(null, "Field(s) not found in destination container: ['x']"),
  }),
);
const resolutionOf = (source: QualityCheck): ResolvedCheck => ({ fields: source.fields, properties: source.properties, unresolvedFields: [], unresolvedContainers: [] });

describe('the planner’s fast path for unchanged checks', () => {
  testProp('says "unchanged" only when the full comparison finds no change', [pair], ({ source, destination, additionalTags, message }) => {
    const resolution = resolutionOf(source);
    if (isUnchanged(source, resolution, destination, additionalTags, message)) {
      expect(checkChanges(destination, desiredCheck(source, resolution, destination, additionalTags, message))).toEqual([]);
    }
  }, { numRuns: 2000 });

  testProp('and says it whenever the two checks agree exactly (so the path is taken)', [pair], ({ source, additionalTags }) => {
    const destination = check(2, { ...source, tags: [...source.tags, ...additionalTags.filter((item) => !source.tags.includes(item))], container_id: 20 });
    expect(isUnchanged(source, resolutionOf(source), destination, additionalTags, null)).toBe(true);
  }, { numRuns: 2000 });

  test('a different description, a missing tag or a new metadata key is a change', () => {
    const source = check(1, { tags: ['pii'], additional_metadata: { owner: 'a' } });
    const resolution = resolutionOf(source);
    expect(isUnchanged(source, resolution, check(2, { ...source, description: 'other' }), [], null)).toBe(false);
    expect(isUnchanged(source, resolution, check(2, { ...source, tags: [] }), [], null)).toBe(false);
    expect(isUnchanged(source, resolution, check(2, { ...source }), ['promoted'], null)).toBe(false);
    expect(isUnchanged(source, resolution, check(2, { ...source, additional_metadata: {} }), [], null)).toBe(false);
    expect(isUnchanged(source, resolution, check(2, { ...source, status: 'active' }), [], 'unresolved')).toBe(false);
  });
});
