import fc from 'fast-check';
import { referenceValidationOutcome, type Dataplane, type OperationView, type QualityCheck, type World, type WorldEdit } from '@promote/core';
import { arbJsonBody } from '../arbitraries/arb-json-body.js';
import { fcNumRuns } from '../arbitraries/fc-num-runs.js';
import { entitiesOf, runToEnd, startEngine, type EngineUnderTest } from './engine-under-test.js';
import { promotedAnew } from './promoted-anew.js';
import { revertProperties } from './revert-properties.js';
import { arbPromotionScenario, type PromotionScenario } from './scenario.js';

/** One property of the engine, named with the SPEC section it pins. */
export interface EngineProperty {
  readonly name: string;
  /** The SPEC.md section(s) it pins, e.g. `§5`. */
  readonly spec: string;
  /** Checks the property against an engine; rejects with fast-check's report (seed, shrunk counterexample) when it fails. */
  check(engine: EngineUnderTest, options?: EnginePropertyOptions): Promise<void>;
}

/** How hard to look. */
export interface EnginePropertyOptions {
  /** Runs per property. Default: `FC_NUM_RUNS`, else 20. */
  readonly numRuns?: number | undefined;
  /** Replays a failure: the seed fast-check printed. */
  readonly seed?: number | undefined;
  readonly path?: string | undefined;
}

function assertProperty<T>(arbitrary: fc.Arbitrary<T>, predicate: (value: T) => Promise<void>, options: EnginePropertyOptions = {}): Promise<void> {
  return fc.assert(fc.asyncProperty(arbitrary, predicate), {
    numRuns: options.numRuns ?? fcNumRuns(20),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.path === undefined ? {} : { path: options.path }),
  });
}

function fail(message: string, detail?: unknown): never {
  throw new Error(detail === undefined ? message : `${message}: ${JSON.stringify(detail)}`);
}

function equalJson(actual: unknown, expected: unknown, message: string): void {
  const a = JSON.stringify(actual);
  const b = JSON.stringify(expected);
  if (a !== b) fail(message, { expected: JSON.parse(b) as unknown, actual: JSON.parse(a) as unknown });
}

const actorOf = (scenario: PromotionScenario) => ({ id: scenario.users.admin });

const comparable = (operation: Pick<OperationView, 'results'>) =>
  operation.results.map((result) => ({
    source: result.source_entity_id,
    result: result.result,
    message: result.message,
    destination: result.result === 'created' ? null : result.destination_entity_id,
    changes: result.changes ?? null,
  }));

/** Runs `body` on a fresh engine over the scenario's world. */
async function withEngine<T>(engine: EngineUnderTest, world: World, use: (started: Awaited<ReturnType<typeof startEngine>>) => Promise<T>, dataplane = {}): Promise<T> {
  const started = await startEngine(engine, world, dataplane);
  try {
    return await use(started);
  } finally {
    await started.close();
  }
}

const idempotence: EngineProperty = {
  name: 'promoting twice gives only skipped (what failed fails again, unless a later entity of the same promotion made a name it lacked available) and writes nothing',
  spec: '§5, §6',
  check: (engine, options) =>
    assertProperty(
      arbPromotionScenario(),
      (scenario) =>
        withEngine(engine, scenario.world, async ({ store, promoter }) => {
          const sourceNames = new Map(scenario.world.computed_fields.map((field) => [field.id, field.name]));
          let before = scenario.world;
          let previous = await runToEnd(promoter, actorOf(scenario), scenario.request);
          // Each promotion again is all skipped, and what failed fails again with its message, but
          // for the entities §6 lets be promoted anew (`promotedAnew`: a name an entity processed
          // after them made available); then the promotion after that is held to the same. Each
          // such round needs a name made available anew: there are no more rounds than entities.
          for (let round = 1; ; round++) {
            const between = await store.exportWorld();
            const anew = promotedAnew(previous.results, sourceNames, before, between);
            const next = await runToEnd(promoter, actorOf(scenario), scenario.request);
            equalJson(
              next.results.filter((result) => !anew.has(result.source_entity_id)).map((result) => [result.source_entity_id, result.result, result.result === 'failed' ? result.message : null]),
              previous.results.filter((result) => !anew.has(result.source_entity_id)).map((result) => [result.source_entity_id, result.result === 'failed' ? 'failed' : 'skipped', result.result === 'failed' ? result.message : null]),
              anew.size === 0 ? 'the second promotion is not all skipped' : `promotion ${round + 1} is not all skipped but for the entities a later one made a name available to`,
            );
            for (const id of anew) {
              const was = previous.results.find((result) => result.source_entity_id === id);
              const now = next.results.find((result) => result.source_entity_id === id);
              if (now?.result === 'failed' && now.message === was?.message) fail('an entity a later one made a name available to failed the same way again', { id, message: now.message });
            }
            if (anew.size === 0) {
              equalJson(entitiesOf(await store.exportWorld()), entitiesOf(between), 'the second promotion wrote something');
              return;
            }
            if (round > previous.results.length) fail('promoting again never ends in all skipped', { round, anew: [...anew] });
            before = between;
            previous = next;
          }
        }),
      options,
    ),
};

