import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const root = fileURLToPath(new URL('../../../../', import.meta.url));
/** The built CLI. */
export const mainJs = join(root, 'packages/cli/dist/main.js');

const lockDirectory = join(tmpdir(), 'promote-test-build.lock');

/**
 * Builds the CLI and what it depends on with `tsc -b packages/cli`, once at a time across test
 * workers (a lock directory), so that the tests run the real `dist/main.js`.
 */
export function buildCli(): Promise<void> {
  return buildPackages(['packages/cli']);
}

/** Builds `projects` with `tsc -b`, one build at a time across test workers (see {@link buildCli}). */
export async function buildPackages(projects: readonly string[]): Promise<void> {
  await acquireLock();
  try {
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    const result = await run(process.execPath, [tsc, '-b', ...projects], { cwd: root });
    if (result.code !== 0) throw new Error(`tsc -b ${projects.join(' ')} failed:\n${result.stdout}${result.stderr}`);
  } finally {
    rmSync(lockDirectory, { recursive: true, force: true });
  }
}

async function acquireLock(): Promise<void> {
  for (;;) {
    try {
      mkdirSync(lockDirectory);
      return;
    } catch {
      const age = Date.now() - (statSafe(lockDirectory) ?? Date.now());
      if (age > 180_000) rmSync(lockDirectory, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

function statSafe(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

export interface Completed {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(command: string, args: readonly string[], options: { readonly cwd: string; readonly env?: NodeJS.ProcessEnv }): Promise<Completed> {
  return new Promise((resolve) => {
    execFile(command, [...args], { cwd: options.cwd, env: options.env ?? process.env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs `node packages/cli/dist/main.js …args` to completion. */
export function promote(args: readonly string[], options: { readonly cwd?: string; readonly env?: NodeJS.ProcessEnv } = {}): Promise<Completed> {
  return run(process.execPath, [mainJs, ...args], { cwd: options.cwd ?? root, env: { ...process.env, ...options.env } });
}

/** Starts `node packages/cli/dist/main.js …args` and leaves it running. */
export function startPromote(args: readonly string[], options: { readonly cwd?: string; readonly env?: NodeJS.ProcessEnv } = {}): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [mainJs, ...args], { cwd: options.cwd ?? root, env: { ...process.env, ...options.env } });
}

const temporaryDirectories: string[] = [];

/** A fresh temporary directory with the given files (name → JSON value, or text); see {@link removeTempDirectories}. */
export function tempDirectory(files: Record<string, unknown> = {}): string {
  const directory = mkdtempSync(join(tmpdir(), 'promote-cli-'));
  temporaryDirectories.push(directory);
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(directory, name), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return directory;
}

/** No stack trace, no source path: what a user must never see. */
export const internals = /\n\s+at |node_modules|\.ts:\d+|\.js:\d+/;

/** Removes every directory {@link tempDirectory} made in this test file. */
export function removeTempDirectories(): void {
  for (const directory of temporaryDirectories.splice(0)) rmSync(directory, { recursive: true, force: true });
}
