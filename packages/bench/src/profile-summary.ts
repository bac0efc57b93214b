#!/usr/bin/env node
/**
 * `node packages/bench/dist/profile-summary.js DIR [LABEL]`: where the CPU time of the profiles
 * that `pnpm bench --profile DIR` recorded went, by component and by function, averaged over the
 * profiles whose name contains LABEL (e.g. `re-promotion`), and the longest stretches without an
 * idle sample with the repository's own functions that ran in them (what held the event loop).
 * Reads any `.cpuprofile`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StallSpan } from './stalls.js';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

interface CpuProfile {
  /** µs of `process.hrtime`. */
  readonly startTime: number;
  readonly nodes: readonly { readonly id: number; readonly callFrame: CallFrame; readonly children?: readonly number[] }[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const nativeSqlite = new Set(['run', 'all', 'get', 'iterate', 'exec', 'Statement', 'prepare', 'pragma', 'pluck', 'raw']);

/** The component a frame belongs to. */
export function componentOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (functionName === '(garbage collector)') return 'garbage collection';
  if (functionName === '(idle)') return 'idle (waiting: timers, I/O)';
  if (functionName === '(program)') return 'V8 (compiling, runtime)';
  if (url === '' && nativeSqlite.has(functionName)) return 'SQLite (better-sqlite3, native)';
  if (url.includes('better-sqlite3')) return 'SQLite (better-sqlite3, native)';
  if (url.includes('/core/') && url.includes('/plan/')) return 'core: plan (pure planner)';
  if (url.includes('/core/') && url.includes('/run/')) return 'core: run (executor, service)';
  if (url.includes('/core/') && url.includes('/dataplane/')) return 'core: reference Dataplane';
  if (url.includes('/core/')) return 'core: other';
  if (url.includes('/store-sqlite/')) return 'store-sqlite (JS: rows, decoding)';
  if (url.includes('/store-memory/')) return 'store-memory';
  if (url.includes('kysely')) return 'kysely';
  if (url.includes('/http/')) return 'http (the Hono app)';
  if (url.includes('hono')) return 'hono, @hono/node-server';
  if (url.includes('neverthrow')) return 'neverthrow';
  if (url.startsWith('node:') || url === '') return 'node (HTTP, streams, microtasks, builtins)';
  return 'other';
}

function profilesIn(paths: readonly string[], label: string | undefined): string[] {
  return paths.flatMap((path) =>
    statSync(path).isDirectory()
      ? readdirSync(path)
          .filter((name) => name.endsWith('.cpuprofile') && (label === undefined || name.includes(label)))
          .sort()
          .map((name) => join(path, name))
      : [path],
  );
}

/** Milliseconds per component and per function, averaged over the profiles. */
export function summarize(files: readonly string[]): { readonly components: Map<string, number>; readonly functions: Map<string, number>; readonly totalMs: number } {
  const components = new Map<string, number>();
  const functions = new Map<string, number>();
  let totalMs = 0;
  for (const file of files) {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
    const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
    profile.samples.forEach((id, index) => {
      const frame = frames.get(id);
      // `dispatch` is the inspector handling `Profiler.stop` itself: not the engine's time.
      if (frame === undefined || (frame.url === '' && frame.functionName === 'dispatch')) return;
      const ms = (profile.timeDeltas[index] ?? 0) / 1000 / files.length;
      const component = componentOf(frame);
      const name = `${frame.functionName || '(anonymous)'} ${frame.url.split('/').slice(-2).join('/')}${frame.url === '' ? '' : `:${frame.lineNumber + 1}`}`;
      components.set(component, (components.get(component) ?? 0) + ms);
      functions.set(name, (functions.get(name) ?? 0) + ms);
      totalMs += ms;
    });
  }
  return { components, functions, totalMs };
}

/** One sample of a profile: when (µs of `process.hrtime`, the profile's clock), how long, and the repository's innermost function on its stack. */
interface Sample {
  readonly atUs: number;
  readonly ms: number;
  readonly idle: boolean;
  readonly own: string;
}

function samplesOf(file: string): { readonly startUs: number; readonly samples: readonly Sample[] } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const ownFrame = (id: number): string => {
    for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
      const frame = frames.get(at);
      if (frame !== undefined && frame.url.includes('/packages/') && !frame.url.includes('node_modules')) {
        return `${frame.functionName || '(anonymous)'} ${frame.url.split('/').slice(-2).join('/')}:${frame.lineNumber + 1}`;
      }
    }
    return `(outside the repository: ${frames.get(id)?.functionName || '(anonymous)'})`;
  };
  let atUs = profile.startTime;
  const samples = profile.samples.map((id, index): Sample => {
    const deltaUs = profile.timeDeltas[index] ?? 0;
    atUs += deltaUs;
    const frame = frames.get(id);
    const idle = frame === undefined || frame.functionName === '(idle)' || (frame.url === '' && frame.functionName === 'dispatch');
    return { atUs, ms: deltaUs / 1000, idle, own: idle ? '' : ownFrame(id) };
  });
  return { startUs: profile.startTime, samples };
}

