/** @jsxImportSource hono/jsx */
import { promoteTypes, type Container, type Datastore, type PlanView } from '@promote/core';
import { entityLabel, kindLabel } from '../format.js';
import { Layout, Message, type SignedIn } from '../layout.js';
import type { PromotionForm } from '../request-form.js';
import { CountsBar, sourceAndDestination } from './parts.js';
import { ResultsTable } from './results-table.js';

/** How many of a plan's results the preview lists (the counts always cover every one). */
export const previewRows = 500;

/** Props of {@link NewPromotion}. */
export interface NewPromotionProps {
  readonly base: string;
  readonly user: SignedIn;
  readonly form: PromotionForm;
  /** The datastores the user may promote from and to (editor). */
  readonly datastores: readonly Datastore[];
  /** Live containers of the chosen source datastore. */
  readonly sourceContainers: readonly Container[];
  /** Live containers of the chosen destination datastore. */
  readonly destinationContainers: readonly Container[];
  readonly problems?: readonly string[] | undefined;
  /** The preview: the plan of the form's request. */
  readonly preview?: { readonly plan: PlanView; readonly body: unknown } | undefined;
}

const idsHint: Record<PromotionForm['type'], string> = {
  quality_check: 'Quality check IDs',
  computed_field: 'Computed field IDs',
  computed_table: 'Computed table IDs',
  computed_file: '',
};

