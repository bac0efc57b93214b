import type { Store } from '@promote/core';
import { createMemoryStore } from '@promote/store-memory';
import { describe, expect, test, vi } from 'vitest';
import { operationSchema, operationSummarySchema, pageSchema, planSchema, promoteResultSchema } from './openapi/response-schemas.js';
import { exampleJson, exampleWorld, expectShape, gate, pollUntilFinished, testApi, tokens, type TestApi } from './testing/fixtures.js';

const qcSeed = exampleJson('requests/qc-seed.json');
const qcAllActive = exampleJson('requests/qc-all-active.json');
const computedTableSeed = exampleJson('requests/computed-table-seed.json');
const computedFieldSeed = exampleJson('requests/computed-field-seed.json');

async function runToEnd(api: TestApi, body: unknown, token: string = tokens.jane) {
  const started = await api.call('POST', '/api/operations/run', { json: body, token });
  expect(started.status).toBe(200);
  return (await pollUntilFinished(api, started.body.id, token)).body;
}

describe('POST /api/operations/run', () => {
  test('answers at once with the running operation and its id; polling shows the seed\'s outcome', async () => {
    const api = testApi();
    const started = await api.call('POST', '/api/operations/run', { json: qcSeed });
    expect(started.status).toBe(200);
    expect(started.headers.get('content-type')).toMatch(/^application\/json/);
    expectShape(operationSchema, started.body);
    expect(started.body).toMatchObject({
      id: 1,
      type: 'promote',
      promote_type: 'quality_check',
      result: 'running',
      end_time: null,
      triggered_by: 'jane@example.com',
      datastore: { id: 1, name: 'Staging Warehouse' },
      destination_datastore: { id: 2, name: 'Production Warehouse' },
      container: { id: 10, name: 'orders' },
      destination_container: { id: 20, name: 'orders' },
      as_draft: true,
      status: { total: 5, created: 0, updated: 0, skipped: 0, failed: 0 },
      results: [],
    });

    const finished = await pollUntilFinished(api, started.body.id);
    expect(finished.status).toBe(200);
    expectShape(operationSchema, finished.body);
    expect(finished.body).toMatchObject({ result: 'success', status: { total: 5, created: 3, updated: 1, skipped: 1, failed: 0 } });
    expect(finished.body.end_time).not.toBeNull();
    expect(finished.body.results[0]).toEqual({
      id: expect.any(Number),
      source_entity_id: 101,
      source_entity: { id: 101, description: 'Email format validation', rule_type: 'matches_pattern', status: 'active' },
      entity_type: 'quality_check',
      result: 'created',
      destination_entity_id: 201,
      destination_entity: { id: 201, description: 'Email format validation', rule_type: 'matches_pattern', status: 'draft' },
      message: null,
    });
  });

  test('each promote type runs through the same endpoint', async () => {
    const api = testApi();
    const fields = await runToEnd(api, computedFieldSeed);
    expect(fields).toMatchObject({ promote_type: 'computed_field', container: { id: 10 }, destination_container: { id: 30 } });
    expect(fields).not.toHaveProperty('as_draft');
    const tables = await runToEnd(api, computedTableSeed);
    expect(tables).toMatchObject({ promote_type: 'computed_table', container: null, destination_container: null });
    const files = await runToEnd(api, exampleJson('requests/computed-file-lake.json'));
    expect(files).toMatchObject({ promote_type: 'computed_file', datastore: { id: 4 }, destination_datastore: { id: 3 } });
    for (const operation of [fields, tables, files]) expectShape(operationSchema, operation);
  });

  test('the refusals of §2.1: 422 shape, 404 existence, 403 permission, 422 semantics — nothing is stored', async () => {
    const api = testApi();
    const shape = await api.call('POST', '/api/operations/run', { json: { ...(qcSeed as object), check_tag: ['pii'], datastore_id: 'one' } });
    expect(shape.status).toBe(422);
    expect(shape.body.detail).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ loc: ['body', 'check_tag'], type: 'extra_forbidden' }),
        expect.objectContaining({ loc: ['body', 'datastore_id'] }),
      ]),
    );
    const missing = await api.call('POST', '/api/operations/run', { json: { type: 'promote_quality_check' } });
    expect(missing.status).toBe(422);
    expect(missing.body.detail).toContainEqual({ loc: ['body', 'datastore_id'], msg: 'Field required', type: 'missing' });
    const unknownType = await api.call('POST', '/api/operations/run', { json: { type: 'promote_everything' } });
    expect(unknownType.status).toBe(422);
    expect(unknownType.body.detail[0].loc).toEqual(['body', 'type']);

    const unknownContainer = await api.call('POST', '/api/operations/run', { json: { ...(qcSeed as object), destination_container_id: 999 } });
    expect(unknownContainer).toMatchObject({ status: 404, body: { detail: 'Container 999 not found' } });

    const viewer = await api.call('POST', '/api/operations/run', { json: qcSeed, token: tokens.viewer });
    expect(viewer.status).toBe(403);
    expect(typeof viewer.body.detail).toBe('string');
    const manager = await api.call('POST', '/api/operations/run', { json: qcSeed, token: tokens.manager });
    expect(manager.status).toBe(403);

    const same = await api.call('POST', '/api/operations/run', { json: { ...(qcSeed as object), destination_container_id: 10 } });
    expect(same).toMatchObject({ status: 422, body: { detail: 'Source and destination must be different' } });
    const notDfs = await api.call('POST', '/api/operations/run', { json: exampleJson('requests/computed-file-seed.json') });
    expect(notDfs.status).toBe(422);
    expect(typeof notDfs.body.detail).toBe('string');

    const listed = await api.call('GET', '/api/operations', { token: tokens.admin });
    expect(listed.body.total).toBe(0);
  });
});

