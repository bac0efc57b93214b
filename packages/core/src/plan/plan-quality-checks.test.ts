import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { LineageLink, QualityCheck } from '../domain/entities.js';
import type { CheckStatus } from '../domain/enums.js';
import { planQualityChecks, QualityCheckPlanner, type QualityCheckPlanInput } from './plan-quality-checks.js';
// A test-only file that imports nothing of ours: core's tests share it without core depending on testkit.
import { testProp } from '../../../testkit/src/properties/test-prop.js';
import { containerReferenceContext } from './resolve-check.js';
import { check, field, table } from './test-builders.js';

const destinationContainer = table(20, 2, 'orders');

function input(sources: QualityCheck[], destinationChecks: QualityCheck[], overrides: Partial<QualityCheckPlanInput> = {}): QualityCheckPlanInput {
  return {
    sources,
    destinationContainer,
    destinationFields: [field(1, 'Email'), field(2, 'amount', { type: 'integral' })],
    destinationComputedFields: [],
    destinationChecks,
    lineage: [],
    references: containerReferenceContext(1, 2, [table(10, 1, 'orders')], [destinationContainer]),
    additionalTags: [],
    asDraft: true,
    now: '2026-03-10T14:30:00Z',
    ...overrides,
  };
}

const link = (source: number, destination: number): LineageLink => ({
  entity_type: 'quality_check',
  source_entity_id: source,
  destination_scope_id: 20,
  destination_entity_id: destination,
});

describe('planning quality checks (§4, §5, §8)', () => {
  test('no match → created as draft by default, with destination casing and additional tags', () => {
    const [plan] = planQualityChecks(input([check(1, { tags: ['pii'] })], [], { additionalTags: ['promoted', 'pii'] }));
    expect(plan?.result).toBe('created');
    expect(plan?.write).toMatchObject({ kind: 'create_check', value: { container_id: 20, fields: ['Email'], status: 'draft', tags: ['pii', 'promoted'], inferred: false } });
    expect(plan?.validation).toBeUndefined();
  });

  test('as_draft false → created active and validated', () => {
    const [plan] = planQualityChecks(input([check(1)], [], { asDraft: false }));
    expect(plan?.write).toMatchObject({ value: { status: 'active' } });
    expect(plan?.validation).toMatchObject({ status: 'active', fields: ['Email'] });
  });

  test('unresolved fields → draft even with as_draft false, resolved parts only, seed message', () => {
    const [plan] = planQualityChecks(input([check(1, { rule_type: 'unique', fields: ['email', 'phone'] })], [], { asDraft: false }));
    expect(plan?.write).toMatchObject({ value: { status: 'draft', fields: ['Email'] } });
    expect(plan?.validation).toBeUndefined();
    expect(plan?.message).toBe("Promoted as Draft: source fields ['phone'] could not be resolved on the destination");
  });

  test('an overlapping identical destination check → skipped, nothing written', () => {
    const source = check(1, { filter: ' a  > 1', properties: { a: 1, b: 2 } });
    const destination = check(7, { container_id: 20, description: 'check 1', fields: ['EMAIL'], filter: 'a > 1', properties: { b: 2, a: 1 } });
    const [plan] = planQualityChecks(input([source], [destination]));
    expect(plan).toMatchObject({ result: 'skipped', destination_entity_id: 7, message: null, changes: null });
    expect(plan?.write).toBeUndefined();
  });

  test('lineage finds the destination after edits on either side → updated with per-attribute changes', () => {
    const source = check(1, { rule_type: 'between', fields: ['amount'], properties: { min: 0, max: 10 }, description: 'new', tags: ['x'] });
    const destination = check(7, { container_id: 20, rule_type: 'between', fields: ['amount'], properties: { min: 0, max: 5 }, description: 'old', tags: ['y'], status: 'draft' });
    const [plan] = planQualityChecks(input([source], [destination], { lineage: [link(1, 7)] }));
    expect(plan?.result).toBe('updated');
    expect(plan?.destination_entity_id).toBe(7);
    expect(plan?.changes).toEqual([
      { path: 'properties.max', from: 5, to: 10 },
      { path: 'description', from: 'old', to: 'new' },
      { path: 'tags', from: ['y'], to: ['y', 'x'] },
    ]);
    expect(plan?.before).toEqual(destination);
    expect(plan?.write).toMatchObject({ kind: 'update_check', value: { id: 7, status: 'draft', rule_type: 'between', updated_at: '2026-03-10T14:30:00Z' } });
    expect(plan?.validation).toBeUndefined();
  });

  test('an update of an active destination check is validated; an unresolved one turns it draft', () => {
    const destination = check(7, { container_id: 20, fields: ['Email'], description: 'old' });
    const [validated] = planQualityChecks(input([check(1, { description: 'new' })], [destination], { lineage: [link(1, 7)] }));
    expect(validated?.validation).toMatchObject({ status: 'active' });
    const [drafted] = planQualityChecks(input([check(1, { fields: ['email', 'gone'] })], [destination], { lineage: [link(1, 7)] }));
    expect(drafted?.changes).toContainEqual({ path: 'status', from: 'active', to: 'draft' });
    expect(drafted?.validation).toBeUndefined();
  });

  test('archived and discarded destination checks are never matched: a new check is created beside them', () => {
    const plans = planQualityChecks(input([check(1), check(2)], [check(7, { container_id: 20, status: 'archived' }), check(8, { container_id: 20, status: 'discarded' })], { lineage: [link(1, 7)] }));
    expect(plans.map((plan) => plan.result)).toEqual(['created', 'created']);
  });

  test('a destination check is matched by at most one source: lineage first, then the first in processing order', () => {
    const destination = check(7, { container_id: 20, fields: ['Email'], description: 'same' });
    const viaOverlap = planQualityChecks(input([check(1, { description: 'same' }), check(2, { description: 'same' })], [destination]));
    expect(viaOverlap.map((plan) => plan.result)).toEqual(['skipped', 'created']);
    const viaLineage = planQualityChecks(input([check(1, { description: 'same' }), check(2, { description: 'same' })], [destination], { lineage: [link(2, 7)] }));
    expect(viaLineage.map((plan) => plan.result)).toEqual(['created', 'skipped']);
  });

  test('among several overlap candidates the lowest id wins; taken ones are skipped over', () => {
    const plans = planQualityChecks(input([check(1)], [check(9, { container_id: 20 }), check(8, { container_id: 20 })]));
    expect(plans[0]?.destination_entity_id).toBe(8);
    const resumed = planQualityChecks(input([check(1)], [check(9, { container_id: 20 }), check(8, { container_id: 20 })], { taken: new Set([8]) }));
    expect(resumed[0]?.destination_entity_id).toBe(9);
  });

  test('a newer lineage link wins over an older one', () => {
    const plans = planQualityChecks(
      input([check(1)], [check(7, { container_id: 20 }), check(8, { container_id: 20, description: 'x' })], { lineage: [link(1, 8), link(1, 7)] }),
    );
    expect(plans[0]?.destination_entity_id).toBe(8);
  });
});