const planEqualsRun: EngineProperty = {
  name: 'a plan equals the run that follows it, and writes nothing',
  spec: '§9',
  check: (engine, options) =>
    assertProperty(
      arbPromotionScenario(),
      (scenario) =>
        withEngine(engine, scenario.world, async ({ store, promoter }) => {
          const before = await store.exportWorld();
          const plan = await promoter.plan(actorOf(scenario), scenario.request);
          if (plan.isErr()) fail('the plan was refused', plan.error);
          equalJson(await store.exportWorld(), before, 'the plan wrote something');
          if ((await store.listOperations({ page: 1, size: 1 })).total !== 0) fail('the plan stored an operation');
          const run = await runToEnd(promoter, actorOf(scenario), scenario.request);
          equalJson(comparable(run), comparable(plan.value), 'the run differs from its plan');
          equalJson(run.status, plan.value.status, 'the run counts differ from the plan');
        }),
      options,
    ),
};

/** An edit of the world that no promotion of the scenario can see: a new plain container, with a check, in the source datastore. */
function unrelatedEdits(world: World, datastoreId: number): WorldEdit[] {
  const name = `zz_unrelated_${world.containers.length}`;
  return [
    {
      kind: 'create_container',
      value: { datastore_id: datastoreId, name, container_type: 'table', description: 'elsewhere', tags: [], additional_metadata: {}, deleted_at: null, profiled: false },
    },
  ];
}

const fingerprints: EngineProperty = {
  name: "a plan's fingerprint is the same when made again, holds for the run that follows, changes with a selected entity's outcome and not with the rest of the world",
  spec: '§15',
  check: (engine, options) =>
    assertProperty(
      arbPromotionScenario(),
      (scenario) =>
        withEngine(engine, scenario.world, async ({ store, promoter }) => {
          const actor = actorOf(scenario);
          const plan = async () => {
            const planned = await promoter.plan(actor, scenario.request);
            return planned.isErr() ? fail('the plan was refused', planned.error) : planned.value;
          };
          const first = await plan();
          if ((await plan()).plan_fingerprint !== first.plan_fingerprint) fail('the same plan made again has another fingerprint');
          const datastoreId = scenario.request['datastore_id'] as number;
          await store.applyEdits(unrelatedEdits(await store.exportWorld(), datastoreId));
          if ((await plan()).plan_fingerprint !== first.plan_fingerprint) fail('a change elsewhere in the world changed the fingerprint');
          const run = await runToEnd(promoter, actor, { ...scenario.request, expected_plan_fingerprint: first.plan_fingerprint });
          if (run.result === 'failure' && run.results.length === 0) fail('the run of a fresh fingerprint was refused at its turn', run.message);
          equalJson(comparable(run), comparable(first), 'the run of a reviewed plan differs from it');
          const after = await plan();
          // Whatever was created or updated is skipped now: another outcome, another fingerprint.
          const outcomeChanged = JSON.stringify(comparable(after)) !== JSON.stringify(comparable(first));
          if (outcomeChanged === (after.plan_fingerprint === first.plan_fingerprint)) {
            fail(outcomeChanged ? 'a changed outcome kept the fingerprint' : 'an unchanged outcome changed the fingerprint', { first: comparable(first), after: comparable(after) });
          }
        }),
      options,
    ),
};

