import { describe, expect, test, vi } from 'vitest';
import { manualClock, type ManualClock } from '../ports/clock.js';
import type { ScopeLeases, Store } from '../ports/store.js';
import { createStoreRuntime } from '../ports/store-runtime.js';
import { ScopeLease } from './scope-lease.js';
import { mapLeases, type HeldLease } from './test-leases.js';

const start = '2026-03-10T14:30:00.000Z';
const at = (offsetMs: number) => new Date(Date.parse(start) + offsetMs).toISOString();
const scope = 'container:20';
const ttlMs = 600;
const pollMs = 100;
const lostMessage = `Lost the lease of ${scope}: it expired, or another process took it`;

/**
 * Scope leases in a Map, as `ScopeLeases` documents them: taken when free, expired
 * (`expiresAt <= now` as instants) or already the holder's. Records every call; `failNext` makes
 * the next `tryAcquire` reject.
 */
function memoryLeases() {
  const held = new Map<string, HeldLease>();
  const inner = mapLeases(held);
  const calls: { method: 'tryAcquire' | 'release'; holder: string; now?: string; expiresAt?: string; answer?: boolean }[] = [];
  let failNext = false;
  const leases: ScopeLeases = {
    async tryAcquire(leaseScope, holder, now, expiresAt) {
      if (failNext) {
        failNext = false;
        throw new Error('database is locked');
      }
      const free = await inner.tryAcquire(leaseScope, holder, now, expiresAt);
      calls.push({ method: 'tryAcquire', holder, now, expiresAt, answer: free });
      return free;
    },
    async release(leaseScope, holder) {
      calls.push({ method: 'release', holder });
      await inner.release(leaseScope, holder);
    },
    holderOf: inner.holderOf,
    takeOver: inner.takeOver,
  };
  return {
    leases,
    held,
    calls,
    failNextAcquire: () => (failNext = true),
    /** The `tryAcquire` calls of `holder`, as `now → expiresAt: answer`. */
    attemptsOf: (holder: string) =>
      calls.filter((call) => call.method === 'tryAcquire' && call.holder === holder).map((call) => `${call.now} → ${call.expiresAt}: ${call.answer}`),
  };
}

/** A Store that only has leases: every other method rejects (the adapter has no such method). */
function leaseOnlyStore(leases: ScopeLeases | undefined): Store {
  const store: Partial<Store> = { close: async () => undefined, ...(leases === undefined ? {} : { leases }) };
  return store as Store;
}

function setup(clock: ManualClock = manualClock(start), isGone?: (holder: string) => boolean) {
  const memory = memoryLeases();
  const runtime = createStoreRuntime(leaseOnlyStore(memory.leases));
  const takeovers: string[] = [];
  const lease = new ScopeLease(scope, { runtime, clock, ttlMs, pollMs, holder: 'engine-a', isGone, onTakeover: (previous) => takeovers.push(previous) });
  return { clock, lease, takeovers, ...memory };
}

const attempt = (nowOffset: number, answer: boolean) => `${at(nowOffset)} → ${at(nowOffset + ttlMs)}: ${answer}`;

