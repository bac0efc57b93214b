import { readFileSync } from 'node:fs';
import type { ResultAsync } from 'neverthrow';
import { describeCliError, exitCodes, toExitCode, type CliError, type ExitCode } from './cli-error.js';
import { writeLines, type CliIo } from './cli-io.js';
import { closestName } from './did-you-mean.js';
import { completion, completionUsage } from './commands/completion.js';
import { exportUsage, exportWorld } from './commands/export.js';
import { init, initUsage } from './commands/init.js';
import { lifecycle, lifecycleUsage } from './commands/operations.js';
import { runRequest, runUsage } from './commands/run.js';
import { serve, serveUsage } from './commands/serve.js';
import { simulate, simulateUsage } from './commands/simulate.js';

interface Command {
  readonly summary: string;
  readonly usage: readonly string[];
  readonly run: (args: readonly string[], io: CliIo) => ResultAsync<ExitCode, CliError>;
}

const commands: Readonly<Record<string, Command>> = {
  serve: { summary: 'serve the Promote API over a SQLite database', usage: serveUsage, run: serve },
  simulate: { summary: 'run promote requests offline on a world file', usage: simulateUsage('simulate'), run: (args, io) => simulate('simulate', args, io) },
  plan: { summary: 'dry-run promote requests offline on a world file', usage: simulateUsage('plan'), run: (args, io) => simulate('plan', args, io) },
  run: { summary: 'run one promote request against a SQLite database', usage: runUsage, run: runRequest },
  export: { summary: 'print the world snapshot of a SQLite database', usage: exportUsage, run: exportWorld },
  init: { summary: 'create a SQLite database from a world file, without serving it', usage: initUsage, run: init },
  list: { summary: 'list operations (on a database, or on a server with --url)', usage: lifecycleUsage('list'), run: (args, io) => lifecycle('list', args, io) },
  status: { summary: 'show one operation', usage: lifecycleUsage('status'), run: (args, io) => lifecycle('status', args, io) },
  abort: { summary: 'abort a running operation', usage: lifecycleUsage('abort'), run: (args, io) => lifecycle('abort', args, io) },
  resume: { summary: 'resume an aborted or failed operation', usage: lifecycleUsage('resume'), run: (args, io) => lifecycle('resume', args, io) },
  rerun: { summary: 'run an operation\'s request again, as a new operation', usage: lifecycleUsage('rerun'), run: (args, io) => lifecycle('rerun', args, io) },
  completion: {
    summary: 'print a shell completion script (bash, zsh)',
    usage: completionUsage,
    run: (args, io) => completion(args, io, Object.entries(commands).map(([name, command]) => ({ name, usage: command.usage }))),
  },
};

const overview = [
  'Usage: promote <command> [options]',
  '',
  'Commands:',
  ...Object.entries(commands).map(([name, command]) => `  ${name.padEnd(11)} ${command.summary}`),
  '',
  "Run 'promote <command> --help' for a command's options and examples.",
];

/**
 * The `promote` command line: runs `args` (without `node` and the script) and resolves to the exit
 * code. User errors are one line on stderr (`promote: …`); a defect is one line too, never a stack
 * trace.
 *
 * @example
 * process.exitCode = await runCli(['simulate', '--world', 'world.json', '--as', 'jane@example.com', '--request', 'r.json'], processIo());
 */
export async function runCli(args: readonly string[], io: CliIo): Promise<ExitCode> {
  const [name, ...rest] = args;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined;
    const command = topic === undefined ? undefined : commands[topic];
    writeLines(io.stdout, command?.usage ?? overview);
    return name === undefined ? exitCodes.refused : exitCodes.success;
  }
  if (name === '--version' || name === '-v') {
    writeLines(io.stdout, [version()]);
    return exitCodes.success;
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (command === undefined) {
    const meant = closestName(name, Object.keys(commands));
    writeLines(io.stderr, [`promote: unknown command '${name}'${meant === undefined ? '' : ` — did you mean '${meant}'?`} (commands: ${Object.keys(commands).join(', ')}; see: promote --help)`]);
    return exitCodes.refused;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    writeLines(io.stdout, command.usage);
    return exitCodes.success;
  }
  try {
    const outcome = await command.run(rest, io);
    if (outcome.isOk()) return outcome.value;
    writeLines(io.stderr, describeCliError(outcome.error).map((line, index) => (index === 0 ? `promote ${name}: ${line}` : line)));
    return toExitCode(outcome.error);
  } catch (defect) {
    const message = defect instanceof Error ? defect.message.split('\n')[0] : String(defect);
    writeLines(io.stderr, [`promote ${name}: internal error: ${message}`]);
    return exitCodes.failure;
  }
}

function version(): string {
  try {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
    return `promote ${manifest.version ?? 'unknown'}`;
  } catch {
    return 'promote (version unknown)';
  }
}
