/**
 * In-process turns per destination scope (§9): the operations of one scope run one after another,
 * in the order they were enqueued; operations of different scopes run side by side. Across
 * processes the scope lease does the same ({@link ScopeLease}).
 */
export class ScopeQueue {
  private readonly entries = new Map<number, { state: 'queued' | 'started' | 'cancelled'; readonly done: Promise<void> }>();
  private readonly tails = new Map<string, Promise<void>>();

  /**
   * Queues `turn` for operation `id` behind the scope's earlier turns. A turn must handle its own
   * failures: one that rejects anyway does not stop the turns after it.
   */
  enqueue(id: number, scope: string, turn: () => Promise<void>): void {
    const previous = this.tails.get(scope) ?? Promise.resolve();
    const entry: { state: 'queued' | 'started' | 'cancelled'; done: Promise<void> } = { state: 'queued', done: Promise.resolve() };
    const done = previous.then(async () => {
      if (entry.state === 'cancelled') return;
      entry.state = 'started';
      await turn().catch(() => undefined);
    });
    entry.done = done;
    this.entries.set(id, entry);
    this.tails.set(scope, done);
    void done.then(() => {
      if (this.entries.get(id) === entry) this.entries.delete(id);
      if (this.tails.get(scope) === done) this.tails.delete(scope);
    });
  }

  /** `queued` until its turn comes, `started` from then until it ends, `undefined` when not here. */
  state(id: number): 'queued' | 'started' | undefined {
    const state = this.entries.get(id)?.state;
    return state === 'cancelled' ? undefined : state;
  }

  /** Takes a queued operation out of its queue (its turn is skipped); whether it was queued. */
  cancel(id: number): boolean {
    const entry = this.entries.get(id);
    if (entry?.state !== 'queued') return false;
    entry.state = 'cancelled';
    return true;
  }

  /** Resolves once the operation's turn (if any) is over. */
  async done(id: number): Promise<void> {
    await this.entries.get(id)?.done;
  }

  /** Resolves once every turn queued so far is over. */
  async idle(): Promise<void> {
    await Promise.all([...this.entries.values()].map((entry) => entry.done));
  }

  /** Whether operation `id` has a turn here, queued or started. */
  has(id: number): boolean {
    return this.state(id) !== undefined;
  }
}
