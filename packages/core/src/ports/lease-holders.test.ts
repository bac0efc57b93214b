import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, test } from 'vitest';
import { holderIdOf, localLeaseHolders, opaqueLeaseHolders } from './lease-holders.js';

const children: ChildProcess[] = [];

/** A process that runs until killed, with its pid once it runs. */
async function liveChild(): Promise<ChildProcess & { pid: number }> {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  children.push(child);
  await once(child, 'spawn');
  return child as ChildProcess & { pid: number };
}

afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

const withProc = existsSync('/proc/self/stat') ? describe : describe.skip;

/** The id with one of its parts (1 boot, 2 namespace, 3 pid, 4 start) replaced. */
function altered(holder: string, part: number, value: string): string {
  const parts = holder.split('/');
  parts[part] = value;
  return parts.join('/');
}

withProc('localLeaseHolders (Linux /proc)', () => {
  test('an id names this boot, pid namespace, pid and start time, and is new each time', () => {
    const id = localLeaseHolders.newHolderId();
    expect(id).toMatch(/^proc\/[0-9a-f-]+\/\d+\/\d+\/\d+\/[0-9a-f-]{36}$/);
    expect(id.split('/')[3]).toBe(String(process.pid));
    expect(localLeaseHolders.newHolderId()).not.toBe(id);
    expect(localLeaseHolders.isGone(id)).toBe(false);
  });

  test('a live process is not gone; once it ended and was reaped, it is', async () => {
    const child = await liveChild();
    const holder = holderIdOf(child.pid)!;
    expect(localLeaseHolders.isGone(holder)).toBe(false);
    child.kill('SIGKILL');
    await once(child, 'exit');
    expect(localLeaseHolders.isGone(holder)).toBe(true);
  });

  test('a pid that now runs another process (another start time) is gone', async () => {
    const child = await liveChild();
    const holder = holderIdOf(child.pid)!;
    const start = Number(holder.split('/')[4]);
    expect(localLeaseHolders.isGone(altered(holder, 4, String(start + 1)))).toBe(true);
    expect(localLeaseHolders.isGone(altered(localLeaseHolders.newHolderId(), 4, String(start + 1)))).toBe(true);
  });

  test('a process that ended but is not reaped yet (a zombie) is gone', async () => {
    // The background sleep outlives its shell, which has exec'd into a sleep that never reaps it.
    const parent = spawn('sh', ['-c', 'sleep 1.5 & echo $!; exec sleep 60'], { stdio: ['ignore', 'pipe', 'ignore'] });
    children.push(parent);
    const [chunk] = (await once(parent.stdout!, 'data')) as [Buffer];
    const holder = holderIdOf(Number(chunk.toString().trim()));
    expect(holder).toBeDefined();
    expect(localLeaseHolders.isGone(holder!), 'still running').toBe(false);
    let gone = false;
    for (let tries = 0; tries < 500 && !gone; tries++) {
      gone = localLeaseHolders.isGone(holder!);
      if (!gone) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(gone).toBe(true);
    expect(existsSync(`/proc/${holder!.split('/')[3]}/stat`), 'not reaped: only its state tells').toBe(true);
  });

  test('a holder of another boot or another pid namespace is never taken for gone, even with no such pid here', async () => {
    const child = await liveChild();
    const holder = holderIdOf(child.pid)!;
    child.kill('SIGKILL');
    await once(child, 'exit');
    expect(localLeaseHolders.isGone(altered(holder, 1, '00000000-0000-0000-0000-000000000000'))).toBe(false);
    expect(localLeaseHolders.isGone(altered(holder, 2, '1'))).toBe(false);
  });

  test('ids it did not make are never gone', () => {
    for (const id of ['engine-a', '6f1c0c1e-6a7e-4a38-9f7b-3a1f0f0b7d11', 'proc/x', 'proc/a/b/-1/2/c', 'proc/a/b/c/d/e', '']) {
      expect(localLeaseHolders.isGone(id)).toBe(false);
    }
  });
});

test('opaqueLeaseHolders never knows a holder to be gone', () => {
  expect(opaqueLeaseHolders.isGone(localLeaseHolders.newHolderId())).toBe(false);
  expect(opaqueLeaseHolders.newHolderId()).toMatch(/^[0-9a-f-]{36}$/);
});