/** A stretch of a profile and what ran in it: the repository's innermost function on each sample's stack, ms each, most first. */
export interface Stretch {
  readonly file: string;
  /** From the profile's start. */
  readonly atMs: number;
  readonly ms: number;
  readonly frames: readonly (readonly [string, number])[];
  /** Of a stall: the ms of collection pauses inside it (`watchStalls`). */
  readonly gcMs?: number | undefined;
}

const byFrame = (samples: readonly Sample[]) => {
  const totals = new Map<string, number>();
  for (const sample of samples) if (!sample.idle) totals.set(sample.own, (totals.get(sample.own) ?? 0) + sample.ms);
  return [...totals].sort((a, b) => b[1] - a[1]);
};

/**
 * The `limit` longest stretches of consecutive samples none of which is idle, longest first: the
 * loop was held — by one step, or by steps with no wait between them (a profile does not mark the
 * turns of the event loop; {@link stallsOf} does, when the run recorded its stalls).
 */
export function busyStretches(files: readonly string[], limit: number): Stretch[] {
  const stretches: Stretch[] = [];
  for (const file of files) {
    const { startUs, samples } = samplesOf(file);
    let from = -1;
    const close = (to: number) => {
      if (from >= 0) {
        const inside = samples.slice(from, to);
        const first = inside[0] as Sample;
        stretches.push({ file, atMs: (first.atUs - first.ms * 1000 - startUs) / 1000, ms: inside.reduce((sum, sample) => sum + sample.ms, 0), frames: byFrame(inside) });
      }
      from = -1;
    };
    samples.forEach((sample, index) => {
      if (sample.idle) close(index);
      else if (from < 0) from = index;
    });
    close(samples.length);
  }
  return stretches.sort((a, b) => b.ms - a.ms).slice(0, limit);
}

/**
 * The stalls a run recorded beside its profile (`stalls-<pid>.json` of `watchStalls`, written by the
 * large-draft child), each with what ran in it; `undefined` when there is no such file.
 */
export function stallsOf(file: string): Stretch[] | undefined {
  const pid = /-(\d+)\.cpuprofile$/.exec(file)?.[1];
  const stallFile = pid === undefined ? undefined : join(dirname(file), `stalls-${pid}.json`);
  if (stallFile === undefined || !existsSync(stallFile)) return undefined;
  const stalls = JSON.parse(readFileSync(stallFile, 'utf8')) as readonly StallSpan[];
  const { startUs, samples } = samplesOf(file);
  return stalls.map((stall) => {
    const inside = samples.filter((sample) => sample.atUs > stall.startUs && sample.atUs <= stall.endUs);
    return { file, atMs: (stall.startUs - startUs) / 1000, ms: (stall.endUs - stall.startUs) / 1000, frames: byFrame(inside), gcMs: stall.gcMs };
  });
}

/** The longest stalls of each profile that has them recorded, else its longest busy stretches. */
function stretchLines(files: readonly string[]): string[] {
  const line = (stretch: Stretch) =>
    `${stretch.ms.toFixed(1).padStart(9)} ms at ${(stretch.atMs / 1000).toFixed(2)} s${stretch.gcMs === undefined ? '' : ` (collection pauses ${stretch.gcMs.toFixed(1)} ms)`}  ${stretch.frames
      .slice(0, 4)
      .map(([name, ms]) => `${name} ${ms.toFixed(1)}`)
      .join('; ')}`;
  const stalled = files.map((file) => ({ file, stalls: stallsOf(file) }));
  const withStalls = stalled.filter((entry) => entry.stalls !== undefined);
  if (withStalls.length > 0) {
    return withStalls.flatMap(({ file, stalls }) => [`Longest stalls of ${basename(file)} (recorded by the run, in its order — the large draft's: the steps held longest first, then the longest; the repository's innermost function on the stack, ms):`, ...(stalls ?? []).slice(0, 12).map(line), '']);
  }
  return ["Longest stretches without an idle sample (the repository's innermost function on the stack, ms):", ...busyStretches(files, 12).map(line)];
}

function main(argv: readonly string[]): void {
  const [path, label] = argv;
  if (path === undefined) {
    process.stderr.write('Usage: profile-summary DIR|FILE [LABEL]\n');
    process.exit(2);
  }
  const files = profilesIn([path], label);
  if (files.length === 0) {
    process.stderr.write(`No .cpuprofile${label === undefined ? '' : ` matching ${label}`} in ${path}\n`);
    process.exit(1);
  }
  const { components, functions, totalMs } = summarize(files);
  const rows = (map: Map<string, number>, limit: number) =>
    [...map].sort((a, b) => b[1] - a[1]).slice(0, limit).map(([name, ms]) => `${ms.toFixed(1).padStart(9)} ms ${((ms / totalMs) * 100).toFixed(1).padStart(5)} %  ${name}`);
  process.stdout.write(
    [
      `${files.length} profile(s), ${totalMs.toFixed(1)} ms of samples each on average`,
      '',
      'By component:',
      ...rows(components, 20),
      '',
      'By function (self time):',
      ...rows(functions, 25),
      '',
      ...stretchLines(files),
      '',
    ].join('\n'),
  );
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === resolve(process.argv[1])) main(process.argv.slice(2));