function DatastoreSelect({ name, label, datastores, value }: { readonly name: string; readonly label: string; readonly datastores: readonly Datastore[]; readonly value: string }) {
  return (
    <label>
      {label}
      <select name={name} required>
        <option value="">Choose…</option>
        {datastores.map((datastore) => (
          <option value={String(datastore.id)} selected={value === String(datastore.id)}>
            {datastore.name} ({datastore.store_type.toUpperCase()}, #{datastore.id})
          </option>
        ))}
      </select>
    </label>
  );
}

function ContainerSelect({ name, label, containers, value }: { readonly name: string; readonly label: string; readonly containers: readonly Container[]; readonly value: string }) {
  return (
    <label>
      {label}
      <select name={name} required>
        <option value="">{containers.length === 0 ? 'Choose a datastore first' : 'Choose…'}</option>
        {containers.map((container) => (
          <option value={String(container.id)} selected={value === String(container.id)}>
            {container.name} ({container.container_type}, #{container.id})
          </option>
        ))}
      </select>
    </label>
  );
}

/** The New promotion form for the four promote types, with its preview (the dry run) and the Promote button. */
export function NewPromotion({ base, user, form, datastores, sourceContainers, destinationContainers, problems, preview }: NewPromotionProps) {
  const byContainer = form.type === 'quality_check' || form.type === 'computed_field';
  const sourceFiles = sourceContainers.filter((container) => container.container_type === 'computed_file');
  const patterns = destinationContainers.filter((container) => container.container_type === 'file_pattern' && container.profiled);
  return (
    <Layout title="New promotion" base={base} user={user} current="new">
      <h1>New promotion</h1>
      <nav class="tabs" aria-label="Promote type">
        {promoteTypes.map((type) => (
          <a href={`${base}/new?type=${type}`} aria-current={form.type === type ? 'page' : undefined}>
            {entityLabel(type)}
          </a>
        ))}
      </nav>
      {datastores.length === 0 ? <Message kind="notice">You are editor on no datastore: there is nothing you may promote.</Message> : null}
      {problems === undefined ? null : (
        <Message kind="error">
          <p>The promotion cannot be previewed as it is:</p>
          <ul>
            {problems.map((problem) => (
              <li>{problem}</li>
            ))}
          </ul>
        </Message>
      )}
      <form class="promotion" method="post" action={`${base}/new/preview#preview`} aria-label={`Promote ${entityLabel(form.type)}`}>
        <input type="hidden" name="type" value={form.type} />
        <input type="hidden" name="submitted" value="1" />
        <fieldset>
          <legend>From and to</legend>
          <DatastoreSelect name="datastore_id" label="Source datastore" datastores={datastores} value={form.datastore_id} />
          <DatastoreSelect name="destination_datastore_id" label="Destination datastore" datastores={datastores} value={form.destination_datastore_id} />
          <button type="submit" class="secondary" formaction={`${base}/new`} formmethod="get" formnovalidate>
            Show containers
          </button>
          {byContainer ? (
            <>
              <ContainerSelect name="container_id" label="Source container" containers={sourceContainers} value={form.container_id} />
              <ContainerSelect name="destination_container_id" label="Destination container" containers={destinationContainers} value={form.destination_container_id} />
            </>
          ) : null}
        </fieldset>
        {form.type === 'computed_file' ? (
          <fieldset>
            <legend>File mappings</legend>
            {sourceFiles.length === 0 ? <p class="hint">Choose a source DFS datastore with computed files, then Show containers.</p> : null}
            {sourceFiles.map((file) => (
              <label>
                {file.name} (#{file.id}) →
                <select name={`map_${file.id}`}>
                  <option value="">Not promoted</option>
                  {patterns.map((pattern) => (
                    <option value={String(pattern.id)} selected={form.mappings[String(file.id)] === String(pattern.id)}>
                      {pattern.name} (#{pattern.id})
                    </option>
                  ))}
                </select>
              </label>
            ))}
          </fieldset>
        ) : (
          <fieldset>
            <legend>Selection (neither: all)</legend>
            <label>
              {idsHint[form.type]}, comma-separated
              <input type="text" name="ids" value={form.ids} inputmode="numeric" autocomplete="off" />
            </label>
            <label>
              Or tags, comma-separated
              <input type="text" name="tags" value={form.tags} autocomplete="off" />
            </label>
          </fieldset>
        )}
        <fieldset>
          <legend>At the destination</legend>
          <label>
            Additional tags, comma-separated
            <input type="text" name="additional_tags" value={form.additional_tags} autocomplete="off" />
          </label>
          {form.type === 'quality_check' ? (
            <label class="check">
              <input type="checkbox" name="as_draft" value="true" checked={form.as_draft} />
              Create as draft (unchecked: validated and created active)
            </label>
          ) : null}
        </fieldset>
        <div class="buttons">
          <button type="submit">Preview</button>
        </div>
      </form>
      {preview === undefined ? null : <PlanPreview base={base} plan={preview.plan} body={preview.body} action="Promote" />}
    </Layout>
  );
}

/** A plan with its counts and per-entity results, and the button that runs exactly it (with its fingerprint). */
export function PlanPreview({ base, plan, body, action }: { readonly base: string; readonly plan: PlanView; readonly body: unknown; readonly action: string }) {
  const shown = plan.results.slice(0, previewRows);
  return (
    <section class="preview" aria-labelledby="preview">
      <h2 id="preview" tabindex={-1}>
        Preview: {plan.type === 'revert' ? kindLabel(plan) : entityLabel(plan.promote_type)}, {sourceAndDestination(plan)}
      </h2>
      {plan.message === null ? null : <p>{plan.message}</p>}
      <CountsBar status={plan.status} />
      <form method="post" action={`${base}/new/promote`} class="buttons">
        <input type="hidden" name="request" value={JSON.stringify(body)} />
        <input type="hidden" name="expected_plan_fingerprint" value={plan.plan_fingerprint} />
        <button type="submit">{action}</button>
      </form>
      {shown.length === 0 ? <p class="empty">Nothing is selected.</p> : <ResultsTable results={shown} first={1} label="Planned results" />}
      {plan.results.length > shown.length ? (
        <p class="hint">
          The first {shown.length} of {plan.results.length} results are shown; the counts cover every one.
        </p>
      ) : null}
    </section>
  );
}
