import { createPromoter, createReferenceDataplane, type OperationView, type Page, type Promoter, type Store, type User } from '@promote/core';
import { createApp } from '@promote/http';
import { err, errAsync, ok, okAsync, ResultAsync, safeTry } from 'neverthrow';
import { parseOptions, stringOption, type OptionSpec, type OptionValues } from '../arguments.js';
import { exitCodes, type CliError, type ExitCode } from '../cli-error.js';
import { writeLines, type CliIo } from '../cli-io.js';
import { openDatabase } from '../open-database.js';
import { operationReport } from '../render/operation-report.js';

/** The operations' life cycle from the command line: `list`, `status`, `abort`, `resume`, `rerun`. */
export type LifecycleCommand = 'list' | 'status' | 'abort' | 'resume' | 'rerun';

const target: OptionSpec = {
  db: { type: 'string' },
  as: { type: 'string' },
  url: { type: 'string' },
  token: { type: 'string' },
  json: { type: 'boolean' },
};

const listFilters: OptionSpec = {
  result: { type: 'string' },
  'promote-type': { type: 'string' },
  datastore: { type: 'string' },
  page: { type: 'string' },
  size: { type: 'string' },
};

const where = [
  '  --db FILE|URL --as EMAIL  on a SQLite file or a postgres:// database, as that user (in this process)',
  '  --url URL              or on a running promote serve (e.g. http://127.0.0.1:8080), with',
  '  --token TOKEN          the bearer token (default: $PROMOTE_TOKEN)',
  '  --json                 print the answer as JSON (as the HTTP API gives it)',
];

const summaries: Readonly<Record<LifecycleCommand, string>> = {
  list: 'Lists the operations the user may read, newest first.',
  status: 'Shows one operation: its status, counts and message.',
  abort: 'Aborts a running operation between units; what was processed keeps its result.',
  resume: 'Puts an aborted or failed operation back to running; with --db it runs here, to its end.',
  rerun: 'Starts a new operation with the same request; with --db it runs here, to its end.',
};

/** Usage of a life-cycle command. */
export function lifecycleUsage(command: LifecycleCommand): string[] {
  const id = command === 'list' ? '' : ' ID';
  return [
    `Usage: promote ${command}${id} (--db FILE --as EMAIL | --url URL [--token TOKEN]) [--json]${command === 'list' ? ' [--result R] [--promote-type T] [--datastore N] [--page N] [--size N]' : ''}`,
    '',
    summaries[command],
    '',
    ...where,
    ...(command === 'list'
      ? ['  --result R             running, success, failure or aborted', '  --promote-type T       quality_check, computed_field, computed_table or computed_file', '  --datastore N          source or destination datastore', '  --page N, --size N     the page (from 1) and its size (default 20)']
      : []),
    '',
    'Exit code: 0 done, 1 the operation ended in failure or was aborted (resume, rerun with --db), 2 refused.',
  ];
}

/** An answer of the API: its status and JSON body (status 0: no answer, the server could not be reached). */
interface Answer {
  readonly status: number;
  readonly body: unknown;
}

/** Where the commands go: the HTTP API of a server, or the same API in this process over a database. */
interface Target {
  call(method: 'GET' | 'PUT' | 'POST', path: string): Promise<Answer>;
  /** With --db: waits for an operation this process runs. */
  readonly waitFor?: ((id: number) => Promise<void>) | undefined;
  close(): Promise<void>;
}

/** `promote list|status|abort|resume|rerun`. */
export function lifecycle(command: LifecycleCommand, args: readonly string[], io: CliIo): ResultAsync<ExitCode, CliError> {
  return safeTry(async function* () {
    const [first, ...others] = args;
    const hasId = command !== 'list';
    const idText = hasId && first !== undefined && !first.startsWith('-') ? first : undefined;
    const values = yield* parseOptions(command, hasId ? (idText === undefined ? args : others) : args, hasId ? target : { ...target, ...listFilters });
    if (hasId && (idText === undefined || !/^[1-9]\d*$/.test(idText))) {
      return err<never, CliError>({ kind: 'usage', command, message: idText === undefined ? 'missing the operation ID' : `the operation ID must be a whole number from 1, not '${idText}'` });
    }
    const opened = yield* openTarget(command, values, io);
    try {
      const path = hasId ? operationPath(command, Number(idText)) : `/api/operations${listQuery(values)}`;
      let answer = await opened.call(hasId && command !== 'status' ? (command === 'rerun' ? 'POST' : 'PUT') : 'GET', path);
      if (answer.status === 200 && (command === 'resume' || command === 'rerun') && opened.waitFor !== undefined) {
        const id = (answer.body as OperationView).id;
        await opened.waitFor(id);
        answer = await opened.call('GET', `/api/operations/${id}`);
      }
      return ok(report(command, answer, values['json'] === true, io));
    } finally {
      await opened.close();
    }
  });
}

function operationPath(command: Exclude<LifecycleCommand, 'list'>, id: number): string {
  return command === 'status' ? `/api/operations/${id}` : `/api/operations/${command}/${id}`;
}

function listQuery(values: OptionValues): string {
  const query = new URLSearchParams();
  for (const [option, parameter] of [['result', 'result'], ['promote-type', 'promote_type'], ['datastore', 'datastore'], ['page', 'page'], ['size', 'size']] as const) {
    const value = stringOption(values, option);
    if (value !== undefined) query.set(parameter, value);
  }
  const text = query.toString();
  return text === '' ? '' : `?${text}`;
}

