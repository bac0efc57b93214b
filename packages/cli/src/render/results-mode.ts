import { err, ok, type Result } from 'neverthrow';
import type { OptionValues } from '../arguments.js';
import type { CliError } from '../cli-error.js';

/** Which result rows a report shows: all, the failed ones, none; `auto`: all when they fit on the screen, else the failed ones. */
export type ResultsMode = 'all' | 'failed' | 'none' | 'auto';

/** `--results all|failed|none` and `--summary` (= `failed`); neither: `auto`. */
export function resultsMode(values: OptionValues, command: string): Result<ResultsMode, CliError> {
  const given = values['results'];
  const summary = values['summary'] === true;
  if (given !== undefined && summary) return err({ kind: 'usage', command, message: 'give --results or --summary, not both' });
  if (summary) return ok('failed');
  if (given === undefined) return ok('auto');
  if (given === 'all' || given === 'failed' || given === 'none') return ok(given);
  return err({ kind: 'usage', command, message: `--results takes all, failed or none, not '${String(given)}'` });
}
