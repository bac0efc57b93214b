import type { ComputedField, World } from '@promote/core';
import { pythonList } from '@promote/core/internals';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { fcNumRuns } from '../arbitraries/fc-num-runs.js';
import { promotedAnew, unavailableNames, type PromotedResult } from './promoted-anew.js';
import { testProp } from './test-prop.js';

describe('unavailableNames', () => {
  // Any text a name may hold: quotes of both kinds, backslashes, commas, brackets, line breaks of every kind.
  const name = fc.string({ unit: fc.constantFrom('a', 'Z', '_', "'", '"', '\\', ',', ' ', ']', '[', '\n', '\r', '\u2028', '\u2029', 'é', '] not available on destination'), maxLength: 12 });

  testProp('gives back every name pythonList wrote, lower-cased, in both messages of §6', [fc.array(name, { minLength: 1, maxLength: 4 }), fc.boolean()], (names, parent) => {
    const message = `Source field(s) ${pythonList(names)} not available on destination${parent ? ' — their parent computed field may have failed to promote' : ''}`;
    expect(unavailableNames(message)).toEqual(names.map((each) => each.toLowerCase()));
  }, { numRuns: fcNumRuns(500) });

  test('none for any other message', () => {
    expect(unavailableNames(null)).toEqual([]);
    expect(unavailableNames("Cannot promote over non-computed field 'email_domain' on destination")).toEqual([]);
  });
});

describe('promotedAnew', () => {
  const field = (id: number, name: string, status: ComputedField['status'], containerId = 57): ComputedField => ({
    id,
    container_id: containerId,
    name,
    description: '',
    tags: [],
    additional_metadata: {},
    transformation: 'custom_expression',
    source_fields: [],
    properties: { column_expression: 'NULL' },
    status,
  });
  const world = (fields: readonly ComputedField[]): World => ({ users: [], teams: [], datastores: [], containers: [], fields: [], quality_checks: [], computed_fields: [...fields], lineage: [] });
  const failed = (id: number, names: readonly string[], parent = false): PromotedResult => ({
    source_entity_id: id,
    result: 'failed',
    destination_entity_id: null,
    message: `Source field(s) ${pythonList(names)} not available on destination${parent ? ' — their parent computed field may have failed to promote' : ''}`,
  });
  const promoted = (id: number, destination: number, result = 'updated'): PromotedResult => ({ source_entity_id: id, result, destination_entity_id: destination, message: null });
  const sourceNames = new Map([
    [1, 'amount_usd'],
    [6, 'amount_with_tax'],
    [7, 'usd_text'],
    [8, 'is_active'],
  ]);

  test('an entity that lacked the name a later one reactivated on a field renamed on the destination, and its children', () => {
    const before = world([field(9, 'IS_ACTIVE', 'missing')]);
    const after = world([field(9, 'IS_ACTIVE', 'active')]);
    expect(promotedAnew([failed(1, ['is_active']), promoted(6, 9), failed(7, ['amount_usd'], true)], sourceNames, before, after)).toEqual(new Set([1, 7]));
  });

  test('not when the name was made available earlier, by a failure, by a field of the same name, or was active before', () => {
    const before = world([field(9, 'IS_ACTIVE', 'missing')]);
    const after = world([field(9, 'IS_ACTIVE', 'active')]);
    // Made available before the entity was processed: §6 counts it, so the failure is the engine's.
    expect(promotedAnew([promoted(6, 9), failed(1, ['is_active'])], sourceNames, before, after)).toEqual(new Set());
    // The later entity failed: it made nothing available.
    expect(promotedAnew([failed(1, ['is_active']), { ...failed(6, ['x']), destination_entity_id: 9 }], sourceNames, before, after)).toEqual(new Set());
    // The field keeps the source's name: that one is a parent, processed first (§6); a failure here is an engine's fault.
    expect(promotedAnew([failed(1, ['is_active']), promoted(8, 9)], sourceNames, before, after)).toEqual(new Set());
    // Active before the promotion: the name was there all along.
    expect(promotedAnew([failed(1, ['is_active']), promoted(6, 9)], sourceNames, after, after)).toEqual(new Set());
    // A child of an entity that is not promoted anew.
    expect(promotedAnew([failed(1, ['other']), promoted(6, 9), failed(7, ['amount_usd'], true)], sourceNames, before, after)).toEqual(new Set());
  });
});
