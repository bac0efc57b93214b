import { readFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadWorld } from '@promote/core';
import { operationSchema, planSchema } from '@promote/http';
import { openSqliteStore } from '@promote/store-sqlite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildCli, internals, promote as promoteBuilt, removeTempDirectories, root, startPromote, tempDirectory } from './testing/built-cli.js';
import { promoteInProcess as promote } from './testing/in-process-cli.js';

const exampleWorld = join(root, 'docs/examples/world.json');
const request = (name: string) => join(root, 'docs/examples/requests', `${name}.json`);

/** Two warehouses; in production `amount` is a string, so a `min_value` check on it fails validation. */
const smallWorld = {
  users: [
    { id: 1, email: 'jane@example.com', role: 'member', token: 'jane-token' },
    { id: 2, email: 'victor@example.com', role: 'member', token: 'viewer-token' },
  ],
  teams: [
    { id: 1, name: 'Engineers', members: [1], permissions: { '1': 'editor', '2': 'editor' } },
    { id: 2, name: 'Analysts', members: [2], permissions: { '1': 'viewer', '2': 'viewer' } },
  ],
  datastores: [
    { id: 1, name: 'Staging', store_type: 'jdbc' },
    { id: 2, name: 'Production', store_type: 'jdbc' },
  ],
  containers: [
    { id: 10, datastore_id: 1, name: 'orders', container_type: 'table', fields: [{ name: 'amount', type: 'integral' }, { name: 'email', type: 'string' }] },
    { id: 20, datastore_id: 2, name: 'orders', container_type: 'table', fields: [{ name: 'amount', type: 'string' }, { name: 'email', type: 'string' }] },
  ],
  quality_checks: [
    { id: 1, container_id: 10, rule_type: 'min_value', fields: ['amount'], properties: { min: 0 }, description: 'No negative amounts' },
    { id: 2, container_id: 10, rule_type: 'not_null', fields: ['email'], description: 'Email present' },
  ],
};
const allChecks = { type: 'promote_quality_check', datastore_id: 1, container_id: 10, destination_container_id: 20 };
const failingCheck = { ...allChecks, check_ids: [1], as_draft: false };

// Most cases run the command in this process (`promote`); two run the built `dist/main.js`
// (`promoteBuilt`), so that the shipped file, its imports and its exit codes stay proven too.
beforeAll(buildCli, 180_000);
afterAll(removeTempDirectories);

