import { cpus } from 'node:os';
import { createPromoter, createReferenceDataplane, type Field, type QualityCheck, type World } from '@promote/core';
import { openPostgresStore } from '@promote/store-postgres';
import { startEmbeddedPostgres } from '@promote/test-postgres/server';
import pg from 'pg';
import { benchWorld, type BenchWorld } from '../bench-world.js';
import { runChild } from '../children/child-process.js';
import { ratioOf, type Figure } from '../figure.js';
import { collectGarbage, expectEqual, median, timed } from '../measure.js';
import { count, type BenchScale } from '../scale.js';
import { promoteToEnd } from './draft-promotion.js';

const maxRatio = 3;
/** Rows per multi-row `insert … values` of the raw baseline: 1,000 checks × 14 columns stay far below PostgreSQL's 65,535 parameters. */
const rowsPerInsert = 1000;

/**
 * The PostgreSQL scenarios (issue 12 point 6), on an embedded PostgreSQL server started for the run
 * (or the one of `PROMOTE_BENCH_POSTGRES_URL`), each repetition in a schema of its own:
 *
 * - the draft promotion of N new checks into an empty container, next to raw `pg` inserting the
 *   same N check rows and N result rows with multi-row inserts in one transaction (the contract's
 *   minimum writes); the all-skipped re-promotion next to a raw read of both containers' checks;
 * - scaling: 1, 2 and 4 engine instances (child processes, each with its own pool) promoting into
 *   4 destination containers at once, the 4 promotions split among them; total entities per second.
 */
export async function postgresScenarios(scale: BenchScale, seed: number): Promise<Figure[]> {
  const outside = process.env['PROMOTE_BENCH_POSTGRES_URL'];
  const server = outside === undefined || outside === '' ? await startEmbeddedPostgres() : { adminUrl: outside, stop: async () => undefined };
  const database = `promote_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: server.adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${database}`);
    const url = new URL(server.adminUrl);
    url.pathname = `/${database}`;
    const connectionString = url.toString();
    try {
      return [...(await draftAndRepromotion(scale, seed, connectionString)), ...(await scaling(scale, seed, connectionString))];
    } finally {
      await admin.query(`drop database if exists ${database} with (force)`);
    }
  } finally {
    await admin.end();
    await server.stop();
  }
}

async function draftAndRepromotion(scale: BenchScale, seed: number, connectionString: string): Promise<Figure[]> {
  const n = scale.draftChecks;
  const bench = benchWorld({ seed, checks: n, destination: 'empty' });
  const sources = bench.world.quality_checks.filter((check) => check.container_id === bench.request.container_id);
  const draftTimes: number[] = [];
  const skipTimes: number[] = [];
  const insertTimes: number[] = [];
  const readTimes: number[] = [];
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    // One untimed round first (the JIT, the server's caches).
    for (let repetition = -1; repetition < scale.repetitions; repetition++) {
      const schema = `draft_${repetition + 1}`;
      const store = await openPostgresStore({ connectionString, schema });
      await store.importWorld(bench.world);
      const promoter = createPromoter({ store, dataplane: createReferenceDataplane({ keepCalls: 0 }) });
      collectGarbage();
      const draft = await promoteToEnd(promoter, bench, { ...bench.request, as_draft: true }, `postgres-draft-${count(n)}`);
      expectEqual(`PostgreSQL draft promotion of ${n}`, draft.status, { total: n, created: n, updated: 0, skipped: 0, failed: 0 });
      collectGarbage();
      const again = await promoteToEnd(promoter, bench, { ...bench.request, as_draft: true }, `postgres-re-promotion-${count(n)}`);
      expectEqual(`PostgreSQL re-promotion of ${n}`, again.status, { total: n, created: 0, updated: 0, skipped: n, failed: 0 });
      await promoter.close();
      await store.close();
      collectGarbage();
      const read = await timed(() => client.query(`select * from "${schema}".quality_checks where container_id = $1 or container_id = $2 order by container_id, id`, [bench.request.container_id, bench.request.destination_container_id]));
      expectEqual('raw read rows', read.value.rowCount, 2 * n);

      const rawSchema = `raw_${repetition + 1}`;
      const operationId = await emptyStoreWithOperation(connectionString, rawSchema, bench);
      collectGarbage();
      const insert = await timed(() => rawDraftInsert(client, rawSchema, sources, bench.request.destination_container_id, operationId));
      if (repetition < 0) continue;
      draftTimes.push(draft.ms);
      skipTimes.push(again.ms);
      insertTimes.push(insert.ms);
      readTimes.push(read.ms);
    }
  } finally {
    await client.end();
  }
  const draftMs = median(draftTimes);
  const insertMs = median(insertTimes);
  const skipMs = median(skipTimes);
  const readMs = median(readTimes);
  const spread = (times: readonly number[]) => times.map((time) => time.toFixed(0)).join(', ');
  return [
    {
      scenario: 'postgres-draft',
      case: `${count(n)} new → empty, PostgreSQL`,
      measure: 'engine wall time',
      value: draftMs,
      unit: 'ms',
      baseline: { label: `raw pg: ${count(n)} checks + ${count(n)} results, multi-row inserts, one transaction`, value: insertMs, unit: 'ms' },
      ratio: ratioOf(draftMs, insertMs),
      target: { text: `ratio ≤ ${maxRatio}`, met: ratioOf(draftMs, insertMs) <= maxRatio },
      note: `median of ${draftTimes.length}: engine ${spread(draftTimes)} ms; raw ${spread(insertTimes)} ms`,
    },
    {
      scenario: 'postgres-re-promotion',
      case: `same ${count(n)}, all skipped, PostgreSQL`,
      measure: 'engine wall time',
      value: skipMs,
      unit: 'ms',
      baseline: { label: `raw pg read of both containers' checks`, value: readMs, unit: 'ms' },
      ratio: ratioOf(skipMs, readMs),
      target: { text: `ratio ≤ ${maxRatio}`, met: ratioOf(skipMs, readMs) <= maxRatio },
      note: `median of ${skipTimes.length}: engine ${spread(skipTimes)} ms; raw ${spread(readTimes)} ms`,
    },
  ];
}

