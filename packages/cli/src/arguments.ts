import { parseArgs, type ParseArgsConfig } from 'node:util';
import { err, ok, type Result } from 'neverthrow';
import type { CliError } from './cli-error.js';
import { closestName } from './did-you-mean.js';

/** The options of a command, as `node:util` `parseArgs` takes them. */
export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** Parsed option values: strings, booleans, or lists of strings for `multiple` options. */
export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

/**
 * Parses a command's arguments strictly (unknown options, missing values and positional arguments
 * are usage errors) and checks that every option in `required` was given.
 */
export function parseOptions(command: string, args: readonly string[], options: OptionSpec, required: readonly string[] = []): Result<OptionValues, CliError> {
  let values: OptionValues;
  try {
    const parsed = parseArgs({ args: [...args], options, strict: true, allowPositionals: false, tokens: true });
    values = parsed.values as OptionValues;
    // `--world a --world b` would silently use b: an option that takes one value may be given once.
    const seen = new Set<string>();
    for (const token of parsed.tokens) {
      if (token.kind !== 'option' || options[token.name]?.multiple === true) continue;
      if (seen.has(token.name)) return err({ kind: 'usage', command, message: `option --${token.name} given more than once` });
      seen.add(token.name);
    }
  } catch (cause) {
    return err({ kind: 'usage', command, message: usageMessage(cause, Object.keys(options)) });
  }
  const missing = required.filter((name) => values[name] === undefined);
  if (missing.length > 0) {
    return err({ kind: 'usage', command, message: `missing ${missing.map((name) => `--${name}`).join(', ')}` });
  }
  return ok(values);
}

/** A string option's value (the last one when given more than once). */
export function stringOption(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  if (Array.isArray(value)) return value.map(String).at(-1);
  return typeof value === 'string' ? value : undefined;
}

/** A `multiple` string option's values, in the order given. */
export function stringOptions(values: OptionValues, name: string): string[] {
  const value = values[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

function usageMessage(cause: unknown, known: readonly string[]): string {
  const code = (cause as { code?: unknown } | undefined)?.code;
  const message = cause instanceof Error ? cause.message : String(cause);
  const quoted = /'([^']+)'/.exec(message)?.[1];
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const typed = (quoted ?? '').replace(/^-+/, '').split('=')[0] ?? '';
      const meant = typed === '' ? undefined : closestName(typed, known);
      return `unknown option ${quoted ?? message}${meant === undefined ? '' : `; did you mean --${meant}?`}`;
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /argument missing/.test(message) && quoted !== undefined ? `option ${quoted.split(' ')[0]} needs a value` : (message.split('\n')[0] ?? message);
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${quoted === undefined ? '' : `'${quoted}'`}`.trim();
    default:
      return message.split('\n')[0] ?? message;
  }
}
