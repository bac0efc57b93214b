import type { CliIo } from '../cli-io.js';
import { runCli } from '../run-cli.js';
import type { Completed } from './built-cli.js';

/**
 * Runs `promote …args` inside this process through {@link runCli}, with the answer of
 * `promote` in `built-cli.ts` (exit code, stdout, stderr) at no process start; the few tests of
 * `dist/main.js` itself keep using that one.
 *
 * With `cwd`, the process's working directory is that folder while the command runs: give it only
 * to a test that runs alone (`test.sequential`), never next to concurrent ones.
 */
export async function promoteInProcess(args: readonly string[], options: { readonly cwd?: string; readonly env?: NodeJS.ProcessEnv } = {}): Promise<Completed> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const io: CliIo = {
    stdout: { write: (text: string) => stdout.push(text), isTTY: false },
    stderr: { write: (text: string) => stderr.push(text), isTTY: false },
    env: { ...process.env, ...options.env },
    onSignal: () => () => undefined,
  };
  const previous = process.cwd();
  if (options.cwd !== undefined) process.chdir(options.cwd);
  try {
    const code = await runCli(args, io);
    return { code, stdout: stdout.join(''), stderr: stderr.join('') };
  } finally {
    if (options.cwd !== undefined) process.chdir(previous);
  }
}
