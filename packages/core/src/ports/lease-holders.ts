import { randomUUID } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';

/**
 * Names the engine as a scope-lease holder and tells whether another holder is gone for certain.
 * A lease normally outlives a dead holder by up to its lifetime (decision 0008); a holder that is
 * known to be gone — a process of this host that has ended — lets an engine take its scopes at once
 * (after a SIGKILL and an immediate restart, recovery does not wait out the dead process's lease).
 */
export interface LeaseHolders {
  /** A new holder id for an engine instance of this process. */
  newHolderId(): string;
  /**
   * Whether `holder` is certainly gone. MUST answer `false` whenever it cannot be sure (another
   * host, another container, an id it did not make): a live holder taken for gone would let two
   * engines write one scope.
   */
  isGone(holder: string): boolean;
}

/** Facts that tell one process from another on this host (Linux `/proc`); `undefined` elsewhere. */
interface ProcessFacts {
  /** The kernel's boot identity: a process of an earlier boot is gone. */
  readonly boot: string;
  /** The pid namespace: pids of another container are not comparable. */
  readonly namespace: string;
  readonly pid: number;
  /** Start time of the process in clock ticks after boot: tells a reused pid from the holder. */
  readonly start: string;
  /** Whether it has ended and only waits for its parent to reap it (a zombie). */
  readonly ended: boolean;
}

const prefix = 'proc';

/**
 * The default {@link LeaseHolders}: ids `proc/<boot id>/<pid namespace>/<pid>/<start time>/<uuid>`
 * where `/proc` tells these (Linux), a plain UUID elsewhere. A holder is gone when it was made on
 * this boot, in this pid namespace, and its pid is not running or runs another process (another
 * start time). Everything else is not known to be gone.
 */
export const localLeaseHolders: LeaseHolders = {
  newHolderId: () => holderIdOf(process.pid) ?? randomUUID(),
  isGone(holder) {
    const parts = holder.split('/');
    if (parts.length !== 6 || parts[0] !== prefix) return false;
    const [, boot, namespace, pidText, start] = parts as [string, string, string, string, string, string];
    const pid = Number(pidText);
    if (!Number.isSafeInteger(pid) || pid <= 0) return false;
    const own = processFacts(process.pid);
    if (own === undefined || own.boot !== boot || own.namespace !== namespace) return false;
    if (pid === process.pid) return own.start !== start;
    const facts = processFacts(pid);
    // No such process (any more) in this namespace since this boot, or its pid now names another.
    return facts === undefined ? !processExists(pid) : facts.ended || facts.start !== start;
  },
};

/** A holder id of process `pid` as {@link localLeaseHolders} makes them; `undefined` where `/proc` cannot tell. */
export function holderIdOf(pid: number): string | undefined {
  const facts = processFacts(pid);
  return facts === undefined ? undefined : `${prefix}/${facts.boot}/${facts.namespace}/${facts.pid}/${facts.start}/${randomUUID()}`;
}

/** What `/proc` tells about `pid`, or `undefined` when it cannot be read. */
function processFacts(pid: number): ProcessFacts | undefined {
  try {
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const namespace = readlinkSync('/proc/self/ns/pid').replace(/\D/g, '');
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may itself hold spaces or ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Field 22 of stat (starttime) is the 20th after the name, which is field 2.
    const start = fields[19];
    if (boot === '' || namespace === '' || start === undefined || !/^\d+$/.test(start)) return undefined;
    return { boot, namespace, pid, start, ended: fields[0] === 'Z' || fields[0] === 'X' };
  } catch {
    return undefined;
  }
}

/** Whether a process `pid` exists (signal 0 checks without sending; EPERM means it exists). */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Holders that are never known to be gone: a lease is only ever taken after it expires. */
export const opaqueLeaseHolders: LeaseHolders = {
  newHolderId: () => randomUUID(),
  isGone: () => false,
};
