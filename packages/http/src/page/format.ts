import type { OperationResult, OperationSummaryView, PromoteResultValue, PromoteType } from '@promote/core';

const entityLabels: Readonly<Record<PromoteType, readonly [string, string]>> = {
  quality_check: ['Quality Check', 'Quality Checks'],
  computed_field: ['Computed Field', 'Computed Fields'],
  computed_table: ['Computed Table', 'Computed Tables'],
  computed_file: ['Computed File', 'Computed Files'],
};

/** What a promote type promotes, as a person reads it: `Computed Tables` (`Computed Table` for one). */
export function entityLabel(promoteType: PromoteType, count = 2): string {
  const [one, many] = entityLabels[promoteType];
  return count === 1 ? one : many;
}

/** An operation's kind with its promote type: `Promote · Quality Checks`, `Revert of #12 · Quality Checks` (§17). */
export function kindLabel(operation: Pick<OperationSummaryView, 'type' | 'promote_type'> & { readonly reverted_operation_id?: number | undefined }): string {
  const kind = operation.type === 'revert' ? `Revert of #${operation.reverted_operation_id ?? '?'}` : 'Promote';
  return `${kind} · ${entityLabel(operation.promote_type)}`;
}

/** The counter of the operations list: `2 / 5 Computed Tables`. */
export function progressLabel(promoteType: PromoteType, processed: number, total: number): string {
  return `${processed} / ${total} ${entityLabel(promoteType, total)}`;
}

const resultLabels: Readonly<Record<OperationResult, string>> = { running: 'Running', success: 'Success', failure: 'Failure', aborted: 'Aborted' };

/** The badge text of an operation's result. */
export function resultLabel(result: OperationResult): string {
  return resultLabels[result];
}

const entityResultLabels: Readonly<Record<PromoteResultValue, string>> = { created: 'Created', updated: 'Updated', skipped: 'Skipped', failed: 'Failed' };

/** The badge text of one entity's result. */
export function entityResultLabel(result: PromoteResultValue): string {
  return entityResultLabels[result];
}

/** `2026-03-10 14:30:05 UTC` from an ISO timestamp. */
export function timestampLabel(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** How long from `start` to `end` (or to `now` while running): `850 ms`, `12.4 s`, `3 min 5 s`, `2 h 4 min`. */
export function durationLabel(start: string, end: string | null, now: Date = new Date()): string {
  const ms = Math.max(0, (end === null ? now.getTime() : Date.parse(end)) - Date.parse(start));
  if (!Number.isFinite(ms)) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes} min ${Math.floor((ms % 60_000) / 1000)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** A value of a change (`from`, `to`) as text: strings as they are, anything else as JSON. */
export function valueLabel(value: unknown): string {
  if (value === undefined) return '—';
  return typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
}
