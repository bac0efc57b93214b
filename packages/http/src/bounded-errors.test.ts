import { describe, expect, test } from 'vitest';
import { testApi } from './testing/fixtures.js';

const qualityCheck = { type: 'promote_quality_check', datastore_id: 1, container_id: 10, destination_container_id: 20 } as const;

/** Bodies just under the 1 MiB limit that used to answer a 422 of 22–34 MB (issue 17). */
const hostileBodies: Record<string, { body: unknown; first: { loc: (string | number)[]; type: string } }> = {
  '250,000 × -1 check ids': { body: { ...qualityCheck, check_ids: Array(250_000).fill(-1) }, first: { loc: ['body', 'check_ids', 0], type: 'too_small' } },
  '340,000 zero check ids': { body: { ...qualityCheck, check_ids: Array(340_000).fill(0) }, first: { loc: ['body', 'check_ids', 0], type: 'too_small' } },
  '340,000 empty additional tags': {
    body: { ...qualityCheck, check_additional_tags: Array(340_000).fill('') },
    first: { loc: ['body', 'check_additional_tags', 0], type: 'too_small' },
  },
  '200,000 "x" check ids': { body: { ...qualityCheck, check_ids: Array(200_000).fill('x') }, first: { loc: ['body', 'check_ids', 0], type: 'number_type' } },
  '300,000 non-object mappings': {
    body: { type: 'promote_computed_file', datastore_id: 3, destination_datastore_id: 4, source_container_mappings: Array(300_000).fill(0) },
    first: { loc: ['body', 'source_container_mappings', 0], type: 'object_type' },
  },
  '20,000 duplicated mappings': {
    body: { type: 'promote_computed_file', datastore_id: 3, destination_datastore_id: 4, source_container_mappings: Array(20_000).fill({ container_id: 1, destination_container_id: 2 }) },
    first: { loc: ['body', 'source_container_mappings', 1, 'container_id'], type: 'duplicate_mapping' },
  },
  '80,000 unknown properties': {
    body: { ...qualityCheck, ...Object.fromEntries(Array.from({ length: 80_000 }, (_, index) => [`k${index}`, 1])) },
    first: { loc: ['body', 'k0'], type: 'extra_forbidden' },
  },
};

describe('a 422 stays small and cheap for any body the size limit admits (issue 17)', () => {
  for (const path of ['/api/operations/run', '/api/operations/plan']) {
    for (const [name, { body, first }] of Object.entries(hostileBodies)) {
      test(`${path}: ${name}`, async () => {
        const api = testApi();
        const text = JSON.stringify(body);
        expect(text.length).toBeLessThan(1024 * 1024);
        const started = performance.now();
        const answer = await api.call('POST', path, { body: text, headers: { 'content-type': 'application/json' } });
        const elapsed = performance.now() - started;
        console.log(`${path} ${name}: ${answer.status}, ${answer.text.length} bytes in ${elapsed.toFixed(0)} ms`);
        expect(answer.status).toBe(422);
        expect(answer.text.length).toBeLessThan(20_000);
        const detail = answer.body.detail as { loc: (string | number)[]; msg: string; type: string }[];
        expect(detail).toHaveLength(101);
        expect(detail[0]).toMatchObject(first);
        expect(detail[99]?.type).toBe(first.type);
        expect(detail[100]).toEqual({ loc: ['body'], msg: expect.stringMatching(/^… and [\d,]+ more issues$/) as unknown as string, type: 'too_many_issues' });
      });
    }
  }

  test('the summary counts every issue not listed', async () => {
    const answer = await testApi().call('POST', '/api/operations/plan', { json: { ...qualityCheck, check_ids: Array(250_000).fill(-1) } });
    expect(answer.body.detail.at(-1).msg).toBe('… and 249,900 more issues');
  });

  test('a refinement counts what it does not list: 19,999 duplicated mappings', async () => {
    const mappings = Array(20_000).fill({ container_id: 1, destination_container_id: 2 });
    const answer = await testApi().call('POST', '/api/operations/plan', { json: { type: 'promote_computed_file', datastore_id: 3, destination_datastore_id: 4, source_container_mappings: mappings } });
    expect(answer.body.detail.at(-1).msg).toBe('… and 19,899 more issues');
  });

  test('up to 100 issues are listed as before, with no summary', async () => {
    const answer = await testApi().call('POST', '/api/operations/plan', { json: { ...qualityCheck, check_ids: [...Array(99).fill(-1), 5] } });
    expect(answer.body.detail).toHaveLength(99);
    expect(answer.body.detail.every((issue: { type: string }) => issue.type === 'too_small')).toBe(true);
  });
});