const countsAddUp: EngineProperty = {
  name: 'counts add up to total, total is the selection, and each count is its results',
  spec: '§9',
  check: (engine, options) =>
    assertProperty(
      arbPromotionScenario(),
      (scenario) =>
        withEngine(engine, scenario.world, async ({ promoter }) => {
          const operation = await runToEnd(promoter, actorOf(scenario), scenario.request);
          const { total, created, updated, skipped, failed } = operation.status;
          if (created + updated + skipped + failed !== total) fail('counts do not add up', operation.status);
          if (operation.results.length !== total) fail('not one result per selected entity', { total, results: operation.results.length });
          for (const value of ['created', 'updated', 'skipped', 'failed'] as const) {
            const counted = operation.results.filter((result) => result.result === value).length;
            if (counted !== operation.status[value]) fail(`status.${value} is not the number of ${value} results`, { status: operation.status[value], counted });
          }
          const expected = total === 0 || failed < total ? 'success' : 'failure';
          if (operation.result !== expected) fail(`result should be ${expected}`, operation.result);
        }),
      options,
    ),
};

const noOrphans: EngineProperty = {
  name: 'no orphans under injected validation failures and batch errors',
  spec: '§8',
  check: (engine, options) =>
    assertProperty(
      fc.record({
        scenario: arbPromotionScenario('quality_check').map((scenario): PromotionScenario => ({ ...scenario, request: { ...scenario.request, as_draft: false } })),
        failingBatches: fc.uniqueArray(fc.nat(5), { maxLength: 3 }),
        failingChecks: fc.uniqueArray(fc.nat(40), { maxLength: 6 }),
      }),
      ({ scenario, failingBatches, failingChecks }) =>
        withEngine(
          engine,
          scenario.world,
          async ({ store, promoter, dataplane }) => {
            const before = await store.exportWorld();
            const operation = await runToEnd(promoter, actorOf(scenario), scenario.request);
            const bySource = new Map(operation.results.map((result) => [result.source_entity_id, result]));
            for (const call of dataplane.calls.filter((c) => c.batchFailure !== undefined)) {
              for (const id of call.sourceCheckIds) {
                const result = bySource.get(id);
                if (result?.result !== 'failed' || result.message !== `Validation failed: ${call.batchFailure}`) fail('a check of a failed batch did not fail with its reason', result);
              }
            }
            const after = await store.exportWorld();
            const destinationId = scenario.request['destination_container_id'] as number;
            const beforeById = new Map(before.quality_checks.map((check) => [check.id, check]));
            const afterById = new Map(after.quality_checks.map((check) => [check.id, check]));
            const created = operation.results.filter((result) => result.result === 'created').map((result) => result.destination_entity_id as number);
            const inDestination = (world: World) => world.quality_checks.filter((check) => check.container_id === destinationId).length;
            if (inDestination(after) !== inDestination(before) + created.length) fail('the destination holds checks no created result accounts for');
            for (const result of operation.results.filter((r) => r.result === 'failed' && r.destination_entity_id !== null)) {
              equalJson(afterById.get(result.destination_entity_id as number), beforeById.get(result.destination_entity_id as number), 'a check whose update failed was changed');
            }
            const target = {
              container: after.containers.find((container) => container.id === destinationId) as World['containers'][number],
              fields: after.fields.filter((field) => field.container_id === destinationId),
              computedFields: after.computed_fields.filter((field) => field.container_id === destinationId),
            };
            const written = operation.results.filter((result) => result.result === 'created' || result.result === 'updated');
            for (const result of written) {
              const check = afterById.get(result.destination_entity_id as number) as QualityCheck;
              if (check.status === 'active' && !referenceValidationOutcome(target, check).valid) fail('an active check that fails validation was written', check);
              if (failingChecks.includes(result.source_entity_id) && check.status === 'active') fail('a check whose validation was made to fail was written active', check);
            }
          },
          {
            failBatch: ({ index }: { index: number }) => (failingBatches.includes(index) ? 'dataplane unavailable' : undefined),
            failCheck: (item: { sourceCheckId: number }) => (failingChecks.includes(item.sourceCheckId) ? 'rejected by the test' : undefined),
          },
        ),
      options,
    ),
};

