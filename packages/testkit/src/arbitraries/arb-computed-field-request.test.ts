import { parseWith, promoteComputedFieldSchema, promoteRequestSchema } from '@promote/core';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { arbComputedFieldRequest } from './arb-computed-field-request.js';
import { arbComputedFieldWorld } from './arb-computed-field-world.js';
import { fcNumRuns } from './fc-num-runs.js';
import { testProp } from '../properties/test-prop.js';

const arbWorldAndRequest = arbComputedFieldWorld().chain((cw) => fc.tuple(fc.constant(cw), arbComputedFieldRequest(cw)));

describe('arbComputedFieldRequest', () => {
  testProp('generates bodies that promoteRequestSchema accepts', [arbWorldAndRequest], ([, body]) => {
    const parsed = promoteRequestSchema.safeParse(body);
    expect(parsed.success ? 'ok' : parsed.error.issues).toBe('ok');
  }, { numRuns: fcNumRuns(100) });

  testProp('names the world’s scopes and only its source computed fields and tags', [arbWorldAndRequest], ([cw, body]) => {
    const parsed = parseWith(promoteComputedFieldSchema, body);
    expect(parsed.isOk()).toBe(true);
    if (!parsed.isOk()) return;
    const request = parsed.value;
    expect([request.datastore_id, request.container_id, request.destination_container_id]).toStrictEqual([
      cw.source.datastoreId,
      cw.source.containerId,
      cw.destination.containerId,
    ]);
    const sourceContainer = cw.world.containers.find((container) => container.id === request.container_id);
    expect(sourceContainer?.datastore_id).toBe(request.datastore_id);
    expect(request.container_id).not.toBe(request.destination_container_id);
    const sourceIds = cw.world.computed_fields.filter((field) => field.container_id === cw.source.containerId).map((field) => field.id);
    expect(request.computed_field_ids === undefined || request.computed_field_ids.every((id) => sourceIds.includes(id))).toBe(true);
    expect(request.computed_field_tags === undefined || request.computed_field_tags.every((tag) => cw.tagPool.includes(tag))).toBe(true);
    expect(request.computed_field_ids !== undefined && request.computed_field_tags !== undefined).toBe(false);
    expect(Object.values(body as Record<string, unknown>).includes(undefined)).toBe(false);
  }, { numRuns: fcNumRuns(100) });

  test('covers every selection form across a sample', () => {
    const bodies = fc.sample(arbWorldAndRequest, { numRuns: 300, seed: 7 }).map(([, body]) => body);
    expect(bodies.some((body) => body.computed_field_ids !== undefined)).toBe(true);
    expect(bodies.some((body) => body.computed_field_tags !== undefined)).toBe(true);
    expect(bodies.some((body) => body.computed_field_ids === undefined && body.computed_field_tags === undefined)).toBe(true);
    expect(bodies.some((body) => body.computed_field_additional_tags !== undefined)).toBe(true);
    expect(bodies.some((body) => body.computed_field_additional_tags === undefined)).toBe(true);
  });
});
