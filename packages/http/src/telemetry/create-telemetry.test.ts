import { createPromoter, createReferenceDataplane, type LeaseHolders, type ReferenceDataplaneOptions } from '@promote/core';
import { createMemoryStore } from '@promote/store-memory';
import { describe, expect, test } from 'vitest';
import { exampleJson, exampleWorld, gate, pollUntilFinished, testApi, tokens } from '../testing/fixtures.js';
import { createTelemetry, isLogLevel, type TelemetryOptions } from './index.js';

/** A telemetry writing into an array: every JSON line as written, and parsed. */
function capturedTelemetry(options: TelemetryOptions = {}) {
  const written: string[] = [];
  const telemetry = createTelemetry({ ...options, destination: { write: (line: string) => void written.push(line) } });
  return { telemetry, written, lines: () => written.map((line) => JSON.parse(line) as Record<string, any>) };
}

/** The app with its engine wired to `telemetry`, as `promote serve` wires them. */
function observedApi(telemetry: ReturnType<typeof createTelemetry>, dataplane: ReferenceDataplaneOptions = {}) {
  return testApi({ dataplane, promoter: { onEvent: telemetry.onEvent }, app: { telemetry, onDefect: telemetry.logDefect } });
}

/** The samples of a Prometheus text exposition: `name{labels}` → value, labels in any order. */
function samples(text: string): (name: string, labels?: Record<string, string>) => number | undefined {
  const parsed = text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (match === null) throw new Error(`not a sample line: ${line}`);
      const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((label) => [label[1], label[2]]));
      return { name: match[1] as string, labels, value: Number(match[3]) };
    });
  return (name, labels = {}) => {
    const found = parsed.filter((sample) => sample.name === name && Object.keys(sample.labels).length === Object.keys(labels).length && Object.entries(labels).every(([key, value]) => sample.labels[key] === value));
    if (found.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} names ${found.length} samples`);
    return found[0]?.value;
  };
}

/** Check 101 (created as a draft by qc-seed on a fresh world) promoted as active: validated, alone. */
const oneActiveCheck = { type: 'promote_quality_check', datastore_id: 1, container_id: 10, destination_container_id: 20, check_ids: [101], as_draft: false };

describe('createTelemetry: metrics after real promotions', () => {
  test('operations started and ended, entities by result, commits, Dataplane calls, in flight, requests — all from one registry of the app', async () => {
    const { telemetry } = capturedTelemetry();
    const api = observedApi(telemetry);
    const before = samples(await (await api.app.request('/metrics')).text());
    // Every bounded series is there at 0 before anything happened.
    expect(before('promote_operations_ended_total', { type: 'promote', promote_type: 'quality_check', result: 'failure' })).toBe(0);
    expect(before('promote_entities_total', { entity_type: 'computed_field', result: 'skipped' })).toBe(0);
    expect(before('promote_commit_duration_seconds_count', { outcome: 'fenced' })).toBe(0);
    expect(before('promote_lease_takeovers_total')).toBe(0);

    const seeded = await api.call('POST', '/api/operations/run', { json: exampleJson('requests/qc-seed.json') });
    const seed = await pollUntilFinished(api, seeded.body.id);
    const active = await api.call('POST', '/api/operations/run', { json: exampleJson('requests/qc-all-active.json') });
    const all = await pollUntilFinished(api, active.body.id);
    const fields = await api.call('POST', '/api/operations/run', { json: exampleJson('requests/computed-field-seed.json') });
    const computed = await pollUntilFinished(api, fields.body.id);

    const metrics = await api.call('GET', '/metrics', { token: null });
    expect(metrics.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const value = samples(metrics.text);
    expect(value('promote_operations_started_total', { type: 'promote', promote_type: 'quality_check', trigger: 'new' })).toBe(2);
    expect(value('promote_operations_started_total', { type: 'promote', promote_type: 'computed_field', trigger: 'new' })).toBe(1);
    expect(value('promote_operations_ended_total', { type: 'promote', promote_type: 'quality_check', result: 'success' })).toBe(2);
    expect(value('promote_operations_ended_total', { type: 'promote', promote_type: 'computed_field', result: 'success' })).toBe(1);
    expect(value('promote_operations_in_flight')).toBe(0);
    for (const result of ['created', 'updated', 'skipped', 'failed'] as const) {
      expect([result, value('promote_entities_total', { entity_type: 'quality_check', result })]).toEqual([result, seed.body.status[result] + all.body.status[result]]);
      expect([result, value('promote_entities_total', { entity_type: 'computed_field', result })]).toEqual([result, computed.body.status[result]]);
    }
    const commits = value('promote_commit_duration_seconds_count', { outcome: 'committed' }) ?? 0;
    expect(commits).toBeGreaterThanOrEqual(3);
    expect(value('promote_commit_duration_seconds_bucket', { outcome: 'committed', le: '+Inf' })).toBe(commits);
    expect(value('promote_commit_duration_seconds_sum', { outcome: 'committed' })).toBeGreaterThan(0);
    // qc-all-active validates its active checks in batches; the reference Dataplane recorded each call.
    expect(api.dataplane.calls.length).toBeGreaterThan(1);
    expect(value('promote_dataplane_call_duration_seconds_count', { outcome: 'ok' })).toBe(api.dataplane.calls.length);
    expect(value('promote_http_request_duration_seconds_count', { method: 'POST', route: '/api/operations/run', status: '200' })).toBe(3);
    expect(value('promote_http_request_duration_seconds_count', { method: 'GET', route: '/metrics', status: '200' })).toBe(1);
    // prom-client's global registry is left alone; process metrics only when asked.
    expect(value('process_cpu_user_seconds_total')).toBeUndefined();
    const withProcess = samples(await createTelemetry({ processMetrics: true, level: 'silent' }).metrics().then((exposition) => exposition.body));
    expect(withProcess('process_cpu_user_seconds_total')).toBeGreaterThanOrEqual(0);
  });

  test('a Dataplane that fails a batch counts as an error call; two apps in one process do not share metrics', async () => {
    const { telemetry } = capturedTelemetry();
    const api = observedApi(telemetry, { failBatch: () => 'dataplane unavailable' });
    const other = capturedTelemetry().telemetry;
    const started = await api.call('POST', '/api/operations/run', { json: oneActiveCheck });
    const ended = await pollUntilFinished(api, started.body.id);
    expect(ended.body).toMatchObject({ result: 'failure', status: { total: 1, failed: 1 } });
    expect(api.dataplane.calls).toHaveLength(1);
    const value = samples((await telemetry.metrics()).body);
    expect(value('promote_dataplane_call_duration_seconds_count', { outcome: 'error' })).toBe(api.dataplane.calls.length);
    expect(value('promote_operations_ended_total', { type: 'promote', promote_type: 'quality_check', result: 'failure' })).toBe(1);
    expect(samples((await other.metrics()).body)('promote_operations_ended_total', { type: 'promote', promote_type: 'quality_check', result: 'failure' })).toBe(0);
  });
});

describe('createTelemetry: a takeover between two instances', () => {
  test('the instance that takes over counts a lease takeover and a takeover turn, and logs it at warn; the one it took from ends unrecorded after a fenced commit', async () => {
    // Two engines on one store with scope leases stand for two instances on one database; B knows A is gone.
    const store = createMemoryStore({ world: exampleWorld() });
    const holders = (holder: string, gone: string[]): LeaseHolders => ({ newHolderId: () => holder, isGone: (other) => gone.includes(other) });
    const hold = gate();
    let calls = 0;
    const a = capturedTelemetry();
    const b = capturedTelemetry();
    // abortPollMs of a minute: A must meet the fence at its next commit, not notice B's end first.
    const engine = (telemetry: typeof a.telemetry, holder: string, gone: string[], dataplane: ReferenceDataplaneOptions = {}) =>
      createPromoter({
        store,
        dataplane: createReferenceDataplane(dataplane),
        leaseHolders: holders(holder, gone),
        commitBudgetMs: Number.POSITIVE_INFINITY,
        commitBatchSize: 5,
        abortPollMs: 60_000,
        onEvent: telemetry.onEvent,
      });
    // A validates its first batch, then hangs in the second Dataplane call, as if its process had died there.
    const instanceA = engine(a.telemetry, 'instance-a', [], { latencyMs: 1, sleep: () => (calls++ === 0 ? Promise.resolve() : hold.opened) });
    const instanceB = engine(b.telemetry, 'instance-b', ['instance-a']);
    const jane = { email: 'jane@example.com' };
    const started = (await instanceA.run(jane, exampleJson('requests/qc-all-active.json')))._unsafeUnwrap();
    while ((await store.getOperation(started.id))!.status.created === 0) await new Promise((resolve) => setTimeout(resolve, 5));

    expect((await instanceB.takeOver())._unsafeUnwrap()).toEqual([started.id]);
    await instanceB.waitFor(started.id);
    hold.open();
    await instanceA.waitFor(started.id);
    expect((await store.getOperation(started.id))!.result).toBe('success');

    const valueB = samples((await b.telemetry.metrics()).body);
    expect(valueB('promote_lease_takeovers_total')).toBe(1);
    expect(valueB('promote_operations_started_total', { type: 'promote', promote_type: 'quality_check', trigger: 'takeover' })).toBe(1);
    expect(valueB('promote_operations_ended_total', { type: 'promote', promote_type: 'quality_check', result: 'success' })).toBe(1);
    expect(b.lines().find((line) => line['event'] === 'operation_started')).toMatchObject({ level: 'warn', operation_id: started.id, trigger: 'takeover' });
    expect(b.lines().find((line) => line['event'] === 'lease_taken_over')).toMatchObject({ level: 'info', operation_id: started.id, previous_holder: 'instance-a' });

    const valueA = samples((await a.telemetry.metrics()).body);
    expect(valueA('promote_lease_takeovers_total')).toBe(0);
    expect(valueA('promote_commit_duration_seconds_count', { outcome: 'fenced' })).toBe(1);
    expect(valueA('promote_operations_ended_total', { type: 'promote', promote_type: 'quality_check', result: 'unrecorded' })).toBe(1);
    expect(valueA('promote_operations_in_flight')).toBe(0);
    // Every entity has its result once: A's and B's committed entities add up to the operation's.
    const committed = (value: typeof valueA) =>
      (['created', 'updated', 'skipped', 'failed'] as const).reduce((sum, result) => sum + (value('promote_entities_total', { entity_type: 'quality_check', result }) ?? 0), 0);
    expect(committed(valueA) + committed(valueB)).toBe((await store.getOperation(started.id))!.status.total);
  });
});

describe('createTelemetry: JSON log lines', () => {
  test('one line per request with its id, method, path, route, status, duration, user and operation; never a token', async () => {
    const { telemetry, written, lines } = capturedTelemetry();
    const api = observedApi(telemetry);
    const started = await api.call('POST', '/api/operations/run', { json: exampleJson('requests/qc-seed.json'), headers: { 'x-request-id': 'req-42' } });
    await pollUntilFinished(api, started.body.id);
    await api.call('GET', '/api/datastores?size=1', { token: 'not-a-real-token-0x5ecret' });
    await api.call('GET', '/healthz', { token: null });
    await api.call('GET', '/api/nope');

    const requestLines = lines().filter((line) => line['request_id'] !== undefined);
    const run = requestLines.find((line) => line['request_id'] === 'req-42');
    expect(run).toEqual({
      level: 'info',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      pid: process.pid,
      hostname: expect.any(String),
      request_id: 'req-42',
      method: 'POST',
      path: '/api/operations/run',
      route: '/api/operations/run',
      status: 200,
      duration_ms: expect.any(Number),
      user: 'jane@example.com',
      operation_id: started.body.id,
      msg: 'POST /api/operations/run 200',
    });
    const polls = requestLines.filter((line) => line['route'] === '/api/operations/{id}');
    expect(polls.length).toBeGreaterThan(0);
    expect(polls.every((line) => line['operation_id'] === started.body.id && line['path'] === `/api/operations/${started.body.id}`)).toBe(true);
    const refused = requestLines.find((line) => line['status'] === 401);
    expect(refused).toMatchObject({ level: 'info', path: '/api/datastores', route: '/api/datastores' });
    expect(refused).not.toHaveProperty('user');
    // The probe is logged at debug: below the default level.
    expect(requestLines.some((line) => line['path'] === '/healthz')).toBe(false);
    expect(requestLines.find((line) => line['path'] === '/api/nope')).toMatchObject({ status: 404, route: 'unmatched' });
    // One line per request: the run, the polls, the refusal, the unknown path.
    expect(requestLines).toHaveLength(3 + polls.length);

    const everything = written.join('');
    for (const secret of [tokens.jane, 'not-a-real-token-0x5ecret', 'Bearer', 'size=1']) expect([secret, everything.includes(secret)]).toEqual([secret, false]);
    expect(written.every((line) => line.endsWith('\n') && !line.slice(0, -1).includes('\n'))).toBe(true);
  });

  test('one line per operation start, end and abort with its id; commits and Dataplane calls at debug; debug shows probes too', async () => {
    const { telemetry, lines } = capturedTelemetry({ level: 'debug' });
    const hold = gate();
    const calling = gate();
    const api = observedApi(telemetry, {
      latencyMs: 1,
      sleep: () => {
        calling.open();
        return hold.opened;
      },
    });
    const started = await api.call('POST', '/api/operations/run', { json: exampleJson('requests/qc-all-active.json'), headers: { 'x-request-id': 'run-1' } });
    const id = started.body.id as number;
    // Aborted once a Dataplane call is in flight (held): the abort waits for the turn, which waits for the call.
    await calling.opened;
    const abort = api.call('PUT', `/api/operations/abort/${id}`, { headers: { 'x-request-id': 'abort-1' } });
    await new Promise((resolve) => setTimeout(resolve, 20));
    hold.open();
    expect((await abort).body).toMatchObject({ result: 'aborted', aborted_by: 'jane@example.com', stopped: true });
    await api.call('GET', '/readyz', { token: null });

    const events = lines().filter((line) => line['event'] !== undefined);
    const operationLines = events.filter((line) => line['event'].startsWith('operation_'));
    expect(operationLines.map(({ level, event, operation_id }) => ({ level, event, operation_id }))).toEqual([
      { level: 'info', event: 'operation_started', operation_id: id },
      { level: 'info', event: 'operation_abort_requested', operation_id: id },
      { level: 'info', event: 'operation_ended', operation_id: id },
    ]);
    expect(operationLines[0]).toMatchObject({ type: 'promote', promote_type: 'quality_check', trigger: 'new', msg: `operation ${id} started` });
    expect(operationLines[1]).toMatchObject({ aborted_by: 'jane@example.com', msg: `operation ${id} abort requested` });
    expect(operationLines[2]).toMatchObject({ result: 'aborted', message: null, status: { total: 25 }, duration_ms: expect.any(Number), msg: `operation ${id} ended: aborted` });
    const abortLine = lines().find((line) => line['request_id'] === 'abort-1');
    expect(abortLine).toMatchObject({ method: 'PUT', route: '/api/operations/abort/{id}', status: 200, operation_id: id });
    // The held calls were answered after the abort: aborted, not errors of the Dataplane.
    const calls = events.filter((line) => line['event'] === 'dataplane_call');
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((line) => line['level'] === 'debug' && line['outcome'] === 'aborted' && line['operation_id'] === id)).toBe(true);
    expect(samples((await telemetry.metrics()).body)('promote_dataplane_call_duration_seconds_count', { outcome: 'aborted' })).toBe(calls.length);
    const probe = lines().find((line) => line['path'] === '/readyz');
    expect(probe).toMatchObject({ level: 'debug', status: 200, route: '/readyz' });
  });

  test('a failed operation ends at warn; a defect is one error line with the request id and the stack; silent writes nothing', async () => {
    const { telemetry, lines } = capturedTelemetry();
    const api = observedApi(telemetry, { failCheck: () => 'no such column' });
    const started = await api.call('POST', '/api/operations/run', { json: oneActiveCheck });
    await pollUntilFinished(api, started.body.id);
    expect(lines().find((line) => line['event'] === 'operation_ended')).toMatchObject({ level: 'warn', result: 'failure' });

    telemetry.logDefect(new Error('boom'), new Request('http://localhost/api/operations/7?token=x'), 'req-9');
    expect(lines().at(-1)).toMatchObject({ level: 'error', msg: 'internal error', request_id: 'req-9', method: 'GET', path: '/api/operations/7', err: { message: 'boom', stack: expect.stringContaining('Error: boom') } });

    const quiet = capturedTelemetry({ level: 'silent' });
    const silentApi = observedApi(quiet.telemetry);
    const run = await silentApi.call('POST', '/api/operations/run', { json: exampleJson('requests/qc-seed.json') });
    await pollUntilFinished(silentApi, run.body.id);
    expect(quiet.written).toEqual([]);
  });

  test('a field named authorization or token is written as ***', () => {
    const { telemetry, written } = capturedTelemetry();
    telemetry.logger.info({ authorization: 'Bearer jane-token', token: 'jane-token', request: { headers: { authorization: 'Bearer jane-token' } } }, 'careless');
    expect(written.join('')).not.toContain('jane-token');
    expect(JSON.parse(written[0] as string)).toMatchObject({ authorization: '***', token: '***' });
  });

  test('isLogLevel knows the levels of --log-level', () => {
    expect(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].every(isLogLevel)).toBe(true);
    expect(isLogLevel('verbose')).toBe(false);
    expect(isLogLevel('INFO')).toBe(false);
  });
});