/** Edits that rename (describe) both sides of everything a promotion wrote or matched. */
function renamesOf(world: World, operation: OperationView, text: string): WorldEdit[] {
  const promoted = operation.results.filter((result) => result.result !== 'failed');
  const checks = new Map(world.quality_checks.map((check) => [check.id, check]));
  const computed = new Map(world.computed_fields.map((field) => [field.id, field]));
  const containers = new Map(world.containers.map((container) => [container.id, container]));
  return promoted.flatMap((result, index): WorldEdit[] => {
    const ids = [result.source_entity_id, result.destination_entity_id as number];
    switch (result.entity_type) {
      case 'quality_check':
        return ids.map((id) => ({ kind: 'update_check', value: { ...(checks.get(id) as QualityCheck), description: `${text} ${index} ${id}` } }));
      case 'computed_field':
        return ids.map((id) => {
          const field = computed.get(id) as World['computed_fields'][number];
          return { kind: 'update_computed_field', value: { ...field, description: `${text} ${index} ${id}` } };
        });
      case 'computed_table':
      case 'computed_file':
        // Renamed on both sides, so that only lineage can still match them.
        return ids.map((id) => {
          const container = containers.get(id) as World['containers'][number];
          return { kind: 'update_container', value: { ...container, name: `${container.name}_renamed_${id}` } };
        });
    }
  });
}

const lineageStability: EngineProperty = {
  name: 'lineage survives edits and renames on either side: the same entity is updated, never duplicated',
  spec: '§4',
  check: (engine, options) =>
    assertProperty(
      fc.record({ scenario: arbPromotionScenario(), text: fc.string({ minLength: 1, maxLength: 8 }) }),
      ({ scenario, text }) =>
        withEngine(engine, scenario.world, async ({ store, promoter }) => {
          const first = await runToEnd(promoter, actorOf(scenario), scenario.request);
          await store.applyEdits(renamesOf(await store.exportWorld(), first, text));
          const second = await runToEnd(promoter, actorOf(scenario), scenario.request);
          const again = new Map(second.results.map((result) => [result.source_entity_id, result]));
          for (const result of first.results.filter((r) => r.result !== 'failed')) {
            const next = again.get(result.source_entity_id);
            if (next === undefined || next.result === 'created' || next.destination_entity_id !== result.destination_entity_id) {
              fail('a promoted entity was not matched again by lineage', { first: result, second: next });
            }
          }
        }),
      options,
    ),
};

const deniedWritesNothing: EngineProperty = {
  name: 'a denied request writes nothing and stores no operation',
  spec: '§2.1, §11',
  check: (engine, options) =>
    assertProperty(
      fc.record({ scenario: arbPromotionScenario(), who: fc.constantFrom('viewer' as const, 'outsider' as const), dryRun: fc.boolean() }),
      ({ scenario, who, dryRun }) =>
        withEngine(engine, scenario.world, async ({ store, promoter }) => {
          const before = await store.exportWorld();
          const actor = { id: scenario.users[who] };
          const answer = dryRun ? await promoter.plan(actor, scenario.request) : await promoter.run(actor, scenario.request);
          if (answer.isOk() || answer.error.kind !== 'forbidden') fail('the request was not forbidden', answer.isOk() ? 'accepted' : answer.error);
          equalJson(await store.exportWorld(), before, 'a denied request wrote something');
          if ((await store.listOperations({ page: 1, size: 1 })).total !== 0) fail('a denied request stored an operation');
        }),
      options,
    ),
};

