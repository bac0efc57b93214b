import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { createPromoter, createReferenceDataplane, type Clock, type Promoter, type ResultPosition, type Store } from '@promote/core';
import { createMemoryStore } from '@promote/store-memory';
import { openPostgresStore } from '@promote/store-postgres';
import { openSqliteStore } from '@promote/store-sqlite';
import { createTestDatabase } from '@promote/test-postgres';
import {
  arbComputedContainerWorld,
  arbComputedFieldRequest,
  arbComputedFieldWorld,
  arbComputedFileRequest,
  arbComputedTableRequest,
  arbDestinationEdit,
  arbPromotionWorld,
  arbQualityCheckRequest,
  arbSourceEdit,
  editToWorldEdits,
  fcNumRuns,
  type EditIntent,
  type PromotionWorld,
} from '@promote/testkit';
import { testProp } from '@promote/testkit/vitest';

type Command =
  | { readonly kind: 'run'; readonly request: Record<string, unknown> }
  | { readonly kind: 'plan'; readonly request: Record<string, unknown> }
  | { readonly kind: 'abort-then-resume'; readonly request: Record<string, unknown> }
  | { readonly kind: 'run-then-delete'; readonly request: Record<string, unknown> }
  | { readonly kind: 'edit'; readonly edit: EditIntent };

/** A world, its acting user, and the requests (and edits) that make sense in it, for any promote type. */
interface Setting {
  readonly world: PromotionWorld['world'];
  readonly actor: number;
  readonly request: fc.Arbitrary<Record<string, unknown>>;
  readonly edit?: fc.Arbitrary<EditIntent> | undefined;
}

const settings: fc.Arbitrary<Setting> = fc.oneof(
  arbPromotionWorld({ maxChecks: 8 }).map(
    (pw): Setting => ({ world: pw.world, actor: pw.actor.userId, request: arbQualityCheckRequest(pw) as fc.Arbitrary<Record<string, unknown>>, edit: fc.oneof(arbSourceEdit(pw), arbDestinationEdit(pw)) }),
  ),
  arbComputedFieldWorld().map((cw): Setting => ({ world: cw.world, actor: cw.actor.userId, request: arbComputedFieldRequest(cw) as fc.Arbitrary<Record<string, unknown>> })),
  arbComputedContainerWorld({ kind: 'computed_table' }).map((w): Setting => ({ world: w.world, actor: w.actor.userId, request: arbComputedTableRequest(w) as fc.Arbitrary<Record<string, unknown>> })),
  arbComputedContainerWorld({ kind: 'computed_file' }).map((w): Setting => ({ world: w.world, actor: w.actor.userId, request: arbComputedFileRequest(w) as fc.Arbitrary<Record<string, unknown>> })),
);

const scenario = settings.chain((setting) =>
  fc
    .array(
      fc.oneof(
        { weight: 3, arbitrary: setting.request.map((request): Command => ({ kind: 'run', request })) },
        { weight: 1, arbitrary: setting.request.map((request): Command => ({ kind: 'plan', request })) },
        { weight: 1, arbitrary: setting.request.map((request): Command => ({ kind: 'abort-then-resume', request })) },
        // The ids after a delete (operations and results) must agree as well: none is given again.
        { weight: 1, arbitrary: setting.request.map((request): Command => ({ kind: 'run-then-delete', request })) },
        ...(setting.edit === undefined ? [] : [{ weight: 2, arbitrary: setting.edit.map((edit): Command => ({ kind: 'edit', edit })) }]),
      ),
      { minLength: 1, maxLength: 6 },
    )
    .map((commands) => ({ setting, commands })),
);

/** The destination scope of a request (§9): the container for checks and computed fields, else the datastore. */
function scopeOf(request: Record<string, unknown>): string {
  return request['type'] === 'promote_quality_check' || request['type'] === 'promote_computed_field'
    ? `container:${String(request['destination_container_id'])}`
    : `datastore:${String(request['destination_datastore_id'])}`;
}

const utf8 = new TextDecoder();