describe('POST /api/operations/plan', () => {
  test('answers the planned outcome (id null) and stores nothing; the run that follows matches it', async () => {
    const api = testApi();
    const plan = await api.call('POST', '/api/operations/plan', { json: qcAllActive });
    expect(plan.status).toBe(200);
    expectShape(planSchema, plan.body);
    expect(plan.body).toMatchObject({ id: null, status: { total: 25, created: 19, updated: 2, skipped: 1, failed: 3 } });
    expect((await api.call('GET', '/api/operations')).body.total).toBe(0);

    const run = await runToEnd(api, qcAllActive);
    expect(run.status).toEqual(plan.body.status);
    const outcome = (results: { source_entity_id: number; result: string; message: string | null }[]) =>
      results.map(({ source_entity_id, result, message }) => ({ source_entity_id, result, message }));
    expect(outcome(run.results)).toEqual(outcome(plan.body.results));
  });

  test('is refused like a run', async () => {
    const api = testApi();
    expect((await api.call('POST', '/api/operations/plan', { json: qcSeed, token: tokens.noTeam })).status).toBe(403);
    expect((await api.call('POST', '/api/operations/plan', { json: { ...(qcSeed as object), check_ids: [] } })).status).toBe(422);
    expect((await api.call('POST', '/api/operations/plan', { json: qcSeed, token: null })).status).toBe(401);
  });
});

describe('GET /api/operations/{id}', () => {
  test('reading needs reporter on both datastores; unknown ids are 404', async () => {
    const api = testApi();
    const operation = await runToEnd(api, qcSeed);
    expect((await api.call('GET', `/api/operations/${operation.id}`, { token: tokens.viewer })).status).toBe(200);
    expect((await api.call('GET', `/api/operations/${operation.id}`, { token: tokens.admin })).status).toBe(200);
    expect((await api.call('GET', `/api/operations/${operation.id}`, { token: tokens.staging })).status).toBe(200);
    const denied = await api.call('GET', `/api/operations/${operation.id}`, { token: tokens.noTeam });
    expect(denied.status).toBe(403);
    expect(await api.call('GET', '/api/operations/999')).toMatchObject({ status: 404, body: { detail: 'Operation 999 not found' } });
    expect((await api.call('GET', '/api/operations/0')).status).toBe(404);
    expect(await api.call('GET', '/api/operations/abc')).toMatchObject({ status: 404, body: { detail: expect.stringContaining('Not Found') } });
  });
});

