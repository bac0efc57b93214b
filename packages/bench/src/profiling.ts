import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';

let session: Session | undefined;
let directory: string | undefined;
let count = 0;

/**
 * From now on, {@link profiled} records a CPU profile (`.cpuprofile`, the format of
 * `node --cpu-prof`) of each measured section into `dir`, so that a profile shows the engine's
 * work and not the generation of worlds or the baselines. `profile-summary` reads them.
 */
export async function startProfiling(dir: string, samplingIntervalUs = 200): Promise<void> {
  mkdirSync(dir, { recursive: true });
  directory = dir;
  session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: samplingIntervalUs });
}

/**
 * Ends what {@link startProfiling} began: {@link profiled} records nothing any more. Tests call it
 * when done, since test files may share one module instance (`isolate: false`): a file that left
 * profiling on made the next one write profiles into a directory already removed.
 */
export function stopProfiling(): void {
  session?.disconnect();
  session = undefined;
  directory = undefined;
}

/** The directory profiles go to, or `undefined` when not profiling (child processes are told it). */
export function profilingDirectory(): string | undefined {
  return directory;
}

/** Runs `work`; while profiling, records its CPU profile as `<n>-<label>.cpuprofile`. */
export async function profiled<T>(label: string, work: () => Promise<T>): Promise<T> {
  const current = session;
  if (current === undefined || directory === undefined) return work();
  await current.post('Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = await current.post('Profiler.stop');
    count += 1;
    const name = `${String(count).padStart(3, '0')}-${label.replace(/[^a-z0-9]+/gi, '-')}-${process.pid}.cpuprofile`;
    writeFileSync(join(directory, name), JSON.stringify(profile));
  }
}
