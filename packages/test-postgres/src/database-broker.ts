import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import pg from 'pg';
import { startEmbeddedPostgres, type PostgresServer } from './postgres-server.js';

/** Options of {@link startDatabaseBroker}. */
export interface DatabaseBrokerOptions {
  /**
   * A connection string of an existing server to create the databases on (`PROMOTE_TEST_POSTGRES_URL`),
   * as a role that may create databases; `undefined`: start an embedded server at the first request.
   */
  readonly serverUrl?: string | undefined;
}

/** The broker of one test run (see {@link startDatabaseBroker}). */
export interface DatabaseBroker {
  /** `http://127.0.0.1:PORT`, for `createTestDatabase` in the test files. */
  readonly address: string;
  /** Whether a server was started or reached (some test file asked for a database). */
  readonly serverUsed: boolean;
  /** Stops the embedded server, or drops the databases made on the server given; closes the broker. */
  close(): Promise<void>;
}

/**
 * Runs in vitest's main process (the global setup): hands out fresh databases to test files over
 * a small HTTP endpoint on 127.0.0.1, so that one PostgreSQL server serves the whole run — started
 * only when the first test file asks, so a run without a PostgreSQL test starts none.
 *
 * `POST /databases` with `{ "label": "…" }` answers `{ "url": "postgres://…/promote_<label>_<n>_<random>" }`:
 * a new, empty database, created with `CREATE DATABASE`. A failure answers 500 with `{ "error" }`.
 */
export async function startDatabaseBroker(options: DatabaseBrokerOptions = {}): Promise<DatabaseBroker> {
  let server: Promise<{ readonly postgres: PostgresServer; readonly admin: pg.Pool }> | undefined;
  const created: string[] = [];
  const runId = randomBytes(3).toString('hex');

  const connect = () => {
    server ??= (async () => {
      const postgres = options.serverUrl === undefined ? await startEmbeddedPostgres() : { adminUrl: options.serverUrl, stop: async () => undefined };
      const admin = new pg.Pool({ connectionString: postgres.adminUrl, max: 2 });
      // An idle client that loses its server must not crash the main process.
      admin.on('error', () => undefined);
      return { postgres, admin };
    })();
    return server;
  };

  const createDatabase = async (label: string): Promise<string> => {
    const { postgres, admin } = await connect();
    const tag = label.toLowerCase().replace(/[^a-z0-9]+/g, '_').slice(0, 30).replace(/^_+|_+$/g, '');
    const name = `promote_${tag === '' ? 'test' : tag}_${created.length + 1}_${runId}`;
    created.push(name);
    await admin.query(`create database ${pg.escapeIdentifier(name)}`);
    const url = new URL(postgres.adminUrl);
    url.pathname = `/${name}`;
    return url.toString();
  };

  const http = createServer((request, response) => {
    void handle(request, response, createDatabase);
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, '127.0.0.1', () => resolve());
  });
  const address = http.address();
  if (typeof address !== 'object' || address === null) throw new Error('The database broker has no address');

  return {
    address: `http://127.0.0.1:${address.port}`,
    get serverUsed() {
      return server !== undefined;
    },
    async close() {
      // The workers' keep-alive connections would hold the close back for seconds.
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections();
      await closed;
      // A server that never started has nothing to stop (the test files that asked have failed already).
      const started = await server?.catch(() => undefined);
      if (started === undefined) return;
      const { postgres, admin } = started;
      try {
        // A server from outside keeps running: leave it as it was found.
        if (options.serverUrl !== undefined) {
          for (const name of created) await admin.query(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`);
        }
      } finally {
        await admin.end();
        await postgres.stop();
      }
    },
  };
}

async function handle(request: IncomingMessage, response: ServerResponse, createDatabase: (label: string) => Promise<string>): Promise<void> {
  const reply = (status: number, body: object) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };
  try {
    if (request.method !== 'POST' || request.url !== '/databases') {
      reply(404, { error: 'POST /databases only' });
      return;
    }
    let text = '';
    for await (const chunk of request) text += String(chunk);
    const { label } = JSON.parse(text === '' ? '{}' : text) as { label?: unknown };
    reply(200, { url: await createDatabase(typeof label === 'string' && label !== '' ? label : 'test') });
  } catch (error) {
    reply(500, { error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
}
