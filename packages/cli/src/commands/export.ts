import { exportWorldSnapshot } from '@promote/core';
import { ok, ResultAsync, safeTry } from 'neverthrow';
import { parseOptions, stringOption, type OptionSpec } from '../arguments.js';
import { exitCodes, type CliError, type ExitCode } from '../cli-error.js';
import type { CliIo } from '../cli-io.js';
import { openDatabase } from '../open-database.js';

const options: OptionSpec = { db: { type: 'string' }, 'with-tokens': { type: 'boolean' } };

/** Usage of `promote export`. */
export const exportUsage = [
  'Usage: promote export --db FILE [--with-tokens]',
  '',
  'Prints the world snapshot of a database as JSON, with its lineage: the format --world takes.',
  '',
  '  --db FILE       the database (must exist)',
  "  --with-tokens   include the users' bearer tokens (secrets; left out by default)",
];

/** `promote export`: the world snapshot of a database on stdout. */
export function exportWorld(args: readonly string[], io: CliIo): ResultAsync<ExitCode, CliError> {
  return safeTry(async function* () {
    const values = yield* parseOptions('export', args, options, ['db']);
    const store = yield* openDatabase(stringOption(values, 'db') ?? '', { create: false });
    const snapshot = await exportWorldSnapshot(store);
    await store.close();
    const document = yield* snapshot.mapErr((error): CliError => ({ kind: 'engine', error }));
    // Bearer tokens are secrets: a snapshot is shared, committed, attached to tickets.
    const shown = values['with-tokens'] === true ? document : { ...document, users: document.users?.map(({ token: _token, ...user }) => user) };
    io.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
    return ok(exitCodes.success);
  });
}
