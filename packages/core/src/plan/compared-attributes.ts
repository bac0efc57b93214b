import type { EntityType } from '../domain/enums.js';
import { normaliseFilter, sameNameSet } from './compare.js';
import type { AttributeDiff } from './diff.js';

/*
 * The compared, merged and status attributes of each entity type (§5): what an update's `changes`
 * list, and what a revert compares to tell whether the destination changed since (§16). One list
 * per type, shared by the planners and the revert, so that both speak of the same paths.
 */

/** Quality checks: the definition, description, tags, metadata and status. */
export const checkAttributes: readonly AttributeDiff[] = [
  { path: 'fields', kind: 'whole', equal: (a, b) => sameNameSet(a as string[], b as string[]) },
  { path: 'coverage', kind: 'whole' },
  { path: 'filter', kind: 'whole', equal: (a, b) => a === b || normaliseFilter(a as string | null) === normaliseFilter(b as string | null) },
  { path: 'properties', kind: 'keys' },
  { path: 'description', kind: 'whole' },
  { path: 'tags', kind: 'whole' },
  { path: 'additional_metadata', kind: 'keys' },
  { path: 'status', kind: 'whole' },
];

/** Source field lists compared case-insensitively, order kept. */
export const sameNameList = (a: unknown, b: unknown) =>
  JSON.stringify((a as string[]).map((name) => name.toLowerCase())) === JSON.stringify((b as string[]).map((name) => name.toLowerCase()));

/** Computed fields. */
export const computedFieldAttributes: readonly AttributeDiff[] = [
  { path: 'transformation', kind: 'whole' },
  { path: 'source_fields', kind: 'whole', equal: sameNameList },
  { path: 'properties', kind: 'keys' },
  { path: 'description', kind: 'whole' },
  { path: 'tags', kind: 'whole' },
  { path: 'additional_metadata', kind: 'keys' },
  { path: 'status', kind: 'whole' },
];

const tableAttributes = ['query', 'incremental_field_name', 'group_by_fields', 'volumetric_tracking', 'freshness_tracking'] as const;
const fileAttributes = ['select_clause', 'where_clause', 'group_by_clause', 'source_container_id'] as const;

/** Computed tables and files: their own definition, description, tags, metadata and `deleted_at` (their status). */
export function containerAttributes(kind: 'computed_table' | 'computed_file'): AttributeDiff[] {
  const own = kind === 'computed_table' ? tableAttributes : fileAttributes;
  return [
    ...own.map((path): AttributeDiff => ({ path, kind: 'whole' })),
    { path: 'description', kind: 'whole' },
    { path: 'tags', kind: 'whole' },
    { path: 'additional_metadata', kind: 'keys' },
    { path: 'deleted_at', kind: 'whole' },
  ];
}

const tableList = containerAttributes('computed_table');
const fileList = containerAttributes('computed_file');

/** The attribute list of an entity type. */
export function comparedAttributesOf(entityType: EntityType): readonly AttributeDiff[] {
  switch (entityType) {
    case 'quality_check':
      return checkAttributes;
    case 'computed_field':
      return computedFieldAttributes;
    case 'computed_table':
      return tableList;
    case 'computed_file':
      return fileList;
  }
}
