import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createPromoter, createReferenceDataplane, parseWorldSnapshot, type QualityCheck, type Store, type World } from '@promote/core';
import { openSqliteStore } from '@promote/store-sqlite';
import { buildChild, builtChild } from './crash/build-child.js';

const checkCount = 2000;
const invalid = (id: number) => id % 37 === 0;

function crashWorld(): World {
  return parseWorldSnapshot({
    users: [{ id: 1, email: 'admin@example.com', role: 'admin' }],
    datastores: [
      { id: 1, name: 'Staging Warehouse', store_type: 'jdbc' },
      { id: 2, name: 'Production Warehouse', store_type: 'jdbc' },
    ],
    containers: [
      { id: 10, datastore_id: 1, name: 'orders', container_type: 'table', fields: [{ name: 'amount', type: 'integral' }] },
      { id: 20, datastore_id: 2, name: 'orders', container_type: 'table', fields: [{ name: 'Amount', type: 'integral' }] },
    ],
    quality_checks: Array.from({ length: checkCount }, (_, index) => {
      const id = index + 1;
      return { id, container_id: 10, rule_type: 'between', fields: ['amount'], properties: invalid(id) ? { min: 9, max: 1 } : { min: 0, max: id }, description: `check ${id}` };
    }),
  })._unsafeUnwrap();
}

/**
 * Runs the child on `filename` and SIGKILLs it once it has printed `committed n` with n ≥ `killAfter`
 * (never when undefined) — or, with `delayMs`, that many milliseconds later, wherever it then is
 * (inside a transaction, between batches, waiting for the Dataplane).
 */
function runChild(filename: string, args: readonly string[], killAfter?: number, delayMs = 0): Promise<{ killed: boolean; output: string }> {
  return new Promise((resolve, reject) => {
    const process = spawn(globalThis.process.execPath, [builtChild, filename, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      // Slower validation when the kill is timed, so that the child is still working when it lands.
      env: { ...globalThis.process.env, PROMOTE_CHILD_LATENCY_MS: delayMs > 0 ? '10' : '2' },
    });
    let output = '';
    let errors = '';
    let killed = false;
    process.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const counts = [...output.matchAll(/committed (\d+)/g)].map((match) => Number(match[1]));
      if (!killed && killAfter !== undefined && counts.some((count) => count >= killAfter)) {
        killed = true;
        setTimeout(() => process.kill('SIGKILL'), delayMs);
      }
    });
    process.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    process.on('error', reject);
    process.on('exit', (code, signal) => {
      if (signal === 'SIGKILL' || code === 0) resolve({ killed: signal === 'SIGKILL', output });
      else reject(new Error(`child exited with ${code}: ${errors}`));
    });
  });
}

/** The child running on `filename`, with a promise for its `committed n` line (n ≥ count) and one for its exit. */
function startChild(filename: string) {
  const child = spawn(globalThis.process.execPath, [builtChild, filename], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...globalThis.process.env, PROMOTE_CHILD_LATENCY_MS: '50' } });
  let output = '';
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return {
    process: child,
    exited,
    committed: (count: number) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if ([...output.matchAll(/committed (\d+)/g)].some((match) => Number(match[1]) >= count)) resolve();
        };
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          check();
        });
        child.on('exit', () => reject(new Error(`child exited before committing ${count}: ${output}`)));
      }),
  };
}

/** The destination as it matters: every check's definition, without timestamps. */
async function destination(store: Store) {
  return (await store.listChecks(20)).map(({ created_at: _c, updated_at: _u, ...check }) => check);
}

async function assertConsistent(store: Store): Promise<number> {
  const operations = await store.listOperations({ page: 1, size: 10 });
  expect(operations.total).toBe(1);
  const operation = operations.items[0]!;
  const results = (await store.listResults(operation.id)).items;
  expect(results.map((result) => result.seq)).toEqual(results.map((_, index) => index));
  const created = results.filter((result) => result.result === 'created');
  const failed = results.filter((result) => result.result === 'failed');
  expect(operation.status).toMatchObject({ created: created.length, failed: failed.length, updated: 0, skipped: 0 });
  const checks: QualityCheck[] = [...(await store.listChecks(20))];
  // Every created result has its write, and every destination check has its result.
  expect(checks.map((check) => check.id).sort((a, b) => a - b)).toEqual(created.map((result) => result.destination_entity_id).sort((a, b) => (a as number) - (b as number)));
  // No check that failed validation exists at the destination.
  expect(failed.every((result) => invalid(result.source_entity_id))).toBe(true);
  expect(checks.some((check) => (check.properties as { min: number; max: number }).min > (check.properties as { min: number; max: number }).max)).toBe(false);
  return operation.id;
}

