import { createPromoter, createReferenceDataplane, storeFailure, type Actor, type OperationView, type Promoter, type PromoteError, type Store } from '@promote/core';
import { err, ok, ResultAsync, safeTry } from 'neverthrow';
import { parseOptions, stringOption, type OptionSpec } from '../arguments.js';
import type { CliError, ExitCode } from '../cli-error.js';
import { writeLines, type CliIo } from '../cli-io.js';
import { readJsonFile } from '../input-files.js';
import { openDatabase } from '../open-database.js';
import { progressBar } from '../render/progress-bar.js';
import { outcomeJson, outcomeReport, outcomesExitCode, type RequestOutcome } from './engine-outcome.js';

const options: OptionSpec = {
  db: { type: 'string' },
  as: { type: 'string' },
  request: { type: 'string' },
  plan: { type: 'string' },
  json: { type: 'boolean' },
};

/** Usage of `promote run`. */
export const runUsage = [
  'Usage: promote run --db FILE --as EMAIL (--request FILE | --plan FILE) [--json]',
  '',
  'Runs one promote request against a SQLite database (as `promote serve` keeps it), showing progress on a',
  'terminal and the results at the end. Ctrl+C aborts the operation between units.',
  '',
  '  --db FILE        the database (must exist)',
  '  --as EMAIL       the acting user',
  '  --request FILE   the request body (JSON, as for POST /api/operations/run); - reads it from standard input',
  '  --plan FILE      a plan written by promote plan --out: runs exactly that plan, or refuses (409)',
  '                   when the database changed since; the operation fails without writing when it',
  '                   changes before its turn',
  '  --json           print the finished operation (or {"status", "detail"}) as JSON',
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
    const store = yield* openDatabase(stringOption(values, 'db') ?? '', { create: false });
    const outcome = await runOn(store, stringOption(values, 'as') ?? '', body, `Request (${requestPath})`, io);
    await store.close();
    const finished = yield* outcome;
    if (values['json'] === true) io.stdout.write(`${JSON.stringify(outcomeJson(finished), null, 2)}\n`);
    else writeLines(io.stdout, outcomeReport(finished));
    return ok(outcomesExitCode([finished]));
  });
}

function runOn(store: Store, email: string, body: unknown, label: string, io: CliIo): ResultAsync<RequestOutcome, CliError> {
  return safeTry(async function* () {
    const user = yield* ResultAsync.fromPromise(store.findUser({ email }), (cause) => engineError(storeFailure(cause)));
    if (user === undefined) {
      const world = yield* ResultAsync.fromPromise(store.exportWorld(), (cause) => engineError(storeFailure(cause)));
      return err<never, CliError>({ kind: 'unknown_user', email, known: world.users.map((known) => known.email) });
    }
    const actor: Actor = { id: user.id };
    const promoter = createPromoter({ store, dataplane: createReferenceDataplane() });
    yield* promoter.recover().mapErr(engineError);
    const started = await promoter.run(actor, body);
    if (started.isErr()) {
      if (started.error.kind === 'store_failure') return err<never, CliError>(engineError(started.error));
      return ok<RequestOutcome, CliError>({ kind: 'refused', label, error: started.error });
    }
    const stopWatching = watch(promoter, actor, started.value, io);
    await promoter.waitFor(started.value.id);
    await promoter.close();
    const finished = await promoter.getOperation(actor, started.value.id);
    stopWatching(finished.isOk() ? finished.value.results.length : undefined);
    const view = yield* finished.mapErr(engineError);
    return ok<RequestOutcome, CliError>({ kind: 'done', view });
  });
}

function engineError(error: PromoteError): CliError {
  return { kind: 'engine', error };
}

/**
 * While the operation runs: a progress bar (processed / total) on stderr when it is a terminal, and
 * Ctrl+C (or SIGTERM) aborting the operation. Returns the function that stops both, leaving the
 * final bar on the terminal.
 */
function watch(promoter: Promoter, actor: Actor, operation: OperationView, io: CliIo): (processed: number | undefined) => void {
  const total = operation.status.total;
  const tty = io.stderr.isTTY === true;
  let stopped = false;
  let aborting = false;
  const draw = async () => {
    const page = await promoter.listResults(actor, operation.id, { page: 1, size: 1 });
    if (!stopped && page.isOk()) io.stderr.write(`\r${progressBar(page.value.total, total)}\x1b[K`);
  };
  const timer = tty ? setInterval(() => void draw(), 100) : undefined;
  if (tty) void draw();
  const stopSignals = io.onSignal(() => {
    if (aborting) return;
    aborting = true;
    io.stderr.write(`${tty ? '\r\x1b[K' : ''}Aborting operation ${operation.id} …\n`);
    void promoter.abort(actor, operation.id);
  });
  return (processed) => {
    stopped = true;
    if (timer !== undefined) clearInterval(timer);
    stopSignals();
    if (tty) io.stderr.write(processed === undefined ? '\r\x1b[K' : `\r${progressBar(processed, total)}\x1b[K\n`);
  };
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
