import { existsSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createPromoter, createReferenceDataplane } from '@promote/core';
import { createApp } from '@promote/http';
import { openSqliteStore } from '@promote/store-sqlite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createHttpServer } from './http-server.js';
import { removeTempDirectories, root, tempDirectory } from './testing/built-cli.js';
import { promoteInProcess as promote } from './testing/in-process-cli.js';

const exampleWorld = join(root, 'docs/examples/world.json');
const qcSeed = join(root, 'docs/examples/requests/qc-seed.json');
const jane = ['--as', 'jane@example.com'];

afterAll(removeTempDirectories);

describe('promote init', () => {
  test('creates a database from a world without serving it; refuses one that holds a world; an invalid world leaves no file', async () => {
    const db = join(tempDirectory(), 'promote.sqlite');
    const created = await promote(['init', '--world', exampleWorld, '--db', db]);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^Created .*promote\.sqlite from .*world\.json: \d+ datastores, \d+ containers, \d+ quality checks/);
    expect(created.stdout).not.toContain('-token');
    const store = await openSqliteStore({ filename: db });
    expect(await store.isEmpty()).toBe(false);
    await store.close();

    const again = await promote(['init', '--world', exampleWorld, '--db', db]);
    expect(again.code).toBe(2);
    expect(again.stderr.trimEnd()).toBe(`promote init: the database ${db} already holds a world: delete it to start over, or use it as it is (see: promote init --help)`);

    const directory = tempDirectory({ 'bad.json': { users: [{ id: 1, email: 'x', role: 'member' }] } });
    const invalid = await promote(['init', '--world', join(directory, 'bad.json'), '--db', join(directory, 'new.sqlite')]);
    expect(invalid.code).toBe(2);
    expect(existsSync(join(directory, 'new.sqlite'))).toBe(false);
  });
});

describe('list, status, abort, resume, rerun on a database (--db)', () => {
  let db: string;
  beforeAll(async () => {
    db = join(tempDirectory(), 'promote.sqlite');
    expect((await promote(['init', '--world', exampleWorld, '--db', db])).code).toBe(0);
    expect((await promote(['run', '--db', db, ...jane, '--request', qcSeed])).code).toBe(0);
  });

  test('list: a table of the operations, newest first, and the page; --json is the API answer', async () => {
    const listed = await promote(['list', '--db', db, ...jane]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^id\s+type\s+result\s+started\s+by\s+processed\s+source → destination\n1\s+quality_check\s+success\s+\S+\s+jane@example\.com\s+5 \/ 5\s+Staging Warehouse → Production Warehouse\nPage 1 of 1 \(1 operations\)\n$/);
    const json = JSON.parse((await promote(['list', '--db', db, ...jane, '--json', '--result', 'success'])).stdout);
    expect(json).toMatchObject({ total: 1, page: 1, items: [{ id: 1, result: 'success' }] });
    const none = await promote(['list', '--db', db, ...jane, '--result', 'aborted']);
    expect(none.stdout).toContain('No operations.');
    const bad = await promote(['list', '--db', db, ...jane, '--result', 'done']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^promote list: refused \(422\)/);
  });

  test('status, then abort of an ended operation (nothing changes), resume refused, rerun runs here to its end', async () => {
    const status = await promote(['status', '1', '--db', db, ...jane]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^Operation 1: promote quality_check, .*: success\n  5 total: 3 created, 1 updated, 1 skipped, 0 failed\n$/);
    const aborted = await promote(['abort', '1', '--db', db, ...jane]);
    expect(aborted.code).toBe(0);
    expect(aborted.stdout).toContain('It had already ended: nothing changed.');
    const resumed = await promote(['resume', '1', '--db', db, ...jane]);
    expect(resumed.code).toBe(2);
    expect(resumed.stderr).toMatch(/^promote resume: refused \(409\): Operation 1 is success; only an aborted or failed operation can be resumed/);
    const rerun = await promote(['rerun', '1', '--db', db, ...jane, '--json']);
    expect(rerun.code).toBe(0);
    expect(JSON.parse(rerun.stdout)).toMatchObject({ id: 2, result: 'success', status: { total: 5, skipped: 5 } });
    const viewer = await promote(['abort', '1', '--db', db, '--as', 'victor@example.com']);
    expect(viewer.code).toBe(2);
    expect(viewer.stderr).toMatch(/^promote abort: refused \(403\)/);
  });

  test('usage errors: no ID, a bad ID, both or neither of --db and --url, an unknown user', async () => {
    expect((await promote(['status', '--db', db, ...jane])).stderr).toContain('missing the operation ID');
    expect((await promote(['status', 'x1', '--db', db, ...jane])).stderr).toContain("the operation ID must be a whole number from 1, not 'x1'");
    expect((await promote(['status', '1', '--db', db, '--url', 'http://x', ...jane])).stderr).toContain('give --db FILE --as EMAIL, or --url URL');
    expect((await promote(['status', '1'])).stderr).toContain('give --db FILE --as EMAIL, or --url URL');
    const unknown = await promote(['status', '1', '--db', db, '--as', 'nobody@example.com']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^promote status: unknown user nobody@example\.com/);
  });
});

