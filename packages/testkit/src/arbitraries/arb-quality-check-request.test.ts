import { parseWith, promoteQualityCheckSchema, promoteRequestSchema } from '@promote/core';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { arbPromotionWorld } from './arb-promotion-world.js';
import { arbQualityCheckRequest } from './arb-quality-check-request.js';
import { fcNumRuns } from './fc-num-runs.js';
import { testProp } from '../properties/test-prop.js';

const arbWorldAndRequest = arbPromotionWorld().chain((pw) => fc.tuple(fc.constant(pw), arbQualityCheckRequest(pw)));

describe('arbQualityCheckRequest', () => {
  testProp('generates bodies that promoteRequestSchema accepts', [arbWorldAndRequest], ([, body]) => {
    const parsed = promoteRequestSchema.safeParse(body);
    expect(parsed.success ? 'ok' : parsed.error.issues).toBe('ok');
  }, { numRuns: fcNumRuns(100) });

  testProp('names the world’s scopes and only its source checks and tags', [arbWorldAndRequest], ([pw, body]) => {
    const parsed = parseWith(promoteQualityCheckSchema, body);
    expect(parsed.isOk()).toBe(true);
    if (!parsed.isOk()) return;
    const request = parsed.value;
    expect([request.datastore_id, request.container_id, request.destination_container_id]).toStrictEqual([
      pw.source.datastoreId,
      pw.source.containerId,
      pw.destination.containerId,
    ]);
    const sourceIds = pw.world.quality_checks.filter((check) => check.container_id === pw.source.containerId).map((check) => check.id);
    expect(request.check_ids === undefined || request.check_ids.every((id) => sourceIds.includes(id))).toBe(true);
    expect(request.check_tags === undefined || request.check_tags.every((tag) => pw.tagPool.includes(tag))).toBe(true);
    expect(request.check_ids !== undefined && request.check_tags !== undefined).toBe(false);
    expect(Object.values(body as Record<string, unknown>).includes(undefined)).toBe(false);
  }, { numRuns: fcNumRuns(100) });

  test('covers every selection and as_draft form across a sample', () => {
    const bodies = fc.sample(arbWorldAndRequest, { numRuns: 300, seed: 7 }).map(([, body]) => body);
    expect(bodies.some((body) => body.check_ids !== undefined)).toBe(true);
    expect(bodies.some((body) => body.check_tags !== undefined)).toBe(true);
    expect(bodies.some((body) => body.check_ids === undefined && body.check_tags === undefined)).toBe(true);
    expect(bodies.some((body) => body.check_additional_tags !== undefined)).toBe(true);
    expect(new Set(bodies.map((body) => body.as_draft))).toStrictEqual(new Set([true, false, undefined]));
  });
});
