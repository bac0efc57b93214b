import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import type { InvalidWorldError } from '../errors.js';
import { defaultSnapshotTimestamp, parseWorldSnapshot, toWorldSnapshot } from './snapshot.js';
import { emptyWorld, type World } from './world.js';

const exampleWorld: unknown = JSON.parse(readFileSync(new URL('../../../../docs/examples/world.json', import.meta.url), 'utf8'));

/** A small valid snapshot: one datastore of each store type, a table with fields, a check, a computed field. */
function minimal() {
  return {
    users: [{ id: 1, email: 'jane@example.com', role: 'member' }],
    teams: [{ id: 1, name: 'Data Engineering', members: [1], permissions: { '1': 'editor' } }],
    datastores: [
      { id: 1, name: 'Warehouse', store_type: 'jdbc' },
      { id: 2, name: 'Lake', store_type: 'dfs' },
    ],
    containers: [
      { id: 10, datastore_id: 1, name: 'orders', container_type: 'table', fields: [{ name: 'order_id', type: 'integral' }] },
      { id: 20, datastore_id: 2, name: 'orders', container_type: 'file_pattern' },
    ] as Record<string, unknown>[],
    quality_checks: [{ id: 100, container_id: 10, rule_type: 'not_null', fields: ['order_id'] }] as Record<string, unknown>[],
    computed_fields: [
      { id: 200, container_id: 10, name: 'order_key', transformation: 'cast', source_fields: ['order_id'], properties: { target_type: 'string' } },
    ] as Record<string, unknown>[],
  };
}

function parsed(input: unknown): World {
  const result = parseWorldSnapshot(input);
  if (result.isErr()) throw new Error(`expected a valid world, got ${JSON.stringify(result.error.problems)}`);
  return result.value;
}

function problemsOf(input: unknown): InvalidWorldError['problems'] {
  const result = parseWorldSnapshot(input);
  if (result.isOk()) throw new Error('expected the snapshot to be rejected');
  expect(result.error.kind).toBe('invalid_world');
  return result.error.problems;
}

describe('round trip', () => {
  test('parse ∘ toWorldSnapshot is the identity on a parsed world', () => {
    const world = parsed(exampleWorld);
    expect(parsed(toWorldSnapshot(world))).toEqual(world);
  });

  test('toWorldSnapshot survives JSON and writes every default out', () => {
    const world = parsed(minimal());
    const document = JSON.parse(JSON.stringify(toWorldSnapshot(world))) as ReturnType<typeof toWorldSnapshot>;
    expect(parsed(document)).toEqual(world);
    expect(document.quality_checks?.[0]).toMatchObject({ status: 'active', tags: [], coverage: null, created_at: defaultSnapshotTimestamp });
    expect(document.containers?.[0]?.fields?.[0]).toEqual({ id: 1, name: 'order_id', type: 'integral', status: 'active' });
  });

  test('the empty document is the empty world', () => {
    expect(parsed({})).toEqual(emptyWorld);
    expect(parsed(toWorldSnapshot(emptyWorld))).toEqual(emptyWorld);
  });
});

describe('defaults of §14', () => {
  test('containers, fields, checks and computed fields get their defaults', () => {
    const world = parsed(minimal());
    expect(world.containers[0]).toEqual({
      id: 10,
      datastore_id: 1,
      name: 'orders',
      container_type: 'table',
      description: '',
      tags: [],
      additional_metadata: {},
      deleted_at: null,
      profiled: true,
    });
    expect(world.fields).toEqual([{ id: 1, container_id: 10, name: 'order_id', type: 'integral', status: 'active' }]);
    expect(world.quality_checks[0]).toEqual({
      id: 100,
      container_id: 10,
      rule_type: 'not_null',
      description: '',
      fields: ['order_id'],
      coverage: null,
      filter: null,
      properties: {},
      tags: [],
      additional_metadata: {},
      status: 'active',
      inferred: false,
      created_at: defaultSnapshotTimestamp,
      updated_at: defaultSnapshotTimestamp,
    });
    expect(world.computed_fields[0]).toEqual({
      id: 200,
      container_id: 10,
      name: 'order_key',
      transformation: 'cast',
      source_fields: ['order_id'],
      properties: { target_type: 'string' },
      description: '',
      tags: [],
      additional_metadata: {},
      status: 'active',
    });
    expect(world.lineage).toEqual([]);
    expect(world.teams[0]?.permissions).toEqual({ 1: 'editor' });
  });

  test('computed tables and files get their type-specific defaults', () => {
    const snapshot = minimal();
    snapshot.containers.push(
      { id: 30, datastore_id: 1, name: 'daily', container_type: 'computed_table', query: 'SELECT 1' },
      { id: 40, datastore_id: 2, name: 'big', container_type: 'computed_file', source_container_id: 20, select_clause: 'a' },
    );
    const world = parsed(snapshot);
    expect(world.containers.find((container) => container.id === 30)).toMatchObject({
      query: 'SELECT 1',
      incremental_field_name: null,
      group_by_fields: [],
      volumetric_tracking: false,
      freshness_tracking: false,
    });
    expect(world.containers.find((container) => container.id === 40)).toMatchObject({
      source_container_id: 20,
      select_clause: 'a',
      where_clause: null,
      group_by_clause: null,
    });
  });

  test('field ids are kept when given and assigned above every given one otherwise', () => {
    const snapshot = minimal();
    snapshot.containers[1] = {
      ...snapshot.containers[1],
      fields: [
        { name: 'a', type: 'string' },
        { id: 7, name: 'b', type: 'string' },
      ],
    };
    const world = parsed(snapshot);
    expect(world.fields.map((field) => [field.container_id, field.name, field.id])).toEqual([
      [20, 'b', 7],
      [10, 'order_id', 8],
      [20, 'a', 9],
    ]);
  });

  test('ids are kept as given, lists come out in ascending id, camelCase rule types are normalised', () => {
    const snapshot = minimal();
    snapshot.quality_checks.unshift({ id: 150, container_id: 10, rule_type: 'matchesPattern', fields: ['order_id'], properties: { pattern: '^[0-9]+$' } });
    const world = parsed(snapshot);
    expect(world.quality_checks.map((check) => [check.id, check.rule_type])).toEqual([
      [100, 'not_null'],
      [150, 'matches_pattern'],
    ]);
  });

  test('a user without a token has no token attribute', () => {
    expect(Object.keys(parsed(minimal()).users[0] ?? {})).toEqual(['id', 'email', 'role']);
  });
});

