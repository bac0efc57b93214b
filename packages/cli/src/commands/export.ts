import { exportWorldSnapshot } from '@promote/core';
import { ok, ResultAsync, safeTry } from 'neverthrow';
import { parseOptions, stringOption, type OptionSpec } from '../arguments.js';
import { exitCodes, type CliError, type ExitCode } from '../cli-error.js';
import type { CliIo } from '../cli-io.js';
import { openDatabase } from '../open-database.js';

const options: OptionSpec = { db: { type: 'string' } };

/** Usage of `promote export`. */
export const exportUsage = ['Usage: promote export --db FILE', '', 'Prints the world snapshot of a database as JSON, with its lineage: the format --world takes.'];

/** `promote export`: the world snapshot of a database on stdout. */
export function exportWorld(args: readonly string[], io: CliIo): ResultAsync<ExitCode, CliError> {
  return safeTry(async function* () {
    const values = yield* parseOptions('export', args, options, ['db']);
    const store = yield* openDatabase(stringOption(values, 'db') ?? '', { create: false });
    const snapshot = await exportWorldSnapshot(store);
    await store.close();
    const document = yield* snapshot.mapErr((error): CliError => ({ kind: 'engine', error }));
    io.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
    return ok(exitCodes.success);
  });
}
