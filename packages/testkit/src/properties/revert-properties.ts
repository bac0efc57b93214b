import fc from 'fast-check';
import type { OperationView, PlanView, Promoter, World, WorldEdit } from '@promote/core';
import { fcNumRuns } from '../arbitraries/fc-num-runs.js';
import { runToEnd, startEngine, type EngineUnderTest } from './engine-under-test.js';
import { arbPromotionScenario, type PromotionScenario } from './scenario.js';
import type { EngineProperty, EnginePropertyOptions } from './engine-properties.js';

/*
 * The properties of revert (SPEC §16), on every store the testkit is run against. Worlds are
 * compared entity by entity without timestamps (`created_at`, `updated_at`): a revert writes at
 * another time than the world it restores was written.
 */

type EntityKind = 'quality_checks' | 'computed_fields' | 'containers';
const kinds: readonly EntityKind[] = ['quality_checks', 'computed_fields', 'containers'];
type Entity = { readonly id: number } & Record<string, unknown>;

function fail(message: string, detail?: unknown): never {
  throw new Error(detail === undefined ? message : `${message}: ${JSON.stringify(detail)}`);
}

const actorOf = (scenario: PromotionScenario) => ({ id: scenario.users.admin });

/** An entity without its timestamps, keys sorted, as text. */
function timeless(entity: Entity): string {
  const kept: Record<string, unknown> = {};
  for (const key of Object.keys(entity).sort()) if (key !== 'created_at' && key !== 'updated_at') kept[key] = entity[key];
  return JSON.stringify(kept);
}

/** Whether an entity a promotion created is retired (§16): a check archived, a computed field deleted, a container soft-deleted. */
function isRetired(kind: EntityKind, entity: Entity): boolean {
  if (kind === 'quality_checks') return entity['status'] === 'archived';
  if (kind === 'computed_fields') return entity['status'] === 'deleted';
  return entity['deleted_at'] !== null && entity['deleted_at'] !== undefined;
}

function byId(world: World, kind: EntityKind): Map<number, Entity> {
  return new Map((world[kind] as unknown as readonly Entity[]).map((entity) => [entity.id, entity]));
}

/**
 * How `after` differs from `before` once the entities that only `after` has are mapped to "retired"
 * (what a revert makes of what a promotion created): every entity of `before` is in `after`,
 * equal but for timestamps, unless its id is in `except`; every entity only `after` has is retired.
 */
function differencesUpToRetirement(before: World, after: World, except: ReadonlySet<string> = new Set()): string[] {
  const differences: string[] = [];
  for (const kind of kinds) {
    const old = byId(before, kind);
    for (const [id, entity] of byId(after, kind)) {
      const earlier = old.get(id);
      if (except.has(`${kind}/${id}`)) continue;
      if (earlier === undefined) {
        if (!isRetired(kind, entity)) differences.push(`${kind} ${id}: created by the promotion and not retired`);
      } else if (timeless(earlier) !== timeless(entity)) {
        differences.push(`${kind} ${id}: ${timeless(earlier)} became ${timeless(entity)}`);
      }
    }
    for (const id of old.keys()) if (!byId(after, kind).has(id)) differences.push(`${kind} ${id}: no longer exists`);
  }
  return differences;
}

const kindOf: Record<OperationView['promote_type'], EntityKind> = {
  quality_check: 'quality_checks',
  computed_field: 'computed_fields',
  computed_table: 'containers',
  computed_file: 'containers',
};

/** Entities a revert could not restore because the Dataplane refused the restored check (§16: validated first). */
function refusedByValidation(revert: Pick<OperationView, 'results' | 'promote_type'>): Set<string> {
  return new Set(
    revert.results
      .filter((result) => result.result === 'failed' && result.message?.startsWith('Validation failed') === true)
      .map((result) => `${kindOf[revert.promote_type]}/${String(result.destination_entity_id)}`),
  );
}

function assertProperty<T>(arbitrary: fc.Arbitrary<T>, predicate: (value: T) => Promise<void>, options: EnginePropertyOptions = {}): Promise<void> {
  return fc.assert(fc.asyncProperty(arbitrary, predicate), {
    numRuns: options.numRuns ?? fcNumRuns(20),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.path === undefined ? {} : { path: options.path }),
  });
}

