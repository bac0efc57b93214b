import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { createTestDatabase } from '@promote/test-postgres';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { buildCli, removeTempDirectories, root, startPromote, tempDirectory } from './testing/built-cli.js';
import { killServes, serve, trackServe } from './testing/serve-process.js';
import { promoteInProcess } from './testing/in-process-cli.js';

const exampleWorld = join(root, 'docs/examples/world.json');
const seedBody = (name: string): unknown => JSON.parse(readFileSync(join(root, 'docs/examples/requests', `${name}.json`), 'utf8'));

async function api(base: string, method: string, path: string, body?: unknown, token = 'jane-token') {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as any };
}

async function pollUntilFinished(base: string, id: number) {
  for (let attempt = 0; attempt < 500; attempt++) {
    const answer = await api(base, 'GET', `/api/operations/${id}`);
    if (answer.status !== 200 || answer.body.result !== 'running') return answer;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`operation ${id} never finished`);
}

afterEach(killServes);
beforeAll(buildCli, 180_000);
afterAll(removeTempDirectories);

describe('promote serve', () => {
  test('--port 0 --db :memory: serves the example world; the seed\'s example bodies work as written', async () => {
    const server = await serve(['--world', exampleWorld, '--port', '0', '--db', ':memory:']);
    expect(server.base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.output()).toMatch(/jane@example\.com\s+member\s+jane-token/);
    expect(server.output()).toMatch(/admin@example\.com\s+admin\s+admin-token/);

    const started = await api(server.base, 'POST', '/api/operations/run', seedBody('qc-seed'));
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({ id: 1, result: 'running', status: { total: 5 } });
    const finished = await pollUntilFinished(server.base, started.body.id);
    expect(finished.body).toMatchObject({ result: 'success', status: { total: 5, created: 3, updated: 1, skipped: 1, failed: 0 } });
    expect(finished.body.results[0]).toMatchObject({ source_entity_id: 101, result: 'created', destination_entity_id: 201, message: null });

    const created = await api(server.base, 'GET', `/api/operations/${started.body.id}/quality-checks?promote_result=created`);
    expect(created.status).toBe(200);
    expect(created.body.total).toBe(3);
    expect(created.body.items.every((item: { result: string }) => item.result === 'created')).toBe(true);
    const searched = await api(server.base, 'GET', `/api/operations/${started.body.id}/quality-checks?search=email`);
    expect(searched.body.items.map((item: { source_entity_id: number }) => item.source_entity_id)).toContain(101);

    for (const name of ['computed-field-seed', 'computed-table-seed']) {
      const operation = await api(server.base, 'POST', '/api/operations/run', seedBody(name));
      expect([name, operation.status]).toEqual([name, 200]);
      const done = await pollUntilFinished(server.base, operation.body.id);
      expect([name, done.body.result]).toEqual([name, 'success']);
    }
    const fieldResults = await api(server.base, 'GET', '/api/operations/2/fields');
    expect(fieldResults.body.total).toBe(3);
    const tableResults = await api(server.base, 'GET', '/api/operations/3/containers?promote_result=failed');
    expect(tableResults.body.items.map((item: { source_entity_id: number }) => item.source_entity_id)).toEqual([42]);
    expect((await api(server.base, 'POST', '/api/operations/run', seedBody('computed-file-seed'))).status).toBe(422);

    expect((await api(server.base, 'GET', '/api/operations/1', undefined, 'wrong-token')).status).toBe(401);
    const docs = await fetch(`${server.base}/api/docs`);
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-type')).toMatch(/^text\/html/);

    expect(await server.stop()).toBe(0);
    expect(server.output()).toMatch(/Stopped\.\n$/);
  });

  test('a database file keeps its world and operations across restarts; PORT sets the port', async () => {
    const directory = tempDirectory();
    const db = join(directory, 'promote.sqlite');
    const first = await serve(['--world', exampleWorld, '--db', db], { PORT: '0' });
    expect(first.output()).toMatch(/^Loaded .*world\.json into .*promote\.sqlite: 4 datastores/m);
    const operation = await api(first.base, 'POST', '/api/operations/run', seedBody('qc-seed'));
    await pollUntilFinished(first.base, operation.body.id);
    expect(await first.stop()).toBe(0);

    const second = await serve(['--db', db, '--port', '0']);
    expect(second.output()).toMatch(/^Using the world already in .*promote\.sqlite$/m);
    // Tokens are secrets: shown when the database was created, not at every start.
    expect(second.output()).not.toContain('jane-token');
    expect(second.output()).toMatch(/^Bearer tokens are not printed again/m);
    const kept = await api(second.base, 'GET', `/api/operations/${operation.body.id}`);
    expect(kept.body).toMatchObject({ result: 'success', status: { created: 3 } });
    const again = await api(second.base, 'POST', '/api/operations/run', seedBody('qc-seed'));
    const skipped = await pollUntilFinished(second.base, again.body.id);
    expect(skipped.body.status).toEqual({ total: 5, created: 0, updated: 0, skipped: 5, failed: 0 });
    expect(await second.stop()).toBe(0);
  });

  test('SIGTERM the moment "Listening on" is printed stops it cleanly, every time (issue 17)', async () => {
    const attempts = 6;
    const began = performance.now();
    const outcomes = await Promise.all(
      Array.from({ length: attempts }, async () => {
        const child = trackServe(startPromote(['serve', '--world', exampleWorld, '--port', '0', '--db', ':memory:']));
        let stdout = '';
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          const first = !stdout.includes('Listening on');
          stdout += chunk;
          if (first && stdout.includes('Listening on')) child.kill('SIGTERM');
        });
        const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
        return { code, signal, stopped: stdout.includes('Stopped.') };
      }),
    );
    console.log(`${attempts} serve children started and stopped in ${(performance.now() - began).toFixed(0)} ms`);
    expect(outcomes).toEqual(Array(attempts).fill({ code: 0, signal: null, stopped: true }));
  });

  test('JSON log lines on stdout: one per request with its X-Request-Id, one per operation start and end; no token in any; --metrics-port moves /metrics', async () => {
    const server = await serve(['--world', exampleWorld, '--port', '0', '--db', ':memory:', '--metrics-port', '0']);
    const metricsBase = /metrics: (http:\/\/[^\s]+)\/metrics;/.exec(server.output())?.[1];
    expect(metricsBase).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(metricsBase).not.toBe(server.base);
    const response = await fetch(`${server.base}/api/operations/run`, {
      method: 'POST',
      headers: { authorization: 'Bearer jane-token', 'content-type': 'application/json', 'x-request-id': 'cli-run-1' },
      body: JSON.stringify(seedBody('qc-seed')),
    });
    expect(response.headers.get('x-request-id')).toBe('cli-run-1');
    const { id } = (await response.json()) as { id: number };
    await pollUntilFinished(server.base, id);
    expect((await fetch(`${server.base}/readyz`)).status).toBe(200);
    expect((await fetch(`${server.base}/metrics`)).status).toBe(404);
    const metrics = await (await fetch(`${metricsBase}/metrics`)).text();
    expect(metrics).toMatch(/^promote_entities_total\{entity_type="quality_check",result="created"\} 3$/m);
    // prom-client's process metrics, in serve only.
    expect(metrics).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(await server.stop()).toBe(0);

    const logLines = server
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logLines.find((line) => line['request_id'] === 'cli-run-1')).toMatchObject({ level: 'info', method: 'POST', path: '/api/operations/run', status: 200, user: 'jane@example.com', operation_id: id, holder: expect.any(String) });
    expect(logLines.filter((line) => line['operation_id'] === id && typeof line['event'] === 'string').map((line) => [line['event'], line['result']])).toEqual([
      ['operation_started', undefined],
      ['operation_ended', 'success'],
    ]);
    // The probe is below info.
    expect(logLines.some((line) => line['path'] === '/readyz')).toBe(false);
    expect(JSON.stringify(logLines)).not.toMatch(/-token|Bearer/);
  });

  test('--log-level silent writes no log line; PROMOTE_LOG_LEVEL sets it too', async () => {
    const server = await serve(['--world', exampleWorld, '--port', '0', '--db', ':memory:'], { PROMOTE_LOG_LEVEL: 'silent' });
    const started = await api(server.base, 'POST', '/api/operations/run', seedBody('qc-seed'));
    await pollUntilFinished(server.base, started.body.id);
    expect(await server.stop()).toBe(0);
    expect(server.output()).toContain('JSON logs on stdout at silent');
    expect(server.output().split('\n').filter((line) => line.startsWith('{'))).toEqual([]);
  });

  // Refused before any server starts: in this process, through runCli.
  test('refusals before listening: bad port, empty database without a world, invalid world, port in use', async () => {
    const badPort = await promoteInProcess(['serve', '--world', exampleWorld, '--db', ':memory:', '--port', 'eighty']);
    expect(badPort.code).toBe(2);
    expect(badPort.stderr.trimEnd()).toBe("promote serve: --port must be a port number 0..65535, not 'eighty' (see: promote serve --help)");
    const badEnvironmentPort = await promoteInProcess(['serve', '--world', exampleWorld, '--db', ':memory:'], { env: { PORT: '70000' } });
    expect(badEnvironmentPort.code).toBe(2);
    expect(badEnvironmentPort.stderr).toContain('PORT must be a port number');
    const badLease = await promoteInProcess(['serve', '--world', exampleWorld, '--db', ':memory:', '--lease-ttl', '10']);
    expect(badLease.code).toBe(2);
    expect(badLease.stderr.trimEnd()).toBe("promote serve: --lease-ttl must be a whole number of milliseconds, at least 300, not '10' (see: promote serve --help)");
    const badLatency = await promoteInProcess(['serve', '--world', exampleWorld, '--db', ':memory:', '--dataplane-latency', 'slow']);
    expect(badLatency.code).toBe(2);
    expect(badLatency.stderr.trimEnd()).toBe("promote serve: --dataplane-latency must be a whole number of milliseconds, not 'slow' (see: promote serve --help)");

    const empty = await promoteInProcess(['serve', '--db', ':memory:', '--port', '0']);
    expect(empty.code).toBe(2);
    expect(empty.stderr.trimEnd()).toBe('promote serve: the database :memory: holds no world yet: give --world FILE to load one');

    // A file that does not exist is not created without a world to load into it.
    const fresh = join(tempDirectory(), 'new.sqlite');
    const missing = await promoteInProcess(['serve', '--db', fresh, '--port', '0']);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trimEnd()).toBe(`promote serve: the database ${fresh} does not exist: give --world FILE to create it from a world`);
    expect(existsSync(fresh)).toBe(false);

    const badLevel = await promoteInProcess(['serve', '--world', exampleWorld, '--db', ':memory:', '--log-level', 'verbose']);
    expect(badLevel.code).toBe(2);
    expect(badLevel.stderr.trimEnd()).toBe("promote serve: --log-level must be one of fatal, error, warn, info, debug, trace, silent; not 'verbose' (see: promote serve --help)");
    const badEnvironmentLevel = await promoteInProcess(['serve', '--world', exampleWorld, '--db', ':memory:'], { env: { PROMOTE_LOG_LEVEL: 'INFO' } });
    expect([badEnvironmentLevel.code, badEnvironmentLevel.stderr.trimEnd().split('\n')]).toEqual([2, [expect.stringMatching(/^promote serve: PROMOTE_LOG_LEVEL must be one of .*; not 'INFO'/)]]);
    const badMetricsPort = await promoteInProcess(['serve', '--world', exampleWorld, '--db', ':memory:', '--metrics-port', '9O9O']);
    expect([badMetricsPort.code, badMetricsPort.stderr.trimEnd()]).toEqual([2, "promote serve: --metrics-port must be a port number 0..65535, not '9O9O' (see: promote serve --help)"]);

    const directory = tempDirectory({ 'world.json': { users: [{ id: 1, email: 'x', role: 'member' }] } });
    const invalid = await promoteInProcess(['serve', '--world', join(directory, 'world.json'), '--db', ':memory:', '--port', '0']);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/^promote serve: invalid world /);

    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const busy = await promoteInProcess(['serve', '--world', exampleWorld, '--db', ':memory:', '--port', String(port)]);
      expect(busy.code).toBe(1);
      expect(busy.stderr.trimEnd()).toBe(`promote serve: cannot listen on 127.0.0.1:${port}: address already in use (EADDRINUSE)`);
      // A database this start created from the world is removed again when it cannot listen.
      const loaded = join(tempDirectory(), 'loaded.sqlite');
      const busyFile = await promoteInProcess(['serve', '--world', exampleWorld, '--db', loaded, '--port', String(port)]);
      expect(busyFile.code).toBe(1);
      expect(readdirSync(dirname(loaded))).toEqual([]);
      // The metrics port in use: the same one line, and nothing left listening.
      const metricsBusy = await promoteInProcess(['serve', '--world', exampleWorld, '--db', ':memory:', '--port', '0', '--metrics-port', String(port)]);
      expect([metricsBusy.code, metricsBusy.stderr.trimEnd()]).toEqual([1, `promote serve: cannot listen on 127.0.0.1:${port}: address already in use (EADDRINUSE)`]);
    } finally {
      blocker.close();
    }
  });
});