describe('list, status, abort, rerun on a server (--url, --token or PROMOTE_TOKEN)', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    const store = await openSqliteStore({ filename: ':memory:' });
    const world = JSON.parse(readFileSync(exampleWorld, 'utf8'));
    const { loadWorld } = await import('@promote/core');
    (await loadWorld(store, world))._unsafeUnwrap();
    const promoter = createPromoter({ store, dataplane: createReferenceDataplane() });
    const started = (await promoter.run({ email: 'jane@example.com' }, JSON.parse(readFileSync(qcSeed, 'utf8'))))._unsafeUnwrap();
    await promoter.waitFor(started.id);
    server = createHttpServer({ fetch: createApp({ promoter }).fetch, hostname: '127.0.0.1' });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('the same answers through the HTTP API; the token from --token or PROMOTE_TOKEN', async () => {
    const listed = await promote(['list', '--url', url, '--token', 'jane-token']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/\n1\s+quality_check\s+success/);
    const status = await promote(['status', '1', '--url', url], { env: { PROMOTE_TOKEN: 'jane-token' } });
    expect(status.stdout).toMatch(/^Operation 1: promote quality_check/);
    const rerun = await promote(['rerun', '1', '--url', url, '--token', 'jane-token', '--json']);
    expect(rerun.code).toBe(0);
    expect(JSON.parse(rerun.stdout)).toMatchObject({ id: 2, result: 'running' });
  });

  test('a wrong token is refused (401); no token is a usage error; a server that is not there is one line, exit 1', async () => {
    const wrong = await promote(['status', '1', '--url', url, '--token', 'nope']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr.trimEnd()).toBe('promote status: refused (401): Invalid bearer token');
    expect((await promote(['status', '1', '--url', url], { env: { PROMOTE_TOKEN: '' } })).stderr).toContain('give --token TOKEN (or set PROMOTE_TOKEN)');
    expect((await promote(['status', '1', '--url', 'ftp://x', '--token', 't'])).stderr).toContain("--url must be an http:// or https:// address, not 'ftp://x'");
    // A port nobody listens on any more.
    const closed = createHttpServer({ fetch: () => new Response(), hostname: '127.0.0.1' });
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const gone = await promote(['status', '1', '--url', `http://127.0.0.1:${port}`, '--token', 't']);
    expect(gone.code).toBe(1);
    expect(gone.stderr.trimEnd()).toBe(`promote status: cannot reach http://127.0.0.1:${port}: ECONNREFUSED`);
  });
});

describe('reviewed plans: promote plan --out, promote run --plan', () => {
  test('the plan of the database runs exactly as reviewed; once the database changed, the same plan file is refused (409) and writes nothing', async () => {
    const directory = tempDirectory();
    const db = join(directory, 'promote.sqlite');
    const planFile = join(directory, 'plan.json');
    expect((await promote(['init', '--world', exampleWorld, '--db', db])).code).toBe(0);
    const planned = await promote(['plan', '--db', db, ...jane, '--request', qcSeed, '--out', planFile]);
    expect(planned.code).toBe(0);
    expect(planned.stdout).toMatch(/plan fingerprint sha256:[0-9a-f]{64} \(run exactly this plan/);
    const saved = JSON.parse(readFileSync(planFile, 'utf8'));
    expect(saved.request).toEqual(JSON.parse(readFileSync(qcSeed, 'utf8')));
    expect(saved.plan_fingerprint).toBe(saved.plan.plan_fingerprint);

    const run = await promote(['run', '--db', db, ...jane, '--plan', planFile, '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ id: 1, result: 'success', status: saved.plan.status });

    const again = await promote(['run', '--db', db, ...jane, '--plan', planFile]);
    expect(again.code).toBe(2);
    expect(again.stdout).toContain('refused (409): The plan changed since it was reviewed');
    expect(JSON.parse((await promote(['list', '--db', db, ...jane, '--json'])).stdout).total).toBe(1);
  });

  test('a file that is not a plan, both --request and --plan, --out with several requests, --db for simulate: each refused', async () => {
    const directory = tempDirectory({ 'not-a-plan.json': { type: 'promote_quality_check' } });
    const db = join(directory, 'promote.sqlite');
    expect((await promote(['init', '--world', exampleWorld, '--db', db])).code).toBe(0);
    const notPlan = await promote(['run', '--db', db, ...jane, '--plan', join(directory, 'not-a-plan.json')]);
    expect(notPlan.code).toBe(2);
    expect(notPlan.stderr).toContain('not a plan file of promote plan --out');
    expect((await promote(['run', '--db', db, ...jane, '--plan', join(directory, 'not-a-plan.json'), '--request', qcSeed])).stderr).toContain('give --request FILE or --plan FILE');
    expect((await promote(['plan', '--db', db, ...jane, '--request', qcSeed, '--request', qcSeed, '--out', join(directory, 'p.json')])).stderr).toContain('--out writes the plan of one request');
    expect((await promote(['simulate', '--db', db, ...jane, '--request', qcSeed])).stderr).toContain('--db is for promote plan');
    expect((await promote(['plan', ...jane, '--request', qcSeed])).stderr).toContain('give --world FILE or --db FILE');
  });
});
