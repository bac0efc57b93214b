import { join } from 'node:path';
import {
  createPromoter,
  createReferenceDataplane,
  parseWorldSnapshot,
  type OperationView,
  type PromoteResultRecord,
  type QualityCheck,
  type World,
  type WorldSnapshot,
} from '@promote/core';
import { createMemoryStore } from '@promote/store-memory';
import { openPostgresStore } from '@promote/store-postgres';
import { createTestDatabase } from '@promote/test-postgres';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { buildCli, removeTempDirectories, tempDirectory } from './testing/built-cli.js';
import { killServes, serve, type ServeProcess } from './testing/serve-process.js';

/**
 * SPEC §18 with real processes: two and three `promote serve` on one PostgreSQL database, the
 * promotions of four destination scopes spread across them, and SIGKILLs at random moments (inside
 * a commit, between commits, in a Dataplane call). The survivors take the killed instances'
 * operations over; afterwards every operation ended as an uninterrupted run ends it (the same
 * results, the same destination checks) and every destination check has exactly one result.
 */

const destinations = [20, 21, 22, 23] as const;
const checkCount = 80;
/** Every 9th check is refused by the Dataplane: `between` with min above max. */
const invalid = (id: number) => id % 9 === 0;

function snapshot(): WorldSnapshot {
  return {
    users: [{ id: 1, email: 'admin@example.com', role: 'admin', token: 'admin-token' }],
    datastores: [
      { id: 1, name: 'Staging Warehouse', store_type: 'jdbc' },
      { id: 2, name: 'Production Warehouse', store_type: 'jdbc' },
    ],
    containers: [
      { id: 10, datastore_id: 1, name: 'orders', container_type: 'table', fields: [{ name: 'amount', type: 'integral' }] },
      ...destinations.map((id) => ({ id, datastore_id: 2, name: `orders_${id}`, container_type: 'table' as const, fields: [{ name: 'Amount', type: 'integral' as const }] })),
    ],
    quality_checks: Array.from({ length: checkCount }, (_, index) => {
      const id = index + 1;
      return { id, container_id: 10, rule_type: 'between', fields: ['amount'], properties: invalid(id) ? { min: 9, max: 1 } : { min: 0, max: id }, description: `check ${id}` };
    }),
  };
}

const world = (): World => parseWorldSnapshot(snapshot())._unsafeUnwrap();
const request = (destination: number) => ({ type: 'promote_quality_check', datastore_id: 1, container_id: 10, destination_container_id: destination, as_draft: false });

/** What an uninterrupted run gives, per destination: results (source → result, message) and the destination checks by source. */
interface Outcome {
  readonly result: string;
  readonly status: unknown;
  readonly results: readonly { readonly source: number; readonly result: string; readonly message: string | null }[];
  readonly checks: Readonly<Record<number, unknown>>;
}

/** A destination check without what the store or the clock chose (id, timestamps). */
function definition(check: QualityCheck): unknown {
  const { id: _id, created_at: _created, updated_at: _updated, ...rest } = check;
  return rest;
}

function outcomeOf(operation: Pick<OperationView, 'result' | 'status'>, results: readonly PromoteResultRecord[], checks: readonly QualityCheck[]): Outcome {
  const byId = new Map(checks.map((check) => [check.id, check]));
  return {
    result: operation.result,
    status: operation.status,
    results: results.map((result) => ({ source: result.source_entity_id, result: result.result, message: result.message })),
    checks: Object.fromEntries(
      results.flatMap((result) => {
        const check = result.destination_entity_id === null ? undefined : byId.get(result.destination_entity_id);
        return check === undefined ? [] : [[result.source_entity_id, definition(check)]];
      }),
    ),
  };
}

/** The four promotions run one after the other in one process on a memory store: what every run must end as. */
async function uninterrupted(): Promise<Outcome[]> {
  const store = createMemoryStore({ world: world() });
  const promoter = createPromoter({ store, dataplane: createReferenceDataplane() });
  const outcomes: Outcome[] = [];
  for (const destination of destinations) {
    const started = (await promoter.run({ email: 'admin@example.com' }, request(destination)))._unsafeUnwrap();
    await promoter.waitFor(started.id);
    const operation = (await store.getOperation(started.id))!;
    outcomes.push(outcomeOf(operation, (await store.listResults(started.id)).items, await store.listChecks(destination)));
  }
  return outcomes;
}

