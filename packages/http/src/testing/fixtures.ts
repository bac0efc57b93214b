import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  createPromoter,
  createReferenceDataplane,
  parseWorldSnapshot,
  steppingClock,
  type Promoter,
  type PromoterOptions,
  type ReferenceDataplane,
  type ReferenceDataplaneOptions,
  type Store,
  type World,
} from '@promote/core';
import { createMemoryStore } from '@promote/store-memory';
import { expect } from 'vitest';
import type { z } from 'zod';
import { createApp, type CreateAppOptions } from '../create-app.js';

const examples = new URL('../../../../docs/examples/', import.meta.url);

/** A file of docs/examples, parsed. */
export function exampleJson(relativePath: string): unknown {
  return JSON.parse(readFileSync(fileURLToPath(new URL(relativePath, examples)), 'utf8'));
}

/** The example world of docs/examples/world.json. */
export function exampleWorld(): World {
  const parsed = parseWorldSnapshot(exampleJson('world.json'));
  if (parsed.isErr()) throw new Error(`example world is invalid: ${JSON.stringify(parsed.error.problems)}`);
  return parsed.value;
}

/** The example users' bearer tokens (docs/decisions/0002-example-world.md). */
export const tokens = {
  jane: 'jane-token',
  admin: 'admin-token',
  viewer: 'viewer-token',
  noTeam: 'no-team-token',
  staging: 'staging-token',
  manager: 'manager-token',
} as const;

export interface TestApi {
  readonly store: Store;
  readonly promoter: Promoter;
  /** The reference Dataplane the promoter validates with (its `calls` record every call). */
  readonly dataplane: ReferenceDataplane;
  readonly app: ReturnType<typeof createApp>;
  /** Sends a request through `app.request()`; `token: null` sends no Authorization header. */
  call(method: string, path: string, options?: CallOptions): Promise<Answer>;
}

export interface CallOptions {
  /** Bearer token; default jane's. `null`: none. */
  readonly token?: string | null;
  /** Sent as JSON with `Content-Type: application/json`. */
  readonly json?: unknown;
  /** Sent as it is. */
  readonly body?: string;
  readonly headers?: Record<string, string>;
}

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The parsed body (`undefined` when it is not JSON). */
  readonly body: any;
}

/** The app over a fresh memory store holding `world` (default: the example world), with a deterministic clock. */
export function testApi(
  options: {
    readonly world?: World;
    readonly store?: Store;
    readonly dataplane?: ReferenceDataplaneOptions;
    readonly promoter?: Partial<Omit<PromoterOptions, 'store' | 'dataplane'>>;
    readonly app?: Partial<CreateAppOptions>;
  } = {},
): TestApi {
  const store = options.store ?? createMemoryStore({ world: options.world ?? exampleWorld() });
  const dataplane = createReferenceDataplane(options.dataplane);
  const promoter = createPromoter({ clock: steppingClock(), ...options.promoter, store, dataplane });
  const app = createApp({ promoter, ...options.app });
  return {
    store,
    promoter,
    dataplane,
    app,
    async call(method, path, { token = tokens.jane, json, body, headers = {} } = {}) {
      const requestHeaders: Record<string, string> = { ...headers };
      if (token !== null) requestHeaders['authorization'] = `Bearer ${token}`;
      let sent = body;
      if (json !== undefined) {
        sent = JSON.stringify(json);
        requestHeaders['content-type'] ??= 'application/json';
      }
      const response = await app.request(path, { method, headers: requestHeaders, ...(sent === undefined ? {} : { body: sent }) });
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      return { status: response.status, headers: response.headers, text, body: parsed };
    },
  };
}

/** Polls `GET /api/operations/{id}` until the operation is no longer running. */
export async function pollUntilFinished(api: TestApi, id: number, token: string = tokens.jane): Promise<Answer> {
  for (let attempt = 0; attempt < 10_000; attempt++) {
    const answer = await api.call('GET', `/api/operations/${id}`, { token });
    if (answer.status !== 200 || answer.body.result !== 'running') return answer;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`operation ${id} never finished`);
}

/** Asserts that a value has the shape of a response schema. */
export function expectShape(schema: z.ZodType, value: unknown): void {
  const parsed = schema.safeParse(value);
  expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
}

/** A promise with its opener, to hold a dataplane call until the test lets it go. */
export function gate(): { readonly opened: Promise<void>; readonly open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}
