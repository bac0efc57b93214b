/** @jsxImportSource hono/jsx */
import type { OperationResult, OperationStatus, OperationSummaryView, PromoteResultValue } from '@promote/core';
import { entityResultLabel, resultLabel } from '../format.js';

/** An operation's result as a badge: text and colour, never colour alone. */
export function StatusBadge({ result }: { readonly result: OperationResult }) {
  return (
    <span class={`badge ${result}`} data-field="status">
      {resultLabel(result)}
    </span>
  );
}

/** One entity's result as a badge. */
export function ResultBadge({ result }: { readonly result: PromoteResultValue }) {
  return <span class={`badge ${result}`}>{entityResultLabel(result)}</span>;
}

/** `Staging Warehouse › orders → Production Warehouse › orders`. */
export function sourceAndDestination(operation: Pick<OperationSummaryView, 'datastore' | 'destination_datastore' | 'container' | 'destination_container'>): string {
  const side = (datastore: { name: string }, container: { name: string } | null) => (container === null ? datastore.name : `${datastore.name} › ${container.name}`);
  return `${side(operation.datastore, operation.container)} → ${side(operation.destination_datastore, operation.destination_container)}`;
}

const segments: readonly Exclude<keyof OperationStatus, 'total'>[] = ['created', 'updated', 'skipped', 'failed'];

/**
 * The counts as one stacked bar (SVG: widths are attributes, which the page's content security
 * policy allows where inline styles are not), with a legend that carries the numbers as text.
 */
export function CountsBar({ status }: { readonly status: OperationStatus }) {
  const total = Math.max(status.total, 1);
  let offset = 0;
  const rects = segments.map((segment) => {
    const width = (status[segment] / total) * 100;
    const rect = <rect class={segment} data-segment={segment} x={`${offset}%`} width={`${width}%`} y="0" height="100%"></rect>;
    offset += width;
    return rect;
  });
  const processed = status.created + status.updated + status.skipped + status.failed;
  return (
    <figure class="counts">
      <svg class="bar" role="img" aria-label={`${processed} of ${status.total} processed`} width="100%" height="16" preserveAspectRatio="none">
        <rect class="rest" x="0" width="100%" y="0" height="100%"></rect>
        {rects}
      </svg>
      <figcaption>
        <ul class="legend">
          {segments.map((segment) => (
            <li>
              <span class={`swatch ${segment}`} aria-hidden="true"></span>
              {entityResultLabel(segment)} <strong data-count={segment}>{status[segment]}</strong>
            </li>
          ))}
          <li>
            Total <strong data-count="total">{status.total}</strong>
          </li>
        </ul>
      </figcaption>
    </figure>
  );
}

/** Props of {@link Pager}. */
export interface PagerProps {
  readonly page: number;
  readonly size: number;
  readonly total: number;
  /** The link to a page number, keeping the filters. */
  readonly href: (page: number) => string;
  /** What is counted: `operations`, `results`. */
  readonly noun: string;
}

/** Previous / next page links with `Page 2 of 5 · 230 results`. */
export function Pager({ page, size, total, href, noun }: PagerProps) {
  const pages = Math.max(1, Math.ceil(total / size));
  return (
    <nav class="pager" aria-label={`Pages of ${noun}`}>
      {page > 1 ? (
        <a href={href(page - 1)} rel="prev">
          ← Previous
        </a>
      ) : (
        <span class="disabled">← Previous</span>
      )}
      <span>
        Page {page} of {pages} · {total} {noun}
      </span>
      {page < pages ? (
        <a href={href(page + 1)} rel="next">
          Next →
        </a>
      ) : (
        <span class="disabled">Next →</span>
      )}
    </nav>
  );
}