describe.concurrent('promote simulate', () => {
  test('--json: one finished operation per request, in the shape of GET /api/operations/{id}; exit 0', async () => {
    const { code, stdout, stderr } = await promoteBuilt(['simulate', '--world', exampleWorld, '--as', 'jane@example.com', '--request', request('qc-seed'), '--json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const outcomes = JSON.parse(stdout);
    expect(outcomes).toHaveLength(1);
    expect(operationSchema.safeParse(outcomes[0]).success).toBe(true);
    expect(outcomes[0]).toMatchObject({
      id: 1,
      result: 'success',
      start_time: '2026-03-10T14:30:00Z',
      triggered_by: 'jane@example.com',
      status: { total: 5, created: 3, updated: 1, skipped: 1, failed: 0 },
    });
    expect(outcomes[0].results).toHaveLength(5);
    expect(outcomes[0].results[0]).toMatchObject({ source_entity_id: 101, result: 'created', destination_entity_id: 201 });
  });

  test('a reader that goes away ends it quietly: exit 0, no stack trace (`simulate … | head -2`)', async () => {
    const many = { ...smallWorld, quality_checks: Array.from({ length: 20_000 }, (_, index) => ({ id: index + 1, container_id: 10, rule_type: 'not_null', fields: ['email'], description: `check ${index + 1}` })) };
    const directory = tempDirectory({ 'world.json': many, 'all.json': allChecks });
    const child = startPromote(['simulate', '--world', join(directory, 'world.json'), '--as', 'jane@example.com', '--request', join(directory, 'all.json')]);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // Like `head`: read the first chunk, then close the pipe while the report is still being written.
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('exit', (exitCode) => resolve(exitCode)));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  test('--request - reads the request from standard input (once)', async () => {
    const child = startPromote(['simulate', '--world', exampleWorld, '--as', 'jane@example.com', '--request', '-', '--json']);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin.end(readFileSync(request('qc-seed')));
    const code = await new Promise<number | null>((resolve) => child.on('exit', (exitCode) => resolve(exitCode)));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)[0]).toMatchObject({ result: 'success', status: { total: 5, created: 3, updated: 1, skipped: 1, failed: 0 } });
    const twice = await promote(['simulate', '--world', exampleWorld, '--as', 'jane@example.com', '--request', '-', '--request', '-']);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('standard input (--request -) can be read once');
  });

  test('the readable report: a table per operation with messages and counts', async () => {
    const { code, stdout } = await promote(['simulate', '--world', exampleWorld, '--as', 'jane@example.com', '--request', request('qc-seed')]);
    expect(code).toBe(0);
    expect(stdout).toContain('Operation 1: promote quality_check, Staging Warehouse · orders (10) → Production Warehouse · orders (20): success');
    expect(stdout).toMatch(/101\s+matches_pattern "Email format validation"\s+created\s+201 \(draft\)/);
    expect(stdout).toContain("Promoted as Draft: source fields ['phone'] could not be resolved on the destination");
    expect(stdout).toContain('5 total: 3 created, 1 updated, 1 skipped, 0 failed');
  });

  test('a refused request is {"status", "detail"} and exit 2; the other requests still run, in order, on one world', async () => {
    const { code, stdout } = await promote([
      'simulate', '--world', exampleWorld, '--as', 'jane@example.com',
      '--request', request('qc-seed'), '--request', request('computed-file-seed'), '--request', request('qc-seed'), '--json',
    ]);
    expect(code).toBe(2);
    const [first, refused, again] = JSON.parse(stdout);
    expect(first.status.created).toBe(3);
    expect(refused).toEqual({ status: 422, detail: expect.any(String) });
    expect(Object.keys(refused)).toEqual(['status', 'detail']);
    expect(again).toMatchObject({ id: 2, status: { total: 5, skipped: 5 } });
  });

  test('a promotion and its revert, simulated offline: the revert names the operation by its position in the chain, or by id', async () => {
    const directory = tempDirectory({ 'by-position.json': { type: 'revert', operation_id: '#1' }, 'by-id.json': { type: 'revert', operation_id: 1 }, 'too-far.json': { type: 'revert', operation_id: '#3' } });
    const { code, stdout } = await promote([
      'simulate', '--world', exampleWorld, '--as', 'jane@example.com',
      '--request', request('qc-seed'), '--request', join(directory, 'by-position.json'), '--request', join(directory, 'by-id.json'), '--json',
    ]);
    expect(code).toBe(0);
    const [promotion, revert, again] = JSON.parse(stdout);
    expect(revert).toMatchObject({ id: 2, type: 'revert', reverted_operation_id: promotion.id, status: { total: 4, updated: 4 } });
    expect(again).toMatchObject({ type: 'revert', reverted_operation_id: 1, status: { total: 4, skipped: 4 } });
    const tooFar = await promote(['simulate', '--world', exampleWorld, '--as', 'jane@example.com', '--request', request('qc-seed'), '--request', join(directory, 'too-far.json')]);
    expect(tooFar.code).toBe(2);
    expect(tooFar.stderr).toContain('names request 3, which does not come before it');
  });

  test('shape errors keep their list of issues; permission refusals are 403', async () => {
    const directory = tempDirectory({ 'world.json': smallWorld, 'typo.json': { ...allChecks, check_tag: ['pii'] }, 'all.json': allChecks });
    const typo = await promote(['simulate', '--world', join(directory, 'world.json'), '--as', 'jane@example.com', '--request', join(directory, 'typo.json'), '--json']);
    expect(typo.code).toBe(2);
    expect(JSON.parse(typo.stdout)[0]).toEqual({ status: 422, detail: [{ loc: ['body', 'check_tag'], msg: 'Extra inputs are not permitted', type: 'extra_forbidden' }] });
    const viewer = await promote(['simulate', '--world', join(directory, 'world.json'), '--as', 'victor@example.com', '--request', join(directory, 'all.json')]);
    expect(viewer.code).toBe(2);
    expect(viewer.stdout).toMatch(/^Request 1 \(.*all\.json\) refused \(403\): /m);
  });

  test('exit 1 when an operation ends in failure', async () => {
    const directory = tempDirectory({ 'world.json': smallWorld, 'failing.json': failingCheck, 'all.json': allChecks });
    const { code, stdout } = await promote(['simulate', '--world', join(directory, 'world.json'), '--as', 'jane@example.com', '--request', join(directory, 'failing.json'), '--request', join(directory, 'all.json'), '--json']);
    expect(code).toBe(1);
    const [failed, accepted] = JSON.parse(stdout);
    expect(accepted).toMatchObject({ result: 'success', status: { created: 2 } });
    expect(failed).toMatchObject({ result: 'failure', status: { total: 1, failed: 1 } });
    expect(failed.results[0].message).toMatch(/^Validation failed: /);
  });

  test('--world-out writes the final world with lineage: a second simulation on it matches by lineage', async () => {
    const directory = tempDirectory({ 'world.json': smallWorld, 'all.json': allChecks });
    const out = join(directory, 'after.json');
    const first = await promote(['simulate', '--world', join(directory, 'world.json'), '--as', 'jane@example.com', '--request', join(directory, 'all.json'), '--world-out', out]);
    expect(first.code).toBe(0);
    const after = JSON.parse(readFileSync(out, 'utf8'));
    expect(after.quality_checks.filter((check: { container_id: number }) => check.container_id === 20)).toHaveLength(2);
    expect(after.lineage).toHaveLength(2);
    const second = await promote(['simulate', '--world', out, '--as', 'jane@example.com', '--request', join(directory, 'all.json'), '--json']);
    expect(JSON.parse(second.stdout)[0]).toMatchObject({ id: 1, status: { total: 2, skipped: 2 } });
  });
});

describe.concurrent('promote plan', () => {
  test('a dry run per request: id null, nothing written', async () => {
    const directory = tempDirectory({ 'world.json': smallWorld, 'all.json': allChecks });
    const out = join(directory, 'after.json');
    const { code, stdout } = await promote(['plan', '--world', join(directory, 'world.json'), '--as', 'jane@example.com', '--request', join(directory, 'all.json'), '--request', join(directory, 'all.json'), '--json', '--world-out', out]);
    expect(code).toBe(0);
    const plans = JSON.parse(stdout);
    expect(plans).toHaveLength(2);
    for (const plan of plans) {
      expect(planSchema.safeParse(plan).success).toBe(true);
      expect(plan).toMatchObject({ id: null, status: { total: 2, created: 2 } });
    }
    expect(JSON.parse(readFileSync(out, 'utf8')).quality_checks).toHaveLength(2);
    const readable = await promote(['plan', '--world', join(directory, 'world.json'), '--as', 'jane@example.com', '--request', join(directory, 'all.json')]);
    expect(readable.stdout).toMatch(/^Plan \(dry run, nothing written\): promote quality_check/);
  });

  test('exit 1 when the plan fails, 2 when refused', async () => {
    const directory = tempDirectory({ 'world.json': smallWorld, 'failing.json': failingCheck, 'same.json': { ...allChecks, destination_container_id: 10 } });
    const failing = await promote(['plan', '--world', join(directory, 'world.json'), '--as', 'jane@example.com', '--request', join(directory, 'failing.json')]);
    expect(failing.code).toBe(1);
    const same = await promote(['plan', '--world', join(directory, 'world.json'), '--as', 'jane@example.com', '--request', join(directory, 'same.json'), '--json']);
    expect(same.code).toBe(2);
    expect(JSON.parse(same.stdout)).toEqual([{ status: 422, detail: 'Source and destination must be different' }]);
  });
});

describe.concurrent('errors a person can act on: one clear line, non-zero exit, no stack', () => {
  test('an invalid world lists every problem: shape problems first, then references', async () => {
    const shapes = { ...smallWorld, users: [{ id: 1, email: 'not-an-email', role: 'member' }, { id: 2, email: 'victor@example.com', role: 'boss' }], quality_checks: [{ id: 2, rule_type: 'not_null' }] };
    const references = {
      ...smallWorld,
      datastores: [...smallWorld.datastores, { id: 2, name: 'Again', store_type: 'jdbc' }],
      quality_checks: [{ ...smallWorld.quality_checks[0], container_id: 99 }, smallWorld.quality_checks[1]],
    };
    const directory = tempDirectory({ 'shapes.json': shapes, 'references.json': references, 'all.json': allChecks });
    const expectations: [string, RegExp[]][] = [
      ['shapes.json', [/^ {2}\$\.users\[0\]\.email: /m, /^ {2}\$\.users\[1\]\.role: /m, /^ {2}\$\.quality_checks\[0\]\.container_id: required$/m]],
      ['references.json', [/^ {2}\$\.datastores\[2\]\.id: duplicate id 2$/m, /^ {2}\$\.quality_checks\[0\]\.container_id: .*99/m]],
    ];
    for (const [file, problems] of expectations) {
      const { code, stdout, stderr } = await promote(['simulate', '--world', join(directory, file), '--as', 'jane@example.com', '--request', join(directory, 'all.json')]);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      const lines = stderr.trimEnd().split('\n');
      expect(lines[0]).toMatch(new RegExp(`^promote simulate: invalid world .*${file.replace('.', '\\.')}: ${lines.length - 1} problems, nothing was loaded$`));
      expect(lines.length - 1).toBeGreaterThanOrEqual(problems.length);
      for (const problem of problems) expect(stderr).toMatch(problem);
      expect(stderr).not.toMatch(internals);
    }
  });

  // Sequential: these run in the temporary directory as the working directory.
  test.sequential.each([
    ['a missing world file', ['--world', 'no-such-world.json', '--as', 'jane@example.com', '--request', 'r.json'], /^promote simulate: World file not found: no-such-world\.json$/],
    ['a missing request file', ['--world', 'world.json', '--as', 'jane@example.com', '--request', 'no-such-request.json'], /^promote simulate: Request file not found: no-such-request\.json$/],
    ['a request that is not JSON', ['--world', 'world.json', '--as', 'jane@example.com', '--request', 'broken.json'], /^promote simulate: broken\.json is not valid JSON: /],
    ['a world that is not JSON', ['--world', 'broken.json', '--as', 'jane@example.com', '--request', 'all.json'], /^promote simulate: broken\.json is not valid JSON: /],
    ['an unknown user', ['--world', 'world.json', '--as', 'nobody@example.com', '--request', 'all.json'], /^promote simulate: unknown user nobody@example\.com \(users of this world: jane@example\.com, victor@example\.com\)$/],
    ['a missing option', ['--world', 'world.json', '--request', 'all.json'], /^promote simulate: missing --as \(see: promote simulate --help\)$/],
    ['an unknown option', ['--world', 'world.json', '--as', 'jane@example.com', '--request', 'all.json', '--fast'], /^promote simulate: unknown option --fast/],
    ['an option without its value', ['--world'], /^promote simulate: option --world needs a value/],
  ])('%s', async (_name, args, message) => {
    const directory = tempDirectory({ 'world.json': smallWorld, 'all.json': allChecks, 'broken.json': '{"type": ' });
    const { code, stdout, stderr } = await promote(['simulate', ...args], { cwd: directory });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr.trimEnd()).toMatch(message);
  });

  test('an unknown command, no command, --help and --version', async () => {
    const unknown = await promote(['promote-all']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^promote: unknown command 'promote-all'/);
    const none = await promote([]);
    expect(none.code).toBe(2);
    expect(none.stdout).toContain('Usage: promote <command>');
    const help = await promote(['simulate', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--world-out FILE');
    expect((await promote(['help', 'serve'])).stdout).toContain('Usage: promote serve');
    expect((await promote(['--version'])).stdout).toMatch(/^promote \d+\.\d+\.\d+/);
  });
});

describe.concurrent('promote run and promote export (SQLite)', () => {
  async function databaseWith(world: unknown): Promise<{ directory: string; db: string }> {
    const directory = tempDirectory({ 'all.json': allChecks, 'failing.json': failingCheck });
    const db = join(directory, 'promote.sqlite');
    const store = await openSqliteStore({ filename: db });
    const loaded = await loadWorld(store, world);
    await store.close();
    if (loaded.isErr()) throw new Error(JSON.stringify(loaded.error));
    return { directory, db };
  }

  test('run: the operation to its end, the table, lineage kept in the database; export prints the world', async () => {
    const { directory, db } = await databaseWith(smallWorld);
    const first = await promote(['run', '--db', db, '--as', 'jane@example.com', '--request', join(directory, 'all.json')]);
    // Not a terminal: the phases as plain lines on stderr, no bar.
    expect(first.stderr.split('\n')).toEqual([`Opening ${db} …`, 'Recovering interrupted operations …', 'Selecting …', 'Waiting for the destination (another operation holds it) …', 'Planning …', 'Writing 2 of 2 entities …', '']);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^Operation 1: promote quality_check, Staging · orders \(10\) → Production · orders \(20\): success/);
    expect(first.stdout).toContain('2 total: 2 created, 0 updated, 0 skipped, 0 failed');

    const second = await promote(['run', '--db', db, '--as', 'jane@example.com', '--request', join(directory, 'all.json'), '--json']);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ id: 2, status: { total: 2, skipped: 2 } });

    const exported = await promote(['export', '--db', db]);
    expect(exported.code).toBe(0);
    const snapshot = JSON.parse(exported.stdout);
    // The created results each leave a link (§4); the skipped ones of the second run match through
    // those same links, which stay the newest, so they are not recorded again (decision 0302).
    expect(snapshot.lineage).toHaveLength(2);
    expect(snapshot.users.map((user: { email: string }) => user.email)).toEqual(['jane@example.com', 'victor@example.com']);
    // Bearer tokens are secrets: only with --with-tokens.
    expect(exported.stdout).not.toContain('token');
    const withTokens = JSON.parse((await promote(['export', '--db', db, '--with-tokens'])).stdout);
    expect(withTokens.users.map((user: { token?: string }) => user.token)).toEqual(smallWorld.users.map((user: { token?: string }) => user.token));
    expect(withTokens.users.every((user: { token?: string }) => typeof user.token === 'string')).toBe(true);
  });

  test('run: exit 1 on failure, 2 on refusal or an unknown user', async () => {
    const { directory, db } = await databaseWith(smallWorld);
    const failing = await promote(['run', '--db', db, '--as', 'jane@example.com', '--request', join(directory, 'failing.json')]);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toContain('1 total: 0 created, 0 updated, 0 skipped, 1 failed');
    const refused = await promote(['run', '--db', db, '--as', 'victor@example.com', '--request', join(directory, 'all.json'), '--json']);
    expect(refused.code).toBe(2);
    expect(JSON.parse(refused.stdout)).toEqual({ status: 403, detail: expect.any(String) });
    const unknown = await promote(['run', '--db', db, '--as', 'nobody@example.com', '--request', join(directory, 'all.json')]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trimEnd().split('\n').at(-1)).toMatch(/^promote run: unknown user nobody@example\.com/);
  });

  test('a database that does not exist is never created by run or export; a file that is no database is refused', async () => {
    const directory = tempDirectory({ 'all.json': allChecks, 'not-a-db.sqlite': 'hello, this is text' });
    const missing = join(directory, 'missing.sqlite');
    const run = await promoteBuilt(['run', '--db', missing, '--as', 'jane@example.com', '--request', join(directory, 'all.json')]);
    expect(run.code).toBe(2);
    expect(run.stderr.trimEnd()).toBe(`Opening ${missing} …\npromote run: Database file not found: ${missing}`);
    const exported = await promoteBuilt(['export', '--db', missing]);
    expect(exported.code).toBe(2);
    expect(existsSync(missing)).toBe(false);
    const garbage = await promoteBuilt(['export', '--db', join(directory, 'not-a-db.sqlite')]);
    expect(garbage.code).toBe(2);
    expect(garbage.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(garbage.stderr).toMatch(/^promote export: cannot open database .*not-a-db\.sqlite: /);
    expect(garbage.stderr).not.toMatch(internals);
  });
});

// Keeps the temp-file helper honest: what it writes is what the CLI reads.
test('tempDirectory writes JSON and text files', () => {
  const directory = tempDirectory({ 'a.json': { a: 1 }, 'b.txt': 'b' });
  writeFileSync(join(directory, 'c.txt'), 'c');
  expect(JSON.parse(readFileSync(join(directory, 'a.json'), 'utf8'))).toEqual({ a: 1 });
  expect(readFileSync(join(directory, 'b.txt'), 'utf8')).toBe('b');
});
