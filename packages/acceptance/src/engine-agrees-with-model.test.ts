import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createPromoter, createReferenceDataplane, parseWorldSnapshot, steppingClock, toWorldSnapshot, type World, type WorldSnapshot } from '@promote/core';
import { createMemoryStore } from '@promote/store-memory';
import {
  alignWrittenTimestamps,
  applyModelEdits,
  arbComputedFieldRequest,
  arbComputedFileRequest,
  arbComputedTableRequest,
  arbModelWorld,
  arbQualityCheckRequest,
  fcNumRuns,
  modelExecute,
  modelPromote,
  modelStart,
  summariseResults,
  toModelWorld,
  type ActorRole,
  type ModelRefusal,
  type ModelOperation,
} from '@promote/testkit';
import { testProp } from '@promote/testkit/vitest';

/**
 * The engine agrees with the reference model of the testkit: a random world, one request of each
 * promote type in turn, each by a random user and with some validation batches failing — the
 * engine's refusal or operation (status, result, message, every entity's result, destination id,
 * message and changed attributes) and the world after it equal the model's.
 */

const reason = 'dataplane timed out';

async function engineOutcome(world: World, actorId: number, body: unknown, failing: readonly number[]) {
  const dataplane = createReferenceDataplane({ failBatch: ({ index }) => (failing.includes(index) ? reason : undefined) });
  const store = createMemoryStore({ world });
  const promoter = createPromoter({ store, dataplane, clock: steppingClock() });
  const started = await promoter.run({ id: actorId }, body);
  if (started.isErr()) return { refused: started.error, world: await store.exportWorld() };
  await promoter.waitFor(started.value.id);
  const operation = (await promoter.getOperation({ id: actorId }, started.value.id))._unsafeUnwrap();
  return { operation, world: await store.exportWorld() };
}

function expectSameRefusal(actual: { kind: string }, expected: ModelRefusal): void {
  expect(actual.kind).toBe(expected.error.kind);
  if (expected.error.kind === 'invalid_request') expect(actual).toMatchObject({ issues: expected.error.issues });
  else expect(actual).toMatchObject({ message: expected.error.message });
}

function expectSameOperation(actual: { status: unknown; result: string; message: string | null; results: Parameters<typeof summariseResults>[0] }, expected: ModelOperation): void {
  expect(summariseResults(actual.results, { changes: true })).toEqual(summariseResults(expected.results, { changes: true }));
  expect(actual.status).toEqual(expected.status);
  expect(actual.result).toBe(expected.result);
  expect(actual.message).toBe(expected.message);
}

const arbRole = fc.oneof(
  { weight: 6, arbitrary: fc.constant<ActorRole>('admin') },
  { weight: 2, arbitrary: fc.constant<ActorRole>('editor') },
  { weight: 1, arbitrary: fc.constantFrom<ActorRole>('viewer', 'outsider') },
);
const arbFailing = fc.oneof({ weight: 3, arbitrary: fc.constant<number[]>([]) }, { weight: 1, arbitrary: fc.subarray([0, 1, 2]) });

const arbCase = arbModelWorld({ maxChecks: 24 }).chain((scenario) =>
  fc.record({
    scenario: fc.constant(scenario),
    requests: fc.tuple(
      fc.tuple(arbQualityCheckRequest(scenario.checks), arbRole, arbFailing),
      fc.tuple(arbComputedFieldRequest(scenario.computedFields), arbRole, arbFailing),
      fc.tuple(arbComputedTableRequest(scenario.tables), arbRole, arbFailing),
      fc.tuple(arbComputedFileRequest(scenario.files), arbRole, arbFailing),
    ),
  }),
);

