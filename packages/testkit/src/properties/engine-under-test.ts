import {
  createPromoter,
  createReferenceDataplane,
  steppingClock,
  type Dataplane,
  type OperationView,
  type Promoter,
  type ReferenceDataplane,
  type ReferenceDataplaneOptions,
  type Store,
  type World,
} from '@promote/core';
import { verifyingLinkClaims } from './link-claims.js';

/**
 * What the engine properties run against: a way to open a fresh store holding a world — your
 * store — and, optionally, a wrapper around the Dataplane the property uses.
 *
 * @example
 * const memory: EngineUnderTest = { openStore: async (world) => createMemoryStore({ world }) };
 */
export interface EngineUnderTest {
  /** A fresh store holding exactly `world` (ids kept). Closed by the property when it is done. */
  openStore(world: World): Promise<Store>;
  /** Wraps the reference Dataplane a property configures. Default: used as it is. */
  wrapDataplane?(dataplane: Dataplane): Dataplane;
}

/** A running engine for one property case. */
export interface StartedEngine {
  readonly store: Store;
  readonly promoter: Promoter;
  /** The reference Dataplane the property configured (before `wrapDataplane`), with its record of calls. */
  readonly dataplane: ReferenceDataplane;
  close(): Promise<void>;
}

/** Opens the store of `engine` with `world` and a promoter over it with a deterministic clock. */
export async function startEngine(engine: EngineUnderTest, world: World, dataplane: ReferenceDataplaneOptions = {}): Promise<StartedEngine> {
  const store = await engine.openStore(world);
  const reference = createReferenceDataplane(dataplane);
  // Every commit's link_current claims are checked against the store's lineage (decision 0400).
  // Runs plan checks two at a time while plans are made whole: the properties that compare a plan
  // with its run (or a run with the next) see a chunked run against the whole planner (SPEC §19).
  const promoter = createPromoter({ store: verifyingLinkClaims(store), dataplane: engine.wrapDataplane?.(reference) ?? reference, clock: steppingClock(), chunkSize: 2 });
  return {
    store,
    promoter,
    dataplane: reference,
    close: async () => {
      await promoter.close();
      await store.close();
    },
  };
}

/** Runs a request to its end and answers the finished operation; a refusal throws (it is a defect of the scenario). */
export async function runToEnd(promoter: Promoter, actor: { readonly id: number }, body: unknown): Promise<OperationView> {
  const started = await promoter.run(actor, body);
  if (started.isErr()) throw new Error(`the engine refused a valid request: ${JSON.stringify(started.error)}`);
  await promoter.waitFor(started.value.id);
  const finished = await promoter.getOperation(actor, started.value.id);
  if (finished.isErr()) throw new Error(`cannot read operation ${started.value.id}: ${JSON.stringify(finished.error)}`);
  return finished.value;
}

/** The world's entities without lineage (which every promotion extends). */
export function entitiesOf(world: World): Omit<World, 'lineage'> {
  const { lineage: _lineage, ...entities } = world;
  return entities;
}
