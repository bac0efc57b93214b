import { spawn } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { benchWorld } from './dist/bench-world.js';
const file = '/tmp/ab/serve-run.sqlite';
copyFileSync('/tmp/ab/gaps-1000000.sqlite', file);
const bench = benchWorld({ seed: 1, checks: 10, destination: 'empty' });
const child = spawn(process.execPath, ['--cpu-prof', '--cpu-prof-dir=/tmp/ab/sprof', '--cpu-prof-interval', '250', '--import', '/tmp/ab/gap-preload.mjs', '../cli/dist/main.js', 'serve', '--db', file, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
let err = ''; child.stderr.on('data', (d) => { err += d; });
const base = await new Promise((resolve) => { let out = ''; child.stdout.on('data', (d) => { out += d; const m = /Listening on (http:\/\/\S+)/.exec(out); if (m) resolve(m[1].replace(/\/$/, '')); }); });
const call = async (method, path, body) => { const r = await fetch(base + path, { method, headers: { authorization: `Bearer ${bench.token}`, 'content-type': 'application/json' }, body: body && JSON.stringify(body) }); return r.json(); };
const t0 = Date.now(); console.log(bench.token);
const op = await call('POST', '/api/operations/run', { ...bench.request, as_draft: true });
for (;;) { await new Promise((r) => setTimeout(r, 1000)); const o = (await call('GET', '/api/operations?page=1&size=5')).items.find((i) => i.id === op.id);  if (o.result !== 'running') { console.log(o.result, Date.now() - t0); break; } }
child.kill('SIGTERM');
await new Promise((r) => child.once('exit', r));
const gaps = err.split('\n').filter((l) => l.startsWith('GAP')).map((l) => l.split(' ').slice(1).map(Number)).sort((a, b) => b[2] - a[2]);
console.log('gaps>30', gaps.length, JSON.stringify(gaps.slice(0, 12)));
