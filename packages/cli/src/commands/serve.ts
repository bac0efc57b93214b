import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPromoter, createReferenceDataplane, localLeaseHolders, storeFailure, type PromoteError, type ReferenceDataplane, type Store, type User, type World } from '@promote/core';
import { createApp, createMetricsApp, storeReadiness } from '@promote/http';
import { createTelemetry, isLogLevel, logLevels, type LevelWithSilent } from '@promote/http/telemetry';
import { err, errAsync, ok, okAsync, ResultAsync, safeTry } from 'neverthrow';
import { parseOptions, stringOption, type OptionSpec } from '../arguments.js';
import { exitCodes, type CliError, type ExitCode } from '../cli-error.js';
import { writeLines, type CliIo } from '../cli-io.js';
import { createHttpServer, defaultServerTimeouts, type ServerTimeouts } from '../http-server.js';
import { readWorldFile, systemReason } from '../input-files.js';
import { isPostgresUrl, openDatabase, removeCreatedDatabase, shownDatabase, wouldCreate } from '../open-database.js';

const options: OptionSpec = {
  world: { type: 'string' },
  db: { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  'request-timeout': { type: 'string' },
  'headers-timeout': { type: 'string' },
  'keep-alive-timeout': { type: 'string' },
  'dataplane-latency': { type: 'string' },
  'lease-ttl': { type: 'string' },
  'log-level': { type: 'string' },
  'metrics-port': { type: 'string' },
};

/** Defaults of `promote serve`. */
export const serveDefaults = { db: 'promote.sqlite', host: '127.0.0.1', port: 8080, leaseTtlMs: 30_000, logLevel: 'info' } as const;

/** Usage of `promote serve`. */
export const serveUsage = [
  'Usage: promote serve --world FILE [--db FILE|URL] [--host H] [--port N] [--log-level L] [--metrics-port N]',
  '                     [--request-timeout S] [--headers-timeout S] [--keep-alive-timeout S] [--dataplane-latency MS] [--lease-ttl MS]',
  '',
  'Serves the Promote API and the Activity page (at /) over a SQLite or PostgreSQL database, loading the world into it when it is empty.',
  '',
  `  --world FILE   world snapshot to load into an empty database (required then; checked always)`,
  `  --db FILE|URL  a SQLite file, created if missing (':memory:' for a throwaway one), or a PostgreSQL`,
  `                 database, postgres://USER:PASSWORD@HOST:PORT/DATABASE (default: $PROMOTE_DATABASE_URL, else ${serveDefaults.db})`,
  `  --host H       interface to listen on (default ${serveDefaults.host})`,
  `  --port N       port; 0 picks a free one (default: $PORT, else ${serveDefaults.port})`,
  `  --log-level L  JSON log lines on stdout from level L up: ${logLevels.join(', ')} (default: $PROMOTE_LOG_LEVEL, else ${serveDefaults.logLevel})`,
  `  --metrics-port N  serve GET /metrics on this port instead of --port (default: $PROMOTE_METRICS_PORT, else none)`,
  `  --request-timeout S     seconds to receive a whole request, else a 408; 0: none (default: $PROMOTE_REQUEST_TIMEOUT, else ${defaultServerTimeouts.requestMs / 1000})`,
  `  --headers-timeout S     seconds to receive its headers, at most the request timeout (default: $PROMOTE_HEADERS_TIMEOUT, else ${defaultServerTimeouts.headersMs / 1000})`,
  `  --keep-alive-timeout S  seconds an idle connection stays open (default: $PROMOTE_KEEP_ALIVE_TIMEOUT, else ${defaultServerTimeouts.keepAliveMs / 1000})`,
  '  --dataplane-latency MS  milliseconds each validation call of the built-in Dataplane takes, to watch operations run (default 0)',
  `  --lease-ttl MS          lifetime of a destination scope's lease: how soon another instance continues the operations of one that died (default ${serveDefaults.leaseTtlMs})`,
  '',
  'On PostgreSQL, several instances serve as one: any of them answers for any operation, and one continues',
  'the operations of an instance that died (takeover). On SQLite, a start marks such operations interrupted.',
  '',
  'Ctrl+C (SIGINT) or SIGTERM stops it: no new requests, running operations finish, the database is closed.',
];

/** How often `serve` on SQLite looks again for operations a dead process left `running`: the lease lifetime. */
const recoveryPeriods = 1;
/** On PostgreSQL, a third of it: an instance that died is taken over within about one lease lifetime. */
const takeoverPeriods = 1 / 3;

/** `promote serve`: resolves when the server has shut down after a signal. */
export function serve(args: readonly string[], io: CliIo): ResultAsync<ExitCode, CliError> {
  return safeTry(async function* () {
    const values = yield* parseOptions('serve', args, options);
    const port = yield* portOf(stringOption(values, 'port'), io.env['PORT']);
    const logLevel = yield* logLevelOf(stringOption(values, 'log-level'), io.env['PROMOTE_LOG_LEVEL']);
    const metricsPort = yield* metricsPortOf(stringOption(values, 'metrics-port'), io.env['PROMOTE_METRICS_PORT']);
    const host = stringOption(values, 'host') ?? serveDefaults.host;
    const environmentDb = io.env['PROMOTE_DATABASE_URL'];
    const dbPath = stringOption(values, 'db') ?? (environmentDb !== undefined && environmentDb !== '' ? environmentDb : serveDefaults.db);
    const shown = shownDatabase(dbPath);
    const worldPath = stringOption(values, 'world');
    const timeouts = yield* timeoutsOf(values, io.env);
    const latencyMs = yield* latencyOf(stringOption(values, 'dataplane-latency'));
    const leaseTtlMs = yield* leaseTtlOf(stringOption(values, 'lease-ttl'));
    const world = worldPath === undefined ? undefined : yield* readWorldFile(worldPath);

    const created = wouldCreate(dbPath);
    // Nothing to load into a new file: refused before it is created (no empty database left behind).
    if (created && world === undefined) return err<never, CliError>({ kind: 'empty_database', path: dbPath, missing: true });
    const store = yield* openDatabase(dbPath, { create: true, serving: { onThreadLost: (what) => io.stderr.write(`${what}\n`) } });
    /** Closes the store and, when this start created the file, removes it again: a refused start leaves nothing. */
    const abandon = async () => {
      await store.close();
      if (created) removeCreatedDatabase(dbPath);
    };
    const prepared = await prepareStore(store, shown, worldPath, world);
    if (prepared.isErr()) {
      await abandon();
      return err(prepared.error);
    }
    writeLines(io.stdout, prepared.value.notes);

    // One holder id for the engine and its log lines: a takeover line names the holder it took from.
    const holderId = localLeaseHolders.newHolderId();
    const telemetry = createTelemetry({ level: logLevel, destination: io.stdout, fields: { holder: holderId }, processMetrics: true });
    const promoter = createPromoter({ store, dataplane: serveDataplane(latencyMs), leaseTtlMs, holderId, onEvent: telemetry.onEvent });
    // Several instances share a PostgreSQL database (§18): what a dead one left running is continued
    // here. A SQLite file has one server: what it left running is marked interrupted (§9).
    const shared = isPostgresUrl(dbPath);
    const recoverOrTakeOver = (): ResultAsync<string | undefined, PromoteError> =>
      shared
        ? promoter.takeOver().map((ids) => (ids.length === 0 ? undefined : `Continuing ${ids.length} operation(s) another instance left running: ${ids.join(', ')}`))
        : promoter.recover().map((ids) => (ids.length === 0 ? undefined : `Marked ${ids.length} interrupted operation(s) as aborted: ${ids.join(', ')} (resume them with PUT /api/operations/resume/{id})`));
    const recovered = await recoverOrTakeOver();
    if (recovered.isErr()) {
      await promoter.close();
      await abandon();
      return err<never, CliError>({ kind: 'engine', error: recovered.error });
    }
    if (recovered.value !== undefined) writeLines(io.stdout, [recovered.value]);

    let stopping = false;
    const app = createApp({
      promoter,
      activityPage: true,
      telemetry,
      serveMetrics: metricsPort === undefined,
      onDefect: telemetry.logDefect,
      // Stopping: the load balancer takes this instance out while its operations finish.
      readiness: () => (stopping ? Promise.resolve({ ready: false, reason: 'shutting down' }) : storeReadiness(promoter)),
    });
    const server = createHttpServer({ fetch: app.fetch, hostname: host, timeouts });
    const metricsServer = metricsPort === undefined ? undefined : createHttpServer({ fetch: createMetricsApp({ metrics: () => telemetry.metrics() }).fetch, hostname: host, timeouts });
    const listening = await listen(server, host, port);
    const metricsListening = listening.isOk() && metricsServer !== undefined && metricsPort !== undefined ? await listen(metricsServer, host, metricsPort) : undefined;
    const notListening = listening.isErr() ? listening.error : metricsListening?.isErr() ? metricsListening.error : undefined;
    if (notListening !== undefined) {
      server.close();
      await promoter.close();
      await abandon();
      return err(notListening);
    }
    // A process that crashed (or, on PostgreSQL, another instance that died) still held its scope
    // leases; its operations are found once those leases have lapsed.
    const recovery = setInterval(
      () => {
        void recoverOrTakeOver().map((line) => {
          if (line !== undefined) writeLines(io.stdout, [line]);
        });
      },
      Math.max(100, Math.round(leaseTtlMs * (shared ? takeoverPeriods : recoveryPeriods))),
    );
    recovery.unref();
    // The handlers are in place before "Listening on" is printed: whoever waits for that line may
    // send SIGTERM at once (the default handler used to kill the process then, 4 times in 10).
    const stopped = new Promise<void>((resolve) => {
      const stopSignals = io.onSignal((signal) => {
        if (stopping) {
          io.stderr.write(`${signal} again: stopping now, running operations are left for recovery\n`);
          process.exit(exitCodes.failure);
        }
        stopping = true;
        clearInterval(recovery);
        io.stdout.write(`${signal}: shutting down (waiting for running operations; press Ctrl+C again to stop at once)\n`);
        server.close(() => undefined);
        server.closeIdleConnections();
        metricsServer?.close(() => undefined);
        metricsServer?.closeAllConnections();
        void (async () => {
          await promoter.close();
          server.closeAllConnections();
          await store.close();
          stopSignals();
          resolve();
        })();
      });
    });
    const address = (port: number) => `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    const base = address(listening.isOk() ? listening.value.port : port);
    const metricsBase = metricsListening?.isOk() ? address(metricsListening.value.port) : base;
    writeLines(io.stdout, [
      `Listening on ${base}`,
      ...tokenLines(prepared.value.users, base),
      `Activity page: ${base}/`,
      `API reference: ${base}/api/docs`,
      `Probes: ${base}/healthz, ${base}/readyz; metrics: ${metricsBase}/metrics; JSON logs on stdout at ${logLevel}`,
      'Press Ctrl+C to stop.',
    ]);
    await stopped;
    writeLines(io.stdout, ['Stopped.']);
    return ok(exitCodes.success);
  });
}

interface PreparedStore {
  readonly notes: string[];
  /** The users whose tokens are printed: those of a world just loaded, none otherwise (secrets are shown once). */
  readonly users: readonly User[];
}

/** Loads the world into an empty database; uses the one already there otherwise. `dbPath` is as printed (no password). */
function prepareStore(store: Store, dbPath: string, worldPath: string | undefined, world: World | undefined): ResultAsync<PreparedStore, CliError> {
  const engine = (cause: unknown): CliError => ({ kind: 'engine', error: storeFailure(cause) });
  // Not the stored world: reading it to count the users with tokens took 13.6 s and gigabytes of
  // heap at the start of a server on a million checks.
  const useStored = (): ResultAsync<PreparedStore, CliError> =>
    okAsync({
      notes: [
        `Using the world already in ${dbPath}${worldPath === undefined ? '' : ` (${worldPath} not loaded: the database is not empty; delete it to start over)`}`,
        // Bearer tokens are secrets: printed once, when the database is created from a world file.
        'Bearer tokens are not printed again: they are those of the world file the database was created from',
      ],
      users: [],
    });
  return ResultAsync.fromPromise(store.isEmpty(), engine).andThen((empty) => {
    if (!empty) return useStored();
    if (world === undefined || worldPath === undefined) return err<PreparedStore, CliError>({ kind: 'empty_database', path: dbPath });
    const loaded: PreparedStore = {
      notes: [
        `Loaded ${worldPath} into ${dbPath}: ${world.datastores.length} datastores, ${world.containers.length} containers, ${world.quality_checks.length} quality checks, ${world.computed_fields.length} computed fields, ${world.users.length} users`,
      ],
      users: world.users,
    };
    // Several instances started at once on one empty PostgreSQL database: one import wins, the
    // others find the database filled meanwhile and use it.
    return ResultAsync.fromPromise(store.importWorld(world), (cause) => cause).map(() => loaded).orElse((cause) =>
      ResultAsync.fromPromise(store.isEmpty(), engine).andThen((stillEmpty) => (stillEmpty ? err<PreparedStore, CliError>(engine(cause)) : useStored())),
    );
  });
}

function tokenLines(users: readonly User[], base: string): string[] {
  const withTokens = users.filter((user): user is User & { token: string } => user.token !== undefined);
  if (withTokens.length === 0) return [];
  const width = withTokens.reduce((widest, user) => Math.max(widest, user.email.length), 0);
  const example = withTokens[0];
  return [
    'Bearer tokens of the users:',
    ...withTokens.map((user) => `  ${user.email.padEnd(width)}  ${user.role.padEnd(7)}  ${user.token}`),
    ...(example === undefined ? [] : [`Try: curl -H "Authorization: Bearer ${example.token}" ${base}/api/datastores`]),
  ];
}

/** A value from its option, else from its environment variable (when not empty), with the name of where it came from. */
function given(option: string | undefined, optionName: string, environment: string | undefined, variable: string): { readonly text: string; readonly source: string } | undefined {
  if (option !== undefined) return { text: option, source: optionName };
  return environment !== undefined && environment !== '' ? { text: environment, source: variable } : undefined;
}

function portOf(option: string | undefined, environment: string | undefined): ResultAsync<number, CliError> {
  const value = given(option, '--port', environment, 'PORT');
  return value === undefined ? okAsync(serveDefaults.port) : parsePort(value);
}

function metricsPortOf(option: string | undefined, environment: string | undefined): ResultAsync<number | undefined, CliError> {
  const value = given(option, '--metrics-port', environment, 'PROMOTE_METRICS_PORT');
  return value === undefined ? okAsync(undefined) : parsePort(value);
}

function parsePort({ text, source }: { readonly text: string; readonly source: string }): ResultAsync<number, CliError> {
  const port = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(port) || port > 65_535) return errAsync({ kind: 'usage', command: 'serve', message: `${source} must be a port number 0..65535, not '${text}'` });
  return okAsync(port);
}

function logLevelOf(option: string | undefined, environment: string | undefined): ResultAsync<LevelWithSilent, CliError> {
  const value = given(option, '--log-level', environment, 'PROMOTE_LOG_LEVEL');
  if (value === undefined) return okAsync(serveDefaults.logLevel);
  if (isLogLevel(value.text)) return okAsync(value.text);
  return errAsync({ kind: 'usage', command: 'serve', message: `${value.source} must be one of ${logLevels.join(', ')}; not '${value.text}'` });
}

/**
 * The Dataplane `serve` runs operations with: the reference one, keeping no call history (it would
 * grow with every batch for the server's lifetime; nothing in `serve` reads it), each call taking
 * `latencyMs` (`--dataplane-latency`: a demo or a browser test can watch an operation run).
 */
export function serveDataplane(latencyMs = 0): ReferenceDataplane {
  return createReferenceDataplane({ keepCalls: 0, latencyMs });
}

function latencyOf(text: string | undefined): ResultAsync<number, CliError> {
  if (text === undefined) return okAsync(0);
  if (!/^[0-9]{1,7}$/.test(text)) return errAsync({ kind: 'usage', command: 'serve', message: `--dataplane-latency must be a whole number of milliseconds, not '${text}'` });
  return okAsync(Number(text));
}

function leaseTtlOf(text: string | undefined): ResultAsync<number, CliError> {
  if (text === undefined) return okAsync(serveDefaults.leaseTtlMs);
  const ms = /^[0-9]{1,8}$/.test(text) ? Number(text) : Number.NaN;
  if (!(ms >= 300)) return errAsync({ kind: 'usage', command: 'serve', message: `--lease-ttl must be a whole number of milliseconds, at least 300, not '${text}'` });
  return okAsync(ms);
}

const timeoutOptions = [
  ['requestMs', 'request-timeout', 'PROMOTE_REQUEST_TIMEOUT'],
  ['headersMs', 'headers-timeout', 'PROMOTE_HEADERS_TIMEOUT'],
  ['keepAliveMs', 'keep-alive-timeout', 'PROMOTE_KEEP_ALIVE_TIMEOUT'],
] as const;

/** The server's timeouts from the options, else the environment, else {@link defaultServerTimeouts}. */
function timeoutsOf(values: Parameters<typeof stringOption>[0], env: CliIo['env']): ResultAsync<ServerTimeouts, CliError> {
  const timeouts: Record<keyof ServerTimeouts, number> = { ...defaultServerTimeouts };
  for (const [key, option, variable] of timeoutOptions) {
    const given = stringOption(values, option);
    const [text, source] = given !== undefined ? [given, `--${option}`] : env[variable] !== undefined && env[variable] !== '' ? [env[variable], variable] : [undefined, ''];
    if (text === undefined) continue;
    const seconds = /^\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isFinite(seconds)) return errAsync({ kind: 'usage', command: 'serve', message: `${source} must be a number of seconds (0 for none), not '${text}'` });
    timeouts[key] = Math.round(seconds * 1000);
  }
  if (timeouts.requestMs > 0 && timeouts.headersMs > timeouts.requestMs) {
    return errAsync({ kind: 'usage', command: 'serve', message: `the headers timeout (${timeouts.headersMs / 1000} s) must not exceed the request timeout (${timeouts.requestMs / 1000} s)` });
  }
  return okAsync(timeouts);
}

function listen(server: Server, host: string, port: number): ResultAsync<AddressInfo, CliError> {
  return ResultAsync.fromPromise(
    new Promise<AddressInfo>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve(server.address() as AddressInfo);
      });
    }),
    (cause): CliError => ({ kind: 'listen', address: `${host}:${port}`, reason: systemReason(cause) }),
  );
}