describe('problems: one message per problem, with its JSON path', () => {
  test('duplicate id', () => {
    const snapshot = minimal();
    snapshot.quality_checks.push({ id: 100, container_id: 10, rule_type: 'unique', fields: ['order_id'] });
    expect(problemsOf(snapshot)).toEqual([{ path: '$.quality_checks[1].id', message: 'duplicate id 100' }]);
  });

  test('duplicate field id across containers', () => {
    const snapshot = minimal();
    snapshot.containers[0] = { ...snapshot.containers[0], fields: [{ id: 3, name: 'order_id', type: 'integral' }] };
    snapshot.containers[1] = { ...snapshot.containers[1], fields: [{ id: 3, name: 'order_id', type: 'integral' }] };
    expect(problemsOf(snapshot)).toEqual([{ path: '$.containers[1].fields[0].id', message: 'duplicate field id 3' }]);
  });

  test('dangling container reference', () => {
    const snapshot = minimal();
    snapshot.quality_checks[0] = { ...snapshot.quality_checks[0], container_id: 99 };
    snapshot.computed_fields[0] = { ...snapshot.computed_fields[0], container_id: 98 };
    expect(problemsOf(snapshot)).toEqual([
      { path: '$.quality_checks[0].container_id', message: 'container 99 does not exist' },
      { path: '$.computed_fields[0].container_id', message: 'container 98 does not exist' },
    ]);
  });

  test('dangling datastore reference', () => {
    const snapshot = minimal();
    snapshot.containers[0] = { ...snapshot.containers[0], datastore_id: 9 };
    expect(problemsOf(snapshot)).toEqual([{ path: '$.containers[0].datastore_id', message: 'datastore 9 does not exist' }]);
  });

  test('dangling team member and permission', () => {
    const snapshot = { ...minimal(), teams: [{ id: 1, name: 'T', members: [1, 5], permissions: { '1': 'editor', '3': 'viewer' } }] };
    expect(problemsOf(snapshot)).toEqual([
      { path: '$.teams[0].members[1]', message: 'user 5 does not exist' },
      { path: '$.teams[0].permissions["3"]', message: 'datastore 3 does not exist' },
    ]);
  });

  test('unknown rule type', () => {
    const snapshot = minimal();
    snapshot.quality_checks[0] = { ...snapshot.quality_checks[0], rule_type: 'matches_patern' };
    expect(problemsOf(snapshot)).toEqual([{ path: '$.quality_checks[0].rule_type', message: "unknown rule type 'matches_patern'" }]);
  });

  test('computed file whose source is not a file pattern of its datastore', () => {
    const snapshot = minimal();
    snapshot.containers.push(
      { id: 30, datastore_id: 3, name: 'other', container_type: 'file_pattern' },
      { id: 40, datastore_id: 2, name: 'from_table', container_type: 'computed_file', source_container_id: 10, select_clause: 'a' },
      { id: 41, datastore_id: 2, name: 'from_other_lake', container_type: 'computed_file', source_container_id: 30, select_clause: 'a' },
      { id: 42, datastore_id: 2, name: 'from_nowhere', container_type: 'computed_file', source_container_id: 77, select_clause: 'a' },
    );
    snapshot.datastores.push({ id: 3, name: 'Other lake', store_type: 'dfs' });
    expect(problemsOf(snapshot)).toEqual([
      { path: '$.containers[3].source_container_id', message: 'container 10 is not a file pattern of datastore 2' },
      { path: '$.containers[4].source_container_id', message: 'container 30 is not a file pattern of datastore 2' },
      { path: '$.containers[5].source_container_id', message: 'container 77 does not exist' },
    ]);
  });

  test('type-specific attributes: required where they belong, rejected elsewhere', () => {
    const snapshot = minimal();
    snapshot.containers.push(
      { id: 30, datastore_id: 1, name: 'no_query', container_type: 'computed_table' },
      { id: 31, datastore_id: 1, name: 'table_with_query', container_type: 'table', query: 'SELECT 1' },
    );
    expect(problemsOf(snapshot)).toEqual([
      { path: '$.containers[2].query', message: 'required for a computed_table' },
      { path: '$.containers[3].query', message: 'not an attribute of a table container' },
    ]);
  });

  test('unknown attribute', () => {
    const snapshot = { ...minimal(), widgets: [] };
    snapshot.containers[0] = { ...snapshot.containers[0], colour: 'red' };
    expect(problemsOf(snapshot)).toEqual([
      { path: '$.containers[0].colour', message: 'unknown attribute' },
      { path: '$.widgets', message: 'unknown attribute' },
    ]);
  });

  test('bad type', () => {
    const snapshot = minimal();
    snapshot.containers[0] = { ...snapshot.containers[0], id: '10' };
    const problems = problemsOf(snapshot);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.path).toBe('$.containers[0].id');
    expect(problems[0]?.message).toMatch(/expected number/);
  });

  test('bad enum value and missing attribute', () => {
    const snapshot = minimal();
    snapshot.containers[0] = { ...snapshot.containers[0], container_type: 'spreadsheet' };
    snapshot.quality_checks[0] = { id: 100, rule_type: 'not_null' };
    const problems = problemsOf(snapshot);
    expect(problems.map((problem) => problem.path)).toEqual(['$.containers[0].container_type', '$.quality_checks[0].container_id']);
    expect(problems[1]?.message).toBe('required');
  });

  test('several problems at once give one message each', () => {
    const snapshot = minimal();
    snapshot.quality_checks.push(
      { id: 100, container_id: 10, rule_type: 'unique' },
      { id: 101, container_id: 55, rule_type: 'no_such_rule' },
    );
    snapshot.containers.push({ id: 40, datastore_id: 2, name: 'bad', container_type: 'computed_file', source_container_id: 10, select_clause: 'a' });
    const problems = problemsOf(snapshot);
    expect(problems).toEqual([
      { path: '$.quality_checks[1].id', message: 'duplicate id 100' },
      { path: '$.containers[2].source_container_id', message: 'container 10 is not a file pattern of datastore 2' },
      { path: '$.quality_checks[2].container_id', message: 'container 55 does not exist' },
      { path: '$.quality_checks[2].rule_type', message: "unknown rule type 'no_such_rule'" },
    ]);
  });

  test('a bad snapshot loads nothing', () => {
    const snapshot = minimal();
    snapshot.quality_checks[0] = { ...snapshot.quality_checks[0], container_id: 99 };
    const result = parseWorldSnapshot(snapshot);
    expect(result.isErr()).toBe(true);
    expect(result.isOk() ? result.value : undefined).toBeUndefined();
  });

  test('not a document at all', () => {
    expect(problemsOf(null)).toHaveLength(1);
    expect(problemsOf([])).toHaveLength(1);
  });
});

