import type { EntitySummary, OperationView, PlanView, PromoteResultView } from '@promote/core';

/**
 * The readable report of a finished operation or a plan: a header line, one row per entity
 * (source, result, destination, message), and the counts.
 */
export function operationReport(operation: OperationView | PlanView): string[] {
  const source = operation.container === null ? operation.datastore.name : `${operation.datastore.name} · ${operation.container.name} (${operation.container.id})`;
  const destination =
    operation.destination_container === null
      ? operation.destination_datastore.name
      : `${operation.destination_datastore.name} · ${operation.destination_container.name} (${operation.destination_container.id})`;
  const title = operation.id === null ? 'Plan (dry run, nothing written)' : `Operation ${operation.id}`;
  const header = `${title}: promote ${operation.promote_type}, ${source} → ${destination}: ${operation.result}`;
  const rows = operation.results.map((result) => [String(result.source_entity_id), entityLabel(result.source_entity), result.result, destinationLabel(result), result.message ?? '']);
  const { total, created, updated, skipped, failed } = operation.status;
  const counts = `${total} total: ${created} created, ${updated} updated, ${skipped} skipped, ${failed} failed`;
  return [
    header,
    ...(rows.length === 0 ? [] : table(['id', 'source', 'result', 'destination', 'message'], rows).map((line) => `  ${line}`)),
    `  ${counts}${operation.message === null ? '' : ` — ${operation.message}`}`,
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
