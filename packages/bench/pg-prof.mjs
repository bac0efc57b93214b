// Ad-hoc: PostgreSQL re-promotion of 10k with every store call timed (call to settle).
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { startEmbeddedPostgres } from '@promote/test-postgres/server';
import { openPostgresStore } from '@promote/store-postgres';
import { createPromoter, createReferenceDataplane } from '@promote/core';
import { benchWorld } from './dist/bench-world.js';
const { createRequire } = await import('node:module');
const pgOfStore = createRequire(createRequire(import.meta.url).resolve('@promote/store-postgres')).resolve('pg');
const pgStore = (await import(pgOfStore)).default;
const qtimes = new Map(); let tracking = false;
const orig = pgStore.Client.prototype.query;
pgStore.Client.prototype.query = function (config, values, cb) {
  const text = typeof config === 'string' ? config : config?.text ?? '';
  const s = performance.now();
  const r = orig.call(this, config, values, cb);
  if (tracking && r && typeof r.then === 'function') r.then(() => { const k = text.replace(/\s+/g, ' ').slice(0, 90); const e = qtimes.get(k) ?? [0, 0]; e[0]++; e[1] += performance.now() - s; qtimes.set(k, e); }, () => {});
  return r;
};
console.log('same pg module', pgOfStore === createRequire(import.meta.url).resolve('pg'));
const server = await startEmbeddedPostgres();
const admin = new pg.Client({ connectionString: server.adminUrl }); await admin.connect();
await admin.query('create database prof');
const url = new URL(server.adminUrl); url.pathname = '/prof';
const bench = benchWorld({ seed: 1, checks: 10000, destination: 'empty' });
for (let round = 0; round < 3; round++) {
  const store = await openPostgresStore({ connectionString: url.toString(), schema: `s${round}` });
  await store.importWorld(bench.world);
  if (process.env.DROPFK) { const c = new pg.Client({ connectionString: url.toString() }); await c.connect(); await c.query(`alter table "s${round}".results drop constraint results_operation_fk`); await c.end(); }
  const calls = [];
  const wrapped = { ...store };
  for (const k of Object.keys(store)) if (typeof store[k] === 'function') wrapped[k] = (...a) => { const s = performance.now(); const r = store[k](...a); const e = [k, 0, Array.isArray(a[0]) ? a[0].length : '']; calls.push(e); Promise.resolve(r).then(() => { e[1] = performance.now() - s; }, () => {}); return r; };
  const promoter = createPromoter({ store: wrapped, dataplane: createReferenceDataplane({ keepCalls: 0 }) });
  for (const label of ['draft', 'again']) {
    calls.length = 0; qtimes.clear(); tracking = label === 'again';
    const t = performance.now();
    const r = await promoter.run({ email: bench.actor.email }, { ...bench.request, as_draft: true });
    await promoter.waitFor(r.value.id);
    const ms = performance.now() - t;
    const sum = new Map();
    for (const [k, d] of calls) { const e = sum.get(k) ?? [0, 0]; e[0]++; e[1] += d; sum.set(k, e); }
    if (label === 'again' && round === 2) for (const [k, [n, d]] of [...qtimes].sort((a, b) => b[1][1] - a[1][1]).slice(0, 14)) console.log('   ', d.toFixed(0).padStart(5), 'ms', String(n).padStart(4), k);
    console.log(round, label, ms.toFixed(0), 'ms', [...sum].sort((a, b) => b[1][1] - a[1][1]).map(([k, [n, d]]) => `${k}×${n}=${d.toFixed(0)}`).join(' '));
  }
  const client = new pg.Client({ connectionString: url.toString() }); await client.connect();
  const t = performance.now();
  await client.query(`select * from "s${round}".quality_checks where container_id = $1 or container_id = $2 order by container_id, id`, [bench.request.container_id, bench.request.destination_container_id]);
  console.log(round, 'raw read', (performance.now() - t).toFixed(0), 'ms');
  await client.end();
  await promoter.close(); await store.close();
}
await admin.end(); await server.stop();