describe('GET /api/operations/{id} streamed from the store', () => {
  test('the streamed body is byte for byte the JSON of the whole operation', async () => {
    const api = testApi();
    const operation = await runToEnd(api, qcAllActive);
    const answer = await api.call('GET', `/api/operations/${operation.id}`);
    expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(answer.text).toBe(JSON.stringify((await api.promoter.getOperation({ email: 'jane@example.com' }, operation.id))._unsafeUnwrap()));
    expect(answer.body.results).toHaveLength(operation.status.total);
  });

  test('a store that fails after the envelope went out: the body is cut off, never completed wrongly, and the defect is reported', async () => {
    const inner = createMemoryStore({ world: exampleWorld() });
    let failReads = false;
    const store: Store = {
      ...inner,
      listResults: (id, query) => (failReads ? Promise.reject(new Error('disk I/O error')) : inner.listResults(id, query)),
      listResultsAfter: (id, after, limit) => (failReads ? Promise.reject(new Error('disk I/O error')) : inner.listResultsAfter(id, after, limit)),
    };
    const onDefect = vi.fn();
    const api = testApi({ store, app: { onDefect } });
    const operation = await runToEnd(api, qcSeed);
    failReads = true;
    const response = await api.app.request(`/api/operations/${operation.id}`, { headers: { authorization: `Bearer ${tokens.jane}` } });
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
    expect(onDefect).toHaveBeenCalledOnce();
    expect(String(onDefect.mock.calls[0]?.[0])).toContain('disk I/O error');
  });
});

describe('revert through run and plan (§16)', () => {
  test('a revert is an operation of its own: type revert, the promote type and datastores of what it reverts, its results in reverse order', async () => {
    const api = testApi();
    const promotion = await runToEnd(api, qcSeed);
    const plan = await api.call('POST', '/api/operations/plan', { json: { type: 'revert', operation_id: promotion.id } });
    expect(plan.status).toBe(200);
    expectShape(planSchema, plan.body);
    const revert = await runToEnd(api, { type: 'revert', operation_id: promotion.id, expected_plan_fingerprint: plan.body.plan_fingerprint });
    expectShape(operationSchema, revert);
    expect(revert).toMatchObject({ type: 'revert', reverted_operation_id: promotion.id, promote_type: 'quality_check', result: 'success', datastore: promotion.datastore, destination_container: promotion.destination_container });
    expect(revert).not.toHaveProperty('as_draft');
    const written = promotion.results.filter((result: { result: string }) => result.result === 'created' || result.result === 'updated');
    expect(revert.results.map((result: { source_entity_id: number }) => result.source_entity_id)).toEqual(written.map((result: { source_entity_id: number }) => result.source_entity_id).reverse());
    expect(revert.results.map((result: { result: string }) => result.result)).toEqual(written.map(() => 'updated'));
    expect(plan.body.results.map((result: { result: string }) => result.result)).toEqual(revert.results.map((result: { result: string }) => result.result));
    const listed = await api.call('GET', '/api/operations');
    expect(listed.body.items[0]).toMatchObject({ id: revert.id, type: 'revert', reverted_operation_id: promotion.id });
  });

  test('bad reverts are clear 4xx answers and write nothing: unknown, running, unreadable, a fingerprint that is no string, extra properties', async () => {
    const hold = gate();
    let holding = false;
    const api = testApi({ dataplane: { latencyMs: 1, sleep: () => (holding ? hold.opened : Promise.resolve()) } });
    const promotion = await runToEnd(api, qcSeed);
    holding = true;
    const running = await api.call('POST', '/api/operations/run', { json: qcAllActive });
    expect(running.body.result).toBe('running');
    const before = { world: await api.store.exportWorld(), operations: (await api.call('GET', '/api/operations')).body.total };
    const revert = (body: Record<string, unknown>, token?: string) => api.call('POST', '/api/operations/run', { json: { type: 'revert', ...body }, ...(token === undefined ? {} : { token }) });
    expect(await revert({ operation_id: 999 })).toMatchObject({ status: 404, body: { detail: 'Operation 999 not found' } });
    expect(await revert({ operation_id: running.body.id })).toMatchObject({ status: 409, body: { detail: `Operation ${running.body.id} is running; only an ended operation can be reverted` } });
    expect((await revert({ operation_id: promotion.id }, tokens.noTeam)).status).toBe(403);
    expect((await revert({ operation_id: promotion.id }, tokens.viewer)).status).toBe(403);
    const notString = await revert({ operation_id: promotion.id, expected_plan_fingerprint: 42 });
    expect(notString.status).toBe(422);
    expect(notString.body.detail).toContainEqual(expect.objectContaining({ loc: ['body', 'expected_plan_fingerprint'] }));
    const extra = await revert({ operation_id: promotion.id, check_ids: [1] });
    expect(extra.status).toBe(422);
    expect(extra.body.detail).toContainEqual(expect.objectContaining({ loc: ['body', 'check_ids'], type: 'extra_forbidden' }));
    expect((await revert({ operation_id: 'one' })).status).toBe(422);
    expect((await api.call('POST', '/api/operations/plan', { json: { type: 'revert', operation_id: 999 } })).status).toBe(404);
    hold.open();
    await pollUntilFinished(api, running.body.id);
    // Stale at arrival (it restores an active check: validated, so asked once the Dataplane answers again).
    expect((await revert({ operation_id: promotion.id, expected_plan_fingerprint: 'sha256:stale' })).status).toBe(409);
    expect((await api.call('GET', '/api/operations')).body.total).toBe(before.operations);
  });
});

