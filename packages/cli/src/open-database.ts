import { existsSync, rmSync } from 'node:fs';
import type { Store } from '@promote/core';
import { openPostgresStore } from '@promote/store-postgres';
import { openSqliteStore } from '@promote/store-sqlite';
import { errAsync, ResultAsync } from 'neverthrow';
import type { CliError } from './cli-error.js';
import { systemReason } from './input-files.js';

/** Options of {@link openDatabase}. */
export interface OpenDatabaseOptions {
  /** Whether a missing SQLite file is created (serve, init) or refused (run, export). */
  readonly create: boolean;
  /**
   * Set when the store serves requests for long (serve): a SQLite store then starts its render
   * threads while it opens, so that even the first whole-operation read is written beside the event
   * loop (otherwise the store's connection writes what is asked while the threads start), and says
   * here when one of its threads (render or checkpoint) is lost — the store goes on without it.
   */
  readonly serving?: { readonly onThreadLost: (what: string) => void } | undefined;
}

/** Whether `--db` names a PostgreSQL database (`postgres://…` or `postgresql://…`) rather than a SQLite file. */
export function isPostgresUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//i.test(db);
}

/**
 * `--db` as it may be printed: a URL's password replaced by `***` (also in a URL that does not
 * parse); a file path as it is. Connection strings are never printed with their password.
 */
export function shownDatabase(db: string): string {
  return isPostgresUrl(db) ? db.replace(/^([a-z]+:\/\/[^/?#@]*?:)[^/?#]*@/i, '$1***@') : db;
}

/**
 * Whether opening `db` would create it: a SQLite file that does not exist yet (a PostgreSQL
 * database is never created by the CLI; its tables are, by the store's migrations).
 */
export function wouldCreate(db: string): boolean {
  return !isPostgresUrl(db) && db !== ':memory:' && !existsSync(db);
}

/** Removes a SQLite file this command created, and what SQLite made beside it; nothing for PostgreSQL. */
export function removeCreatedDatabase(db: string): void {
  if (isPostgresUrl(db)) return;
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${db}${suffix}`, { force: true });
}

/**
 * Opens the store of `--db`: PostgreSQL for a `postgres://` URL (its tables migrated on open), else
 * the SQLite file (or `:memory:`). A failure is one `database` error whose text holds no password.
 */
export function openDatabase(db: string, { create, serving }: OpenDatabaseOptions): ResultAsync<Store, CliError> {
  const shown = shownDatabase(db);
  if (isPostgresUrl(db)) {
    if (!URL.canParse(db)) return errAsync({ kind: 'database', path: shown, reason: 'not a valid URL (postgres://USER:PASSWORD@HOST:PORT/DATABASE)' });
    return ResultAsync.fromPromise(openPostgresStore({ connectionString: db }), (cause): CliError => ({ kind: 'database', path: shown, reason: withoutPassword(postgresReason(cause), db) }));
  }
  if (!create && db !== ':memory:' && !existsSync(db)) return errAsync({ kind: 'file_not_found', path: db, what: 'Database file' });
  const threads =
    serving === undefined
      ? {}
      : {
          renderThreadsAtOpen: true,
          onRenderThreadLost: (cause: unknown) => serving.onThreadLost(`a render thread of the SQLite store ended (${systemReason(cause)}); its pages are written by the others or the store's connection`),
          onCheckpointThreadLost: (cause: unknown) => serving.onThreadLost(`the checkpoint thread of the SQLite store ended (${systemReason(cause)}); the store checkpoints on its own connection`),
        };
  return ResultAsync.fromPromise(openSqliteStore({ filename: db, ...threads }), (cause): CliError => ({ kind: 'database', path: db, reason: sqliteReason(cause) }));
}

function sqliteReason(cause: unknown): string {
  const inner = cause instanceof Error && cause.cause !== undefined ? cause.cause : cause;
  return systemReason(inner);
}

/** Why a PostgreSQL store did not open, in the server's or the network's words. */
function postgresReason(cause: unknown): string {
  // A failed migration wraps kysely's error; a host with several addresses fails with one error per address.
  const inner = cause instanceof Error && cause.message.startsWith('Migrating') && cause.cause !== undefined ? cause.cause : cause;
  const first = inner instanceof AggregateError && inner.errors.length > 0 ? inner.errors[0] : inner;
  const code = (first as { code?: unknown } | undefined)?.code;
  const known: Record<string, string> = {
    ECONNREFUSED: 'the server refused the connection (ECONNREFUSED)',
    ENOTFOUND: 'no such host (ENOTFOUND)',
    EAI_AGAIN: 'the host name could not be resolved (EAI_AGAIN)',
    ETIMEDOUT: 'the connection timed out (ETIMEDOUT)',
    EHOSTUNREACH: 'the host cannot be reached (EHOSTUNREACH)',
  };
  if (typeof code === 'string' && known[code] !== undefined) return known[code];
  const message = first instanceof Error ? first.message : String(first);
  const line = message.split('\n')[0] ?? message;
  return line === '' ? 'the connection failed' : line;
}

function withoutPassword(text: string, url: string): string {
  let password = '';
  try {
    password = decodeURIComponent(new URL(url).password);
  } catch {
    // No password to hide that we could find.
  }
  return password === '' ? text : text.split(password).join('***');
}
