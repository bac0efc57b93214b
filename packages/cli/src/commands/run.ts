import { createPromoter, createReferenceDataplane, storeFailure, type Actor, type OperationView, type Promoter, type PromoteError, type Store } from '@promote/core';
import { err, ok, ResultAsync, safeTry } from 'neverthrow';
import { parseOptions, stringOption, type OptionSpec } from '../arguments.js';
import type { CliError, ExitCode } from '../cli-error.js';
import { writeLines, type CliIo } from '../cli-io.js';
import { readJsonFile } from '../input-files.js';
import { openDatabase, shownDatabase } from '../open-database.js';
import { progressDisplay, useColour, type ProgressDisplay } from '../render/progress-display.js';
import { resultsMode } from '../render/results-mode.js';
import { outcomeJson, outcomeReport, outcomesExitCode, type RequestOutcome } from './engine-outcome.js';

const options: OptionSpec = {
  db: { type: 'string' },
  as: { type: 'string' },
  request: { type: 'string' },
  plan: { type: 'string' },
  json: { type: 'boolean' },
  results: { type: 'string' },
  summary: { type: 'boolean' },
};

/** Usage of `promote run`. */
export const runUsage = [
  'Usage: promote run --db FILE --as EMAIL (--request FILE | --plan FILE) [--json]',
  '',
  'Runs one promote request against a SQLite or PostgreSQL database (as `promote serve` keeps it), showing progress on a',
  'terminal and the results at the end. Ctrl+C aborts the operation between units.',
  '',
  '  --db FILE|URL    the database: a SQLite file (must exist) or postgres://USER:PASSWORD@HOST:PORT/DATABASE',
  '  --as EMAIL       the acting user',
  '  --request FILE   the request body (JSON, as for POST /api/operations/run); - reads it from standard input',
  '  --plan FILE      a plan written by promote plan --out: runs exactly that plan, or refuses (409)',
  '                   when the database changed since; the operation fails without writing when it',
  '                   changes before its turn',
  '  --json           print the finished operation (or {"status", "detail"}) as JSON',
  '  --results WHICH  all, failed or none: the result rows shown (default: all when they fit on the',
  '                   screen, else failed); --summary is --results failed',
  '',
  'Exit code: 0 success, 1 the operation ended in failure or was aborted, 2 the request was refused.',
];

/** `promote run`: one request against a database, with a progress bar on a terminal. */
export function runRequest(args: readonly string[], io: CliIo): ResultAsync<ExitCode, CliError> {
  return safeTry(async function* () {
    const values = yield* parseOptions('run', args, options, ['db', 'as']);
    const planPath = stringOption(values, 'plan');
    if ((stringOption(values, 'request') === undefined) === (planPath === undefined)) {
      return err<never, CliError>({ kind: 'usage', command: 'run', message: 'give --request FILE or --plan FILE' });
    }
    const requestPath = planPath ?? stringOption(values, 'request') ?? '';
    const body = planPath === undefined ? yield* readJsonFile(requestPath, 'Request file', io.readStdin) : yield* readPlanFile(planPath, io);
    const results = yield* resultsMode(values, 'run');
    const dbPath = stringOption(values, 'db') ?? '';
    const email = stringOption(values, 'as') ?? '';
    const display = progressDisplay(io.stderr, { colour: useColour(io.stderr, io.env), label: 'entities' });
    display.phase(`Opening ${shownDatabase(dbPath)}`);
    const store = yield* openDatabase(dbPath, { create: false }).mapErr((error) => {
      display.stop();
      return error;
    });
    const outcome = await runOn(store, email, body, `Request (${requestPath})`, io, display);
    display.stop();
    await store.close();
    const finished = yield* outcome;
    if (values['json'] === true) io.stdout.write(`${JSON.stringify(outcomeJson(finished), null, 2)}\n`);
    else {
      writeLines(io.stdout, outcomeReport(finished, { results, colour: useColour(io.stdout, io.env), screenRows: io.stdout.rows }));
      if (finished.kind === 'done' && finished.view.result === 'aborted' && finished.view.id !== null) writeLines(io.stdout, abortedSummary(finished.view, dbPath, email));
    }
    return ok(outcomesExitCode([finished]));
  });
}

/** After an abort: how much was never processed, and how to go on. */
function abortedSummary(view: OperationView, dbPath: string, email: string): string[] {
  const { total, created, updated, skipped, failed } = view.status;
  const processed = created + updated + skipped + failed;
  return [
    `Aborted: ${processed} of ${total} entities processed, ${total - processed} never processed.`,
    `Resume them with: promote resume ${view.id} --db ${shownDatabase(dbPath)} --as ${email}`,
  ];
}

function runOn(store: Store, email: string, body: unknown, label: string, io: CliIo, display: ProgressDisplay): ResultAsync<RequestOutcome, CliError> {
  return safeTry(async function* () {
    const user = yield* ResultAsync.fromPromise(store.findUser({ email }), (cause) => engineError(storeFailure(cause)));
    if (user === undefined) {
      const world = yield* ResultAsync.fromPromise(store.exportWorld(), (cause) => engineError(storeFailure(cause)));
      return err<never, CliError>({ kind: 'unknown_user', email, known: world.users.map((known) => known.email) });
    }
    const actor: Actor = { id: user.id };
    const promoter = createPromoter({ store, dataplane: createReferenceDataplane(), onProgress: (event) => display.progress(event) });
    display.phase('Recovering interrupted operations');
    yield* promoter.recover().mapErr(engineError);
    display.phase('Selecting');
    const started = await promoter.run(actor, body);
    if (started.isErr()) {
      if (started.error.kind === 'store_failure') return err<never, CliError>(engineError(started.error));
      return ok<RequestOutcome, CliError>({ kind: 'refused', label, error: started.error });
    }
    const stopListening = abortOnSignal(promoter, actor, started.value, io, display);
    await promoter.waitFor(started.value.id);
    await promoter.close();
    stopListening();
    display.stop();
    const finished = await promoter.getOperation(actor, started.value.id);
    const view = yield* finished.mapErr(engineError);
    return ok<RequestOutcome, CliError>({ kind: 'done', view });
  });
}

function engineError(error: PromoteError): CliError {
  return { kind: 'engine', error };
}

/**
 * While the operation runs: Ctrl+C (or SIGTERM) aborts it, once. Returns the function that stops
 * listening.
 */
function abortOnSignal(promoter: Promoter, actor: Actor, operation: OperationView, io: CliIo, display: ProgressDisplay): () => void {
  let aborting = false;
  return io.onSignal(() => {
    if (aborting) return;
    aborting = true;
    display.phase(`Aborting operation ${operation.id}`);
    void promoter.abort(actor, operation.id);
  });
}

/** The request of a `promote plan --out` file, with its fingerprint as `expected_plan_fingerprint`. */
function readPlanFile(path: string, io: CliIo): ResultAsync<unknown, CliError> {
  return readJsonFile(path, 'Plan file', io.readStdin).andThen((document) => {
    const plan = document as { request?: unknown; plan_fingerprint?: unknown } | null;
    const request = plan?.request;
    if (typeof plan !== 'object' || plan === null || typeof request !== 'object' || request === null || Array.isArray(request) || typeof plan.plan_fingerprint !== 'string') {
      return err<never, CliError>({ kind: 'invalid_json', path, reason: 'not a plan file of promote plan --out (it needs "request" and "plan_fingerprint")' });
    }
    return ok({ ...(request as Record<string, unknown>), expected_plan_fingerprint: plan.plan_fingerprint });
  });
}
