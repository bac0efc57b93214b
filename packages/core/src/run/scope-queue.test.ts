import { describe, expect, test } from 'vitest';
import { ScopeQueue } from './scope-queue.js';

/** Lets queued microtasks and a few event-loop turns run. */
const turns = async (count = 3) => {
  for (let turn = 0; turn < count; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
};

/** A turn that logs its start and end and waits until the test lets it finish. */
function gatedTurn(name: string, log: string[]) {
  let finish!: () => void;
  let fail!: (error: Error) => void;
  const gate = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const turn = async () => {
    log.push(`${name} started`);
    try {
      await gate;
    } finally {
      log.push(`${name} ended`);
    }
  };
  return { turn, finish, fail };
}

describe('ScopeQueue', () => {
  test('the turns of one scope run in the order enqueued, one at a time', async () => {
    const queue = new ScopeQueue();
    const log: string[] = [];
    const first = gatedTurn('1', log);
    const second = gatedTurn('2', log);
    const third = gatedTurn('3', log);
    queue.enqueue(1, 'container:20', first.turn);
    queue.enqueue(2, 'container:20', second.turn);
    queue.enqueue(3, 'container:20', third.turn);
    await turns();
    expect(log).toEqual(['1 started']);
    first.finish();
    await turns();
    expect(log).toEqual(['1 started', '1 ended', '2 started']);
    second.finish();
    await turns();
    third.finish();
    await queue.idle();
    expect(log).toEqual(['1 started', '1 ended', '2 started', '2 ended', '3 started', '3 ended']);
  });

  test('turns of different scopes run side by side', async () => {
    const queue = new ScopeQueue();
    const log: string[] = [];
    const inTwenty = gatedTurn('20', log);
    const inThirty = gatedTurn('30', log);
    queue.enqueue(1, 'container:20', inTwenty.turn);
    queue.enqueue(2, 'container:30', inThirty.turn);
    await turns();
    expect(log).toEqual(['20 started', '30 started']);
    inThirty.finish();
    await queue.done(2);
    expect(log).toEqual(['20 started', '30 started', '30 ended']);
    expect(queue.state(1)).toBe('started');
    inTwenty.finish();
    await queue.idle();
  });

  test('state is queued until the turn comes, started while it runs, undefined once over or never enqueued', async () => {
    const queue = new ScopeQueue();
    const log: string[] = [];
    const first = gatedTurn('1', log);
    const second = gatedTurn('2', log);
    queue.enqueue(1, 'container:20', first.turn);
    queue.enqueue(2, 'container:20', second.turn);
    expect([queue.state(1), queue.state(2), queue.state(3)]).toEqual(['queued', 'queued', undefined]);
    await turns();
    expect([queue.state(1), queue.state(2)]).toEqual(['started', 'queued']);
    expect([queue.has(1), queue.has(2), queue.has(3)]).toEqual([true, true, false]);
    first.finish();
    await queue.done(1);
    await turns();
    expect([queue.state(1), queue.state(2)]).toEqual([undefined, 'started']);
    expect(queue.has(1)).toBe(false);
    second.finish();
    await queue.idle();
    await turns();
    expect([queue.state(1), queue.state(2)]).toEqual([undefined, undefined]);
    expect(queue.has(2)).toBe(false);
  });

  test('cancel() of a queued turn skips it and answers true; the turns after it still run', async () => {
    const queue = new ScopeQueue();
    const log: string[] = [];
    const first = gatedTurn('1', log);
    const second = gatedTurn('2', log);
    const third = gatedTurn('3', log);
    queue.enqueue(1, 'container:20', first.turn);
    queue.enqueue(2, 'container:20', second.turn);
    queue.enqueue(3, 'container:20', third.turn);
    await turns();
    expect(queue.cancel(2)).toBe(true);
    expect(queue.state(2)).toBeUndefined();
    expect(queue.has(2)).toBe(false);
    // A second cancel finds nothing queued any more.
    expect(queue.cancel(2)).toBe(false);
    first.finish();
    await queue.done(2);
    await turns();
    expect(log).toEqual(['1 started', '1 ended', '3 started']);
    third.finish();
    await queue.idle();
    expect(log).toEqual(['1 started', '1 ended', '3 started', '3 ended']);
  });

  test('cancel() of a started turn answers false and lets it run; of an unknown id, false', async () => {
    const queue = new ScopeQueue();
    const log: string[] = [];
    const first = gatedTurn('1', log);
    queue.enqueue(1, 'container:20', first.turn);
    await turns();
    expect(queue.cancel(1)).toBe(false);
    expect(queue.state(1)).toBe('started');
    expect(queue.cancel(99)).toBe(false);
    first.finish();
    await queue.done(1);
    expect(log).toEqual(['1 started', '1 ended']);
  });

  test('a turn that rejects does not stop the turns after it', async () => {
    const queue = new ScopeQueue();
    const log: string[] = [];
    const first = gatedTurn('1', log);
    const second = gatedTurn('2', log);
    queue.enqueue(1, 'container:20', first.turn);
    queue.enqueue(2, 'container:20', second.turn);
    queue.enqueue(3, 'container:20', () => Promise.reject(new Error('defect')));
    queue.enqueue(4, 'container:20', async () => void log.push('4 ran'));
    await turns();
    first.fail(new Error('defect'));
    await expect(queue.done(1)).resolves.toBeUndefined();
    await turns();
    expect(queue.state(2)).toBe('started');
    second.finish();
    await queue.idle();
    expect(log).toEqual(['1 started', '1 ended', '2 started', '2 ended', '4 ran']);
  });

  test('a turn enqueued after the scope went idle starts at once', async () => {
    const queue = new ScopeQueue();
    const log: string[] = [];
    queue.enqueue(1, 'container:20', async () => void log.push('1 ran'));
    await queue.idle();
    await turns();
    queue.enqueue(2, 'container:20', async () => void log.push('2 ran'));
    await queue.done(2);
    expect(log).toEqual(['1 ran', '2 ran']);
  });

  test('done() resolves once that turn is over, not before; for an unknown id at once', async () => {
    const queue = new ScopeQueue();
    const log: string[] = [];
    const first = gatedTurn('1', log);
    queue.enqueue(1, 'container:20', first.turn);
    let over = false;
    const done = queue.done(1).then(() => (over = true));
    await turns();
    expect(over).toBe(false);
    first.finish();
    await done;
    expect(over).toBe(true);
    expect(log).toEqual(['1 started', '1 ended']);
    await expect(queue.done(42)).resolves.toBeUndefined();
  });

  test('idle() resolves once every turn queued so far, in every scope, is over', async () => {
    const queue = new ScopeQueue();
    const log: string[] = [];
    const inTwenty = gatedTurn('20', log);
    const inThirty = gatedTurn('30', log);
    const afterTwenty = gatedTurn('20 again', log);
    queue.enqueue(1, 'container:20', inTwenty.turn);
    queue.enqueue(2, 'container:30', inThirty.turn);
    queue.enqueue(3, 'container:20', afterTwenty.turn);
    let idle = false;
    const waiting = queue.idle().then(() => (idle = true));
    await turns();
    inTwenty.finish();
    inThirty.finish();
    await turns();
    expect(idle).toBe(false);
    afterTwenty.finish();
    await waiting;
    expect(idle).toBe(true);
    expect(log).toEqual(['20 started', '30 started', '20 ended', '30 ended', '20 again started', '20 again ended']);
    await expect(new ScopeQueue().idle()).resolves.toBeUndefined();
  });
});