/** Runs the commands on one store and returns everything observable: answers, operations with results, the final world. */
async function observe(store: Store, setting: Setting, commands: readonly Command[], chunkSize?: number) {
  // Time stands still, so that how long an engine waits for a lease cannot show in any timestamp
  // (and no renewal ever falls due).
  const clock: Clock = { now: () => new Date('2026-03-10T14:30:00Z'), sleep: () => new Promise((resolve) => setImmediate(resolve)), every: () => ({ cancel: () => undefined }) };
  const promoter: Promoter = createPromoter({ store, dataplane: createReferenceDataplane(), clock, holderId: 'engine', chunkSize });
  const actor = { id: setting.actor };
  const answers: unknown[] = [];
  for (const command of commands) {
    if (command.kind === 'edit') {
      const edits = editToWorldEdits(await store.exportWorld(), command.edit);
      answers.push(edits.length === 0 ? 'no edit' : await store.applyEdits(edits));
      continue;
    }
    if (command.kind === 'plan') {
      answers.push((await promoter.plan(actor, command.request)).map((plan) => ({ ...plan, start_time: null, end_time: null })));
      continue;
    }
    // To abort deterministically before anything is processed, another holder keeps the scope's lease until the abort.
    const scope = scopeOf(command.request);
    const blocked = command.kind === 'abort-then-resume' && (await store.leases?.tryAcquire(scope, 'blocker', '2026-03-10T14:30:00Z', '2026-03-10T15:30:00Z')) === true;
    const started = await promoter.run(actor, command.request);
    if (started.isErr()) {
      if (blocked) await store.leases?.release(scope, 'blocker');
      answers.push(started.error);
      continue;
    }
    if (command.kind === 'abort-then-resume') {
      answers.push((await promoter.abort(actor, started.value.id)).map((operation) => [operation.result, operation.results.length]));
      if (blocked) await store.leases?.release(scope, 'blocker');
      answers.push((await promoter.resume(actor, started.value.id)).map((operation) => operation.result));
    }
    await promoter.waitFor(started.value.id);
    answers.push(await promoter.getOperation(actor, started.value.id));
    if (command.kind === 'run-then-delete') answers.push(await promoter.deleteOperation(actor, started.value.id));
  }
  const operations = await store.listOperations({ page: 1, size: 1000 });
  const results = await Promise.all(operations.items.map((operation) => store.listResults(operation.id)));
  // Keyset reads, three at a time from the start and from seq 1, and a result page as the API reads it (a seq range when complete).
  const keyset = await Promise.all(
    operations.items.map(async (operation) => {
      const chunks = [];
      for (let after: ResultPosition | undefined, chunk = await store.listResultsAfter(operation.id, undefined, 3); ; chunk = await store.listResultsAfter(operation.id, after, 3)) {
        chunks.push(chunk);
        const last = chunk.at(-1);
        if (chunk.length < 3 || last === undefined) break;
        after = { seq: last.seq, id: last.id };
      }
      // Every result page as the API writes it (the store's JSON for a complete operation's, where it offers it): the JSON of the page `listResults` answers.
      const pages = [];
      for (const size of [1, 2, 3]) {
        for (let page = 1; page <= Math.ceil(operation.status.total / size) + 1; page++) {
          const query = { page: String(page), size: String(size) };
          const json = (await promoter.listResultsJson(actor, operation.id, query)).map((bytes) => utf8.decode(bytes));
          expect(json, `page ${page} of ${size} of operation ${operation.id}`).toEqual((await promoter.listResults(actor, operation.id, query)).map((listed) => JSON.stringify(listed)));
          pages.push(json);
        }
      }
      const containers = (await promoter.listResultsJson(actor, operation.id, { size: '2' }, ['computed_table', 'computed_file'])).map((bytes) => utf8.decode(bytes));
      return { chunks, fromSeq1: await store.listResultsAfter(operation.id, { seq: 1, id: 0 }, 2), page2: await promoter.listResults(actor, operation.id, { page: '2', size: '2' }), pages, containers };
    }),
  );
  return { answers, operations, results, keyset, world: await store.exportWorld() };
}

// One database for the file, one new schema (an empty, freshly migrated store) per run.
const connectionString = await createTestDatabase('stores-agree');
let runs = 0;

describe('the memory, SQLite and PostgreSQL stores agree', () => {
  testProp('same world, same commands → same answers, operations, results and destination, whatever the chunk size', [scenario], async ({ setting, commands }) => {
    const memory = createMemoryStore({ world: setting.world });
    const sqlite = await openSqliteStore({ filename: ':memory:' });
    const postgres = await openPostgresStore({ connectionString, schema: `run_${(runs += 1)}` });
    try {
      await sqlite.importWorld(setting.world);
      await postgres.importWorld(setting.world);
      // Each store runs its checks in chunks of another size (SPEC §19): whole, one by one, three at
      // a time; the chunks must not show in anything observable.
      const expected = await observe(memory, setting, commands);
      expect(await observe(sqlite, setting, commands, 1), 'SQLite, chunks of 1').toEqual(expected);
      expect(await observe(postgres, setting, commands, 3), 'PostgreSQL, chunks of 3').toEqual(expected);
    } finally {
      await Promise.all([postgres.close(), sqlite.close(), memory.close()]);
    }
    // A run takes about half a second (a PostgreSQL schema is migrated for each): FC_NUM_RUNS may raise the runs far past the usual timeout.
  }, { numRuns: fcNumRuns(20) }, Math.max(60_000, fcNumRuns(20) * 3_000));
});
