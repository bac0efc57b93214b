import type { Container, Field } from '../domain/entities.js';
import type { ListKey, ParsedSnapshot } from './snapshot-schema.js';

/** What {@link containersOfSnapshot} gives back. */
export interface SnapshotContainers {
  readonly containers: Container[];
  /** Every plain field, with its id (given, or assigned above every given one). */
  readonly fields: Field[];
  /** Lower-cased plain field names per container, for the computed fields' name check. */
  readonly plainNames: Map<number, Set<string>>;
}

/**
 * The containers of a parsed snapshot as entities, with their fields taken out, reporting through
 * `problem` every reference and attribute that does not fit (a datastore that does not exist, a
 * computed file whose source is not a file pattern of its datastore, attributes of another
 * container type, duplicate field names or ids). `unparsedIds` are ids of elements with the wrong
 * shape: they still count as existing.
 */
export function containersOfSnapshot(
  snapshot: ParsedSnapshot,
  unparsedIds: ReadonlyMap<ListKey, ReadonlySet<number>>,
  problem: (path: readonly PropertyKey[], message: string) => void,
): SnapshotContainers {
  // flatMap, not map: it skips the holes left by elements of the wrong shape.
  const datastoreById = new Map(snapshot.datastores.flatMap((datastore) => [[datastore.id, datastore] as const]));
  const containerById = new Map(snapshot.containers.flatMap((container) => [[container.id, container] as const]));
  // Assigned field ids start above every given one; a loop, not Math.max(...ids), which overflows
  // the call stack for large worlds.
  let nextFieldId = 1;
  snapshot.containers.forEach((container) => {
    for (const field of container.fields) if (field.id !== undefined && field.id >= nextFieldId) nextFieldId = field.id + 1;
  });
  const seenFieldIds = new Set<number>();
  const fields: Field[] = [];
  const containers: Container[] = [];
  const plainNames = new Map<number, Set<string>>();

  snapshot.containers.forEach((container, index) => {
    const at = (...rest: PropertyKey[]) => ['containers', index, ...rest];
    if (!datastoreById.has(container.datastore_id) && !unparsedIds.get('datastores')?.has(container.datastore_id)) {
      problem(at('datastore_id'), `datastore ${container.datastore_id} does not exist`);
    }
    const names = new Set<string>();
    container.fields.forEach((field, f) => {
      const key = field.name.toLowerCase();
      if (names.has(key)) problem(at('fields', f, 'name'), `duplicate field name '${field.name}'`);
      names.add(key);
      if (field.id !== undefined && seenFieldIds.has(field.id)) problem(at('fields', f, 'id'), `duplicate field id ${field.id}`);
      const fieldId = field.id ?? nextFieldId++;
      seenFieldIds.add(fieldId);
      fields.push({ id: fieldId, container_id: container.id, name: field.name, type: field.type, status: field.status });
    });
    plainNames.set(container.id, names);
    const base = {
      id: container.id,
      datastore_id: container.datastore_id,
      name: container.name,
      description: container.description,
      tags: container.tags,
      additional_metadata: container.additional_metadata,
      deleted_at: container.deleted_at,
      profiled: container.profiled,
    };
    const computedTableKeys = ['query', 'incremental_field_name', 'group_by_fields', 'volumetric_tracking', 'freshness_tracking'] as const;
    const computedFileKeys = ['source_container_id', 'select_clause', 'where_clause', 'group_by_clause'] as const;
    const misplaced = (keys: readonly (keyof typeof container)[]) =>
      keys
        .filter((key) => container[key] !== undefined)
        .forEach((key) => problem(at(key), `not an attribute of a ${container.container_type} container`));
    switch (container.container_type) {
      case 'computed_table':
        misplaced(computedFileKeys);
        if (container.query === undefined) problem(at('query'), 'required for a computed_table');
        containers.push({
          ...base,
          container_type: 'computed_table',
          query: container.query ?? '',
          incremental_field_name: container.incremental_field_name ?? null,
          group_by_fields: container.group_by_fields ?? [],
          volumetric_tracking: container.volumetric_tracking ?? false,
          freshness_tracking: container.freshness_tracking ?? false,
        });
        break;
      case 'computed_file': {
        misplaced(computedTableKeys);
        if (container.select_clause === undefined) problem(at('select_clause'), 'required for a computed_file');
        if (container.source_container_id === undefined) {
          problem(at('source_container_id'), 'required for a computed_file');
        } else {
          const source = containerById.get(container.source_container_id);
          if (source === undefined) {
            if (!unparsedIds.get('containers')?.has(container.source_container_id)) problem(at('source_container_id'), `container ${container.source_container_id} does not exist`);
          }
          else if (source.container_type !== 'file_pattern' || source.datastore_id !== container.datastore_id)
            problem(at('source_container_id'), `container ${container.source_container_id} is not a file pattern of datastore ${container.datastore_id}`);
        }
        containers.push({
          ...base,
          container_type: 'computed_file',
          source_container_id: container.source_container_id ?? 0,
          select_clause: container.select_clause ?? '',
          where_clause: container.where_clause ?? null,
          group_by_clause: container.group_by_clause ?? null,
        });
        break;
      }
      default:
        misplaced([...computedTableKeys, ...computedFileKeys]);
        containers.push({ ...base, container_type: container.container_type });
    }
  });
  return { containers, fields, plainNames };
}
