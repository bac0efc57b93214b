// Ad-hoc: a million-check draft promotion in-process with a 1 ms interval; prints every gap > 20 ms.
import { performance } from 'node:perf_hooks';
import { benchWorld } from './dist/bench-world.js';
import { sqliteTemplate, copyDatabase } from './dist/sqlite-files.js';
import { createPromoter, createReferenceDataplane } from '@promote/core';
import { openSqliteStore } from '@promote/store-sqlite';
import { existsSync } from 'node:fs';
const n = Number(process.argv[2] ?? 1000000);
const template = `/tmp/ab/gaps-${n}.sqlite`;
if (!existsSync(template)) { await sqliteTemplate(template, benchWorld({ seed: 1, checks: n, destination: 'empty' }).world); console.log('template made; run again'); process.exit(0); }
const bench = benchWorld({ seed: 1, checks: 10, destination: 'empty' });
const file = copyDatabase(template, '/tmp/ab/gaps-run.sqlite');
const store = await openSqliteStore({ filename: file });
let worker;
if (process.env.CPW) {
  const { Worker } = await import('node:worker_threads');
  const { createRequire } = await import('node:module');
  const mod = createRequire(import.meta.resolve('@promote/store-sqlite')).resolve('better-sqlite3');
  worker = new Worker(`const { workerData, parentPort } = require('node:worker_threads'); const Db = require(workerData.mod); const db = new Db(workerData.file); db.pragma('busy_timeout = 0'); let n = 0, frames = 0, t = 0; const timer = setInterval(() => { const s = performance.now(); const [r] = db.pragma('wal_checkpoint(PASSIVE)'); t += performance.now() - s; n++; frames += r.checkpointed; }, Number(workerData.every)); parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.postMessage({ n, frames, t }); });`, { eval: true, workerData: { mod, file, every: process.env.CPW } });
}
const calls = [];
const wrapped = { ...store };
for (const k of Object.keys(store)) if (typeof store[k] === 'function') wrapped[k] = (...a) => { const s = performance.now(); const r = store[k](...a); const entry = [k, s - t0, 0, Array.isArray(a[0]) ? a[0].length : '']; calls.push(entry); Promise.resolve(r).then(() => { entry[2] = performance.now() - s; }, () => {}); return r; };
const promoter = createPromoter({ store: wrapped, dataplane: createReferenceDataplane(), ...(process.env.CHUNK ? { chunkSize: Number(process.env.CHUNK) } : {}), ...(process.env.BUDGET ? { commitBudgetMs: Number(process.env.BUDGET) } : {}) });
globalThis.gc?.();
const gaps = [];
let last = performance.now();
var t0 = last; const hr0 = Number(process.hrtime.bigint() / 1000n);
const timer = setInterval(() => { const now = performance.now(); if (now - last > 20) gaps.push([+(last - t0).toFixed(0), +(now - last).toFixed(1)]); last = now; }, 1);
const running = await promoter.run({ email: bench.actor.email }, { ...bench.request, as_draft: true });
const tRun = performance.now() - t0;
await promoter.waitFor(running.value.id);
const ms = performance.now() - t0;
clearInterval(timer);
const op = await store.getOperation(running.value.id);
console.log('wal MiB at end', ((await import('node:fs')).statSync(file + '-wal').size / 1048576).toFixed(1));
console.log(JSON.stringify({ ms, tRun, result: op.result, status: op.status }));
gaps.sort((a, b) => b[1] - a[1]);
console.log('hr0', hr0);
console.log('gaps >20/>30/>40:', gaps.filter(g=>g[1]>20).length, gaps.filter(g=>g[1]>30).length, gaps.filter(g=>g[1]>40).length);
console.log('gaps>20ms:', gaps.length, 'top:', JSON.stringify(gaps.slice(0, 25)));
const summary = new Map();
for (const [k, s, d] of calls) { const e = summary.get(k) ?? { n: 0, total: 0, max: 0, over20: 0 }; e.n++; e.total += d; e.max = Math.max(e.max, d); if (d > 20) e.over20++; summary.set(k, e); }
for (const [k, e] of summary) console.log(k.padEnd(24), JSON.stringify({ n: e.n, totalMs: +e.total.toFixed(0), maxMs: +e.max.toFixed(1), over20: e.over20 }));
const seqc = calls.filter(([k]) => k === 'commit' || k === 'getChecks').slice(1000, 1060).map(([k, s, d, n]) => `${k === 'commit' ? 'C' : 'G'}${n}:${d.toFixed(1)}`).join(' '); console.log(seqc);
// what ran in each of the 8 longest gaps
for (const [at, len] of gaps.slice(0, 8)) console.log('gap', at, len, JSON.stringify(calls.filter(([, s, d]) => s >= at - 1 && s <= at + len).map(([k, s, d, n]) => `${k}(${n}) ${d.toFixed(1)}`)));
if (worker) { worker.postMessage('stop'); console.log('checkpointer', JSON.stringify(await new Promise((r) => worker.once('message', r)))); await worker.terminate(); }
await store.close();
