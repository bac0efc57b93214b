import { afterEach, describe, expect, test, vi } from 'vitest';
import { isoTimestamp, manualClock, steppingClock, systemClock } from './clock.js';

const start = '2026-03-10T14:30:00.000Z';
const at = (offsetMs: number) => new Date(Date.parse(start) + offsetMs).toISOString();

/** Lets queued microtasks and a few event-loop turns run. */
const turns = async (count = 3) => {
  for (let turn = 0; turn < count; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
};

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

describe('steppingClock', () => {
  test('now() answers the start, then moves by the step at each call', () => {
    const clock = steppingClock(start, 250);
    expect([clock.now(), clock.now(), clock.now()].map((date) => date.toISOString())).toEqual([at(0), at(250), at(500)]);
  });

  test('the defaults start at 2026-03-10T14:30:00Z and step by one second', () => {
    const clock = steppingClock();
    expect(clock.now().toISOString()).toBe(at(0));
    expect(clock.now().toISOString()).toBe(at(1000));
  });

  test('sleep() moves the time by its duration and resolves at once; a negative one moves nothing', async () => {
    const clock = steppingClock(start, 10);
    let woke = false;
    const sleeping = clock.sleep(5000).then(() => (woke = true));
    await Promise.resolve();
    expect(woke).toBe(true);
    await sleeping;
    await clock.sleep(-100);
    expect(clock.now().toISOString()).toBe(at(5000));
  });

  test('every() runs its work after the synchronous code once sleep() has passed its time; the steps of now() do not run it', async () => {
    const clock = steppingClock(start, 100);
    const runs: string[] = [];
    clock.every(200, () => void runs.push(clock.now().toISOString()));
    clock.now(); // T -> T+100
    clock.now(); // T+100 -> T+200: a step, not time in which work happens
    await turns();
    expect(runs).toEqual([]);
    void clock.sleep(100); // T+300: past the first period
    expect(runs).toEqual([]);
    await turns();
    expect(runs).toEqual([at(300)]); // its now() stepped to T+400
    await clock.sleep(150); // T+550: past the second period (T+400)
    await turns();
    expect(runs).toEqual([at(300), at(550)]);
  });

  test('every() runs once however many periods one sleep passed (a late timer fires once)', async () => {
    const clock = steppingClock(start, 100);
    let runs = 0;
    clock.every(100, () => void runs++);
    await clock.sleep(500);
    await turns();
    expect(runs).toBe(1);
  });

  test('a cancelled every() never runs, and cancelling twice is harmless', async () => {
    const clock = steppingClock(start, 100);
    let runs = 0;
    const repeating = clock.every(100, () => void runs++);
    repeating.cancel();
    repeating.cancel();
    await clock.sleep(1000);
    clock.now();
    await turns();
    expect(runs).toBe(0);
  });

  test('a run still in progress is not started a second time beside it', async () => {
    const clock = steppingClock(start, 100);
    const gate = deferred();
    let starts = 0;
    clock.every(100, async () => {
      starts++;
      await gate.promise;
    });
    await clock.sleep(100);
    await turns();
    expect(starts).toBe(1);
    await clock.sleep(200);
    await turns();
    expect(starts).toBe(1);
    gate.resolve();
    await turns();
    await clock.sleep(100);
    await turns();
    expect(starts).toBe(2);
  });

  test('a rejecting run does not stop the repetition', async () => {
    const clock = steppingClock(start, 100);
    let starts = 0;
    clock.every(100, () => {
      starts++;
      return Promise.reject(new Error('renewal failed'));
    });
    await clock.sleep(100);
    await turns();
    await clock.sleep(100);
    await turns();
    expect(starts).toBe(2);
  });

  test('every() refuses a period that is not above 0 ms', () => {
    const clock = steppingClock();
    expect(() => clock.every(0, () => undefined)).toThrow(new RangeError('every() needs a period above 0 ms, got 0'));
    expect(() => clock.every(Number.NaN, () => undefined)).toThrow(RangeError);
  });
});

describe('manualClock', () => {
  test('stands still until moved', async () => {
    const clock = manualClock(start);
    expect(clock.now().toISOString()).toBe(at(0));
    await turns();
    expect(clock.now().toISOString()).toBe(at(0));
    await clock.advance(1500);
    expect(clock.now().toISOString()).toBe(at(1500));
  });

  test('advance() wakes the sleepers in time order and runs repeating work at each due instant', async () => {
    const clock = manualClock(start);
    const log: string[] = [];
    const sleepThenLog = (ms: number) => clock.sleep(ms).then(() => void log.push(`sleep ${ms} woke at ${clock.now().toISOString()}`));
    void sleepThenLog(300);
    void sleepThenLog(100);
    void sleepThenLog(200);
    clock.every(160, () => void log.push(`every 160 ran at ${clock.now().toISOString()}`));
    await clock.advance(500);
    expect(log).toEqual([
      `sleep 100 woke at ${at(100)}`,
      `every 160 ran at ${at(160)}`,
      `sleep 200 woke at ${at(200)}`,
      `sleep 300 woke at ${at(300)}`,
      `every 160 ran at ${at(320)}`,
      `every 160 ran at ${at(480)}`,
    ]);
    expect(clock.now().toISOString()).toBe(at(500));
  });

  test('advance() stops short of what falls due after its target', async () => {
    const clock = manualClock(start);
    let woke = false;
    void clock.sleep(1000).then(() => (woke = true));
    await clock.advance(999);
    expect(woke).toBe(false);
    await clock.advance(1);
    expect(woke).toBe(true);
  });

  test('advance() lets a repeating run finish before moving on, and work woken by a sleep reaches its next sleep', async () => {
    const clock = manualClock(start);
    const log: string[] = [];
    clock.every(100, async () => {
      log.push(`run at ${clock.now().toISOString()}`);
      await Promise.resolve();
      log.push(`run ended at ${clock.now().toISOString()}`);
    });
    void (async () => {
      for (let round = 0; round < 3; round++) {
        await clock.sleep(70);
        log.push(`loop at ${clock.now().toISOString()}`);
      }
    })();
    await clock.advance(210);
    expect(log).toEqual([
      `loop at ${at(70)}`,
      `run at ${at(100)}`,
      `run ended at ${at(100)}`,
      `loop at ${at(140)}`,
      `run at ${at(200)}`,
      `run ended at ${at(200)}`,
      `loop at ${at(210)}`,
    ]);
  });

  test('jump() runs nothing that falls due meanwhile; the next advance() runs the due work once and wakes the sleepers', async () => {
    const clock = manualClock(start);
    const runs: string[] = [];
    let woke: string | undefined;
    clock.every(100, () => void runs.push(clock.now().toISOString()));
    void clock.sleep(50).then(() => (woke = clock.now().toISOString()));
    clock.jump(1000);
    await turns(10);
    expect(runs).toEqual([]);
    expect(woke).toBeUndefined();
    expect(clock.now().toISOString()).toBe(at(1000));
    await clock.advance(0);
    expect(runs).toEqual([at(1000)]);
    expect(woke).toBe(at(1000));
    // The repetition goes on from the jumped-to time, at its own period.
    await clock.advance(100);
    expect(runs).toEqual([at(1000), at(1100)]);
  });

  test('a cancelled repetition does not run on advance()', async () => {
    const clock = manualClock(start);
    let runs = 0;
    const repeating = clock.every(100, () => void runs++);
    await clock.advance(100);
    repeating.cancel();
    await clock.advance(1000);
    expect(runs).toBe(1);
  });

  test('a repeating run still going is not started again beside it; it starts again after it ends', async () => {
    const clock = manualClock(start);
    const gate = deferred();
    let starts = 0;
    clock.every(100, async () => {
      starts++;
      if (starts === 1) await gate.promise;
    });
    // advance() waits for a run it started: a second advance() meanwhile finds the run still going.
    clock.jump(100);
    const first = clock.advance(0);
    await turns(7);
    expect(starts).toBe(1);
    clock.jump(200);
    const second = clock.advance(0);
    await turns(7);
    expect(starts).toBe(1);
    gate.resolve();
    await Promise.all([first, second]);
    expect(starts).toBe(1);
    await clock.advance(100);
    expect(starts).toBe(2);
  });

  test('a jump() while an advance() is under way is not undone by it: now() never goes backwards', async () => {
    const clock = manualClock(start);
    const advancing = clock.advance(100);
    clock.jump(5000);
    await advancing;
    expect(clock.iso()).toBe(at(5000));
  });

  test('iso() is the current time as ISO-8601, offset by the given milliseconds', async () => {
    const clock = manualClock(start);
    expect(clock.iso()).toBe('2026-03-10T14:30:00.000Z');
    expect(clock.iso(1500)).toBe('2026-03-10T14:30:01.500Z');
    expect(clock.iso(-60_000)).toBe('2026-03-10T14:29:00.000Z');
    await clock.advance(2000);
    clock.jump(250);
    expect(clock.iso()).toBe('2026-03-10T14:30:02.250Z');
  });

  test('jump() and advance() never move the time backwards', async () => {
    const clock = manualClock(start);
    clock.jump(-500);
    await clock.advance(-500);
    expect(clock.iso()).toBe(start);
  });
});

describe('systemClock', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  test('now() is the wall clock', () => {
    const before = Date.now();
    const now = systemClock.now().getTime();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });

  test('sleep() resolves after its duration of real time', async () => {
    vi.useFakeTimers();
    let woke = false;
    void systemClock.sleep(1000).then(() => (woke = true));
    await vi.advanceTimersByTimeAsync(999);
    expect(woke).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(woke).toBe(true);
  });

  test('every() runs at each period until its handle is cancelled', async () => {
    vi.useFakeTimers();
    let runs = 0;
    const repeating = systemClock.every(100, () => void runs++);
    await vi.advanceTimersByTimeAsync(350);
    expect(runs).toBe(3);
    repeating.cancel();
    repeating.cancel();
    await vi.advanceTimersByTimeAsync(1000);
    expect(runs).toBe(3);
    expect(vi.getTimerCount()).toBe(0);
  });

  test('every() does not start a run beside one still going, and ignores a rejection', async () => {
    vi.useFakeTimers();
    const gate = deferred();
    let starts = 0;
    const repeating = systemClock.every(100, async () => {
      starts++;
      if (starts === 1) await gate.promise;
      if (starts === 2) throw new Error('renewal failed');
    });
    await vi.advanceTimersByTimeAsync(500);
    expect(starts).toBe(1);
    gate.resolve();
    await vi.advanceTimersByTimeAsync(200);
    expect(starts).toBe(3);
    repeating.cancel();
  });

  test('every() on the real timers hands back a handle that stops it', async () => {
    let runs = 0;
    const repeating = systemClock.every(1, () => void runs++);
    await new Promise((resolve) => setTimeout(resolve, 5));
    repeating.cancel();
    const seen = runs;
    expect(seen).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(runs).toBe(seen);
  });
});

describe('isoTimestamp', () => {
  test('drops the milliseconds', () => {
    expect(isoTimestamp(new Date('2026-03-10T14:30:05.678Z'))).toBe('2026-03-10T14:30:05Z');
  });
});
