import pc from 'picocolors';
import type { EntitySummary, OperationView, PlanView, PromoteResultView } from '@promote/core';
import type { ResultsMode } from './results-mode.js';

/** How a report is shown. */
export interface ReportOptions {
  /** Which result rows (default `all`); `auto`: all when they fit in `screenRows`, else the failed ones. */
  readonly results?: ResultsMode | undefined;
  /** ANSI colours for the result and the counts (see `useColour`). */
  readonly colour?: boolean | undefined;
  /** The terminal's height, for `auto` (default 40). */
  readonly screenRows?: number | undefined;
}

const resultColours = { success: 'green', failure: 'red', aborted: 'yellow', running: 'cyan' } as const;
/** Colours on, whatever picocolors would decide from the environment: the caller decided (`useColour`). */
const colours = pc.createColors(true);

/**
 * The readable report of a finished operation or a plan: a header line, one row per entity
 * (source, result, destination, message), and the counts.
 */
export function operationReport(operation: OperationView | PlanView, options: ReportOptions = {}): string[] {
  const source = operation.container === null ? operation.datastore.name : `${operation.datastore.name} · ${operation.container.name} (${operation.container.id})`;
  const destination =
    operation.destination_container === null
      ? operation.destination_datastore.name
      : `${operation.destination_datastore.name} · ${operation.destination_container.name} (${operation.destination_container.id})`;
  const title = operation.id === null ? 'Plan (dry run, nothing written)' : `Operation ${operation.id}`;
  const result = options.colour === true ? colours[resultColours[operation.result]](operation.result) : operation.result;
  const kind = operation.type === 'revert' ? `revert of operation ${String(operation.reverted_operation_id)} (${operation.promote_type})` : `promote ${operation.promote_type}`;
  const header = `${title}: ${kind}, ${source} → ${destination}: ${result}`;
  const mode = options.results === 'auto' ? (operation.results.length + 3 <= (options.screenRows ?? 40) ? 'all' : 'failed') : (options.results ?? 'all');
  const shown = mode === 'all' ? operation.results : mode === 'failed' ? operation.results.filter((entry) => entry.result === 'failed') : [];
  const rows = shown.map((entry) => [String(entry.source_entity_id), entityLabel(entry.source_entity), entry.result, destinationLabel(entry), entry.message ?? '']);
  const hidden = operation.results.length - shown.length;
  const { total, created, updated, skipped, failed } = operation.status;
  const counts = `${total} total: ${created} created, ${updated} updated, ${skipped} skipped, ${failed} failed`;
  return [
    header,
    ...(rows.length === 0 ? [] : table(['id', 'source', 'result', 'destination', 'message'], rows).map((line) => `  ${line}`)),
    ...(hidden === 0 ? [] : [`  (${hidden} ${mode === 'failed' ? 'results that did not fail' : 'results'} not shown: --results all shows every one)`]),
    `  ${options.colour === true ? colours.bold(counts) : counts}${operation.message === null ? '' : ` — ${operation.message}`}`,
    ...('plan_fingerprint' in operation ? [`  plan fingerprint ${operation.plan_fingerprint} (run exactly this plan: promote plan --out FILE, then promote run --plan FILE)`] : []),
  ];
}

/** The readable line of a refused request. */
export function refusalReport(label: string, status: number, description: string): string[] {
  return [`${label} refused (${status}): ${description}`];
}

function entityLabel(entity: EntitySummary | null): string {
  if (entity === null) return '(deleted)';
  if ('rule_type' in entity) return entity.description === '' ? entity.rule_type : `${entity.rule_type} "${entity.description}"`;
  return entity.name;
}

function destinationLabel(result: PromoteResultView): string {
  if (result.destination_entity_id === null) return '—';
  if (result.destination_entity === null) return String(result.destination_entity_id);
  const entity = result.destination_entity;
  const status = 'status' in entity ? ` (${entity.status})` : '';
  return `${result.destination_entity_id}${status}`;
}

/** Left-aligned columns; the last one is not padded. */
function table(headings: readonly string[], rows: readonly (readonly string[])[]): string[] {
  // A loop, not Math.max(...widths): spreading 125,000 arguments overflows the call stack.
  const widths = headings.map((heading) => heading.length);
  for (const row of rows) {
    for (let column = 0; column < widths.length; column++) {
      const width = truncate(row[column] ?? '').length;
      if (width > (widths[column] as number)) widths[column] = width;
    }
  }
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : truncate(cell).padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headings), ...rows.map(line)];
}

function truncate(text: string, max = 48): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
