import type { ScopeLeases } from '../ports/store.js';

/** One scope's lease in {@link mapLeases}. */
export interface HeldLease {
  readonly holder: string;
  readonly expiresAt: string;
}

/**
 * Scope leases in a Map for the run/ tests, as `ScopeLeases` documents them (expiry compared as
 * instants), with `holderOf` and `takeOver`. Kept out of dist.
 */
export function mapLeases(held = new Map<string, HeldLease>()): Required<ScopeLeases> {
  const live = (scope: string, now: string) => {
    const current = held.get(scope);
    return current !== undefined && Date.parse(current.expiresAt) > Date.parse(now) ? current : undefined;
  };
  return {
    async tryAcquire(scope, holder, now, expiresAt) {
      const current = live(scope, now);
      if (current !== undefined && current.holder !== holder) return false;
      held.set(scope, { holder, expiresAt });
      return true;
    },
    async release(scope, holder) {
      if (held.get(scope)?.holder === holder) held.delete(scope);
    },
    async holderOf(scope, now) {
      return live(scope, now)?.holder;
    },
    async takeOver(scope, previous, holder, now, expiresAt) {
      const current = live(scope, now);
      if (current !== undefined && current.holder !== holder && current.holder !== previous) return false;
      held.set(scope, { holder, expiresAt });
      return true;
    },
  };
}