describe('the engine agrees with the reference model', () => {
  testProp('one request of each promote type on a random world', [arbCase], async ({ scenario, requests }) => {
    let world = scenario.world;
    let model = toModelWorld(world);
    for (const [body, role, failing] of requests) {
      const actorId = scenario.users[role];
      const actual = await engineOutcome(world, actorId, body, failing);
      const expected = modelPromote(model, { id: actorId }, body, { failBatch: (index) => (failing.includes(index) ? reason : undefined) });
      if (expected.kind === 'refused') {
        expect(actual.refused, `the model refuses ${JSON.stringify(body)}: ${JSON.stringify(expected.error)}`).toBeDefined();
        expectSameRefusal(actual.refused as { kind: string }, expected);
        expect(actual.world).toEqual(world);
        continue;
      }
      expect(actual.refused, `the engine refused ${JSON.stringify(body)}`).toBeUndefined();
      expectSameOperation(actual.operation as NonNullable<typeof actual.operation>, expected);
      expect(alignWrittenTimestamps(actual.world, expected.world)).toEqual(expected.world);
      world = actual.world;
      model = expected.model;
    }
  }, { numRuns: fcNumRuns(40) });

  testProp('a combined scenario world is a valid snapshot', [arbModelWorld()], (scenario) => {
    expect(parseWorldSnapshot(toWorldSnapshot(scenario.world)).isOk()).toBe(true);
  }, { numRuns: fcNumRuns(20) });
});

/** JDBC 1 → 2, DFS 3 → 4; an admin (1) and a member (2) with author on 1 and editor on 2. */
function world(extra: Partial<WorldSnapshot>): World {
  const parsed = parseWorldSnapshot({
    users: [
      { id: 1, email: 'admin@example.com', role: 'admin' },
      { id: 2, email: 'jane@example.com', role: 'member' },
    ],
    teams: [{ id: 1, name: 'Data', members: [2], permissions: { '1': 'author', '2': 'editor' } }],
    datastores: [
      { id: 1, name: 'Staging', store_type: 'jdbc' },
      { id: 2, name: 'Production', store_type: 'jdbc' },
      { id: 3, name: 'Staging Lake', store_type: 'dfs' },
      { id: 4, name: 'Production Lake', store_type: 'dfs' },
    ],
    ...extra,
    containers: [
      { id: 10, datastore_id: 1, name: 'orders', container_type: 'table', fields: [{ name: 'amount', type: 'fractional' }, { name: 'rate', type: 'fractional' }, { name: 'email', type: 'string' }] },
      { id: 11, datastore_id: 1, name: 'customers', container_type: 'table' },
      { id: 20, datastore_id: 2, name: 'orders', container_type: 'table', fields: [{ name: 'AMOUNT', type: 'fractional' }, { name: 'plainname', type: 'string', status: 'excluded' }] },
      { id: 21, datastore_id: 2, name: 'gone', container_type: 'table', deleted_at: '2026-01-01T00:00:00Z' },
      { id: 30, datastore_id: 3, name: 'raw', container_type: 'file_pattern' },
      { id: 40, datastore_id: 4, name: 'raw', container_type: 'file_pattern' },
      ...(extra.containers ?? []),
    ],
  });
  if (parsed.isErr()) throw new Error(JSON.stringify(parsed.error.problems));
  return parsed.value;
}

const checks = { type: 'promote_quality_check', datastore_id: 1, container_id: 10, destination_container_id: 20 };
const fields = { type: 'promote_computed_field', datastore_id: 1, container_id: 10, destination_container_id: 20 };
const tables = { type: 'promote_computed_table', datastore_id: 1, destination_datastore_id: 2 };
const files = { type: 'promote_computed_file', datastore_id: 3, destination_datastore_id: 4 };

async function expectAgreement(w: World, body: unknown, actorId = 1) {
  const actual = await engineOutcome(w, actorId, body, []);
  const expected = modelPromote(w, { id: actorId }, body);
  if (expected.kind === 'refused') expectSameRefusal(actual.refused as { kind: string }, expected);
  else {
    expectSameOperation(actual.operation as NonNullable<typeof actual.operation>, expected);
    expect(alignWrittenTimestamps(actual.world, expected.world)).toEqual(expected.world);
  }
  return expected;
}