describe('ScopeLease.acquire', () => {
  test('takes a free lease at once, until a lifetime from now', async () => {
    const { lease, held, attemptsOf } = setup();
    const acquired = await lease.acquire(new AbortController().signal);
    expect(acquired.isOk() && acquired.value).toBe('acquired');
    expect(attemptsOf('engine-a')).toEqual([attempt(0, true)]);
    expect(held.get(scope)).toEqual({ holder: 'engine-a', expiresAt: at(ttlMs) });
    expect(lease.lost()).toBeUndefined();
  });

  test("polls every pollMs of the clock until the other holder's lease expires", async () => {
    const { clock, lease, leases, held, attemptsOf } = setup();
    await leases.tryAcquire(scope, 'engine-b', at(0), at(250));
    let answer: string | undefined;
    const acquiring = lease.acquire(new AbortController().signal).then((result) => (answer = result.isOk() ? result.value : result.error.kind));
    await clock.advance(200);
    expect(answer).toBeUndefined();
    expect(attemptsOf('engine-a')).toEqual([attempt(0, false), attempt(100, false), attempt(200, false)]);
    await clock.advance(100);
    await acquiring;
    expect(answer).toBe('acquired');
    expect(attemptsOf('engine-a')).toEqual([attempt(0, false), attempt(100, false), attempt(200, false), attempt(300, true)]);
    expect(held.get(scope)).toEqual({ holder: 'engine-a', expiresAt: at(300 + ttlMs) });
  });

  test('takes an unexpired lease of a holder known to be gone at once; waits for a live one', async () => {
    const gone = setup(manualClock(start), (holder) => holder === 'engine-gone');
    await gone.leases.tryAcquire(scope, 'engine-gone', at(0), at(60_000));
    const acquired = await gone.lease.acquire(new AbortController().signal);
    expect(acquired.isOk() && acquired.value).toBe('acquired');
    expect(gone.held.get(scope)).toEqual({ holder: 'engine-a', expiresAt: at(ttlMs) });
    expect(gone.takeovers).toEqual(['engine-gone']);

    const live = setup(manualClock(start), (holder) => holder === 'engine-gone');
    await live.leases.tryAcquire(scope, 'engine-b', at(0), at(250));
    let answer: string | undefined;
    const acquiring = live.lease.acquire(new AbortController().signal).then((result) => (answer = result.isOk() ? result.value : result.error.kind));
    await live.clock.advance(200);
    expect(answer).toBeUndefined();
    expect(live.held.get(scope)?.holder).toBe('engine-b');
    await live.clock.advance(100);
    await acquiring;
    expect(answer).toBe('acquired');
    // Taken once it expired: not a takeover.
    expect(live.takeovers).toEqual([]);
  });

  test('answers aborted when the signal aborts while it waits, and tries no more', async () => {
    const { clock, lease, leases, attemptsOf } = setup();
    await leases.tryAcquire(scope, 'engine-b', at(0), at(60_000));
    const controller = new AbortController();
    let answer: string | undefined;
    const acquiring = lease.acquire(controller.signal).then((result) => (answer = result.isOk() ? result.value : result.error.kind));
    await clock.advance(100);
    controller.abort();
    await clock.advance(pollMs);
    await acquiring;
    expect(answer).toBe('aborted');
    expect(attemptsOf('engine-a')).toEqual([attempt(0, false), attempt(100, false)]);
    await clock.advance(1000);
    expect(attemptsOf('engine-a')).toHaveLength(2);
  });

  test('answers aborted without asking the store when the signal is already aborted', async () => {
    const { lease, calls } = setup();
    const controller = new AbortController();
    controller.abort();
    const acquired = await lease.acquire(controller.signal);
    expect(acquired.isOk() && acquired.value).toBe('aborted');
    expect(calls).toEqual([]);
  });

  test('answers a store_failure when the store rejects', async () => {
    const { lease, failNextAcquire } = setup();
    failNextAcquire();
    const acquired = await lease.acquire(new AbortController().signal);
    expect(acquired.isErr() && acquired.error).toMatchObject({ kind: 'store_failure', message: 'Store failure: database is locked' });
  });
});