describe('planning quality checks in chunks (SPEC §19)', () => {
  // Few descriptions and fields, so that overlaps are common; lineage links to any destination,
  // several per source, some to checks that cannot be matched; some destinations already taken.
  const status = fc.constantFrom<CheckStatus>('active', 'draft', 'archived', 'discarded');
  const look = fc.record({ description: fc.constantFrom('a', 'b'), fields: fc.constantFrom(['Email'], ['amount'], ['missing']) });
  const world = fc
    .record({
      sources: fc.array(look, { maxLength: 12 }),
      destinations: fc.array(fc.record({ look, status }), { maxLength: 8 }),
      links: fc.array(fc.tuple(fc.nat(11), fc.nat(7)), { maxLength: 14 }),
      taken: fc.array(fc.nat(7), { maxLength: 2 }),
      sizes: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 12 }),
    })
    .map(({ sources, destinations, links, taken, sizes }) => ({
      input: input(
        sources.map((value, index) => check(index + 1, value)),
        destinations.map((value, index) => check(101 + index, { ...value.look, status: value.status, container_id: 20 })),
        {
          lineage: links.map(([source, destination]) => link(source + 1, 101 + destination)),
          taken: new Set(taken.map((index) => 101 + index)),
        },
      ),
      sizes,
    }));

  testProp('the plans of any split into chunks equal those of the whole selection at once: lineage first, first wins, lowest id wins', [world], ({ input: whole, sizes }) => {
    const expected = planQualityChecks(whole);
    const planner = new QualityCheckPlanner(whole, whole.taken);
    const chunks: QualityCheck[][] = [];
    for (let start = 0, turn = 0; start < whole.sources.length; turn += 1) {
      const size = sizes[turn % sizes.length] as number;
      chunks.push(whole.sources.slice(start, start + size));
      start += size;
    }
    // The lineage phase chunk by chunk (each with only its own links), then the planning chunk by chunk.
    for (const chunk of chunks) {
      const ids = new Set(chunk.map((source) => source.id));
      planner.claimLineage(
        chunk.map((source) => source.id),
        whole.lineage.filter((candidate) => ids.has(candidate.source_entity_id)),
      );
    }
    expect(chunks.flatMap((chunk) => planner.planChunk(chunk))).toEqual(expected);
  });

  test('lineage claimed after planning began is a defect, not a silent change of the matches', () => {
    const planner = new QualityCheckPlanner(input([], [check(7, { container_id: 20 })]));
    planner.planChunk([check(1)]);
    expect(() => planner.claimLineage([2], [link(2, 7)])).toThrow(/after planning began/);
  });
});
