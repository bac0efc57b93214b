import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { createPromoter, createReferenceDataplane, steppingClock, type Promoter, type Store } from '@promote/core';
import { createMemoryStore } from '@promote/store-memory';
import { openSqliteStore } from '@promote/store-sqlite';
import {
  arbDestinationEdit,
  arbPromotionWorld,
  arbQualityCheckRequest,
  arbSourceEdit,
  editToWorldEdits,
  fcNumRuns,
  type EditIntent,
  type PromotionWorld,
} from '@promote/testkit';

type Command =
  | { readonly kind: 'run'; readonly request: Record<string, unknown> }
  | { readonly kind: 'plan'; readonly request: Record<string, unknown> }
  | { readonly kind: 'abort-then-resume'; readonly request: Record<string, unknown> }
  | { readonly kind: 'edit'; readonly edit: EditIntent };

const scenario = arbPromotionWorld({ maxChecks: 8 }).chain((pw) =>
  fc
    .array(
      fc.oneof(
        { weight: 3, arbitrary: arbQualityCheckRequest(pw).map((request): Command => ({ kind: 'run', request: request as Record<string, unknown> })) },
        { weight: 1, arbitrary: arbQualityCheckRequest(pw).map((request): Command => ({ kind: 'plan', request: request as Record<string, unknown> })) },
        { weight: 1, arbitrary: arbQualityCheckRequest(pw).map((request): Command => ({ kind: 'abort-then-resume', request: request as Record<string, unknown> })) },
        { weight: 2, arbitrary: fc.oneof(arbSourceEdit(pw), arbDestinationEdit(pw)).map((edit): Command => ({ kind: 'edit', edit })) },
      ),
      { minLength: 1, maxLength: 6 },
    )
    .map((commands) => ({ pw, commands })),
);

/** Runs the commands on one store and returns everything observable: answers, operations with results, the final world. */
async function observe(store: Store, pw: PromotionWorld, commands: readonly Command[]) {
  const promoter: Promoter = createPromoter({ store, dataplane: createReferenceDataplane(), clock: steppingClock(), holderId: 'engine' });
  const actor = { id: pw.actor.userId };
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
    const started = await promoter.run(actor, command.request);
    if (started.isErr()) {
      answers.push(started.error);
      continue;
    }
    if (command.kind === 'abort-then-resume') {
      answers.push((await promoter.abort(actor, started.value.id)).map((operation) => operation.result));
      answers.push((await promoter.resume(actor, started.value.id)).map((operation) => operation.result));
    }
    await promoter.waitFor(started.value.id);
    answers.push(await promoter.getOperation(actor, started.value.id));
  }
  const operations = await store.listOperations({ page: 1, size: 1000 });
  const results = await Promise.all(operations.items.map((operation) => store.listResults(operation.id)));
  return { answers, operations, results, world: await store.exportWorld() };
}

describe('the memory and SQLite stores agree', () => {
  test.prop([scenario], { numRuns: fcNumRuns(15) })('same world, same commands → same answers, operations, results and destination', async ({ pw, commands }) => {
    const memory = createMemoryStore({ world: pw.world });
    const sqlite = await openSqliteStore({ filename: ':memory:' });
    try {
      await sqlite.importWorld(pw.world);
      const expected = await observe(memory, pw, commands);
      const actual = await observe(sqlite, pw, commands);
      expect(actual).toEqual(expected);
    } finally {
      await sqlite.close();
      await memory.close();
    }
  });
});