describe('one pass lists every problem', () => {
  test('shape problems and reference problems of the well-shaped elements together; a malformed element still counts as existing', () => {
    const result = parseWorldSnapshot({
      users: [{ id: 1, email: 'not-an-email', role: 'admin' }],
      datastores: [{ id: 1, name: 'Staging', store_type: 'jdbc' }, { id: 2, name: '', store_type: 'jdbc' }],
      containers: [
        { id: 10, datastore_id: 1, name: 'orders', container_type: 'table' },
        { id: 11, datastore_id: 2, name: 'refers to the malformed datastore', container_type: 'table' },
        { id: 12, datastore_id: 9, name: 'dangling', container_type: 'table' },
      ],
      quality_checks: [{ id: 1, container_id: 99, rule_type: 'not_null' }, { id: 2, container_id: 10, rule_type: 'notARule' }],
      extra: true,
    });
    expect(result.isErr()).toBe(true);
    const paths = result._unsafeUnwrapErr().problems.map((problem) => problem.path);
    expect(paths).toEqual(
      expect.arrayContaining(['$.users[0].email', '$.datastores[1].name', '$.containers[2].datastore_id', '$.quality_checks[0].container_id', '$.quality_checks[1].rule_type', '$.extra']),
    );
    expect(paths).not.toContain('$.containers[1].datastore_id');
  });
});
