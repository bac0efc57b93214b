import { createPromoter, createReferenceDataplane, exportWorldSnapshot, steppingClock, type Actor, type Promoter } from '@promote/core';
import { createMemoryStore } from '@promote/store-memory';
import { err, ok, ResultAsync, safeTry, type Result } from 'neverthrow';
import { parseOptions, stringOption, stringOptions, type OptionSpec } from '../arguments.js';
import type { CliError, ExitCode } from '../cli-error.js';
import { writeLines, type CliIo } from '../cli-io.js';
import { readJsonFile, readWorldFile, writeJsonFile } from '../input-files.js';
import { openDatabase } from '../open-database.js';
import type { ReportOptions } from '../render/operation-report.js';
import { useColour } from '../render/progress-display.js';
import { resultsMode } from '../render/results-mode.js';
import { outcomeJson, outcomeReport, outcomesExitCode, type RequestOutcome } from './engine-outcome.js';

const options: OptionSpec = {
  world: { type: 'string' },
  db: { type: 'string' },
  out: { type: 'string' },
  results: { type: 'string' },
  summary: { type: 'boolean' },
  as: { type: 'string' },
  request: { type: 'string', multiple: true },
  json: { type: 'boolean' },
  'world-out': { type: 'string' },
};

/** Usage of `promote simulate` and `promote plan`. */
export function simulateUsage(command: 'simulate' | 'plan'): string[] {
  const what =
    command === 'simulate'
      ? 'Runs promote requests offline, in memory, with the reference Dataplane, in order and each to completion, on one copy of the world.'
      : 'Plans promote requests offline (dry run): what each would do on the world as it is. Nothing is written.';
  return [
    command === 'plan'
      ? 'Usage: promote plan (--world FILE | --db FILE) --as EMAIL --request FILE [--request FILE …] [--json] [--out FILE] [--world-out FILE]'
      : `Usage: promote ${command} --world FILE --as EMAIL --request FILE [--request FILE …] [--json] [--world-out FILE]`,
    '',
    what,
    '',
    '  --world FILE       world snapshot (JSON: users, teams, datastores, containers, checks…; promote export writes one)',
    ...(command === 'plan'
      ? [
          '  --db FILE|URL      or plan on a SQLite or postgres:// database as it is now (read only)',
          '  --out FILE         write the plan of the one request, with the request and its plan_fingerprint,',
          '                     for promote run --plan FILE: that runs exactly this plan, or nothing',
        ]
      : []),
    '  --as EMAIL         the acting user, a user of the world',
    '  --request FILE     a request body (JSON, as for POST /api/operations/run); repeat for several; - reads one from standard input;',
    '                     a revert may name its operation by position: {"type": "revert", "operation_id": "#1"}',
    '  --json             print a JSON array: per request, the operation or {"status", "detail"}',
    '  --world-out FILE   write the final world snapshot (with lineage) to FILE',
    '  --results WHICH    all, failed or none: the result rows shown (default: all when they fit on the',
    '                     screen, else failed); --summary is --results failed',
    '',
    'Exit code: 0 all accepted and none failed, 1 an operation ended in failure, 2 a request was refused.',
  ];
}

/** `promote simulate` (or, with `dryRun`, `promote plan`). */
export function simulate(command: 'simulate' | 'plan', args: readonly string[], io: CliIo): ResultAsync<ExitCode, CliError> {
  return safeTry(async function* () {
    const values = yield* parseOptions(command, args, options, ['as', 'request']);
    const report = { results: yield* resultsMode(values, command), colour: useColour(io.stdout, io.env), screenRows: io.stdout.rows };
    const dbPath = stringOption(values, 'db');
    const outPath = stringOption(values, 'out');
    if (command === 'simulate' && (dbPath !== undefined || outPath !== undefined)) {
      return err<never, CliError>({ kind: 'usage', command, message: `${dbPath !== undefined ? '--db' : '--out'} is for promote plan (simulate runs on a copy of a world file; promote run writes a database)` });
    }
    if ((stringOption(values, 'world') === undefined) === (dbPath === undefined)) {
      return err<never, CliError>({ kind: 'usage', command, message: command === 'plan' ? 'give --world FILE or --db FILE' : 'missing --world' });
    }
    if (outPath !== undefined && stringOptions(values, 'request').length !== 1) {
      return err<never, CliError>({ kind: 'usage', command, message: '--out writes the plan of one request: give one --request' });
    }
    if (dbPath !== undefined) return planOnDatabase(dbPath, stringOption(values, 'as') ?? '', stringOptions(values, 'request')[0] ?? '', values['json'] === true, outPath, io, report);
    const worldPath = stringOption(values, 'world') ?? '';
    const email = stringOption(values, 'as') ?? '';
    const requestPaths = stringOptions(values, 'request');
    const worldOut = stringOption(values, 'world-out');

    const world = yield* readWorldFile(worldPath);
    const requests: { readonly path: string; readonly body: unknown }[] = [];
    if (requestPaths.filter((path) => path === '-').length > 1) return err<never, CliError>({ kind: 'usage', command, message: 'standard input (--request -) can be read once' });
    for (const path of requestPaths) requests.push({ path, body: yield* readJsonFile(path, 'Request file', io.readStdin) });

    const store = createMemoryStore({ world });
    const user = await store.findUser({ email });
    if (user === undefined) return err<never, CliError>({ kind: 'unknown_user', email, known: world.users.map((known) => known.email) });
    const actor: Actor = { id: user.id };
    const promoter = createPromoter({ store, dataplane: createReferenceDataplane(), clock: steppingClock() });

    const outcomes: RequestOutcome[] = [];
    for (const [index, request] of requests.entries()) {
      const label = `Request ${index + 1} (${request.path})`;
      const body = withOperationByPosition(request.body, outcomes);
      if (body.isErr()) return err<never, CliError>({ kind: 'usage', command, message: `${label}: ${body.error}` });
      const outcome = command === 'plan' ? await planOne(promoter, actor, body.value, label) : await runOne(promoter, actor, body.value, label);
      if (outcome.isErr()) return err<never, CliError>({ kind: 'engine', error: outcome.error });
      outcomes.push(outcome.value);
    }
    await promoter.close();

    if (worldOut !== undefined) {
      const snapshot = yield* exportWorldSnapshot(store).mapErr((error): CliError => ({ kind: 'engine', error }));
      yield* writeJsonFile(worldOut, snapshot);
    }
    if (outPath !== undefined && outcomes[0] !== undefined) yield* writePlanFile(outPath, requests[0]?.body, outcomes[0]);
    if (values['json'] === true) {
      io.stdout.write(`${JSON.stringify(outcomes.map(outcomeJson), null, 2)}\n`);
    } else {
      writeLines(io.stdout, outcomes.flatMap((outcome, index) => [...(index === 0 ? [] : ['']), ...outcomeReport(outcome, report)]));
    }
    return ok(outcomesExitCode(outcomes));
  });
}

