import { err, ok, type Result } from 'neverthrow';
import type { ComputedField, ComputedFileContainer, ComputedTableContainer, Container } from '../domain/entities.js';
import type { ContainerMapping } from '../domain/requests.js';
import { unprocessable, type UnprocessableError } from '../errors.js';
import { idListText } from './compare.js';
import { closeOverParents, computedFieldParents, topologicalOrder } from './computed-field-dependencies.js';

const hasAnyTag = (tags: readonly string[], wanted: ReadonlySet<string>) => tags.some((tag) => wanted.has(tag));

/**
 * The computed fields a request selects (§3), closed over transitive parents and in topological
 * order (§6). Ids that are not computed fields of the source container, or a dependency cycle, are 422s.
 */
export function selectComputedFields(
  sourceFields: readonly ComputedField[],
  selection: { readonly computed_field_ids?: readonly number[] | undefined; readonly computed_field_tags?: readonly string[] | undefined },
  sourceContainerId: number,
): Result<ComputedField[], UnprocessableError> {
  const byId = new Map(sourceFields.map((field) => [field.id, field]));
  let selected: number[];
  if (selection.computed_field_ids !== undefined) {
    const unknown = selection.computed_field_ids.filter((id) => !byId.has(id));
    if (unknown.length > 0) return err(unprocessable(`Computed field(s) ${idListText(unknown)} are not computed fields of container ${sourceContainerId}`));
    selected = [...selection.computed_field_ids];
  } else {
    const tags = selection.computed_field_tags === undefined ? undefined : new Set(selection.computed_field_tags);
    selected = sourceFields.filter((field) => field.status !== 'deleted' && (tags === undefined || hasAnyTag(field.tags, tags))).map((field) => field.id);
  }
  const parents = computedFieldParents(sourceFields);
  const ordered = topologicalOrder(closeOverParents(selected, parents), parents);
  if (ordered.isErr()) {
    const names = ordered.error.map((id) => byId.get(id)?.name ?? String(id));
    return err(unprocessable(`Dependency cycle among computed fields: ${names.join(' → ')}`));
  }
  return ok(ordered.value.map((id) => byId.get(id) as ComputedField));
}

/** The computed tables a request selects (§3), ascending id; listed ids that are not live computed tables of the source datastore are a 422. */
export function selectComputedTables(
  sourceContainers: readonly Container[],
  selection: { readonly container_ids?: readonly number[] | undefined; readonly container_tags?: readonly string[] | undefined },
  sourceDatastoreId: number,
): Result<ComputedTableContainer[], UnprocessableError> {
  const tables = sourceContainers
    .filter((container): container is ComputedTableContainer => container.container_type === 'computed_table' && container.deleted_at === null)
    .sort((a, b) => a.id - b.id);
  if (selection.container_ids !== undefined) {
    const ids = new Set(tables.map((table) => table.id));
    const unknown = selection.container_ids.filter((id) => !ids.has(id));
    if (unknown.length > 0) return err(unprocessable(`Container(s) ${idListText(unknown)} are not computed tables of datastore ${sourceDatastoreId}`));
    const listed = new Set(selection.container_ids);
    return ok(tables.filter((table) => listed.has(table.id)));
  }
  if (selection.container_tags !== undefined) {
    const tags = new Set(selection.container_tags);
    return ok(tables.filter((table) => hasAnyTag(table.tags, tags)));
  }
  return ok(tables);
}

/**
 * The computed files of `source_container_mappings` (§3), ascending id, after the checks of §2.1:
 * each source a live computed file of the source datastore, each destination a live, profiled
 * `file_pattern` of the destination datastore.
 */
export function selectComputedFiles(
  sourceContainers: readonly Container[],
  destinationContainers: readonly Container[],
  mappings: readonly ContainerMapping[],
  sourceDatastoreId: number,
  destinationDatastoreId: number,
): Result<ComputedFileContainer[], UnprocessableError> {
  const files = new Map(
    sourceContainers
      .filter((container): container is ComputedFileContainer => container.container_type === 'computed_file' && container.deleted_at === null)
      .map((file) => [file.id, file]),
  );
  const patterns = new Set(
    destinationContainers
      .filter((container) => container.container_type === 'file_pattern' && container.deleted_at === null && container.profiled)
      .map((container) => container.id),
  );
  const badSources = mappings.filter((mapping) => !files.has(mapping.container_id)).map((mapping) => mapping.container_id);
  const badDestinations = mappings.filter((mapping) => !patterns.has(mapping.destination_container_id)).map((mapping) => mapping.destination_container_id);
  const problems = [
    ...(badSources.length > 0 ? [`Container(s) ${idListText(badSources)} are not computed files of datastore ${sourceDatastoreId}`] : []),
    ...(badDestinations.length > 0 ? [`Destination container(s) ${idListText(badDestinations)} are not live, profiled file patterns of datastore ${destinationDatastoreId}`] : []),
  ];
  if (problems.length > 0) return err(unprocessable(problems.join('; ')));
  return ok(mappings.map((mapping) => files.get(mapping.container_id) as ComputedFileContainer).sort((a, b) => a.id - b.id));
}