describe('§4 matching, example by example', () => {
  test('lineage newest first, skipping a link to an archived check; a link already taken sends the next source to its older link', async () => {
    const w = world({
      quality_checks: [
        { id: 1, container_id: 10, rule_type: 'not_null', fields: ['amount'], description: 'one' },
        { id: 2, container_id: 10, rule_type: 'not_null', fields: ['amount'], description: 'two' },
        { id: 5, container_id: 20, rule_type: 'not_null', fields: ['AMOUNT'], description: 'old copy' },
        { id: 6, container_id: 20, rule_type: 'not_null', fields: ['AMOUNT'], description: 'archived copy', status: 'archived' },
        { id: 7, container_id: 20, rule_type: 'not_null', fields: ['AMOUNT'], description: 'other' },
      ],
      lineage: [
        { entity_type: 'quality_check', source_entity_id: 2, destination_scope_id: 20, destination_entity_id: 7 },
        { entity_type: 'quality_check', source_entity_id: 1, destination_scope_id: 20, destination_entity_id: 5 },
        { entity_type: 'quality_check', source_entity_id: 1, destination_scope_id: 20, destination_entity_id: 6 },
        { entity_type: 'quality_check', source_entity_id: 2, destination_scope_id: 20, destination_entity_id: 5 },
      ],
    });
    expect(await expectAgreement(w, checks)).toMatchObject({
      results: [
        { source_entity_id: 1, result: 'updated', destination_entity_id: 5 },
        { source_entity_id: 2, result: 'updated', destination_entity_id: 7 },
      ],
    });
  });

  test('a dangling link whose id the next created check is given: the created check still records its link (decision 0302)', async () => {
    // The snapshot forgets that id 2 was used once: the destination check 2 was deleted before the export.
    const w = world({
      quality_checks: [{ id: 1, container_id: 10, rule_type: 'not_null', fields: ['amount'] }],
      lineage: [{ entity_type: 'quality_check', source_entity_id: 1, destination_scope_id: 20, destination_entity_id: 2 }],
    });
    const outcome = await engineOutcome(w, 1, checks, []);
    expect(outcome.operation?.results).toMatchObject([{ source_entity_id: 1, result: 'created', destination_entity_id: 2 }]);
    expect(outcome.world.lineage).toHaveLength(2);
    await expectAgreement(w, checks);
  });

  test('overlap: two sources on one destination check — the first takes it, the second is created; the lowest id wins among candidates', async () => {
    const w = world({
      quality_checks: [
        { id: 1, container_id: 10, rule_type: 'not_null', fields: ['amount'], filter: 'a  =  1' },
        { id: 2, container_id: 10, rule_type: 'not_null', fields: ['AMOUNT'], filter: 'a = 1 ' },
        { id: 8, container_id: 20, rule_type: 'not_null', fields: ['AMOUNT'], filter: 'a = 1' },
        { id: 9, container_id: 20, rule_type: 'not_null', fields: ['amount'], filter: ' a = 1', status: 'draft' },
        { id: 3, container_id: 10, rule_type: 'not_null', fields: ['amount'], filter: 'a = 1' },
      ],
    });
    expect(await expectAgreement(w, checks)).toMatchObject({
      results: [
        { source_entity_id: 1, result: 'skipped', destination_entity_id: 8 },
        { source_entity_id: 2, result: 'skipped', destination_entity_id: 9 },
        { source_entity_id: 3, result: 'created' },
      ],
    });
  });

  test('names: two source tables whose names differ in case share one namesake — the first takes it, the second is created', async () => {
    const w = world({
      containers: [
        { id: 50, datastore_id: 1, name: 'daily', container_type: 'computed_table', query: 'q' },
        { id: 51, datastore_id: 1, name: 'DAILY', container_type: 'computed_table', query: 'q' },
        { id: 60, datastore_id: 2, name: 'Daily', container_type: 'computed_table', query: 'q', deleted_at: '2026-01-01T00:00:00Z' },
      ],
    });
    expect(await expectAgreement(w, tables)).toMatchObject({
      results: [
        { source_entity_id: 50, result: 'updated', destination_entity_id: 60, message: 'Reactivated soft-deleted container on destination' },
        { source_entity_id: 51, result: 'created' },
      ],
    });
  });
});