/** Runs the scenario's promotion on a fresh engine, then `use`. */
async function promoted(engine: EngineUnderTest, scenario: PromotionScenario, use: (context: { promoter: Promoter; exportWorld: () => Promise<World>; applyEdits: (edits: readonly WorldEdit[]) => Promise<unknown>; before: World; promotion: OperationView }) => Promise<void>): Promise<void> {
  const started = await startEngine(engine, scenario.world);
  try {
    const before = await started.store.exportWorld();
    const promotion = await runToEnd(started.promoter, actorOf(scenario), scenario.request);
    await use({ promoter: started.promoter, exportWorld: () => started.store.exportWorld(), applyEdits: (edits) => started.store.applyEdits(edits), before, promotion });
  } finally {
    await started.close();
  }
}

const written = (operation: OperationView) => operation.results.filter((result) => result.result === 'created' || result.result === 'updated');

const promoteThenRevert: EngineProperty = {
  name: 'promote then revert gives back the destination world as before (what it created retired), in reverse order',
  spec: '§16',
  check: (engine, options) =>
    assertProperty(
      arbPromotionScenario(),
      (scenario) =>
        promoted(engine, scenario, async ({ promoter, exportWorld, before, promotion }) => {
          const revert = await runToEnd(promoter, actorOf(scenario), { type: 'revert', operation_id: promotion.id });
          if (revert.type !== 'revert' || revert.reverted_operation_id !== promotion.id || revert.promote_type !== promotion.promote_type) {
            fail('the revert does not say what it reverts', { type: revert.type, reverted_operation_id: revert.reverted_operation_id });
          }
          const expectedOrder = written(promotion).map((result) => result.source_entity_id).reverse();
          const order = revert.results.map((result) => result.source_entity_id);
          if (JSON.stringify(order) !== JSON.stringify(expectedOrder) || revert.status.total !== expectedOrder.length) {
            fail('the revert does not select what the promotion wrote, in reverse order', { order, expectedOrder });
          }
          const refused = refusedByValidation(revert);
          const unexpected = revert.results.filter((result) => result.result !== 'updated' && !(result.result === 'failed' && refused.has(`${kindOf[revert.promote_type]}/${String(result.destination_entity_id)}`)));
          if (unexpected.length > 0) fail('an entity the promotion wrote was not restored', unexpected);
          const differences = differencesUpToRetirement(before, await exportWorld(), refused);
          if (differences.length > 0) fail('the world after the revert is not the world before the promotion', differences);
        }),
      options,
    ),
};

const revertTwice: EngineProperty = {
  name: 'reverting twice: the second revert is all skipped and writes nothing',
  spec: '§16',
  check: (engine, options) =>
    assertProperty(
      arbPromotionScenario(),
      (scenario) =>
        promoted(engine, scenario, async ({ promoter, exportWorld, promotion }) => {
          const first = await runToEnd(promoter, actorOf(scenario), { type: 'revert', operation_id: promotion.id });
          const between = await exportWorld();
          const second = await runToEnd(promoter, actorOf(scenario), { type: 'revert', operation_id: promotion.id });
          const refused = new Set(first.results.filter((result) => result.result === 'failed').map((result) => result.source_entity_id));
          const notSkipped = second.results.filter((result) => result.result !== 'skipped' && !refused.has(result.source_entity_id));
          if (notSkipped.length > 0) fail('the second revert did something', notSkipped);
          if (JSON.stringify(await exportWorld()) !== JSON.stringify(between)) fail('the second revert wrote something');
        }),
      options,
    ),
};

const revertOfRevert: EngineProperty = {
  name: 'a revert of the revert re-applies the promotion',
  spec: '§16',
  check: (engine, options) =>
    assertProperty(
      arbPromotionScenario(),
      (scenario) =>
        promoted(engine, scenario, async ({ promoter, exportWorld, promotion }) => {
          const promotedWorld = await exportWorld();
          const revert = await runToEnd(promoter, actorOf(scenario), { type: 'revert', operation_id: promotion.id });
          const again = await runToEnd(promoter, actorOf(scenario), { type: 'revert', operation_id: revert.id });
          if (again.type !== 'revert' || again.reverted_operation_id !== revert.id) fail('the revert of the revert does not say what it reverts');
          // What the first revert could not restore (validation) it did not write: nothing to re-apply there.
          const refused = new Set([...refusedByValidation(revert), ...refusedByValidation(again)]);
          const differences = differencesUpToRetirement(promotedWorld, await exportWorld(), refused);
          if (differences.length > 0) fail('the revert of the revert did not re-apply the promotion', differences);
        }),
      options,
    ),
};

