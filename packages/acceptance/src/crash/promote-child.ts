/**
 * A promotion in a process of its own, for the crash test: opens the SQLite database given as the
 * first argument, runs (or, with `resume <id>`, resumes) an active promotion of every check from
 * container 10 to 20, and prints `committed <units>` after each store commit, so the parent can kill
 * it with SIGKILL at a known point.
 */
import { createPromoter, createReferenceDataplane, type Store } from '@promote/core';
import { openSqliteStore } from '@promote/store-sqlite';

const [filename, mode = 'run', operationId] = process.argv.slice(2);
if (filename === undefined) throw new Error('usage: promote-child <database> [run | resume <id>]');

const opened = await openSqliteStore({ filename });
let committed = 0;
const store: Store = new Proxy(opened, {
  get(target, key, receiver) {
    if (key === 'commit') {
      return async (...args: Parameters<Store['commit']>) => {
        const rows = await target.commit(...args);
        committed += rows.length;
        process.stdout.write(`committed ${committed}\n`);
        return rows;
      };
    }
    return Reflect.get(target, key, receiver) as unknown;
  },
});
const latencyMs = Number(process.env['PROMOTE_CHILD_LATENCY_MS'] ?? '2');
const promoter = createPromoter({ store, dataplane: createReferenceDataplane({ latencyMs }), concurrency: 4, leaseTtlMs: 60_000 });
const admin = { email: 'admin@example.com' };
const started =
  mode === 'resume'
    ? await promoter.resume(admin, Number(operationId))
    : await promoter.run(admin, { type: 'promote_quality_check', datastore_id: 1, container_id: 10, destination_container_id: 20, as_draft: false });
if (started.isErr()) throw new Error(JSON.stringify(started.error));
process.stdout.write(`started ${started.value.id}\n`);
await promoter.waitFor(started.value.id);
process.stdout.write('done\n');
await store.close();