/**
 * A revert body may name the operation it reverts by its position in this chain of requests:
 * `"operation_id": "#1"` is the operation of the first `--request`. Other bodies pass as they are.
 */
function withOperationByPosition(body: unknown, outcomes: readonly RequestOutcome[]): Result<unknown, string> {
  if (typeof body !== 'object' || body === null || (body as { type?: unknown }).type !== 'revert') return ok(body);
  const named = (body as { operation_id?: unknown }).operation_id;
  if (typeof named !== 'string' || !/^#\d+$/.test(named)) return ok(body);
  const position = Number(named.slice(1));
  const outcome = outcomes[position - 1];
  if (outcome === undefined) return err(`"operation_id": "${named}" names request ${position}, which does not come before it`);
  if (outcome.kind !== 'done' || outcome.view.id === null) return err(`"operation_id": "${named}" names request ${position}, which started no operation`);
  return ok({ ...body, operation_id: outcome.view.id });
}

/** Runs one request to completion. A refusal is an outcome; only a store failure is an error. */
async function runOne(promoter: Promoter, actor: Actor, body: unknown, label: string) {
  const started = await promoter.run(actor, body);
  if (started.isErr()) return started.error.kind === 'store_failure' ? err(started.error) : ok<RequestOutcome>({ kind: 'refused', label, error: started.error });
  await promoter.waitFor(started.value.id);
  return (await promoter.getOperation(actor, started.value.id)).map((view): RequestOutcome => ({ kind: 'done', view }));
}

async function planOne(promoter: Promoter, actor: Actor, body: unknown, label: string) {
  const planned = await promoter.plan(actor, body);
  if (planned.isErr()) return planned.error.kind === 'store_failure' ? err(planned.error) : ok<RequestOutcome>({ kind: 'refused', label, error: planned.error });
  return ok<RequestOutcome>({ kind: 'done', view: planned.value });
}

/** `promote plan --db FILE`: one request planned on the database as it is (nothing is written). */
function planOnDatabase(dbPath: string, email: string, requestPath: string, json: boolean, outPath: string | undefined, io: CliIo, report: ReportOptions): ResultAsync<ExitCode, CliError> {
  return safeTry(async function* () {
    const body = yield* readJsonFile(requestPath, 'Request file', io.readStdin);
    const store = yield* openDatabase(dbPath, { create: false });
    try {
      const user = await store.findUser({ email });
      if (user === undefined) return err<never, CliError>({ kind: 'unknown_user', email, known: (await store.exportWorld()).users.map((known) => known.email) });
      const promoter = createPromoter({ store, dataplane: createReferenceDataplane() });
      const outcome = yield* ResultAsync.fromSafePromise(planOne(promoter, { id: user.id }, body, `Request (${requestPath})`)).andThen((planned) => planned).mapErr((error): CliError => ({ kind: 'engine', error }));
      await promoter.close();
      if (outPath !== undefined) yield* writePlanFile(outPath, body, outcome);
      if (json) io.stdout.write(`${JSON.stringify([outcomeJson(outcome)], null, 2)}\n`);
      else writeLines(io.stdout, outcomeReport(outcome, report));
      return ok(outcomesExitCode([outcome]));
    } finally {
      await store.close();
    }
  });
}

/** The file of `promote plan --out`: the request, its plan's fingerprint and the plan; nothing for a refused request. */
function writePlanFile(path: string, request: unknown, outcome: RequestOutcome): ResultAsync<void, CliError> {
  if (outcome.kind !== 'done' || !('plan_fingerprint' in outcome.view)) return ResultAsync.fromSafePromise(Promise.resolve());
  return writeJsonFile(path, { request, plan_fingerprint: outcome.view.plan_fingerprint, plan: outcome.view });
}
