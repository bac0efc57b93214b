import { storeFailure } from '@promote/core';
import { err, ok, ResultAsync, safeTry } from 'neverthrow';
import { parseOptions, stringOption, type OptionSpec } from '../arguments.js';
import { exitCodes, type CliError, type ExitCode } from '../cli-error.js';
import { writeLines, type CliIo } from '../cli-io.js';
import { readWorldFile } from '../input-files.js';
import { openDatabase, removeCreatedDatabase, shownDatabase, wouldCreate } from '../open-database.js';

const options: OptionSpec = { world: { type: 'string' }, db: { type: 'string' } };

/** Usage of `promote init`. */
export const initUsage = [
  'Usage: promote init --world FILE --db FILE|URL',
  '',
  'Creates a SQLite database (or fills an empty PostgreSQL one) from a world snapshot, without serving',
  'it: for promote run, list, status and the other commands, or a later promote serve --db FILE|URL.',
  '',
  '  --world FILE   the world snapshot (JSON; promote export writes one)',
  '  --db FILE|URL  the SQLite file to create, or postgres://USER:PASSWORD@HOST:PORT/DATABASE; one that already holds a world is refused',
];

/** `promote init`: a database from a world file. */
export function init(args: readonly string[], io: CliIo): ResultAsync<ExitCode, CliError> {
  return safeTry(async function* () {
    const values = yield* parseOptions('init', args, options, ['world', 'db']);
    const worldPath = stringOption(values, 'world') ?? '';
    const dbPath = stringOption(values, 'db') ?? '';
    const world = yield* readWorldFile(worldPath);
    const created = wouldCreate(dbPath);
    const shown = shownDatabase(dbPath);
    const store = yield* openDatabase(dbPath, { create: true });
    const engine = (cause: unknown): CliError => ({ kind: 'engine', error: storeFailure(cause) });
    const loaded = await ResultAsync.fromPromise(store.isEmpty(), engine).andThen((empty) =>
      empty ? ResultAsync.fromPromise(store.importWorld(world), engine).map(() => true) : ResultAsync.fromPromise(Promise.resolve(false), engine),
    );
    await store.close();
    if (loaded.isErr() || !loaded.value) {
      // A start that created the file and could not load it leaves nothing behind.
      if (created) removeCreatedDatabase(dbPath);
      if (loaded.isErr()) return err(loaded.error);
      return err<never, CliError>({ kind: 'usage', command: 'init', message: `the database ${shown} already holds a world: delete it to start over, or use it as it is` });
    }
    const withTokens = world.users.filter((user) => user.token !== undefined).length;
    writeLines(io.stdout, [
      `Created ${shown} from ${worldPath}: ${world.datastores.length} datastores, ${world.containers.length} containers, ${world.quality_checks.length} quality checks, ${world.computed_fields.length} computed fields, ${world.users.length} users`,
      ...(withTokens === 0 ? [] : [`${withTokens} users have bearer tokens: those of ${worldPath}`]),
    ]);
    return ok(exitCodes.success);
  });
}
