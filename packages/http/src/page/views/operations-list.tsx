/** @jsxImportSource hono/jsx */
import { operationResults, promoteTypes, type Datastore, type OperationSummaryView, type Page } from '@promote/core';
import { durationLabel, entityLabel, kindLabel, progressLabel, resultLabel, timestampLabel } from '../format.js';
import { Layout, Message, type SignedIn } from '../layout.js';
import { Pager, sourceAndDestination, StatusBadge } from './parts.js';

/** The list's filters as the query string gives them (already validated, or absent). */
export interface ListFilters {
  readonly result?: string | undefined;
  readonly promote_type?: string | undefined;
  readonly datastore?: string | undefined;
}

/** Props of {@link OperationsList}. */
export interface OperationsListProps {
  readonly base: string;
  readonly user: SignedIn;
  readonly filters: ListFilters;
  /** `undefined` when the filters were refused (then `error` says why). */
  readonly operations?: Page<OperationSummaryView> | undefined;
  readonly datastores: readonly Datastore[];
  readonly error?: readonly string[] | undefined;
  readonly notice?: string | undefined;
}

/** The query string of the list with these filters and page (empty values left out). */
export function listQuery(filters: ListFilters, page?: number): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value !== undefined && value !== '') params.set(key, value);
  if (page !== undefined && page > 1) params.set('page', String(page));
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

/** The API query the page polls while rows run: the same filters and page. */
function liveQuery(filters: ListFilters, operations: Page<OperationSummaryView>): string {
  const params = new URLSearchParams(listQuery(filters).slice(1));
  params.set('page', String(operations.page));
  params.set('size', String(operations.size));
  return params.toString();
}

/** The operations list, newest first, with filters, pages and rows that move while they run. */
export function OperationsList({ base, user, filters, operations, datastores, error, notice }: OperationsListProps) {
  return (
    <Layout title="Operations" base={base} user={user} current="operations">
      <h1>Operations</h1>
      {notice === undefined ? null : <Message kind="notice">{notice}</Message>}
      <form class="filters" method="get" action={`${base}/`} aria-label="Filter operations">
        <label>
          Result
          <select name="result">
            <option value="">Any</option>
            {operationResults.map((result) => (
              <option value={result} selected={filters.result === result}>
                {resultLabel(result)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Promote type
          <select name="promote_type">
            <option value="">Any</option>
            {promoteTypes.map((type) => (
              <option value={type} selected={filters.promote_type === type}>
                {entityLabel(type)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Datastore
          <select name="datastore">
            <option value="">Any</option>
            {datastores.map((datastore) => (
              <option value={String(datastore.id)} selected={filters.datastore === String(datastore.id)}>
                {datastore.name}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Filter</button>
        <a class="button secondary" href={`${base}/`}>
          Clear
        </a>
      </form>
      {error === undefined ? null : (
        <Message kind="error">
          <p>This list cannot be shown as asked:</p>
          <ul>
            {error.map((line) => (
              <li>{line}</li>
            ))}
          </ul>
        </Message>
      )}
      {operations === undefined ? null : operations.items.length === 0 ? (
        <p class="empty">No operations{listQuery(filters) === '' ? ' yet' : ' match these filters'}.</p>
      ) : (
        <div class="scroll" role="region" aria-label="Operations" tabindex={0}>
          <table class="operations" data-live-list={`${base}/api/operations?${liveQuery(filters, operations)}`}>
            <thead>
              <tr>
                <th scope="col">Operation</th>
                <th scope="col">Kind</th>
                <th scope="col">Source → destination</th>
                <th scope="col">Status</th>
                <th scope="col">Started</th>
                <th scope="col">Duration</th>
                <th scope="col">Processed</th>
                <th scope="col">Triggered by</th>
                <th scope="col">Aborted by</th>
              </tr>
            </thead>
            <tbody>
              {operations.items.map((operation) => {
                const { created, updated, skipped, failed, total } = operation.status;
                return (
                  <tr data-operation={String(operation.id)} data-result={operation.result} data-start={operation.start_time}>
                    <th scope="row">
                      <a href={`${base}/operations/${operation.id}`}>#{operation.id}</a>
                    </th>
                    <td data-field="kind">{kindLabel(operation)}</td>
                    <td>{sourceAndDestination(operation)}</td>
                    <td>
                      <StatusBadge result={operation.result} />
                    </td>
                    <td>
                      <time datetime={operation.start_time}>{timestampLabel(operation.start_time)}</time>
                    </td>
                    <td data-field="duration">{durationLabel(operation.start_time, operation.end_time)}</td>
                    <td data-field="progress" data-type={operation.promote_type}>
                      {progressLabel(operation.promote_type, created + updated + skipped + failed, total)}
                    </td>
                    <td>{operation.triggered_by}</td>
                    <td data-field="aborted-by">{operation.aborted_by ?? '—'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {operations === undefined || operations.total === 0 ? null : (
        <Pager page={operations.page} size={operations.size} total={operations.total} noun="operations" href={(page) => `${base}/${listQuery(filters, page)}`} />
      )}
    </Layout>
  );
}
