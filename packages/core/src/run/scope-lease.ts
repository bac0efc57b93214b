import { err, ok, okAsync, type Result, type ResultAsync } from 'neverthrow';
import { lostLease, type LostLeaseError, type StoreFailureError } from '../errors.js';
import type { Clock, Repeating } from '../ports/clock.js';
import type { CommitLease } from '../ports/commit-unit.js';
import type { StoreRuntime } from '../ports/store-runtime.js';

/** Options of {@link ScopeLease}. */
export interface ScopeLeaseOptions {
  readonly runtime: StoreRuntime;
  readonly clock: Clock;
  /** Lifetime of the lease from each take, renewal or commit. */
  readonly ttlMs: number;
  /** How often to try again while another holder has it. */
  readonly pollMs: number;
  /** This engine instance. */
  readonly holder: string;
  /** Whether another holder is certainly gone (its scope is then taken at once); default: never. */
  readonly isGone?: ((holder: string) => boolean) | undefined;
  /** Told when the scope was taken over from a holder that is gone (before its lease expired). */
  readonly onTakeover?: ((previousHolder: string) => void) | undefined;
}

/**
 * One engine's lease on one destination scope for one operation's turn (§9, decision 0008): taken
 * before the work, renewed on the clock every third of its lifetime and extended by every commit
 * (the store checks it in the commit's transaction: a fence), released at the end. A lease that
 * lapsed — the clock passed the last expiry this engine set — or that a renewal found taken is
 * lost for good: another engine may have taken the scope, written and released it meanwhile, and
 * taking it back would let this one commit plans made before that. On a store without leases every
 * step is a no-op and the lease is never lost (the in-process queue alone orders the scope).
 */
export class ScopeLease {
  private until = 0;
  private lostWith: LostLeaseError | undefined;
  private renewal: Repeating | undefined;

  constructor(
    readonly scope: string,
    private readonly options: ScopeLeaseOptions,
  ) {}

  /** Waits for the lease, polling every `pollMs`; `aborted` at the first poll after `signal` aborts. */
  async acquire(signal: AbortSignal): Promise<Result<'acquired' | 'aborted', StoreFailureError>> {
    for (;;) {
      if (signal.aborted) return ok('aborted');
      const taken = await this.takeFree(this.options.clock.now());
      if (taken.isErr()) return err(taken.error);
      if (taken.value) {
        this.startRenewal();
        return ok('acquired');
      }
      await this.options.clock.sleep(this.options.pollMs);
    }
  }

  /** Why the lease is not this engine's any more, once it is not. */
  lost(): LostLeaseError | undefined {
    return this.lostWith;
  }

  /** Records that a commit was fenced: the lease is lost. */
  markLost(error: LostLeaseError): void {
    this.lostWith ??= error;
  }

  /**
   * The lease the next commit is made under: held at the clock's now and extended by the commit's
   * own transaction to a lifetime from it (`undefined` without store leases). The clock is read
   * once per commit; a commit that goes through has extended it, so this engine counts on the new
   * expiry from here (one that does not loses the lease).
   */
  forCommit(): CommitLease | undefined {
    if (!this.options.runtime.hasLeases) return undefined;
    const at = this.options.clock.now();
    this.until = at.getTime() + this.options.ttlMs;
    return { scope: this.scope, holder: this.options.holder, now: at.toISOString(), expiresAt: new Date(this.until).toISOString() };
  }

  /**
   * After a loss: takes the scope again if it is free, only so that this engine may record how the
   * operation ended (nobody else works on it then). Whether it did.
   */
  async retake(): Promise<boolean> {
    const taken = await this.takeFree(this.options.clock.now());
    return taken.isOk() && taken.value;
  }

  /** Stops renewing and releases the lease (a failure to release is left to its expiry). */
  async release(): Promise<void> {
    this.renewal?.cancel();
    this.renewal = undefined;
    await this.options.runtime.releaseLease(this.scope, this.options.holder);
  }

  private startRenewal(): void {
    if (!this.options.runtime.hasLeases || this.renewal !== undefined) return;
    this.renewal = this.options.clock.every(this.options.ttlMs / 3, () => this.renew());
  }

  private async renew(): Promise<void> {
    if (this.lostWith !== undefined) return;
    const at = this.options.clock.now();
    if (at.getTime() >= this.until) {
      this.markLost(lostLease(this.scope));
      return;
    }
    const renewed = await this.take(at);
    // A store failure is not a loss: the next renewal or commit tries again while the lease runs.
    if (renewed.isOk() && !renewed.value) this.markLost(lostLease(this.scope));
  }

  /** Takes the scope if it is free, expired, or held by a holder that is gone. */
  private takeFree(at: Date): ResultAsync<boolean, StoreFailureError> {
    return takeScope(this.options, this.scope, at).map((taken) => {
      if (taken) this.until = at.getTime() + this.options.ttlMs;
      return taken;
    });
  }

  private take(at: Date) {
    const until = at.getTime() + this.options.ttlMs;
    return this.options.runtime.tryAcquireLease(this.scope, this.options.holder, at.toISOString(), new Date(until).toISOString()).map((taken) => {
      if (taken) this.until = until;
      return taken;
    });
  }
}

/**
 * Takes `scope` for `options.holder` for a lease lifetime from `at` if it is free or expired — or
 * held by a holder that `options.isGone` knows to be gone, whose lease is then taken over (only
 * from that holder: a compare-and-set, so a live engine that took it meanwhile keeps it). Whether
 * this holder holds it now. `options.onTakeover` is told about a takeover that went through.
 */
export function takeScope(
  options: Pick<ScopeLeaseOptions, 'runtime' | 'ttlMs' | 'holder' | 'isGone' | 'onTakeover'>,
  scope: string,
  at: Date,
): ResultAsync<boolean, StoreFailureError> {
  const { runtime, holder, isGone } = options;
  const now = at.toISOString();
  const until = new Date(at.getTime() + options.ttlMs).toISOString();
  return runtime.tryAcquireLease(scope, holder, now, until).andThen((taken) => {
    if (taken || isGone === undefined) return okAsync(taken);
    return runtime
      .leaseHolder(scope, now)
      .andThen((current) => {
        if (current === undefined || current === holder || !isGone(current)) return okAsync(false);
        return runtime.takeOverLease(scope, current, holder, now, until).map((tookOver) => {
          if (tookOver) options.onTakeover?.(current);
          return tookOver;
        });
      });
  });
}