/** An edit of one written entity's description (a compared attribute), as a user on the destination would make. */
function editOf(world: World, kindName: EntityKind, id: number): WorldEdit {
  const entity = byId(world, kindName).get(id) as Entity;
  const description = `${String(entity['description'])} (edited on the destination)`;
  switch (kindName) {
    case 'quality_checks':
      return { kind: 'update_check', value: { ...(entity as never as World['quality_checks'][number]), description } };
    case 'computed_fields':
      return { kind: 'update_computed_field', value: { ...(entity as never as World['computed_fields'][number]), description } };
    case 'containers':
      return { kind: 'update_container', value: { ...(entity as never as World['containers'][number]), description } };
  }
}

const changedSince: EngineProperty = {
  name: 'a change on the destination after the promotion makes exactly that entity fail, untouched, with the changed path',
  spec: '§16',
  check: (engine, options) =>
    assertProperty(
      arbPromotionScenario().chain((scenario) => fc.tuple(fc.constant(scenario), fc.nat())),
      ([scenario, pick]) =>
        promoted(engine, scenario, async ({ promoter, exportWorld, applyEdits, before, promotion }) => {
          const candidates = written(promotion);
          if (candidates.length === 0) return;
          const chosen = candidates[pick % candidates.length] as OperationView['results'][number];
          const kind = kindOf[promotion.promote_type];
          const id = chosen.destination_entity_id as number;
          await applyEdits([editOf(await exportWorld(), kind, id)]);
          const edited = byId(await exportWorld(), kind).get(id) as Entity;
          const revert = await runToEnd(promoter, actorOf(scenario), { type: 'revert', operation_id: promotion.id });
          const outcome = revert.results.find((result) => result.source_entity_id === chosen.source_entity_id);
          if (outcome?.result !== 'failed' || outcome.message !== `Changed on the destination since operation ${promotion.id}: description`) {
            fail('the changed entity did not fail with its changed path', outcome);
          }
          const others = revert.results.filter((result) => result !== outcome && result.result !== 'updated' && !refusedByValidation(revert).has(`${kind}/${String(result.destination_entity_id)}`));
          if (others.length > 0) fail('an entity nobody changed was not reverted', others);
          const after = await exportWorld();
          if (timeless(byId(after, kind).get(id) as Entity) !== timeless(edited)) fail('the changed entity was written');
          const differences = differencesUpToRetirement(before, after, new Set([...refusedByValidation(revert), `${kind}/${id}`]));
          if (differences.length > 0) fail('the rest of the world was not restored', differences);
        }),
      options,
    ),
};

/** A plan as comparable with the run that follows: results and counts, not ids or times. */
function comparable(operation: Pick<PlanView, 'results' | 'status' | 'type' | 'reverted_operation_id'>) {
  return {
    type: operation.type,
    reverted: operation.reverted_operation_id,
    status: operation.status,
    // A retired container's `deleted_at` is the time of the write: compared as whether it is set.
    results: operation.results.map((result) => [
      result.source_entity_id,
      result.result,
      result.destination_entity_id,
      result.message,
      (result.changes ?? []).map((change) => (change.path === 'deleted_at' ? { ...change, from: change.from !== null, to: change.to !== null } : change)),
    ]),
  };
}

const planOfRevert: EngineProperty = {
  name: 'the plan of a revert equals the revert that follows it (and holds its fingerprint)',
  spec: '§15, §16',
  check: (engine, options) =>
    assertProperty(
      arbPromotionScenario(),
      (scenario) =>
        promoted(engine, scenario, async ({ promoter, exportWorld, promotion }) => {
          const body = { type: 'revert', operation_id: promotion.id };
          const between = await exportWorld();
          const plan = (await promoter.plan(actorOf(scenario), body))._unsafeUnwrap();
          if (JSON.stringify(await exportWorld()) !== JSON.stringify(between)) fail('the plan of a revert wrote something');
          const revert = await runToEnd(promoter, actorOf(scenario), { ...body, expected_plan_fingerprint: plan.plan_fingerprint });
          if (revert.result === 'failure' && revert.message === 'The plan changed since it was reviewed') fail('the fingerprint of a revert plan did not hold');
          const planned = comparable(plan);
          const ran = comparable(revert);
          if (JSON.stringify(planned) !== JSON.stringify(ran)) fail('the plan of the revert differs from the revert', { planned, ran });
        }),
      options,
    ),
};

/** The properties of revert (§16), part of {@link engineProperties}. */
export const revertProperties: readonly EngineProperty[] = [promoteThenRevert, revertTwice, revertOfRevert, changedSince, planOfRevert];
