import type { ComputedField, ComputedTableContainer, Field, PlainContainer, QualityCheck } from '@promote/core';

/** A quality check without id in `containerId`: a live `not_null` check on `id`, unless overridden. */
export function checkValue(containerId: number, overrides: Partial<Omit<QualityCheck, 'id'>> = {}): Omit<QualityCheck, 'id'> {
  return {
    container_id: containerId,
    rule_type: 'not_null',
    description: 'Identifier is present',
    fields: ['id'],
    coverage: null,
    filter: null,
    properties: {},
    tags: [],
    additional_metadata: {},
    status: 'active',
    inferred: false,
    created_at: '2026-03-10T14:30:00Z',
    updated_at: '2026-03-10T14:30:00Z',
    ...overrides,
  };
}

/** A computed field without id in `containerId`: an active `cast` of `amount`, unless overridden. */
export function computedFieldValue(
  containerId: number,
  overrides: Partial<Omit<ComputedField, 'id'>> = {},
): Omit<ComputedField, 'id'> {
  return {
    container_id: containerId,
    name: 'amount_number',
    transformation: 'cast',
    source_fields: ['amount'],
    properties: { target_type: 'fractional' },
    description: '',
    tags: [],
    additional_metadata: {},
    status: 'active',
    ...overrides,
  };
}

/** A plain field without id in `containerId`: an active string field, unless overridden. */
export function fieldValue(containerId: number, overrides: Partial<Omit<Field, 'id'>> = {}): Omit<Field, 'id'> {
  return { container_id: containerId, name: 'name', type: 'string', status: 'active', ...overrides };
}

/** A live, profiled table without id in `datastoreId`, unless overridden. */
export function tableValue(datastoreId: number, overrides: Partial<Omit<PlainContainer, 'id'>> = {}): Omit<PlainContainer, 'id'> {
  return {
    datastore_id: datastoreId,
    name: 'table',
    container_type: 'table',
    description: '',
    tags: [],
    additional_metadata: {},
    deleted_at: null,
    profiled: true,
    ...overrides,
  };
}

/** A live computed table without id in `datastoreId`, unless overridden. */
export function computedTableValue(
  datastoreId: number,
  overrides: Partial<Omit<ComputedTableContainer, 'id'>> = {},
): Omit<ComputedTableContainer, 'id'> {
  return {
    datastore_id: datastoreId,
    name: 'computed_table',
    container_type: 'computed_table',
    description: '',
    tags: [],
    additional_metadata: {},
    deleted_at: null,
    profiled: true,
    query: 'select 1',
    incremental_field_name: null,
    group_by_fields: [],
    volumetric_tracking: false,
    freshness_tracking: false,
    ...overrides,
  };
}