/** A schema with the world and one running operation (what the raw baseline's results belong to); its id. */
async function emptyStoreWithOperation(connectionString: string, schema: string, bench: BenchWorld): Promise<number> {
  const store = await openPostgresStore({ connectionString, schema });
  try {
    await store.importWorld(bench.world);
    const operation = await store.createOperation({
      promote_type: 'quality_check',
      result: 'running',
      start_time: '2026-03-01T10:00:00.000Z',
      end_time: null,
      triggered_by: bench.actor.email,
      aborted_by: null,
      message: null,
      datastore: { id: bench.request.datastore_id, name: 'source' },
      destination_datastore: { id: bench.request.datastore_id, name: 'destination' },
      container: { id: bench.request.container_id, name: 'orders' },
      destination_container: { id: bench.request.destination_container_id, name: 'orders' },
      as_draft: true,
      status: { total: 0, created: 0, updated: 0, skipped: 0, failed: 0 },
      request: { ...bench.request, as_draft: true },
      selection: [],
      destination_scope: `container:${bench.request.destination_container_id}`,
    });
    return operation.id;
  } finally {
    await store.close();
  }
}

/** What the contract writes at least for N new drafts: N check rows and N result rows, in one transaction. */
async function rawDraftInsert(client: pg.Client, schema: string, sources: readonly QualityCheck[], destinationId: number, operationId: number): Promise<void> {
  const now = '2026-03-01T10:00:00.000Z';
  const firstId = 1_000_000;
  await client.query('begin');
  try {
    for (let start = 0; start < sources.length; start += rowsPerInsert) {
      const chunk = sources.slice(start, start + rowsPerInsert);
      const checks: unknown[] = [];
      const results: unknown[] = [];
      chunk.forEach((check, index) => {
        const id = firstId + start + index;
        checks.push(id, destinationId, check.rule_type, check.description, JSON.stringify(check.fields), check.coverage, check.filter, JSON.stringify(check.properties), JSON.stringify(check.tags), JSON.stringify(check.additional_metadata), 'draft', false, now, now);
        const search = `${check.rule_type} ${check.description}`;
        results.push(id, operationId, start + index, 'quality_check', check.id, 'created', id, null, null, null, null, search, search.toLowerCase());
      });
      await client.query(
        `insert into "${schema}".quality_checks (id, container_id, rule_type, description, fields, coverage, filter, properties, tags, additional_metadata, status, inferred, created_at, updated_at) values ${placeholders(chunk.length, 14)}`,
        checks,
      );
      await client.query(
        `insert into "${schema}".results (id, operation_id, seq, entity_type, source_entity_id, result, destination_entity_id, message, changes, before, after, search_text, search_folded) values ${placeholders(chunk.length, 13)}`,
        results,
      );
    }
    await client.query('commit');
  } catch (error) {
    await client.query('rollback');
    throw error;
  }
}

