import { ResultAsync } from 'neverthrow';
import { storeFailure, type StoreFailureError } from '../errors.js';
import type { Store } from '../ports/store.js';

/**
 * Calls a Store method and turns a rejection (or a synchronous throw) into a `store_failure` error,
 * so that the engine's code paths see typed errors only.
 */
export function fromStore<T>(call: () => Promise<T>): ResultAsync<T, StoreFailureError> {
  return ResultAsync.fromPromise(
    (async () => call())(),
    (cause) => storeFailure(cause),
  );
}

/**
 * `Store` methods as `ResultAsync`s: `safe(store).getContainer(10)`. An optional method
 * (`summarise`) stays optional: `undefined` when the store does not offer it.
 */
export type SafeStore = {
  readonly [K in keyof Store as NonNullable<Store[K]> extends (...args: never[]) => Promise<unknown> ? K : never]: NonNullable<Store[K]> extends (
    ...args: infer A
  ) => Promise<infer R>
    ? (...args: A) => ResultAsync<R, StoreFailureError>
    : never;
};

/** Wraps every method of a store with {@link fromStore}. */
export function safeStore(store: Store): SafeStore {
  return new Proxy({} as SafeStore, {
    get(_target, key) {
      const method = (store as unknown as Record<PropertyKey, unknown>)[key];
      if (typeof method !== 'function') return undefined;
      return (...args: unknown[]) => fromStore(() => (method as (...a: unknown[]) => Promise<unknown>).apply(store, args));
    },
  });
}
