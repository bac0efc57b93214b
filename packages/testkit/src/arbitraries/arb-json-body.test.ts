import { parseWith, promoteRequestSchema } from '@promote/core';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { arbJsonBody, arbValidPromoteBody } from './arb-json-body.js';
import { fcNumRuns } from './fc-num-runs.js';
import { testProp } from '../properties/test-prop.js';

describe('arbJsonBody', () => {
  testProp('never makes the request parser throw', [arbJsonBody()], (body) => {
    const parsed = parseWith(promoteRequestSchema, body);
    expect(parsed.isOk() || parsed.isErr()).toBe(true);
    if (parsed.isErr()) {
      expect(parsed.error.kind).toBe('invalid_request');
      expect(parsed.error.issues.length).toBeGreaterThan(0);
    }
  }, { numRuns: fcNumRuns(300) });

  testProp('builds valid bodies that parse', [arbValidPromoteBody], (body) => {
    const parsed = parseWith(promoteRequestSchema, body);
    expect(parsed.isOk() ? 'ok' : parsed.error.issues).toBe('ok');
  }, { numRuns: fcNumRuns(100) });

  test('is biased towards almost-valid bodies', () => {
    const sample = fc.sample(arbJsonBody(), { numRuns: 500, seed: 11 });
    const results = sample.map((body) => parseWith(promoteRequestSchema, body));
    const accepted = results.filter((result) => result.isOk()).length;
    const rejected = results.length - accepted;
    expect(accepted).toBeGreaterThan(50);
    expect(rejected).toBeGreaterThan(200);
    const objects = sample.filter((body): body is Record<string, unknown> => typeof body === 'object' && body !== null && !Array.isArray(body));
    expect(objects.some((body) => 'check_tag' in body)).toBe(true);
    expect(objects.some((body) => body['check_ids'] !== undefined && body['check_tags'] !== undefined)).toBe(true);
    const issueTypes = new Set(results.flatMap((result) => (result.isErr() ? result.error.issues.map((issue) => issue.type) : [])));
    for (const type of ['extra_forbidden', 'missing', 'mutually_exclusive']) expect(issueTypes).toContain(type);
  });
});