describe('result listings: /quality-checks, /fields, /containers', () => {
  const page = pageSchema(promoteResultSchema);

  test('filter by promote_result (repeated or comma-separated) and search; paginate', async () => {
    const api = testApi();
    const { id } = await runToEnd(api, qcAllActive);
    const all = await api.call('GET', `/api/operations/${id}/quality-checks`);
    expect(all.status).toBe(200);
    expectShape(page, all.body);
    expect(all.body).toMatchObject({ total: 25, page: 1, size: 50 });
    expect(all.body.items).toHaveLength(25);

    const failed = await api.call('GET', `/api/operations/${id}/quality-checks?promote_result=failed`);
    expect(failed.body.total).toBe(3);
    expect(failed.body.items.every((item: { result: string }) => item.result === 'failed')).toBe(true);

    const comma = await api.call('GET', `/api/operations/${id}/quality-checks?promote_result=updated,skipped`);
    const repeated = await api.call('GET', `/api/operations/${id}/quality-checks?promote_result=updated&promote_result=skipped`);
    expect(comma.body.total).toBe(3);
    expect(repeated.body).toEqual(comma.body);

    const search = await api.call('GET', `/api/operations/${id}/quality-checks?search=EMAIL%20FORMAT`);
    expect(search.body.items.map((item: { source_entity_id: number }) => item.source_entity_id)).toContain(101);
    expect(search.body.total).toBeLessThan(25);

    const second = await api.call('GET', `/api/operations/${id}/quality-checks?size=10&page=3`);
    expect(second.body).toMatchObject({ total: 25, page: 3, size: 10 });
    expect(second.body.items).toHaveLength(5);
    expect(second.body.items[0].source_entity_id).toBe(all.body.items[20].source_entity_id);
  });

  test('bad query parameters are 422 with their loc; another promote type gives an empty page', async () => {
    const api = testApi();
    const { id } = await runToEnd(api, qcSeed);
    const unknownValue = await api.call('GET', `/api/operations/${id}/quality-checks?promote_result=done`);
    expect(unknownValue.status).toBe(422);
    expect(unknownValue.body.detail[0].loc).toEqual(['query', 'promote_result', 0]);
    const size = await api.call('GET', `/api/operations/${id}/quality-checks?size=1001`);
    expect(size.status).toBe(422);
    expect(size.body.detail[0].loc).toEqual(['query', 'size']);
    const unknownParameter = await api.call('GET', `/api/operations/${id}/quality-checks?promote_results=failed`);
    expect(unknownParameter.status).toBe(422);
    expect(unknownParameter.body.detail[0]).toMatchObject({ loc: ['query', 'promote_results'], type: 'extra_forbidden' });

    expect((await api.call('GET', `/api/operations/${id}/fields`)).body).toEqual({ items: [], total: 0, page: 1, size: 50 });
    expect((await api.call('GET', `/api/operations/${id}/containers`)).body).toEqual({ items: [], total: 0, page: 1, size: 50 });
    expect((await api.call('GET', `/api/operations/${id}/quality-checks`, { token: tokens.noTeam })).status).toBe(403);
    expect((await api.call('GET', '/api/operations/999/quality-checks')).status).toBe(404);
    expect((await api.call('GET', `/api/operations/${id}/quality-checks`, { token: null })).status).toBe(401);
  });

  test('/fields lists computed-field results and /containers computed-table and computed-file results', async () => {
    const api = testApi();
    const fields = await runToEnd(api, computedFieldSeed);
    const fieldResults = await api.call('GET', `/api/operations/${fields.id}/fields`);
    expect(fieldResults.status).toBe(200);
    expectShape(page, fieldResults.body);
    expect(fieldResults.body.total).toBe(fields.status.total);
    expect(fieldResults.body.items.every((item: { entity_type: string }) => item.entity_type === 'computed_field')).toBe(true);

    const tables = await runToEnd(api, computedTableSeed);
    const tableResults = await api.call('GET', `/api/operations/${tables.id}/containers?search=revenue`);
    expect(tableResults.body.items.map((item: { entity_type: string; source_entity_id: number }) => [item.entity_type, item.source_entity_id])).toEqual([['computed_table', 40]]);

    const files = await runToEnd(api, exampleJson('requests/computed-file-lake.json'));
    const fileResults = await api.call('GET', `/api/operations/${files.id}/containers`);
    expect(fileResults.body.total).toBe(2);
    expect(fileResults.body.items.every((item: { entity_type: string }) => item.entity_type === 'computed_file')).toBe(true);
    expect((await api.call('GET', `/api/operations/${files.id}/quality-checks`)).body.total).toBe(0);
  });
});

