import { execFile } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { buildPackages, removeTempDirectories, root, tempDirectory } from './testing/built-cli.js';

const exec = promisify(execFile);
const published = ['core', 'store-memory', 'store-sqlite', 'store-postgres', 'http', 'cli', 'testkit'];

/**
 * The packages as a consumer outside the workspace gets them: `pnpm pack` of each published
 * package, the tarballs installed with npm into a new project (`--ignore-scripts`: better-sqlite3's
 * native build is not what is tested here, and the program below does not open a SQLite file),
 * a program type-checked with `skipLibCheck: false` against every package's published types, then
 * run.
 */
let project: string;
beforeAll(async () => {
  await buildPackages(['packages/cli', 'packages/testkit', 'packages/store-postgres']);
  const tarballs = tempDirectory();
  for (const name of published) {
    await exec('npx', ['-y', 'pnpm@12.4.2', 'pack', '--pack-destination', tarballs], { cwd: join(root, 'packages', name) });
  }
  const files = readdirSync(tarballs);
  expect(files).toHaveLength(published.length);
  project = tempDirectory({
    'package.json': {
      name: 'promote-consumer',
      private: true,
      type: 'module',
      dependencies: { ...Object.fromEntries(files.map((file) => [`@promote/${/^promote-(.+)-\d/.exec(file)?.[1]}`, `file:${join(tarballs, file)}`])), '@types/node': '20.19.43' },
    },
    'tsconfig.json': {
      compilerOptions: { strict: true, skipLibCheck: false, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', outDir: 'dist', exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true },
      include: ['consumer.ts'],
    },
  });
  writeFileSync(join(project, 'world.json'), JSON.stringify(consumerWorld));
  writeFileSync(join(project, 'consumer.ts'), consumerProgram);
  await exec('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: project, maxBuffer: 16 * 1024 * 1024 });
}, 300_000);
afterAll(removeTempDirectories);

test('installed from their tarballs, the packages type-check with skipLibCheck: false and run', async () => {
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  const checked = await exec(process.execPath, [tsc, '-p', project]).catch((error: { stdout: string }) => ({ stdout: error.stdout, failed: true }));
  expect(checked.stdout).toBe('');
  const { stdout } = await exec(process.execPath, [join(project, 'dist/consumer.js')], { cwd: project });
  expect(JSON.parse(stdout)).toEqual({
    plan: { result: 'success', status: { total: 1, created: 1, updated: 0, skipped: 0, failed: 0 }, fingerprint: true },
    run: 'success',
    http: 200,
    conformanceCases: true,
    internalsKept: true,
  });
}, 120_000);

const consumerWorld = {
  users: [{ id: 1, email: 'jane@example.com', role: 'admin', token: 'jane-token' }],
  datastores: [
    { id: 1, name: 'Staging', store_type: 'jdbc' },
    { id: 2, name: 'Production', store_type: 'jdbc' },
  ],
  containers: [
    { id: 10, datastore_id: 1, name: 'orders', container_type: 'table', fields: [{ name: 'email', type: 'string' }] },
    { id: 20, datastore_id: 2, name: 'orders', container_type: 'table', fields: [{ name: 'email', type: 'string' }] },
  ],
  quality_checks: [{ id: 1, container_id: 10, rule_type: 'not_null', fields: ['email'], description: 'email is set' }],
};

const consumerProgram = `
import { readFileSync } from 'node:fs';
import * as core from '@promote/core';
import { createPromoter, createReferenceDataplane, parseWorldSnapshot, type PlanView, type Store } from '@promote/core';
import { createMemoryStore } from '@promote/store-memory';
import { createApp } from '@promote/http';
import type { openSqliteStore } from '@promote/store-sqlite';
import type { openPostgresStore, PostgresStoreOptions } from '@promote/store-postgres';
import type { runCli } from '@promote/cli';
import { storeConformanceCases } from '@promote/testkit';
import { checkSearchText } from '@promote/core/internals';

type Opener = typeof openSqliteStore;
type PostgresOpener = typeof openPostgresStore;
const postgresOptions: PostgresStoreOptions = { connectionString: 'postgres://promote@db.internal:5432/promote', schema: 'promote', maxConnections: 4 };
type Cli = typeof runCli;
const world = parseWorldSnapshot(JSON.parse(readFileSync('world.json', 'utf8')))._unsafeUnwrap();
const store: Store = createMemoryStore({ world });
const promoter = createPromoter({ store, dataplane: createReferenceDataplane() });
const jane = { email: 'jane@example.com' };
const request = { type: 'promote_quality_check', datastore_id: 1, container_id: 10, destination_container_id: 20 };
const plan: PlanView = (await promoter.plan(jane, request))._unsafeUnwrap();
const started = (await promoter.run(jane, { ...request, expected_plan_fingerprint: plan.plan_fingerprint }))._unsafeUnwrap();
await promoter.waitFor(started.id);
const run = (await promoter.getOperation(jane, started.id))._unsafeUnwrap();
const app = createApp({ promoter });
const http = await app.request('/api/datastores', { headers: { authorization: 'Bearer jane-token' } });
const opener: Opener | undefined = undefined;
const cli: Cli | undefined = undefined;
const postgresOpener: PostgresOpener | undefined = undefined;
console.log(JSON.stringify({
  plan: { result: plan.result, status: plan.status, fingerprint: plan.plan_fingerprint.startsWith('sha256:') && opener === undefined && cli === undefined && postgresOpener === undefined && postgresOptions.schema === 'promote' },
  run: run.result,
  http: http.status,
  conformanceCases: storeConformanceCases.length > 10,
  internalsKept: !('pythonList' in core) && !('planQualityChecks' in core) && typeof checkSearchText === 'function',
}));
`;
