import { guardStore } from '@promote/core';
import { Kysely, Migrator } from 'kysely';
import pg from 'pg';
import { postgresStoreMigrationProvider } from './migrations.js';
import { createPostgresStore, type PostgresStore } from './postgres-store.js';
import { SchemaPostgresDialect } from './schema-introspector.js';
import type { Database } from './schema.js';

/** Default of {@link PostgresStoreOptions} `schema`. */
export const defaultSchema = 'public';
/** Default of {@link PostgresStoreOptions} `maxConnections`. */
export const defaultMaxConnections = 10;
/** Default of {@link PostgresStoreOptions} `connectTimeoutMs`. */
export const defaultConnectTimeoutMs = 10_000;
/** Default of {@link PostgresStoreOptions} `migrationLockTimeoutMs`. */
export const defaultMigrationLockTimeoutMs = 60_000;

/**
 * First key of the session-level advisory lock held around the migrations of a schema; the second
 * key is `hashtext(schema)`. ASCII `PRM1`.
 */
export const migrationLockClass = 0x50524d31;

/** Where {@link openPostgresStore} keeps its data, and how it connects. */
export interface PostgresStoreOptions {
  /**
   * A libpq-style URL as `pg` reads it: `postgres://user:password@host:5432/database`, with
   * `?sslmode=…` and the like in the query. The store opens a pool of connections with it, and
   * `close()` ends the pool.
   */
  readonly connectionString: string;
  /**
   * The schema that holds the store's tables, created by the first open if missing (the role then
   * needs `CREATE` on the database). Several stores — several products, or one per test — may
   * share a database, each in its own schema. Default {@link defaultSchema} (`public`).
   */
  readonly schema?: string | undefined;
  /** Most connections the pool opens at once. Default {@link defaultMaxConnections} (10). */
  readonly maxConnections?: number | undefined;
  /** Milliseconds to wait for a new connection before the call fails. Default {@link defaultConnectTimeoutMs} (10 s). */
  readonly connectTimeoutMs?: number | undefined;
  /**
   * Milliseconds to wait for another instance's migration of the same schema before opening fails.
   * Default {@link defaultMigrationLockTimeoutMs} (60 s).
   */
  readonly migrationLockTimeoutMs?: number | undefined;
}

/**
 * Opens the Store port on PostgreSQL, bringing its schema up to date first: embedded kysely
 * migrations, run while this instance holds a PostgreSQL advisory lock of the schema, so that
 * several instances opening one new database at the same moment migrate it once and each find it
 * migrated. It rejects, closing what it opened, when the server cannot be reached, refuses the
 * credentials, or holds a schema migrated by a newer version of this package (left untouched).
 *
 * Every connection of the store's pool has the store's schema alone on its `search_path`, and
 * parses `bigint` columns as numbers (refusing one past `Number.MAX_SAFE_INTEGER`).
 *
 * @example
 * ```ts
 * const store = await openPostgresStore({ connectionString: process.env.PROMOTE_DATABASE_URL! });
 * if (await store.isEmpty()) await store.importWorld(world);
 * // … run the engine on `store` …
 * await store.close();
 * ```
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  const schema = options.schema ?? defaultSchema;
  if (schema === '') throw new RangeError('openPostgresStore needs a non-empty schema name');
  const connection: pg.ClientConfig = {
    connectionString: options.connectionString,
    connectionTimeoutMillis: Math.max(0, Math.trunc(options.connectTimeoutMs ?? defaultConnectTimeoutMs)),
    application_name: 'promote',
    types: { getTypeParser: typeParser as pg.CustomTypesConfig['getTypeParser'] },
  };
  // Every new connection puts the store's schema first on its search_path before the pool hands it
  // out (pg-pool's `verify`): if that fails, the pool drops the connection and the call fails. Not
  // in kysely's `onCreateConnection`: when the server ends a connection during that hook, kysely
  // neither releases nor discards it, and the pool's `end()` (the store's `close()`) then waits for
  // it forever (decision 0905).
  const setSearchPath = `set search_path to ${pg.escapeIdentifier(schema)}`;
  const pool = new pg.Pool({
    ...connection,
    max: Math.max(1, Math.trunc(options.maxConnections ?? defaultMaxConnections)),
    verify: (client, done) => void client.query(setSearchPath).then(() => done(), done),
  });
  // A connection the server closes (a restart, a terminated backend) must not crash the process.
  // pg-pool listens for the errors of idle connections only (it drops them, and says so here); a
  // connection in use emits its error unheard, which would be an uncaught exception: every
  // connection gets a listener of its own. The call it served rejects, and the pool replaces it.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = new Kysely<Database>({ dialect: new SchemaPostgresDialect({ pool }, schema) });
  try {
    await migrate(db, connection, schema, options.migrationLockTimeoutMs ?? defaultMigrationLockTimeoutMs);
    // Handed out under the store runtime, as the engine uses every store.
    const readArrays = async (text: string, values: readonly unknown[]): Promise<unknown[][]> => (await pool.query<unknown[]>({ text, values: [...values], rowMode: 'array' })).rows;
    return guardStore(createPostgresStore({ db, schema, readArrays })) as PostgresStore;
  } catch (error) {
    await db.destroy();
    throw error;
  }
}

/**
 * Runs the pending migrations of `schema` while holding its migration lock: a session-level
 * advisory lock taken on a connection of its own, so that it covers kysely's whole run — creating
 * the schema and kysely's own tables included, which kysely does before its own lock — and is
 * released if this process dies (the server ends the session).
 */
async function migrate(db: Kysely<Database>, connection: pg.ClientConfig, schema: string, lockTimeoutMs: number): Promise<void> {
  const lock = new pg.Client({ ...connection, application_name: 'promote migration' });
  let lost: unknown;
  lock.on('error', (error) => {
    lost = error;
  });
  await lock.connect();
  try {
    await lock.query(`set lock_timeout = ${Math.max(0, Math.trunc(lockTimeoutMs))}`);
    await lock.query('select pg_advisory_lock($1::int4, hashtext($2::text))', [migrationLockClass, schema]);
    const migrator = new Migrator({ db, provider: postgresStoreMigrationProvider, migrationTableSchema: schema });
    const { error } = await migrator.migrateToLatest();
    if (error !== undefined) throw new Error(`Migrating the PostgreSQL store (schema ${schema}) failed`, { cause: error });
    if (lost !== undefined) throw new Error('Lost the connection that held the migration lock', { cause: lost });
  } finally {
    // Ending the session releases the lock.
    await lock.end().catch(() => undefined);
  }
}

/** `int8` (oid 20): the store's ids, lease expiries and counts, as numbers. */
const int8 = 20;

function typeParser(oid: number, format?: 'text' | 'binary'): (value: string) => unknown {
  if (oid === int8 && format !== 'binary') return parseSafeInteger;
  return format === undefined ? pg.types.getTypeParser(oid) : pg.types.getTypeParser(oid, format);
}

function parseSafeInteger(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`${text} is past the integers a JavaScript number holds exactly`);
  return value;
}
