/** @jsxImportSource hono/jsx */
import type { Change, EntitySummary, PromoteResultView } from '@promote/core';
import { valueLabel } from '../format.js';
import { ResultBadge } from './parts.js';

/** `#101 Email format validation · matches_pattern`, or the id alone when the entity no longer exists. */
function EntityCell({ id, entity }: { readonly id: number | null; readonly entity: EntitySummary | null }) {
  if (id === null) return <span class="none">—</span>;
  if (entity === null) {
    return (
      <span>
        #{id} <span class="none">(no longer exists)</span>
      </span>
    );
  }
  const [title, kind] =
    'rule_type' in entity ? [entity.description === '' ? '(no description)' : entity.description, entity.rule_type] : 'transformation' in entity ? [entity.name, entity.transformation] : [entity.name, entity.container_type];
  return (
    <span>
      #{id} {title} <span class="kind">· {kind}</span>
    </span>
  );
}

/** An update's changes, opened on demand: path, from → to. */
function Changes({ changes }: { readonly changes: readonly Change[] }) {
  return (
    <details class="changes">
      <summary>
        {changes.length} {changes.length === 1 ? 'change' : 'changes'}
      </summary>
      <table>
        <thead>
          <tr>
            <th scope="col">Path</th>
            <th scope="col">From</th>
            <th scope="col">To</th>
          </tr>
        </thead>
        <tbody>
          {changes.map((change) => (
            <tr>
              <td>
                <code>{change.path}</code>
              </td>
              <td>
                <del>{valueLabel(change.from)}</del>
              </td>
              <td>
                <ins>{valueLabel(change.to)}</ins>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

/** Per-entity results (of an operation or a plan): badge, source and destination entity, message, changes. */
export function ResultsTable({ results, first, label }: { readonly results: readonly PromoteResultView[]; readonly first: number; readonly label: string }) {
  return (
    <div class="scroll" role="region" aria-label={label} tabindex={0}>
      <table class="results">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Source</th>
            <th scope="col">Result</th>
            <th scope="col">Destination</th>
            <th scope="col">Message</th>
            <th scope="col">Changes</th>
          </tr>
        </thead>
        <tbody>
          {results.map((result, index) => (
            <tr data-result={result.result}>
              <td>{first + index}</td>
              <td>
                <EntityCell id={result.source_entity_id} entity={result.source_entity} />
              </td>
              <td>
                <ResultBadge result={result.result} />
              </td>
              <td>
                <EntityCell id={result.destination_entity_id} entity={result.destination_entity} />
              </td>
              <td>{result.message ?? ''}</td>
              <td>{result.changes !== undefined && result.changes !== null && result.changes.length > 0 ? <Changes changes={result.changes} /> : null}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
