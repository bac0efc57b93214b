import { errAsync, okAsync, type ResultAsync } from 'neverthrow';
import { exitCodes, type CliError, type ExitCode } from '../cli-error.js';
import type { CliIo } from '../cli-io.js';

/** Usage of `promote completion`. */
export const completionUsage = [
  'Usage: promote completion bash|zsh',
  '',
  'Prints a shell completion script for promote: its commands, and each command\'s options.',
  '',
  '  bash:  source <(promote completion bash)       (or save it to /etc/bash_completion.d/promote)',
  '  zsh:   source <(promote completion zsh)        (in ~/.zshrc)',
];

/** A command as completion needs it: its name and its usage text, whose `--options` it offers. */
export interface CompletableCommand {
  readonly name: string;
  readonly usage: readonly string[];
}

/**
 * `promote completion bash|zsh`: a completion script. The options of each command are read from
 * its usage text, so the script cannot drift from what `--help` says. zsh loads the bash script
 * through `bashcompinit`.
 */
export function completion(args: readonly string[], io: CliIo, commands: readonly CompletableCommand[]): ResultAsync<ExitCode, CliError> {
  const [shell, ...rest] = args;
  if ((shell !== 'bash' && shell !== 'zsh') || rest.length > 0) {
    return errAsync({ kind: 'usage', command: 'completion', message: shell === undefined ? 'name a shell: bash or zsh' : `no completion for '${[shell, ...rest].join(' ')}': bash or zsh` });
  }
  io.stdout.write(`${completionScript(shell, commands)}\n`);
  return okAsync(exitCodes.success);
}

/** The script for `shell`. */
export function completionScript(shell: 'bash' | 'zsh', commands: readonly CompletableCommand[]): string {
  const cases = commands.map((command) => `    ${command.name}) options="${optionsOf(command.usage).join(' ')}" ;;`);
  const bash = [
    '# promote completion (bash)',
    '_promote() {',
    '  local current="${COMP_WORDS[COMP_CWORD]}" options=""',
    '  if [ "$COMP_CWORD" -eq 1 ]; then',
    `    COMPREPLY=($(compgen -W "${commands.map((command) => command.name).join(' ')} --help --version" -- "$current"))`,
    '    return',
    '  fi',
    '  case "${COMP_WORDS[1]}" in',
    ...cases,
    '  esac',
    '  if [[ "$current" == -* ]]; then',
    '    COMPREPLY=($(compgen -W "$options --help" -- "$current"))',
    '  else',
    '    COMPREPLY=($(compgen -f -- "$current"))',
    '  fi',
    '}',
    'complete -o filenames -F _promote promote',
  ];
  return (shell === 'zsh' ? ['# promote completion (zsh, through bashcompinit)', 'autoload -U +X bashcompinit && bashcompinit', ...bash] : bash).join('\n');
}

/** The `--options` a usage text names, once each, in order. */
function optionsOf(usage: readonly string[]): string[] {
  return [...new Set(usage.join('\n').match(/--[a-z][a-z-]*/g) ?? [])].filter((option) => option !== '--help');
}