/** Prints the answer; the exit code. */
function report(command: LifecycleCommand, answer: Answer, json: boolean, io: CliIo): ExitCode {
  if (answer.status === 0) {
    writeLines(io.stderr, [`promote ${command}: ${String((answer.body as { detail: string }).detail)}`]);
    return exitCodes.failure;
  }
  if (answer.status !== 200) {
    const detail = (answer.body as { detail?: unknown } | undefined)?.detail;
    if (json) io.stdout.write(`${JSON.stringify({ status: answer.status, detail }, null, 2)}\n`);
    else writeLines(io.stderr, [`promote ${command}: refused (${answer.status}): ${typeof detail === 'string' ? detail : JSON.stringify(detail)}`]);
    return answer.status >= 500 ? exitCodes.failure : exitCodes.refused;
  }
  if (json) io.stdout.write(`${JSON.stringify(answer.body, null, 2)}\n`);
  if (command === 'list') {
    const page = answer.body as Page<Omit<OperationView, 'results'>>;
    if (!json) writeLines(io.stdout, listLines(page));
    return exitCodes.success;
  }
  const operation = answer.body as OperationView & { readonly stopped?: boolean };
  if (!json) {
    const lines = operationReport({ ...operation, results: [] });
    const note = command === 'abort' ? [operation.stopped === true ? '  Stopped by this abort.' : '  It had already ended: nothing changed.'] : [];
    writeLines(io.stdout, [...lines, ...note]);
  }
  if ((command === 'resume' || command === 'rerun') && (operation.result === 'failure' || operation.result === 'aborted')) return exitCodes.failure;
  return exitCodes.success;
}

function listLines(page: Page<Omit<OperationView, 'results'>>): string[] {
  const rows = page.items.map((operation) => {
    const { total, created, updated, skipped, failed } = operation.status;
    return [
      String(operation.id),
      operation.promote_type,
      operation.result,
      operation.start_time,
      operation.triggered_by,
      `${created + updated + skipped + failed} / ${total}`,
      `${operation.datastore.name} → ${operation.destination_datastore.name}`,
    ];
  });
  const headings = ['id', 'type', 'result', 'started', 'by', 'processed', 'source → destination'];
  const widths = headings.map((heading, column) => rows.reduce((widest, row) => Math.max(widest, (row[column] ?? '').length), heading.length));
  const line = (cells: readonly string[]) => cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join('  ');
  const pages = Math.max(1, Math.ceil(page.total / page.size));
  return [...(rows.length === 0 ? ['No operations.'] : [line(headings), ...rows.map(line)]), `Page ${page.page} of ${pages} (${page.total} operations)`];
}

function openTarget(command: LifecycleCommand, values: OptionValues, io: CliIo): ResultAsync<Target, CliError> {
  const db = stringOption(values, 'db');
  const url = stringOption(values, 'url');
  if ((db === undefined) === (url === undefined)) return errAsync({ kind: 'usage', command, message: 'give --db FILE --as EMAIL, or --url URL' });
  if (url !== undefined) {
    const token = stringOption(values, 'token') ?? io.env['PROMOTE_TOKEN'];
    if (token === undefined || token === '') return errAsync({ kind: 'usage', command, message: 'give --token TOKEN (or set PROMOTE_TOKEN) with --url' });
    return serverTarget(command, url, token);
  }
  const email = stringOption(values, 'as');
  if (email === undefined) return errAsync({ kind: 'usage', command, message: 'give --as EMAIL with --db' });
  return openDatabase(db ?? '', { create: false }).andThen((store) => databaseTarget(store, email));
}

function serverTarget(command: LifecycleCommand, url: string, token: string): ResultAsync<Target, CliError> {
  let base: URL;
  try {
    base = new URL(url);
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new Error('not http');
  } catch {
    return errAsync({ kind: 'usage', command, message: `--url must be an http:// or https:// address, not '${url}'` });
  }
  const root = base.href.replace(/\/$/, '');
  return okAsync({
    async call(method, path) {
      let response: Response;
      try {
        response = await fetch(`${root}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
      } catch (cause) {
        const reason = (cause as { cause?: { code?: string; message?: string } }).cause;
        return { status: 0, body: { detail: `cannot reach ${root}: ${reason?.code ?? reason?.message ?? String(cause)}` } };
      }
      const text = await response.text();
      try {
        return { status: response.status, body: JSON.parse(text) as unknown };
      } catch {
        return { status: response.status === 200 ? 502 : response.status, body: { detail: `${root} answered ${response.status} without JSON: is it a promote server?` } };
      }
    },
    close: async () => undefined,
  });
}

function databaseTarget(store: Store, email: string): ResultAsync<Target, CliError> {
  return ResultAsync.fromPromise(store.findUser({ email }), (cause): CliError => ({ kind: 'database', path: email, reason: String(cause) })).andThen((user) => {
    if (user === undefined) {
      return ResultAsync.fromPromise(store.exportWorld(), (cause): CliError => ({ kind: 'database', path: email, reason: String(cause) })).andThen((world) => {
        void store.close();
        return errAsync<Target, CliError>({ kind: 'unknown_user', email, known: world.users.map((known) => known.email) });
      });
    }
    const promoter: Promoter = createPromoter({ store, dataplane: createReferenceDataplane({ keepCalls: 0 }) });
    // The same API as over HTTP, answered in this process for the user of --as.
    const app = createApp({ promoter, authenticate: async () => user satisfies User });
    return okAsync<Target, CliError>({
      async call(method, path) {
        const response = await app.request(path, { method, headers: { authorization: 'Bearer local' } });
        return { status: response.status, body: (await response.json()) as unknown };
      },
      waitFor: (id) => promoter.waitFor(id),
      async close() {
        await promoter.close();
        await store.close();
      },
    });
  });
}