describe('ScopeLease renewal', () => {
  test('renews every third of the lifetime on the clock, so that another holder cannot take it', async () => {
    const { clock, lease, leases, held, attemptsOf } = setup();
    await lease.acquire(new AbortController().signal);
    await clock.advance(1000);
    expect(attemptsOf('engine-a')).toEqual([attempt(0, true), attempt(200, true), attempt(400, true), attempt(600, true), attempt(800, true), attempt(1000, true)]);
    expect(held.get(scope)).toEqual({ holder: 'engine-a', expiresAt: at(1000 + ttlMs) });
    // Past the first expiry (600), but the renewals moved it.
    expect(await leases.tryAcquire(scope, 'engine-b', at(1000), at(1600))).toBe(false);
    expect(lease.lost()).toBeUndefined();
  });

  test('a late renewal that still comes before the expiry keeps the lease', async () => {
    const { clock, lease, attemptsOf } = setup();
    await lease.acquire(new AbortController().signal);
    clock.jump(500);
    await clock.advance(0);
    expect(attemptsOf('engine-a')).toEqual([attempt(0, true), attempt(500, true)]);
    expect(lease.lost()).toBeUndefined();
  });

  test('a jump past the expiry marks the lease lost at the next due renewal, without asking the store again', async () => {
    const { clock, lease, attemptsOf } = setup();
    await lease.acquire(new AbortController().signal);
    clock.jump(ttlMs + 100);
    await new Promise<void>((resolve) => setImmediate(resolve));
    // Nothing ran during the jump.
    expect(lease.lost()).toBeUndefined();
    await clock.advance(0);
    expect(lease.lost()).toEqual({ kind: 'lease_lost', scope, message: lostMessage });
    await clock.advance(1000);
    expect(attemptsOf('engine-a')).toEqual([attempt(0, true)]);
  });

  test('a jump exactly to the expiry loses the lease too (expiresAt <= now is expired)', async () => {
    const { clock, lease, attemptsOf } = setup();
    await lease.acquire(new AbortController().signal);
    clock.jump(ttlMs);
    await clock.advance(0);
    expect(lease.lost()).toEqual({ kind: 'lease_lost', scope, message: lostMessage });
    expect(attemptsOf('engine-a')).toEqual([attempt(0, true)]);
  });

  test('a renewal that finds the lease taken marks it lost, and no renewal asks again', async () => {
    const { clock, lease, held, attemptsOf } = setup();
    await lease.acquire(new AbortController().signal);
    held.set(scope, { holder: 'engine-b', expiresAt: at(60_000) });
    await clock.advance(200);
    expect(lease.lost()).toEqual({ kind: 'lease_lost', scope, message: lostMessage });
    await clock.advance(1000);
    expect(attemptsOf('engine-a')).toEqual([attempt(0, true), attempt(200, false)]);
    expect(held.get(scope)).toEqual({ holder: 'engine-b', expiresAt: at(60_000) });
  });

  test('a renewal the store fails is not a loss: the next one tries again', async () => {
    const { clock, lease, failNextAcquire, attemptsOf } = setup();
    await lease.acquire(new AbortController().signal);
    failNextAcquire();
    await clock.advance(200);
    expect(lease.lost()).toBeUndefined();
    await clock.advance(200);
    expect(lease.lost()).toBeUndefined();
    expect(attemptsOf('engine-a')).toEqual([attempt(0, true), attempt(400, true)]);
  });

  test('markLost() keeps the first reason and stops the renewals asking the store', async () => {
    const { clock, lease, attemptsOf } = setup();
    await lease.acquire(new AbortController().signal);
    lease.markLost({ kind: 'lease_lost', scope, message: 'fenced' });
    lease.markLost({ kind: 'lease_lost', scope, message: 'second' });
    await clock.advance(1000);
    expect(lease.lost()).toEqual({ kind: 'lease_lost', scope, message: 'fenced' });
    expect(attemptsOf('engine-a')).toEqual([attempt(0, true)]);
  });
});

describe('ScopeLease.forCommit', () => {
  test('gives the lease held at the clock now, extended a lifetime from it', async () => {
    const { clock, lease } = setup();
    await lease.acquire(new AbortController().signal);
    clock.jump(150);
    expect(lease.forCommit()).toEqual({ scope, holder: 'engine-a', now: at(150), expiresAt: at(150 + ttlMs) });
  });

  test('moves the expiry the renewal counts on', async () => {
    const { clock, lease, attemptsOf } = setup();
    await lease.acquire(new AbortController().signal);
    clock.jump(500);
    lease.forCommit(); // the commit extends the lease to 1100
    clock.jump(300); // 800: past the expiry of the take (600), not of the commit
    await clock.advance(0);
    expect(lease.lost()).toBeUndefined();
    expect(attemptsOf('engine-a')).toEqual([attempt(0, true), attempt(800, true)]);
  });
});