describe('durability under SIGKILL (§8, §9)', () => {
  let directory: string;
  let pristine: string;
  let expected: Awaited<ReturnType<typeof destination>>;

  beforeAll(async () => {
    // The child runs built, as a deployed process would: starting it from source through tsx
    // compiled core and the store again in every one of its 13 starts.
    await buildChild();
    directory = mkdtempSync(join(tmpdir(), 'promote-crash-'));
    pristine = join(directory, 'pristine.sqlite');
    const store = await openSqliteStore({ filename: pristine });
    await store.importWorld(crashWorld());
    await store.close();
    const uninterrupted = join(directory, 'uninterrupted.sqlite');
    copyFileSync(pristine, uninterrupted);
    const reference = await openSqliteStore({ filename: uninterrupted });
    const promoter = createPromoter({ store: reference, dataplane: createReferenceDataplane() });
    const started = (await promoter.run({ email: 'admin@example.com' }, { type: 'promote_quality_check', datastore_id: 1, container_id: 10, destination_container_id: 20, as_draft: false }))._unsafeUnwrap();
    await promoter.waitFor(started.id);
    expected = await destination(reference);
    expect(expected).toHaveLength(checkCount - Math.floor(checkCount / 37));
    await reference.close();
  });

  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  test.each([
    [1, 0],
    [150, 0],
    [700, 0],
    [1500, 0],
    [300, 37],
    [900, 113],
  ])('killed after %i committed units (+%i ms): consistent, recoverable, and resumable to the uninterrupted result', async (killAfter, delayMs) => {
    const filename = join(directory, `killed-${killAfter}-${delayMs}.sqlite`);
    copyFileSync(pristine, filename);
    const run = await runChild(filename, [], killAfter, delayMs);
    expect(run.killed).toBe(true);

    const store = await openSqliteStore({ filename });
    const operationId = await assertConsistent(store);
    expect((await store.getOperation(operationId))?.result).toBe('running');

    // The dead child's lease is still valid for a minute, but its holder id names a process of this
    // host that is gone: recovery takes its scope at once, on the real clock (issue 17).
    const promoter = createPromoter({ store, dataplane: createReferenceDataplane() });
    expect((await promoter.recover())._unsafeUnwrap()).toEqual([operationId]);
    expect(await store.getOperation(operationId)).toMatchObject({ result: 'aborted', aborted_by: null, message: 'Interrupted: the process stopped before the operation finished' });
    await store.close();

    const resumed = await runChild(filename, ['resume', String(operationId)]);
    expect(resumed.output).toContain('done');
    const reopened = await openSqliteStore({ filename });
    await assertConsistent(reopened);
    expect(await reopened.getOperation(operationId)).toMatchObject({ result: 'success', status: { total: checkCount } });
    expect(await destination(reopened)).toEqual(expected);
    await reopened.close();
  });

  test('recovery right after a SIGKILL: a live holder is left alone; once it is killed, its operation is recovered at once and resumes', async () => {
    const filename = join(directory, 'restart.sqlite');
    copyFileSync(pristine, filename);
    const child = startChild(filename);
    await child.committed(1);
    const store = await openSqliteStore({ filename });
    const promoter = createPromoter({ store, dataplane: createReferenceDataplane() });
    expect((await promoter.recover())._unsafeUnwrap(), 'the child is alive: its operation is left running').toEqual([]);
    child.process.kill('SIGKILL');
    await child.exited;
    const [operation] = (await store.listOperations({ page: 1, size: 1 })).items;
    expect(operation?.result).toBe('running');
    const started = performance.now();
    expect((await promoter.recover())._unsafeUnwrap()).toEqual([operation?.id]);
    const recoveredMs = performance.now() - started;
    expect(await store.getOperation(operation!.id)).toMatchObject({ result: 'aborted', aborted_by: null });
    // Resumable at once: no lease of the dead child to wait out.
    const resumed = (await promoter.resume({ email: 'admin@example.com' }, operation!.id))._unsafeUnwrap();
    await promoter.waitFor(resumed.id);
    expect(await store.getOperation(operation!.id)).toMatchObject({ result: 'success', status: { total: checkCount } });
    expect(await destination(store)).toEqual(expected);
    await store.close();
    console.info(`recovered ${recoveredMs.toFixed(1)} ms after the SIGKILL was reaped (the dead child's lease had ~60 s left)`);
  });

  test('two processes promoting into one scope of one file never interleave: no duplicate, the second skips', async () => {
    const filename = join(directory, 'two-processes.sqlite');
    copyFileSync(pristine, filename);
    const [first, second] = await Promise.all([runChild(filename, []), runChild(filename, [])]);
    expect(first.output).toContain('done');
    expect(second.output).toContain('done');
    const store = await openSqliteStore({ filename });
    const operations = (await store.listOperations({ page: 1, size: 10 })).items;
    expect(operations).toHaveLength(2);
    const statuses = operations.map((operation) => operation.status).sort((a, b) => a.skipped - b.skipped);
    const valid = checkCount - Math.floor(checkCount / 37);
    expect(statuses[0]).toEqual({ total: checkCount, created: valid, updated: 0, skipped: 0, failed: checkCount - valid });
    // The second run re-validates the checks that failed and fails them again; every other one is skipped.
    expect(statuses[1]).toEqual({ total: checkCount, created: 0, updated: 0, skipped: valid, failed: checkCount - valid });
    expect(await destination(store)).toEqual(expected);
    await store.close();
  });
});
