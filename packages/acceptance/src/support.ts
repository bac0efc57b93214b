import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  createPromoter,
  createReferenceDataplane,
  parseWorldSnapshot,
  steppingClock,
  type Actor,
  type OperationView,
  type Promoter,
  type PromoterOptions,
  type ReferenceDataplaneOptions,
  type Store,
  type World,
} from '@promote/core';
import { createMemoryStore } from '@promote/store-memory';
import { verifyingLinkClaims } from '@promote/testkit';

const exampleWorldPath = fileURLToPath(new URL('../../../docs/examples/world.json', import.meta.url));

/** The example world of docs/examples, parsed. */
export function exampleWorld(): World {
  const parsed = parseWorldSnapshot(JSON.parse(readFileSync(exampleWorldPath, 'utf8')));
  if (parsed.isErr()) throw new Error(`example world is invalid: ${JSON.stringify(parsed.error.problems)}`);
  return parsed.value;
}

export interface Engine {
  readonly store: Store;
  readonly promoter: Promoter;
  readonly dataplane: ReturnType<typeof createReferenceDataplane>;
}

/** A promoter over a fresh memory store holding `world`, with a deterministic clock. */
export function engine(
  world: World,
  options: { readonly dataplane?: ReferenceDataplaneOptions; readonly store?: Store } & Partial<Omit<PromoterOptions, 'store' | 'dataplane'>> = {},
): Engine {
  const store = options.store ?? createMemoryStore({ world });
  const dataplane = createReferenceDataplane(options.dataplane);
  // Every commit's link_current claims are checked against the store's lineage (decision 0400).
  const promoter = createPromoter({ clock: steppingClock(), ...options, store: verifyingLinkClaims(store), dataplane });
  return { store, promoter, dataplane };
}

/** Runs a request and waits for its operation to finish; throws on a refused request. */
export async function runToEnd(promoter: Promoter, actor: Actor, body: unknown): Promise<OperationView> {
  const started = await promoter.run(actor, body);
  if (started.isErr()) throw new Error(`request refused: ${JSON.stringify(started.error)}`);
  await promoter.waitFor(started.value.id);
  const finished = await promoter.getOperation(actor, started.value.id);
  if (finished.isErr()) throw new Error(`cannot read operation: ${JSON.stringify(finished.error)}`);
  return finished.value;
}

export const admin: Actor = { email: 'admin@example.com' };
export const jane: Actor = { email: 'jane@example.com' };

/** A promise with its resolver, to hold a dataplane call until the test lets it go. */
export function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

/** Waits, a turn of the event loop at a time, until `condition` holds (throws after 10,000 turns). */
export async function until(condition: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 10_000; attempt++) {
    if (await condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('condition never held');
}

/** Reference Dataplane options whose calls after the first wait for `hold` to open. */
export function heldAfterFirstCall(hold: Promise<void>): ReferenceDataplaneOptions {
  let calls = 0;
  return { latencyMs: 1, sleep: () => (calls++ === 0 ? Promise.resolve() : hold) };
}