describe('GET /api/operations', () => {
  test('newest first, filtered by result, promote_type and datastore; only what the user may read', async () => {
    const api = testApi();
    const first = await runToEnd(api, qcSeed);
    const second = await runToEnd(api, computedTableSeed);
    const all = await api.call('GET', '/api/operations');
    expect(all.status).toBe(200);
    expectShape(pageSchema(operationSummarySchema), all.body);
    expect(all.body.items.map((operation: { id: number }) => operation.id)).toEqual([second.id, first.id]);
    expect(all.body.items[0]).not.toHaveProperty('results');

    expect((await api.call('GET', '/api/operations?promote_type=quality_check')).body.items.map((operation: { id: number }) => operation.id)).toEqual([first.id]);
    expect((await api.call('GET', '/api/operations?result=running')).body.total).toBe(0);
    expect((await api.call('GET', '/api/operations?datastore=3')).body.total).toBe(0);
    expect((await api.call('GET', '/api/operations?datastore=2&size=1')).body).toMatchObject({ total: 2, size: 1 });
    expect((await api.call('GET', '/api/operations', { token: tokens.viewer })).body.total).toBe(2);
    expect((await api.call('GET', '/api/operations', { token: tokens.noTeam })).body).toEqual({ items: [], total: 0, page: 1, size: 50 });

    const bad = await api.call('GET', '/api/operations?result=done');
    expect(bad.status).toBe(422);
    expect(bad.body.detail[0].loc).toEqual(['query', 'result']);
    expect((await api.call('GET', '/api/operations', { token: null })).status).toBe(401);
  });
});

