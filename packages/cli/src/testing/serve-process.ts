import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { startPromote } from './built-cli.js';

/** A `promote serve` child process of a test. */
export interface ServeProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly base: string;
  /** Everything printed on stdout so far. */
  output(): string;
  /** Everything printed on stderr so far. */
  errors(): string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

const started: ChildProcessWithoutNullStreams[] = [];

/** Registers a child that {@link killServes} kills if it still runs; answers it. */
export function trackServe(child: ChildProcessWithoutNullStreams): ChildProcessWithoutNullStreams {
  started.push(child);
  return child;
}

/** SIGKILLs every `serve` started by {@link serve} that still runs (a test file's `afterEach`). */
export function killServes(): void {
  for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/** Starts `promote serve …` (the built CLI) and waits for its `Listening on http://HOST:PORT` line. */
export async function serve(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
  const child = startPromote(['serve', ...args], { env });
  started.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${stdout}\n${stderr}`)), 30_000);
    child.stdout.on('data', () => {
      const match = /^Listening on (http:\/\/[^\s]+)$/m.exec(stdout);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}:\n${stdout}\n${stderr}`));
    });
  });
  return {
    child,
    base,
    output: () => stdout,
    errors: () => stderr,
    async stop() {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = (await exited) as [number | null];
      return code;
    },
  };
}