describe('ScopeLease.retake', () => {
  test('after a loss, takes the scope again only if it is free, without clearing the loss', async () => {
    const { clock, lease, held } = setup();
    await lease.acquire(new AbortController().signal);
    held.set(scope, { holder: 'engine-b', expiresAt: at(60_000) });
    await clock.advance(200);
    expect(lease.lost()?.kind).toBe('lease_lost');
    expect(await lease.retake()).toBe(false);
    held.delete(scope);
    expect(await lease.retake()).toBe(true);
    expect(held.get(scope)).toEqual({ holder: 'engine-a', expiresAt: at(200 + ttlMs) });
    expect(lease.lost()).toEqual({ kind: 'lease_lost', scope, message: lostMessage });
  });

  test('answers false when the store fails', async () => {
    const { lease, failNextAcquire } = setup();
    failNextAcquire();
    expect(await lease.retake()).toBe(false);
  });
});

describe('ScopeLease.release', () => {
  test('stops the renewal and frees the lease for another holder', async () => {
    const { clock, lease, leases, held, calls, attemptsOf } = setup();
    await lease.acquire(new AbortController().signal);
    await clock.advance(200);
    await lease.release();
    expect(held.has(scope)).toBe(false);
    expect(calls.filter((call) => call.method === 'release')).toEqual([{ method: 'release', holder: 'engine-a' }]);
    await clock.advance(2000);
    expect(attemptsOf('engine-a')).toEqual([attempt(0, true), attempt(200, true)]);
    expect(await leases.tryAcquire(scope, 'engine-b', at(2200), at(2800))).toBe(true);
    expect(lease.lost()).toBeUndefined();
  });

  test('a failure to release is left to the expiry, not thrown', async () => {
    const memory = memoryLeases();
    const failing: ScopeLeases = { tryAcquire: memory.leases.tryAcquire, release: () => Promise.reject(new Error('gone')) };
    const clock = manualClock(start);
    const lease = new ScopeLease(scope, { runtime: createStoreRuntime(leaseOnlyStore(failing)), clock, ttlMs, pollMs, holder: 'engine-a' });
    await lease.acquire(new AbortController().signal);
    await expect(lease.release()).resolves.toBeUndefined();
    await clock.advance(1000);
    expect(memory.attemptsOf('engine-a')).toEqual([attempt(0, true)]);
  });

  test('after a release, acquiring again renews again', async () => {
    const { clock, lease, attemptsOf } = setup();
    await lease.acquire(new AbortController().signal);
    await lease.release();
    await clock.advance(100);
    await lease.acquire(new AbortController().signal);
    await clock.advance(200);
    expect(attemptsOf('engine-a')).toEqual([attempt(0, true), attempt(100, true), attempt(300, true)]);
  });
});

describe('ScopeLease on a store without leases', () => {
  test('acquires at once, gives no commit lease, never renews and is never lost', async () => {
    const clock = manualClock(start);
    const every = vi.spyOn(clock, 'every');
    const sleep = vi.spyOn(clock, 'sleep');
    const runtime = createStoreRuntime(leaseOnlyStore(undefined));
    expect(runtime.hasLeases).toBe(false);
    const lease = new ScopeLease(scope, { runtime, clock, ttlMs, pollMs, holder: 'engine-a' });
    const acquired = await lease.acquire(new AbortController().signal);
    expect(acquired.isOk() && acquired.value).toBe('acquired');
    expect(lease.forCommit()).toBeUndefined();
    clock.jump(10_000);
    await clock.advance(10_000);
    expect(lease.lost()).toBeUndefined();
    expect(await lease.retake()).toBe(true);
    await expect(lease.release()).resolves.toBeUndefined();
    expect(every).not.toHaveBeenCalled();
    expect(sleep).not.toHaveBeenCalled();
  });
});
