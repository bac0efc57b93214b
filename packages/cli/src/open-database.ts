import { existsSync } from 'node:fs';
import type { Store } from '@promote/core';
import { openSqliteStore } from '@promote/store-sqlite';
import { errAsync, ResultAsync } from 'neverthrow';
import type { CliError } from './cli-error.js';
import { systemReason } from './input-files.js';

/** Options of {@link openDatabase}. */
export interface OpenDatabaseOptions {
  /** Whether a missing file is created (serve) or refused (run, export). */
  readonly create: boolean;
}

/** Opens the SQLite store of `--db` (a file, or `:memory:`). */
export function openDatabase(path: string, { create }: OpenDatabaseOptions): ResultAsync<Store, CliError> {
  if (!create && path !== ':memory:' && !existsSync(path)) return errAsync({ kind: 'file_not_found', path, what: 'Database file' });
  return ResultAsync.fromPromise(openSqliteStore({ filename: path }), (cause): CliError => ({ kind: 'database', path, reason: databaseReason(cause) }));
}

function databaseReason(cause: unknown): string {
  const inner = cause instanceof Error && cause.cause !== undefined ? cause.cause : cause;
  return systemReason(inner);
}