describe('promote on PostgreSQL', () => {
  test('--db postgres://… serves the example world from PostgreSQL; a restart through PROMOTE_DATABASE_URL keeps world and operations; the password is never printed', async () => {
    const url = await createTestDatabase('cli-serve');
    const password = new URL(url).password;
    const shown = url.replace(`:${password}@`, ':***@');
    const first = await serve(['--world', exampleWorld, '--db', url, '--port', '0']);
    expect(first.output()).toContain(`Loaded ${exampleWorld} into ${shown}: 4 datastores`);
    const operation = await api(first.base, 'POST', '/api/operations/run', seedBody('qc-seed'));
    const finished = await pollUntilFinished(first.base, operation.body.id);
    expect(finished.body).toMatchObject({ result: 'success', status: { total: 5, created: 3, updated: 1, skipped: 1, failed: 0 } });
    expect(await first.stop()).toBe(0);
    expect(first.output()).not.toContain(password);

    const second = await serve(['--port', '0'], { PROMOTE_DATABASE_URL: url });
    expect(second.output()).toMatch(new RegExp(`^Using the world already in ${shown.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
    expect((await api(second.base, 'GET', `/api/operations/${operation.body.id}`)).body).toMatchObject({ result: 'success', status: { created: 3 } });
    const again = await api(second.base, 'POST', '/api/operations/run', seedBody('qc-seed'));
    expect((await pollUntilFinished(second.base, again.body.id)).body.status).toEqual({ total: 5, created: 0, updated: 0, skipped: 5, failed: 0 });
    expect(await second.stop()).toBe(0);
    expect(second.output()).not.toContain(password);
  });

  test('refusals at start: a bad URL, a refused connection, wrong credentials, a missing database, an empty one without a world — one line each, no password', async () => {
    const url = new URL(await createTestDatabase('cli-serve-refusals'));
    const refusal = async (db: string, env: NodeJS.ProcessEnv = {}) => {
      const result = await promoteInProcess(['serve', '--port', '0', ...(db === '' ? [] : ['--db', db])], { env });
      expect(result.stdout).toBe('');
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(result.stderr).not.toContain('s3cret');
      expect(result.stderr).not.toContain(url.password);
      return { code: result.code, line: result.stderr.trimEnd() };
    };
    const at = (change: (copy: URL) => void) => {
      const copy = new URL(url);
      change(copy);
      return copy.toString();
    };

    expect(await refusal('postgres://promote:s3cret@db.internal:port/promote')).toEqual({
      code: 2,
      line: 'promote serve: cannot open database postgres://promote:***@db.internal:port/promote: not a valid URL (postgres://USER:PASSWORD@HOST:PORT/DATABASE)',
    });
    const refused = await refusal(at((copy) => ((copy.port = '1'), (copy.password = 's3cret'))));
    expect(refused.code).toBe(2);
    expect(refused.line).toMatch(/^promote serve: cannot open database postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/\w+: the server refused the connection \(ECONNREFUSED\)$/);
    const wrongPassword = await refusal(at((copy) => (copy.password = 's3cret')));
    expect(wrongPassword).toEqual({ code: 2, line: expect.stringMatching(/^promote serve: cannot open database postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/\w+: password authentication failed for user "postgres"$/) });
    const missing = await refusal(at((copy) => (copy.pathname = '/no_such_database')));
    expect(missing.line).toMatch(/: database "no_such_database" does not exist$/);
    // Through the environment, as an operator would give it.
    const empty = await refusal('', { PROMOTE_DATABASE_URL: url.toString() });
    expect(empty).toEqual({ code: 2, line: `promote serve: the database ${url.toString().replace(`:${url.password}@`, ':***@')} holds no world yet: give --world FILE to load one` });
  });

  test('init, run, list and export take a postgres:// --db as well, and never print its password', async () => {
    const url = await createTestDatabase('cli-commands');
    const password = new URL(url).password;
    const init = await promoteInProcess(['init', '--world', exampleWorld, '--db', url]);
    expect(init).toMatchObject({ code: 0, stderr: '' });
    expect(init.stdout).toMatch(/^Created postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/\w+ from .*world\.json: 4 datastores/);
    const run = await promoteInProcess(['run', '--db', url, '--as', 'jane@example.com', '--request', join(root, 'docs/examples/requests/qc-seed.json'), '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ result: 'success', status: { total: 5, created: 3, updated: 1, skipped: 1, failed: 0 } });
    const list = await promoteInProcess(['list', '--db', url, '--as', 'jane@example.com', '--json']);
    expect(JSON.parse(list.stdout)).toMatchObject({ total: 1, items: [{ id: 1, result: 'success' }] });
    const exported = await promoteInProcess(['export', '--db', url]);
    expect(JSON.parse(exported.stdout).quality_checks.length).toBeGreaterThan(5);
    for (const output of [init, run, list, exported]) expect(output.stdout + output.stderr).not.toContain(password);
    const again = await promoteInProcess(['init', '--world', exampleWorld, '--db', url]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('postgres://postgres:***@');
  });
});
