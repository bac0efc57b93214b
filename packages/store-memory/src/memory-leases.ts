import type { CommitLease, ScopeLeases } from '@promote/core';

/** {@link ScopeLeases} in memory, and the check a commit makes under a lease. */
export interface MemoryLeases extends ScopeLeases {
  /**
   * Whether `lease.holder` holds `lease.scope` unexpired at `lease.now`. Synchronous, so that a
   * commit checks, writes and {@link extendForCommit extends} without a turn in between.
   */
  heldForCommit(lease: CommitLease): boolean;
  /** Extends a lease {@link heldForCommit} found held to `lease.expiresAt` (after the commit's writes). */
  extendForCommit(lease: CommitLease): void;
}

interface Lease {
  readonly holder: string;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
}

/**
 * {@link ScopeLeases} in memory: exclusion between engines sharing one memory store (one process).
 *
 * @example
 * const leases = createMemoryLeases();
 * await leases.tryAcquire('container:7', 'engine-a', now, inThirtySeconds); // true
 */
export function createMemoryLeases(): MemoryLeases {
  const leases = new Map<string, Lease>();
  return {
    heldForCommit(lease) {
      const current = leases.get(lease.scope);
      return current !== undefined && current.holder === lease.holder && current.expiresAt > instant(lease.now);
    },
    extendForCommit(lease) {
      leases.set(lease.scope, { holder: lease.holder, expiresAt: instant(lease.expiresAt) });
    },
    async tryAcquire(scope, holder, now, expiresAt) {
      const current = leases.get(scope);
      // Compared as instants: ISO strings with and without milliseconds do not sort as text.
      if (current !== undefined && current.holder !== holder && current.expiresAt > instant(now)) return false;
      leases.set(scope, { holder, expiresAt: instant(expiresAt) });
      return true;
    },
    async release(scope, holder) {
      if (leases.get(scope)?.holder === holder) leases.delete(scope);
    },
    async holderOf(scope, now) {
      const current = leases.get(scope);
      return current !== undefined && current.expiresAt > instant(now) ? current.holder : undefined;
    },
    async takeOver(scope, previous, holder, now, expiresAt) {
      const current = leases.get(scope);
      if (current !== undefined && current.holder !== previous && current.holder !== holder && current.expiresAt > instant(now)) return false;
      leases.set(scope, { holder, expiresAt: instant(expiresAt) });
      return true;
    },
  };
}

function instant(timestamp: string): number {
  const value = Date.parse(timestamp);
  if (Number.isNaN(value)) throw new Error(`Not an ISO-8601 timestamp: '${timestamp}'`);
  return value;
}
