import { readFile, writeFile } from 'node:fs/promises';
import { parseWorldSnapshot, type World } from '@promote/core';
import { errAsync, okAsync, ResultAsync } from 'neverthrow';
import type { CliError } from './cli-error.js';

/** Reads a JSON file. `what` names it in messages ("World file", "Request file"). */
export function readJsonFile(path: string, what: string, readStdin?: () => Promise<string>): ResultAsync<unknown, CliError> {
  // `-` is standard input, as for cat and curl's --data @-.
  const source = path === '-' && readStdin !== undefined ? readStdin() : readFile(path, 'utf8');
  return ResultAsync.fromPromise(source, (cause): CliError => fileError(path === '-' ? 'standard input' : path, what, cause)).andThen((text) => {
    try {
      return okAsync(JSON.parse(text) as unknown);
    } catch (cause) {
      return errAsync<unknown, CliError>({ kind: 'invalid_json', path: path === '-' ? 'standard input' : path, reason: cause instanceof Error ? cause.message : String(cause) });
    }
  });
}

/** Reads and validates a world snapshot file (§14); an invalid one is refused with every problem. */
export function readWorldFile(path: string): ResultAsync<World, CliError> {
  return readJsonFile(path, 'World file').andThen((document) => {
    const parsed = parseWorldSnapshot(document);
    return parsed.isOk() ? okAsync(parsed.value) : errAsync<World, CliError>({ kind: 'invalid_world', path, problems: parsed.error.problems });
  });
}

/** Writes a value as indented JSON, ended by a newline. */
export function writeJsonFile(path: string, value: unknown): ResultAsync<void, CliError> {
  return ResultAsync.fromPromise(writeFile(path, `${JSON.stringify(value, null, 2)}\n`), (cause): CliError => ({
    kind: 'file_unwritable',
    path,
    reason: systemReason(cause),
  }));
}

function fileError(path: string, what: string, cause: unknown): CliError {
  const code = (cause as { code?: unknown } | undefined)?.code;
  if (code === 'ENOENT') return { kind: 'file_not_found', path, what };
  return { kind: 'file_unreadable', path, reason: systemReason(cause) };
}

/** A one-line reason for a system error: `permission denied (EACCES)`. */
export function systemReason(cause: unknown): string {
  const code = (cause as { code?: unknown } | undefined)?.code;
  const known: Record<string, string> = {
    EACCES: 'permission denied',
    EISDIR: 'it is a directory',
    ENOENT: 'no such file or directory',
    ENOTDIR: 'a part of the path is not a directory',
    EADDRINUSE: 'address already in use',
    EADDRNOTAVAIL: 'address not available',
    ENOSPC: 'no space left on device',
  };
  if (typeof code === 'string' && known[code] !== undefined) return `${known[code]} (${code})`;
  const message = cause instanceof Error ? cause.message : String(cause);
  return message.split('\n')[0] ?? message;
}
