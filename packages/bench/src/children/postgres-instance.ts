/**
 * Child process of the postgres-scaling scenario: one engine instance. Opens the PostgreSQL store
 * (argument 1: connection string, 2: schema), waits until the epoch millisecond of argument 3 (so
 * that every instance starts together), then runs the promotions whose JSON bodies are the array of
 * argument 4 all at once, as the user of argument 5, and prints one JSON line: when it started and
 * ended (epoch ms), the entities written, and the CPU time it used.
 */
import { createPromoter, createReferenceDataplane } from '@promote/core';
import { openPostgresStore } from '@promote/store-postgres';

const [connectionString, schema, startAtText, bodiesText, email] = process.argv.slice(2);
if (connectionString === undefined || schema === undefined || startAtText === undefined || bodiesText === undefined || email === undefined) {
  throw new Error('usage: postgres-instance <connection string> <schema> <start at, epoch ms> <request bodies JSON> <email>');
}
const store = await openPostgresStore({ connectionString, schema });
const promoter = createPromoter({ store, dataplane: createReferenceDataplane({ keepCalls: 0 }) });
const bodies = JSON.parse(bodiesText) as unknown[];
const late = Date.now() - Number(startAtText);
if (late < 0) await new Promise((resolve) => setTimeout(resolve, -late));
const cpuBefore = process.cpuUsage();
const startedAt = Date.now();
const ids = await Promise.all(
  bodies.map(async (body) => {
    const running = await promoter.run({ email }, body);
    if (running.isErr()) throw new Error(JSON.stringify(running.error));
    await promoter.waitFor(running.value.id);
    return running.value.id;
  }),
);
const endedAt = Date.now();
const cpu = process.cpuUsage(cpuBefore);
let entities = 0;
for (const id of ids) {
  const operation = await store.getOperation(id);
  if (operation?.result !== 'success') throw new Error(`operation ${id} ended ${operation?.result ?? 'missing'}: ${operation?.message ?? ''}`);
  entities += operation.status.created + operation.status.updated + operation.status.skipped;
}
await store.close();
process.stdout.write(`${JSON.stringify({ startedAt, endedAt, late: Math.max(0, late), entities, cpuMs: (cpu.user + cpu.system) / 1000 })}\n`);