async function api(base: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: 'Bearer admin-token', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: await response.json() };
}

/** A small deterministic generator, so that a failure names the seed that reproduces its kill moments. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(buildCli, 180_000);
afterEach(killServes);
afterAll(removeTempDirectories);

let expected: Outcome[];
beforeAll(async () => {
  expected = await uninterrupted();
});

describe('several `promote serve` on one PostgreSQL database, SIGKILLed at random moments (§18 takeover)', () => {
  for (const [instances, kills] of [
    [2, 1],
    [3, 2],
  ] as const) {
    test(`${instances} instances, ${kills} killed: every operation ends as an uninterrupted run, each write with one result`, async () => {
      const seed = Date.now() % 1_000_000;
      const next = random(seed);
      const label = `seed ${seed}`;
      const connectionString = await createTestDatabase(`several-serves-${instances}`);
      const worldFile = join(tempDirectory({ 'world.json': snapshot() }), 'world.json');
      // All at once, each with the world: one loads it, the others find it loaded (and migrations run once).
      const args = ['--world', worldFile, '--port', '0', '--lease-ttl', '900', '--dataplane-latency', '400'];
      const servers: ServeProcess[] = await Promise.all(Array.from({ length: instances }, () => serve(args, { PROMOTE_DATABASE_URL: connectionString })));
      expect(servers.filter((server) => server.output().includes('Loaded ')).length, label).toBe(1);

      // One promotion per destination scope, spread across the instances.
      const ids: number[] = [];
      for (const [index, destination] of destinations.entries()) {
        const started = await api(servers[index % instances]!.base, 'POST', '/api/operations/run', request(destination));
        expect(started.status, label).toBe(200);
        ids.push(started.body.id as number);
      }
      // Each operation validates 8 batches of 10, 4 at a time, 400 ms each: it runs for 800 ms at least.
      // SIGKILL `kills` instances at random moments of its first 700 ms (each instance was given an
      // operation, so each victim dies in the middle of one), the last instance never.
      const alive = [...servers];
      const killed: string[] = [];
      const began = performance.now();
      for (let kill = 0; kill < kills; kill++) {
        await sleep(Math.floor(next() * (700 / kills)));
        const victim = alive.splice(Math.floor(next() * (alive.length - 1)), 1)[0]!;
        victim.child.kill('SIGKILL');
        killed.push(`instance ${servers.indexOf(victim) + 1} at ${(performance.now() - began).toFixed(0)} ms`);
      }

      // Every operation ends, on whichever instance took it over; any survivor answers for all.
      const ended: OperationView[] = [];
      for (const id of ids) {
        for (let attempt = 0; ; attempt++) {
          const answer = await api(alive[attempt % alive.length]!.base, 'GET', `/api/operations/${id}`);
          expect(answer.status, label).toBe(200);
          if (answer.body.result !== 'running') {
            ended.push(answer.body as OperationView);
            break;
          }
          if (attempt > 600) throw new Error(`${label}: operation ${id} still running after 30 s:\n${alive.map((server) => server.output() + server.errors()).join('\n')}`);
          await sleep(50);
        }
      }

      const continued = alive.flatMap((server) => [...server.output().matchAll(/^Continuing \d+ operation\(s\) another instance left running: (.+)$/gm)].map((match) => match[1]));
      console.log(`${label}: killed ${killed.join(', ')}; the survivors continued operations ${continued.join('; ')}`);
      expect(continued.length, `${label}: a killed instance's operation was taken over`).toBeGreaterThan(0);

      const store = await openPostgresStore({ connectionString });
      try {
        const outcomes: Outcome[] = [];
        for (const [index, destination] of destinations.entries()) {
          const results = (await store.listResults(ids[index]!)).items;
          const checks = await store.listChecks(destination);
          outcomes.push(outcomeOf(ended[index]!, results, checks));
          // Exactly one result per destination check written, and none written without a result.
          const written = results.flatMap((result) => (result.destination_entity_id === null ? [] : [result.destination_entity_id]));
          expect(new Set(written).size, label).toBe(written.length);
          expect(checks.map((check) => check.id).sort((a, b) => a - b), label).toEqual([...written].sort((a, b) => a - b));
        }
        expect(outcomes, label).toEqual(expected);
      } finally {
        await store.close();
      }
      for (const server of alive) expect(await server.stop(), label).toBe(0);
    }, 120_000);
  }
});
