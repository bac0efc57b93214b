#!/usr/bin/env node
/**
 * `node packages/bench/dist/profile-summary.js DIR [LABEL]`: where the CPU time of the profiles
 * that `pnpm bench --profile DIR` recorded went, by component and by function, averaged over the
 * profiles whose name contains LABEL (e.g. `re-promotion`). Reads any `.cpuprofile`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

interface CpuProfile {
  readonly nodes: readonly { readonly id: number; readonly callFrame: CallFrame }[];
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
    [`${files.length} profile(s), ${totalMs.toFixed(1)} ms of samples each on average`, '', 'By component:', ...rows(components, 20), '', 'By function (self time):', ...rows(functions, 25), ''].join('\n'),
  );
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === resolve(process.argv[1])) main(process.argv.slice(2));