describe('where SPEC.md leaves a choice, the model reads it as the engine does', () => {
  const softDeleted = world({
    containers: [
      { id: 50, datastore_id: 1, name: 'daily', container_type: 'computed_table', query: 'q', deleted_at: '2026-01-01T00:00:00Z', tags: ['a'] },
      { id: 51, datastore_id: 1, name: 'weekly', container_type: 'computed_table', query: 'q', tags: ['a'] },
      { id: 70, datastore_id: 3, name: 'big', container_type: 'computed_file', source_container_id: 30, select_clause: 'a', deleted_at: '2026-01-01T00:00:00Z' },
    ],
  });

  test('a soft-deleted source computed table or file is outside the source scope: listed → 422, tagged → not selected', async () => {
    expect(await expectAgreement(softDeleted, { ...tables, container_ids: [50] })).toMatchObject({ error: { message: 'Container(s) [50] are not computed tables of datastore 1' } });
    expect(await expectAgreement(softDeleted, { ...tables, container_tags: ['a'] })).toMatchObject({ status: { total: 1 } });
    expect(await expectAgreement(softDeleted, { ...files, source_container_mappings: [{ container_id: 70, destination_container_id: 40 }] })).toMatchObject({
      error: { message: 'Container(s) [70] are not computed files of datastore 3' },
    });
  });

  test('listed and mapped ids are not existence-checked (404) but scope-checked (422)', async () => {
    expect(await expectAgreement(softDeleted, { ...tables, container_ids: [999] })).toMatchObject({ error: { kind: 'unprocessable' } });
    expect(await expectAgreement(softDeleted, { ...files, source_container_mappings: [{ container_id: 999, destination_container_id: 40 }] })).toMatchObject({ error: { kind: 'unprocessable' } });
  });

  const computed = world({
    computed_fields: [
      { id: 1, container_id: 10, name: 'gone', transformation: 'cast', source_fields: ['amount'], status: 'deleted' },
      { id: 2, container_id: 10, name: 'child', transformation: 'custom_expression', properties: { column_expression: 'gone + rate + `Gone`' } },
      { id: 3, container_id: 10, name: 'plainname', transformation: 'cast', source_fields: ['nothere'] },
      { id: 4, container_id: 10, name: 'mixed', transformation: 'custom_expression', properties: { column_expression: 'rate + child' } },
      { id: 5, container_id: 20, name: 'GONE', transformation: 'cast', source_fields: ['AMOUNT'], status: 'missing' },
    ],
  });

  test('a deleted parent joins the closure; a plain namesake fails before availability; mixed missing names get the parent wording', async () => {
    const operation = await expectAgreement(computed, fields);
    expect(operation).toMatchObject({
      results: [
        { source_entity_id: 1, result: 'updated', message: 'Reactivated non-active field on destination' },
        { source_entity_id: 2, result: 'failed', message: "Source field(s) ['rate'] not available on destination" },
        { source_entity_id: 3, result: 'failed', message: "Cannot promote over non-computed field 'plainname' on destination" },
        { source_entity_id: 4, result: 'failed', message: "Source field(s) ['rate', 'child'] not available on destination — their parent computed field may have failed to promote" },
      ],
    });
  });

  test("a computed field's source_fields equal case-insensitively keep the destination's spelling (skipped)", async () => {
    const spelled = world({
      computed_fields: [
        { id: 1, container_id: 10, name: 'usd', transformation: 'cast', source_fields: ['amount'] },
        { id: 2, container_id: 20, name: 'usd', transformation: 'cast', source_fields: ['amount'] },
      ],
    });
    expect(await expectAgreement(spelled, fields)).toMatchObject({ results: [{ result: 'skipped' }] });
  });

  test('a source deleted between an abort and the resume fails with "Source quality check <id> no longer exists"', async () => {
    const w = world({ quality_checks: [1, 2, 3].map((id) => ({ id, container_id: 10, rule_type: 'not_null' as const, fields: ['amount'] })) });
    const store = createMemoryStore({ world: w });
    const promoter = createPromoter({ store, dataplane: createReferenceDataplane(), clock: steppingClock() });
    const started = modelStart(w, { id: 1 }, checks);
    const run = (await promoter.run({ id: 1 }, checks))._unsafeUnwrap();
    expect((await promoter.abort({ id: 1 }, run.id))._unsafeUnwrap()).toMatchObject({ result: 'aborted', results: [] });
    await store.applyEdits([{ kind: 'delete', entity: 'quality_check', id: 2 }]);
    (await promoter.resume({ id: 1 }, run.id))._unsafeUnwrap();
    await promoter.waitFor(run.id);
    const operation = (await promoter.getOperation({ id: 1 }, run.id))._unsafeUnwrap();
    if (started.kind !== 'started') throw new Error('the model refused');
    const edited = applyModelEdits(w, [{ kind: 'delete', entity: 'quality_check', id: 2 }]);
    if (!edited.ok) throw new Error(edited.reason);
    const expected = modelExecute(edited.model, started);
    expectSameOperation(operation, expected);
    expect(operation.results[1]).toMatchObject({ result: 'failed', message: 'Source quality check 2 no longer exists' });
  });

  test('a resume after an abort mid-way: recorded results stay, their destinations are not matched again (decision 0005)', async () => {
    // Sources 3 and 20 have one definition: 3 creates a check before the abort; after the resume 20 must not take it.
    const w = world({
      quality_checks: Array.from({ length: 25 }, (_, index) => ({
        id: index + 1,
        container_id: 10,
        rule_type: 'not_null' as const,
        fields: ['amount'],
        description: index + 1 === 20 ? 'check 3' : `check ${index + 1}`,
      })),
    });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    const store = createMemoryStore({ world: w });
    const dataplane = createReferenceDataplane({ latencyMs: 1, sleep: () => (calls++ === 0 ? Promise.resolve() : held) });
    const promoter = createPromoter({ store, dataplane, clock: steppingClock(), concurrency: 1 });
    const body = { ...checks, as_draft: false };
    const started = modelStart(w, { id: 1 }, body);
    if (started.kind !== 'started') throw new Error('the model refused');
    const run = (await promoter.run({ id: 1 }, body))._unsafeUnwrap();
    while ((await store.getOperation(run.id))?.status.created !== 10) await new Promise((resolve) => setImmediate(resolve));
    const aborted = (await promoter.abort({ id: 1 }, run.id))._unsafeUnwrap();
    release();
    expect(aborted.results).toHaveLength(10);
    const atResume = toModelWorld(await store.exportWorld());
    (await promoter.resume({ id: 1 }, run.id))._unsafeUnwrap();
    await promoter.waitFor(run.id);
    const operation = (await promoter.getOperation({ id: 1 }, run.id))._unsafeUnwrap();
    const previousResults = aborted.results.map((result) => ({ ...result, changes: result.changes ?? undefined }));
    const expected = modelExecute(atResume, started, { previousResults });
    expectSameOperation(operation, expected);
    expect(alignWrittenTimestamps(await store.exportWorld(), expected.world)).toEqual(expected.world);
    expect(operation.results[19]).toMatchObject({ source_entity_id: 20, result: 'created' });
  });

  test('403 names the first datastore lacking editor, source first', async () => {
    expect(await expectAgreement(softDeleted, tables, 2)).toMatchObject({ error: { message: 'User jane@example.com needs editor permission on datastore 1 (Staging)' } });
  });
});

describe('the order of the checks before anything is enqueued (§2.1)', () => {
  test('step 2: every unknown or soft-deleted scope id is a 404 before "container_id not in datastore_id" (422)', async () => {
    // container 20 is in datastore 2, not 1; destination 21 is soft-deleted. SPEC lists the 404s first.
    await expectAgreement(world({}), { ...checks, container_id: 20, destination_container_id: 21 });
  });
});
