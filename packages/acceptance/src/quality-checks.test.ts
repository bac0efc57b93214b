import { describe, expect, test } from 'vitest';
import { admin, engine, exampleWorld, jane, runToEnd } from './support.js';
import { qcRequest, smallWorld } from './fixtures.js';

const seedRequest = {
  type: 'promote_quality_check',
  datastore_id: 1,
  container_id: 10,
  destination_container_id: 20,
  check_tags: ['pii-checks'],
  check_additional_tags: ['promoted-from-staging'],
  as_draft: true,
};

describe("the seed's quality-check example", () => {
  test('runs verbatim against the example world and answers with the seed envelope', async () => {
    const { promoter } = engine(exampleWorld());
    const started = (await promoter.run(jane, seedRequest))._unsafeUnwrap();
    expect(started).toMatchObject({ type: 'promote', promote_type: 'quality_check', result: 'running', end_time: null, results: [] });
    expect(started.id).toBeGreaterThan(0);
    await promoter.waitFor(started.id);
    const operation = (await promoter.getOperation(jane, started.id))._unsafeUnwrap();
    expect(Object.keys(operation)).toEqual(
      expect.arrayContaining(['id', 'type', 'promote_type', 'result', 'start_time', 'end_time', 'triggered_by', 'datastore', 'destination_datastore', 'container', 'destination_container', 'as_draft', 'status', 'results']),
    );
    expect(operation).toMatchObject({
      id: started.id,
      type: 'promote',
      promote_type: 'quality_check',
      result: 'success',
      triggered_by: 'jane@example.com',
      datastore: { id: 1, name: 'Staging Warehouse' },
      destination_datastore: { id: 2, name: 'Production Warehouse' },
      container: { id: 10, name: 'orders' },
      destination_container: { id: 20, name: 'orders' },
      as_draft: true,
    });
    expect(operation.start_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(operation.end_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const { total, created, updated, skipped, failed } = operation.status;
    expect(total).toBeGreaterThan(0);
    expect(created + updated + skipped + failed).toBe(total);
    expect(operation.results).toHaveLength(total);
    for (const result of operation.results) {
      expect(Object.keys(result)).toEqual(expect.arrayContaining(['source_entity_id', 'source_entity', 'entity_type', 'result', 'destination_entity_id', 'destination_entity', 'message']));
      expect(result.entity_type).toBe('quality_check');
      if (result.result === 'created') {
        expect(result.destination_entity).toMatchObject({ id: result.destination_entity_id, status: 'draft' });
        expect(result.source_entity).toMatchObject({ id: result.source_entity_id });
      }
    }
  });
});

describe('selection (§3)', () => {
  const world = smallWorld([
    { id: 1, tags: ['pii'] },
    { id: 2, tags: ['pii'], status: 'draft' },
    { id: 3, tags: ['pii'], status: 'archived' },
    { id: 4, tags: ['pii'], status: 'discarded' },
    { id: 5, tags: ['other'] },
  ]);

  test('neither ids nor tags → all active and draft checks of the source container', async () => {
    const operation = await runToEnd(engine(world).promoter, admin, qcRequest());
    expect(operation.results.map((result) => result.source_entity_id)).toEqual([1, 2, 5]);
    expect(operation.status.total).toBe(3);
  });

  test('archived and discarded checks are excluded even when listed by id', async () => {
    const operation = await runToEnd(engine(world).promoter, admin, qcRequest({ check_ids: [4, 3, 2] }));
    expect(operation.results.map((result) => result.source_entity_id)).toEqual([2]);
  });

  test('tags select checks having any of them, active or draft', async () => {
    const operation = await runToEnd(engine(world).promoter, admin, qcRequest({ check_tags: ['pii', 'nothing'] }));
    expect(operation.results.map((result) => result.source_entity_id)).toEqual([1, 2]);
  });

  test('nothing selected → success with total 0 and the spec message', async () => {
    const operation = await runToEnd(engine(world).promoter, admin, qcRequest({ check_tags: ['nothing'] }));
    expect(operation).toMatchObject({ result: 'success', message: 'No entities matched the selection', status: { total: 0, created: 0 } });
  });
});

describe('refused requests write nothing and create no operation (§2.1, §11)', () => {
  const world = smallWorld([{ id: 1 }, { id: 2, container_id: 20 }]);
  const cases: [string, { email: string }, Record<string, unknown>, string, unknown][] = [
    ['unknown property', admin as { email: string }, qcRequest({ check_tag: ['x'] }), 'invalid_request', { issues: [{ loc: ['body', 'check_tag'], type: 'extra_forbidden' }] }],
    ['ids and tags together', admin as { email: string }, qcRequest({ check_ids: [1], check_tags: ['x'] }), 'invalid_request', { issues: [{ loc: ['body', 'check_tags'], type: 'mutually_exclusive' }] }],
    ['unknown datastore', admin as { email: string }, qcRequest({ datastore_id: 9 }), 'not_found', { message: 'Datastore 9 not found' }],
    ['unknown container', admin as { email: string }, qcRequest({ container_id: 99 }), 'not_found', { message: 'Container 99 not found' }],
    ['soft-deleted destination', admin as { email: string }, qcRequest({ destination_container_id: 21 }), 'not_found', { message: 'Container 21 not found' }],
    ['container outside the datastore', admin as { email: string }, qcRequest({ container_id: 20 }), 'unprocessable', {}],
    ['viewer only', { email: 'victor@example.com' }, qcRequest(), 'forbidden', {}],
    ['author on the destination', { email: 'hank@example.com' }, qcRequest(), 'forbidden', {}],
    ['same container', admin as { email: string }, qcRequest({ destination_container_id: 10 }), 'unprocessable', { message: 'Source and destination must be different' }],
    ['ids outside the source container', admin as { email: string }, qcRequest({ check_ids: [1, 2] }), 'unprocessable', { message: 'Quality check(s) [2] are not checks of container 10' }],
  ];
  test.each(cases)('%s', async (_name, actor, body, kind, detail) => {
    const { promoter, store } = engine(world);
    const before = await store.exportWorld();
    const result = await promoter.run(actor, body);
    expect(result._unsafeUnwrapErr()).toMatchObject({ kind, ...(detail as object) });
    expect(await store.exportWorld()).toEqual(before);
    expect((await store.listOperations({ page: 1, size: 10 })).total).toBe(0);
    const planned = await promoter.plan(actor, body);
    expect(planned._unsafeUnwrapErr()).toMatchObject({ kind });
  });

  test('the 403 is checked before the semantic 422', async () => {
    const { promoter } = engine(world);
    const result = await promoter.run({ email: 'victor@example.com' }, qcRequest({ destination_container_id: 10 }));
    expect(result._unsafeUnwrapErr().kind).toBe('forbidden');
  });

  test('an unknown acting user is unauthenticated', async () => {
    const { promoter } = engine(world);
    expect((await promoter.run({ email: 'nobody@example.com' }, qcRequest()))._unsafeUnwrapErr().kind).toBe('unauthenticated');
  });
});

describe('message texts of the seed, byte for byte', () => {
  test('an unresolved field → "Promoted as Draft: …"; a failed validation → "Validation failed: …"', async () => {
    const world = smallWorld([
      { id: 1, fields: ['email', 'phone'], rule_type: 'unique' },
      { id: 2, fields: ['amount'], rule_type: 'between', properties: { min: 10, max: 5 } },
      { id: 3, fields: ['email'], rule_type: 'matches_pattern', properties: { pattern: '^[a-z]+@' } },
    ]);
    const operation = await runToEnd(engine(world).promoter, admin, qcRequest({ as_draft: false }));
    expect(operation.results.map((result) => [result.result, result.message])).toEqual([
      ['created', "Promoted as Draft: source fields ['phone'] could not be resolved on the destination"],
      ['failed', 'Validation failed: min 10 is greater than max 5'],
      ['created', null],
    ]);
    expect(operation.results[0]?.destination_entity).toMatchObject({ status: 'draft' });
    expect(operation.results[2]?.destination_entity).toMatchObject({ status: 'active' });
  });

  test('"Validation failed: field \'email\' not found on destination container"', async () => {
    const world = smallWorld([{ id: 1, fields: ['email'] }]);
    const { promoter } = engine(world, { dataplane: { failCheck: () => "field 'email' not found on destination container" } });
    const operation = await runToEnd(promoter, admin, qcRequest({ as_draft: false }));
    expect(operation.results[0]?.message).toBe("Validation failed: field 'email' not found on destination container");
    expect(operation.result).toBe('failure');
  });
});

describe('active validation (§8)', () => {
  const betweenInvalid = new Set([2, 5, 23]);
  const world = smallWorld(
    Array.from({ length: 25 }, (_, index) => {
      const id = index + 1;
      return { id, rule_type: 'between', fields: ['amount'], properties: betweenInvalid.has(id) ? { min: 10, max: 5 } : { min: 0, max: id } };
    }),
  );

  test('25 new active checks, 3 invalid and one whole batch erroring → exact counts, no orphan', async () => {
    const { promoter, dataplane, store } = engine(world, {
      concurrency: 2,
      dataplane: { latencyMs: 5, failBatch: ({ index }) => (index === 1 ? 'dataplane timed out' : undefined) },
    });
    const operation = await runToEnd(promoter, admin, qcRequest({ as_draft: false }));
    expect(operation.status).toEqual({ total: 25, created: 12, updated: 0, skipped: 0, failed: 13 });
    expect(operation.result).toBe('success');
    expect(dataplane.calls.map((call) => call.itemCount)).toEqual([10, 10, 5]);
    expect(dataplane.maxConcurrent).toBeLessThanOrEqual(2);
    const failed = operation.results.filter((result) => result.result === 'failed');
    expect(failed.map((result) => result.source_entity_id)).toEqual([2, 5, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 23]);
    for (const result of failed) {
      expect(result.destination_entity_id).toBeNull();
      expect(result.message).toBe(betweenInvalid.has(result.source_entity_id) ? 'Validation failed: min 10 is greater than max 5' : 'Validation failed: dataplane timed out');
    }
    expect(operation.results.map((result) => result.source_entity_id)).toEqual(Array.from({ length: 25 }, (_, index) => index + 1));
    const destination = await store.listChecks(20);
    expect(destination).toHaveLength(12);
    expect(destination.every((check) => check.status === 'active')).toBe(true);
    expect(destination.some((check) => (check.properties as { min?: number }).min === 10)).toBe(false);
  });

  test.each([1, 3])('never more concurrent dataplane calls than the bound (%i)', async (bound) => {
    const { promoter, dataplane } = engine(world, { concurrency: bound, batchSize: 5, dataplane: { latencyMs: 5 } });
    await runToEnd(promoter, admin, qcRequest({ as_draft: false }));
    expect(dataplane.calls).toHaveLength(5);
    expect(dataplane.maxConcurrent).toBeLessThanOrEqual(bound);
    if (bound > 1) expect(dataplane.maxConcurrent).toBeGreaterThan(1);
  });

  test('drafts are never validated', async () => {
    const { promoter, dataplane } = engine(world);
    const operation = await runToEnd(promoter, admin, qcRequest());
    expect(operation.status.created).toBe(25);
    expect(dataplane.calls).toHaveLength(0);
  });
});