function placeholders(rows: number, columns: number): string {
  const tuples: string[] = [];
  for (let row = 0; row < rows; row++) tuples.push(`(${Array.from({ length: columns }, (_, column) => `$${row * columns + column + 1}`).join(', ')})`);
  return tuples.join(', ');
}

/** The bench world with three more empty destination containers like the first (fields included): four scopes. */
function fourDestinations(bench: BenchWorld): { readonly world: World; readonly destinations: readonly number[] } {
  const template = bench.world.containers.find((container) => container.id === bench.request.destination_container_id);
  if (template === undefined) throw new Error('the bench world has no destination container');
  const topContainer = Math.max(...bench.world.containers.map((container) => container.id));
  let topField = Math.max(...bench.world.fields.map((field) => field.id));
  const extra = [1, 2, 3].map((offset) => ({ ...template, id: topContainer + offset, name: `${template.name}_${offset + 1}` }));
  const fields: Field[] = extra.flatMap((container) =>
    bench.world.fields.filter((field) => field.container_id === template.id).map((field) => ({ ...field, id: (topField += 1), container_id: container.id })),
  );
  return {
    world: { ...bench.world, containers: [...bench.world.containers, ...extra], fields: [...bench.world.fields, ...fields] },
    destinations: [template.id, ...extra.map((container) => container.id)],
  };
}

interface InstanceReport {
  readonly startedAt: number;
  readonly endedAt: number;
  readonly late: number;
  readonly entities: number;
  readonly cpuMs: number;
}

async function scaling(scale: BenchScale, seed: number, connectionString: string): Promise<Figure[]> {
  const n = scale.postgresScalingChecks;
  const bench = benchWorld({ seed, checks: n, destination: 'empty' });
  const { world, destinations } = fourDestinations(bench);
  const bodies = destinations.map((destination) => ({ ...bench.request, destination_container_id: destination, as_draft: true }));
  const throughput = new Map<number, number>();
  const notes = new Map<number, string>();
  for (const instances of [1, 2, 4]) {
    const rates: number[] = [];
    let note = '';
    for (let repetition = 0; repetition < Math.max(1, Math.min(3, scale.repetitions)); repetition++) {
      const schema = `scale_${instances}_${repetition}`;
      const store = await openPostgresStore({ connectionString, schema });
      await store.importWorld(world);
      await store.close();
      // Every instance starts at the same moment, once all have opened their pools.
      const startAt = Date.now() + scale.postgresStartDelayMs;
      const reports = await Promise.all(
        Array.from({ length: instances }, (_, index) =>
          runChild<InstanceReport>('postgres-instance', [connectionString, schema, String(startAt), JSON.stringify(bodies.filter((_, body) => body % instances === index)), bench.actor.email]),
        ),
      );
      const entities = reports.reduce((sum, report) => sum + report.entities, 0);
      expectEqual(`entities promoted by ${instances} instance(s)`, entities, 4 * n);
      const wallMs = Math.max(...reports.map((report) => report.endedAt)) - Math.min(...reports.map((report) => report.startedAt));
      rates.push((entities / wallMs) * 1000);
      const cpuMs = reports.reduce((sum, report) => sum + report.cpuMs, 0);
      note = `${instances} process(es), ${count(4 * n)} entities in ${wallMs} ms; engine CPU ${cpuMs.toFixed(0)} ms = ${((cpuMs / (wallMs * cpus().length)) * 100).toFixed(0)} % of ${cpus().length} cores over that wall time (the PostgreSQL server uses the rest)${reports.some((report) => report.late > 0) ? `; an instance started ${Math.max(...reports.map((report) => report.late))} ms late` : ''}`;
    }
    throughput.set(instances, median(rates));
    notes.set(instances, note);
  }
  const one = throughput.get(1) ?? 0;
  const figures: Figure[] = [1, 2, 4].map((instances) => ({
    scenario: 'postgres-scaling',
    case: `${instances} instance${instances === 1 ? '' : 's'}, 4 destinations × ${count(n)}`,
    measure: 'entities per second',
    value: throughput.get(instances) ?? 0,
    unit: 'entities/s',
    note: notes.get(instances),
  }));
  const four = throughput.get(4) ?? 0;
  figures.push({
    scenario: 'postgres-scaling',
    case: '4 instances ÷ 1 instance',
    measure: 'speed-up',
    value: ratioOf(four, one),
    unit: '×',
    note: `commits of every instance take one write lock per schema in turn (decision 0600), and ${cpus().length} cores are shared by the instances and the server: the speed-up is bounded by both`,
  });
  return figures;
}
