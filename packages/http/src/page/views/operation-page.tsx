/** @jsxImportSource hono/jsx */
import { promoteResults, type OperationDetails, type Page, type PromoteResultView } from '@promote/core';
import { durationLabel, entityLabel, entityResultLabel, kindLabel, timestampLabel } from '../format.js';
import { Layout, Message, type SignedIn } from '../layout.js';
import { CountsBar, Pager, sourceAndDestination, StatusBadge } from './parts.js';
import { ResultsTable } from './results-table.js';

/** The result filters as the query string gave them. */
export interface ResultFilters {
  readonly search: string;
  readonly promote_result: readonly string[];
}

/** Props of {@link OperationPage}. */
export interface OperationPageProps {
  readonly base: string;
  readonly user: SignedIn;
  readonly details: OperationDetails;
  readonly filters: ResultFilters;
  /** `undefined` when the filters were refused (then `error` says why). */
  readonly results?: Page<PromoteResultView> | undefined;
  readonly error?: readonly string[] | undefined;
  readonly notice?: string | undefined;
}

function resultsQuery(filters: ResultFilters, page: number): string {
  const params = new URLSearchParams();
  if (filters.search !== '') params.set('search', filters.search);
  for (const value of filters.promote_result) params.append('promote_result', value);
  if (page > 1) params.set('page', String(page));
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

/** One operation: overview, actions, request, and its results with search, filters and pages. */
export function OperationPage({ base, user, details, filters, results, error, notice }: OperationPageProps) {
  const { operation, request, actions } = details;
  const path = `${base}/operations/${operation.id}`;
  const running = operation.result === 'running';
  const offered = actions.abort || actions.resume || actions.rerun || actions.revert || actions.delete;
  return (
    <Layout title={`Operation #${operation.id}`} base={base} user={user}>
      <h1>
        Operation #{operation.id} <StatusBadge result={operation.result} />
      </h1>
      {notice === undefined ? null : <Message kind="notice">{notice}</Message>}
      <section class="overview" aria-labelledby="overview" data-live-operation={running ? `${base}/api/operations/${operation.id}/events` : undefined}>
        <h2 id="overview">Overview</h2>
        <dl>
          <dt>Kind</dt>
          <dd data-field="kind">
            {operation.type === 'revert' ? (
              <>
                Revert of <a href={`${base}/operations/${operation.reverted_operation_id}`}>#{operation.reverted_operation_id}</a> · {entityLabel(operation.promote_type)}
              </>
            ) : (
              kindLabel(operation)
            )}
          </dd>
          <dt>Source → destination</dt>
          <dd>{sourceAndDestination(operation)}</dd>
          <dt>Status</dt>
          <dd>
            <StatusBadge result={operation.result} />
          </dd>
          <dt>Message</dt>
          <dd data-field="message">{operation.message ?? '—'}</dd>
          <dt>Started</dt>
          <dd>
            <time datetime={operation.start_time}>{timestampLabel(operation.start_time)}</time>
          </dd>
          <dt>Ended</dt>
          <dd data-field="end">{operation.end_time === null ? '—' : <time datetime={operation.end_time}>{timestampLabel(operation.end_time)}</time>}</dd>
          <dt>Duration</dt>
          <dd data-field="duration" data-start={operation.start_time}>
            {durationLabel(operation.start_time, operation.end_time)}
          </dd>
          <dt>Triggered by</dt>
          <dd>{operation.triggered_by}</dd>
          <dt>Aborted by</dt>
          <dd data-field="aborted-by">{operation.aborted_by ?? '—'}</dd>
          {operation.as_draft === undefined ? null : (
            <>
              <dt>As draft</dt>
              <dd>{operation.as_draft ? 'Yes' : 'No'}</dd>
            </>
          )}
        </dl>
        <CountsBar status={operation.status} />
      </section>

      {offered ? (
        <section class="actions" aria-labelledby="actions">
          <h2 id="actions">Actions</h2>
          <div class="buttons">
            {actions.abort ? (
              <form method="post" action={`${path}/abort`}>
                <button type="submit">Abort</button>
              </form>
            ) : null}
            {actions.resume ? (
              <form method="post" action={`${path}/resume`}>
                <button type="submit">Resume</button>
              </form>
            ) : null}
            {actions.rerun ? (
              <form method="post" action={`${path}/rerun`}>
                <button type="submit">Rerun</button>
              </form>
            ) : null}
            {actions.revert ? (
              <a class="button secondary" href={`${path}/revert`}>
                Revert…
              </a>
            ) : null}
            {actions.delete ? (
              <a class="button danger" href={`${path}/delete`}>
                Delete…
              </a>
            ) : null}
          </div>
        </section>
      ) : null}

      <section aria-labelledby="request">
        <h2 id="request">Request</h2>
        <pre class="request" tabindex={0} aria-label="Request body">
          {JSON.stringify(request, null, 2)}
        </pre>
      </section>

      <section aria-labelledby="results">
        <h2 id="results">Results</h2>
        <form class="filters" method="get" action={path} aria-label="Filter results">
          <label>
            Search
            <input type="search" name="search" value={filters.search} placeholder={operation.promote_type === 'quality_check' ? 'Description or rule type' : 'Name'} />
          </label>
          <fieldset>
            <legend>Result</legend>
            {promoteResults.map((value) => (
              <label class="check">
                <input type="checkbox" name="promote_result" value={value} checked={filters.promote_result.includes(value)} />
                {entityResultLabel(value)}
              </label>
            ))}
          </fieldset>
          <button type="submit">Filter</button>
          <a class="button secondary" href={path}>
            Clear
          </a>
        </form>
        {error === undefined ? null : (
          <Message kind="error">
            <ul>
              {error.map((line) => (
                <li>{line}</li>
              ))}
            </ul>
          </Message>
        )}
        {results === undefined ? null : results.items.length === 0 ? (
          <p class="empty">{running && resultsQuery(filters, 1) === '' ? 'No results yet.' : 'No results match.'}</p>
        ) : (
          <ResultsTable results={results.items} first={(results.page - 1) * results.size + 1} label="Results" />
        )}
        {results === undefined || results.total === 0 ? null : (
          <Pager page={results.page} size={results.size} total={results.total} noun="results" href={(page) => `${path}${resultsQuery(filters, page)}#results`} />
        )}
      </section>
    </Layout>
  );
}

/** Asks before deleting: what goes (the record and its results) and what stays (what it wrote). */
export function DeleteConfirmation({ base, user, details }: { readonly base: string; readonly user: SignedIn; readonly details: OperationDetails }) {
  const { operation } = details;
  const path = `${base}/operations/${operation.id}`;
  return (
    <Layout title={`Delete operation #${operation.id}`} base={base} user={user}>
      <h1>Delete operation #{operation.id}?</h1>
      <p>
        This removes the record of operation #{operation.id} ({entityLabel(operation.promote_type)}, {sourceAndDestination(operation)}) and its{' '}
        {operation.status.total} results. What it wrote at the destination stays, and so does the lineage that later promotions match by.
      </p>
      <form method="post" action={`${path}/delete`} class="buttons">
        <button type="submit" class="danger">
          Delete operation #{operation.id}
        </button>
        <a class="button secondary" href={path}>
          Cancel
        </a>
      </form>
    </Layout>
  );
}
