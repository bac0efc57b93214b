import type { ComputedField, Container, Field, QualityCheck } from '../domain/entities.js';

/** Small builders for the planner's colocated tests. Not exported from the package. */
export function check(id: number, overrides: Partial<QualityCheck> = {}): QualityCheck {
  return {
    id,
    container_id: 10,
    rule_type: 'not_null',
    description: `check ${id}`,
    fields: ['email'],
    coverage: null,
    filter: null,
    properties: {},
    tags: [],
    additional_metadata: {},
    status: 'active',
    inferred: false,
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    ...overrides,
  };
}

export function field(id: number, name: string, overrides: Partial<Field> = {}): Field {
  return { id, container_id: 20, name, type: 'string', status: 'active', ...overrides };
}

export function computedField(id: number, name: string, overrides: Partial<ComputedField> = {}): ComputedField {
  return {
    id,
    container_id: 20,
    name,
    transformation: 'cast',
    source_fields: [],
    properties: {},
    description: '',
    tags: [],
    additional_metadata: {},
    status: 'active',
    ...overrides,
  };
}

export function table(id: number, datastoreId: number, name: string, overrides: Partial<Container> = {}): Container {
  return {
    id,
    datastore_id: datastoreId,
    name,
    container_type: 'table',
    description: '',
    tags: [],
    additional_metadata: {},
    deleted_at: null,
    profiled: true,
    ...overrides,
  } as Container;
}