describe('abort, resume, rerun', () => {
  test('abort stops a running operation; resume finishes it; a second resume is a conflict', async () => {
    const hold = gate();
    let calls = 0;
    const api = testApi({ promoter: { concurrency: 1 }, dataplane: { latencyMs: 1, sleep: () => (calls++ === 0 ? Promise.resolve() : hold.opened) } });
    const started = await api.call('POST', '/api/operations/run', { json: qcAllActive });
    expect(started.status).toBe(200);

    expect((await api.call('PUT', `/api/operations/abort/${started.body.id}`, { token: tokens.viewer })).status).toBe(403);
    const aborted = await api.call('PUT', `/api/operations/abort/${started.body.id}`);
    expect(aborted.status).toBe(200);
    expectShape(operationSchema, aborted.body);
    expect(aborted.body).toMatchObject({ id: started.body.id, result: 'aborted', aborted_by: 'jane@example.com' });
    expect(aborted.body.results.length).toBeLessThan(25);
    hold.open();

    const again = await api.call('PUT', `/api/operations/abort/${started.body.id}`, { token: tokens.admin });
    expect(again.body).toMatchObject({ result: 'aborted', aborted_by: 'jane@example.com' });

    const resumed = await api.call('PUT', `/api/operations/resume/${started.body.id}`);
    expect(resumed.status).toBe(200);
    expect(resumed.body).toMatchObject({ id: started.body.id, result: 'running', aborted_by: null });
    const finished = await pollUntilFinished(api, started.body.id);
    expect(finished.body).toMatchObject({ result: 'success', status: { total: 25, created: 19, updated: 2, skipped: 1, failed: 3 } });

    const conflict = await api.call('PUT', `/api/operations/resume/${started.body.id}`);
    expect(conflict.status).toBe(409);
    expect(typeof conflict.body.detail).toBe('string');
    expect((await api.call('PUT', '/api/operations/resume/999')).status).toBe(404);
    expect((await api.call('PUT', '/api/operations/abort/999')).status).toBe(404);
    expect((await api.call('PUT', `/api/operations/resume/${started.body.id}`, { token: tokens.viewer })).status).toBe(403);
  });

  test('aborting a finished operation changes nothing', async () => {
    const api = testApi();
    const operation = await runToEnd(api, qcSeed);
    const aborted = await api.call('PUT', `/api/operations/abort/${operation.id}`);
    expect(aborted.status).toBe(200);
    expect(aborted.body).toEqual({ ...operation, stopped: false });
  });

  test('rerun starts a new operation with the same request, checked for the caller', async () => {
    const api = testApi();
    const first = await runToEnd(api, qcSeed);
    const rerun = await api.call('POST', `/api/operations/rerun/${first.id}`, { token: tokens.admin });
    expect(rerun.status).toBe(200);
    expect(rerun.body).toMatchObject({ id: first.id + 1, result: 'running', triggered_by: 'admin@example.com', as_draft: true });
    const second = (await pollUntilFinished(api, rerun.body.id)).body;
    expect(second.status.total).toBe(5);
    expect(second.status.skipped).toBe(5);
    expect((await api.call('POST', `/api/operations/rerun/${first.id}`, { token: tokens.viewer })).status).toBe(403);
    expect((await api.call('POST', '/api/operations/rerun/999')).status).toBe(404);
    expect((await api.call('POST', `/api/operations/rerun/${first.id}`, { token: null })).status).toBe(401);
  });
});

describe('endpoints without query parameters', () => {
  test('refuse any, so that `?dry_run=true` never runs a promotion for real', async () => {
    const api = testApi();
    const answer = await api.call('POST', '/api/operations/run?dry_run=true', { json: qcSeed });
    expect(answer.status).toBe(422);
    expect(answer.body.detail).toEqual([{ loc: ['query', 'dry_run'], msg: 'Extra inputs are not permitted', type: 'extra_forbidden' }]);
    expect((await api.call('GET', '/api/operations')).body.total).toBe(0);
    for (const [method, path] of [
      ['POST', '/api/operations/plan?x=1'],
      ['GET', '/api/operations/1?verbose=1'],
      ['PUT', '/api/operations/abort/1?force=1'],
      ['PUT', '/api/operations/resume/1?x='],
      ['POST', '/api/operations/rerun/1?x=1'],
    ] as const) {
      expect([path, (await api.call(method, path, method === 'GET' ? {} : { json: qcSeed })).status]).toEqual([path, 422]);
    }
  });
});