const abortKeepsProcessed: EngineProperty = {
  name: 'abort keeps what was processed and nothing else',
  spec: '§9',
  check: (engine, options) =>
    assertProperty(
      fc.record({
        scenario: arbPromotionScenario('quality_check').map((scenario): PromotionScenario => ({ ...scenario, request: { ...scenario.request, as_draft: false } })),
        abortAtCall: fc.nat(3),
      }),
      async ({ scenario, abortAtCall }) => {
        let abort: (() => void) | undefined;
        const aborting: EngineUnderTest = {
          openStore: (world) => engine.openStore(world),
          wrapDataplane: (inner): Dataplane => {
            const base = engine.wrapDataplane?.(inner) ?? inner;
            let calls = 0;
            return {
              validate: (target, items, signal) => {
                if (calls++ === abortAtCall) abort?.();
                return base.validate(target, items, signal);
              },
            };
          },
        };
        await withEngine(aborting, scenario.world, async ({ store, promoter }) => {
          const before = await store.exportWorld();
          const actor = actorOf(scenario);
          const started = await promoter.run(actor, scenario.request);
          if (started.isErr()) fail('refused', started.error);
          const id = started.value.id;
          let aborted: Promise<unknown> = Promise.resolve();
          abort = () => {
            aborted = (async () => promoter.abort(actor, id))();
          };
          await promoter.waitFor(id);
          await aborted;
          const operation = (await promoter.getOperation(actor, id))._unsafeUnwrap();
          const stored = await store.getOperation(id);
          const selection = stored?.selection ?? [];
          equalJson(
            operation.results.map((result) => result.source_entity_id),
            selection.slice(0, operation.results.length),
            'the recorded results are not the first entities in processing order',
          );
          const after = await store.exportWorld();
          const created = new Set(operation.results.filter((r) => r.result === 'created').map((r) => r.destination_entity_id));
          const newChecks = after.quality_checks.filter((check) => !before.quality_checks.some((old) => old.id === check.id));
          equalJson(newChecks.map((check) => check.id).sort(), [...created].sort(), 'the destination holds writes of entities without a result');
          const updated = new Set(operation.results.filter((r) => r.result === 'updated').map((r) => r.destination_entity_id));
          for (const check of before.quality_checks) {
            const now = after.quality_checks.find((other) => other.id === check.id);
            if (!updated.has(check.id)) equalJson(now, check, 'a check without an updated result changed');
          }
        });
      },
      options,
    ),
};

const anyJsonBody: EngineProperty = {
  name: 'arbitrary JSON as a request body yields a typed error or a valid operation, never a throw',
  spec: '§2',
  check: (engine, options) =>
    assertProperty(
      fc.record({ scenario: arbPromotionScenario('quality_check'), body: arbJsonBody() }),
      ({ scenario, body }) =>
        withEngine(engine, scenario.world, async ({ store, promoter }) => {
          const before = await store.exportWorld();
          const answer = await promoter.run(actorOf(scenario), body);
          if (answer.isErr()) {
            const kinds = ['invalid_request', 'unprocessable', 'not_found', 'forbidden'];
            if (!kinds.includes(answer.error.kind)) fail('unexpected error kind', answer.error);
            equalJson(await store.exportWorld(), before, 'a refused request wrote something');
            return;
          }
          await promoter.waitFor(answer.value.id);
          const operation = (await promoter.getOperation(actorOf(scenario), answer.value.id))._unsafeUnwrap();
          if (operation.result === 'running') fail('the operation did not finish');
          const { total, created, updated, skipped, failed } = operation.status;
          if (created + updated + skipped + failed !== total) fail('counts do not add up', operation.status);
        }),
      options,
    ),
};

/**
 * The engine's properties, as plain data: run them with any test runner (`await property.check(engine)`),
 * or with vitest through `describeEngineProperties`. `docs/properties.md` names each with its SPEC section.
 */
export const engineProperties: readonly EngineProperty[] = [
  idempotence,
  planEqualsRun,
  fingerprints,
  countsAddUp,
  noOrphans,
  lineageStability,
  deniedWritesNothing,
  abortKeepsProcessed,
  anyJsonBody,
  ...revertProperties,
];
