import { parseWorldSnapshot, toWorldSnapshot, type ComputedField, type World } from '@promote/core';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { identifierTokens, reservedWords } from './arb-computed-field-definition.js';
import { arbComputedFieldWorld, computedFieldTagPool, type ComputedFieldWorld } from './arb-computed-field-world.js';
import { fcNumRuns } from './fc-num-runs.js';
import { testProp } from '../properties/test-prop.js';

const numRuns = fcNumRuns(40);

/**
 * Parents per §6, written here from the spec rather than imported from the planner: the other
 * computed fields of the container whose name (case-insensitive) a field uses in `source_fields` or,
 * for `custom_expression`, as an identifier of its expression.
 */
function parentsOf(fields: readonly ComputedField[]): Map<number, number[]> {
  const idByName = new Map(fields.map((field) => [field.name.toLowerCase(), field.id]));
  return new Map(
    fields.map((field) => {
      const expression = field.properties['column_expression'];
      const used = [...field.source_fields, ...(field.transformation === 'custom_expression' && typeof expression === 'string' ? identifierTokens(expression) : [])];
      const parents = used.flatMap((name) => {
        const parent = idByName.get(name.toLowerCase());
        return parent === undefined || parent === field.id ? [] : [parent];
      });
      return [field.id, [...new Set(parents)]];
    }),
  );
}

/** Whether `parents` has no cycle: Kahn's algorithm consumes every node. */
function isAcyclic(parents: ReadonlyMap<number, readonly number[]>): boolean {
  const pending = new Map([...parents].map(([id, ids]) => [id, ids.length]));
  const ready = [...pending].filter(([, count]) => count === 0).map(([id]) => id);
  let consumed = 0;
  while (ready.length > 0) {
    const done = ready.pop() as number;
    consumed++;
    for (const [id, ids] of parents) {
      if (!ids.includes(done)) continue;
      const left = (pending.get(id) ?? 0) - 1;
      pending.set(id, left);
      if (left === 0) ready.push(id);
    }
  }
  return consumed === parents.size;
}

const computedOf = (world: World, containerId: number) => world.computed_fields.filter((field) => field.container_id === containerId);
const fieldsOf = (world: World, containerId: number) => world.fields.filter((field) => field.container_id === containerId);

/** Every name a source computed field uses, as written. */
function namesUsed(field: ComputedField): string[] {
  const expression = field.properties['column_expression'];
  if (field.transformation !== 'custom_expression') return [...field.source_fields];
  return typeof expression === 'string' ? identifierTokens(expression).filter((name) => !reservedWords.has(name.toLowerCase())) : [];
}

describe('arbComputedFieldWorld', () => {
  testProp('round-trips through the snapshot unchanged', [arbComputedFieldWorld()], ({ world }) => {
    const parsed = parseWorldSnapshot(toWorldSnapshot(world));
    expect(parsed.isOk() ? parsed.value : parsed.error).toStrictEqual(world);
  }, { numRuns });

  testProp('round-trips with bigger sizes too', [arbComputedFieldWorld({ maxComputedFields: 30, maxFields: 14 })], ({ world }) => {
    const parsed = parseWorldSnapshot(toWorldSnapshot(world));
    expect(parsed.isOk() ? parsed.value : parsed.error).toStrictEqual(world);
  }, { numRuns: fcNumRuns(10) });

  testProp('has unique, positive, ascending ids per kind', [arbComputedFieldWorld()], ({ world }) => {
    for (const list of [world.users, world.teams, world.datastores, world.containers, world.fields, world.computed_fields]) {
      const ids = list.map((entity) => entity.id);
      expect(ids.every((id) => Number.isInteger(id) && id > 0)).toBe(true);
      expect(ids).toStrictEqual([...new Set(ids)].sort((a, b) => a - b));
    }
    expect(world.quality_checks).toStrictEqual([]);
  }, { numRuns });

  testProp('gives the actor admin, the editor editor on both datastores, the others less', [arbComputedFieldWorld()], (cw) => {
    const { world, users, source, destination } = cw;
    expect(cw.actor.userId).toBe(users.admin);
    expect(world.users.find((user) => user.id === users.admin)?.role).toBe('admin');
    const teamsOf = (userId: number) => world.teams.filter((team) => team.members.includes(userId));
    expect(teamsOf(users.editor)[0]?.permissions[source.datastoreId]).toBe('editor');
    expect(teamsOf(users.editor)[0]?.permissions[destination.datastoreId]).toBe('editor');
    expect(teamsOf(users.viewer).every((team) => team.permissions[destination.datastoreId] !== 'editor')).toBe(true);
    expect(teamsOf(users.outsider)).toStrictEqual([]);
  }, { numRuns });

  testProp('puts two live JDBC tables where the scopes say', [arbComputedFieldWorld()], ({ world, source, destination }) => {
    const container = (id: number) => world.containers.find((candidate) => candidate.id === id);
    expect(source.containerId).not.toBe(destination.containerId);
    expect(container(source.containerId)).toMatchObject({ datastore_id: source.datastoreId, container_type: 'table', deleted_at: null });
    expect(container(destination.containerId)).toMatchObject({ datastore_id: destination.datastoreId, container_type: 'table', deleted_at: null });
    expect(world.datastores.every((datastore) => datastore.store_type === 'jdbc')).toBe(true);
  }, { numRuns });

  test('the test’s own §6 graph finds a cycle through a back-quoted, re-cased expression name', () => {
    const field = (id: number, name: string, transformation: ComputedField['transformation'], sourceFields: string[], expression?: string): ComputedField => ({
      id,
      container_id: 1,
      name,
      transformation,
      source_fields: sourceFields,
      properties: expression === undefined ? {} : { column_expression: expression },
      description: '',
      tags: [],
      additional_metadata: {},
      status: 'active',
    });
    const fields = [field(1, 'a', 'cast', ['B']), field(2, 'b', 'custom_expression', [], 'ROUND(`A` * 2, 2)'), field(3, 'c', 'cast', ['a'])];
    expect(parentsOf(fields)).toStrictEqual(new Map([[1, [2]], [2, [1]], [3, [1]]]));
    expect(isAcyclic(parentsOf(fields))).toBe(false);
    expect(isAcyclic(parentsOf(fields.slice(1)))).toBe(true);
  });

  testProp('gives the source an acyclic dependency graph (§6)', [arbComputedFieldWorld({ maxComputedFields: 20 })], ({ world, source }) => {
    expect(isAcyclic(parentsOf(computedOf(world, source.containerId)))).toBe(true);
  }, { numRuns: fcNumRuns(60) });

  testProp('builds source computed fields from the source container’s names and §1’s properties', [arbComputedFieldWorld()], ({ world, source }) => {
    const available = new Set([...fieldsOf(world, source.containerId), ...computedOf(world, source.containerId)].map((field) => field.name.toLowerCase()));
    for (const field of computedOf(world, source.containerId)) {
      expect(reservedWords.has(field.name.toLowerCase())).toBe(false);
      expect(namesUsed(field).every((name) => available.has(name.toLowerCase()) && name.toLowerCase() !== field.name.toLowerCase())).toBe(true);
      expect(field.tags.every((tag) => (computedFieldTagPool as readonly string[]).includes(tag))).toBe(true);
      switch (field.transformation) {
        case 'cast':
          expect(field.source_fields).toHaveLength(1);
          expect(Object.keys(field.properties).every((key) => key === 'target_type' || key === 'format')).toBe(true);
          expect(typeof field.properties['target_type']).toBe('string');
          break;
        case 'cleaned_entity_name':
          expect(field.source_fields).toHaveLength(1);
          expect(Object.keys(field.properties).sort()).toStrictEqual(['drop_from_interior', 'drop_from_prefix', 'drop_from_suffix', 'terms_to_drop', 'terms_to_ignore']);
          break;
        case 'convert_formatted_numeric':
          expect(field.source_fields).toHaveLength(1);
          break;
        case 'custom_expression':
          expect(field.source_fields).toStrictEqual([]);
          expect(typeof field.properties['column_expression']).toBe('string');
      }
    }
  }, { numRuns });

  testProp('gives the destination re-cased source fields, extras, and no plain/computed name clash', [arbComputedFieldWorld()], ({ world, source, destination }) => {
    const sourceFields = fieldsOf(world, source.containerId);
    expect(sourceFields.length).toBeGreaterThanOrEqual(2);
    expect(sourceFields.every((field) => field.name === field.name.toLowerCase())).toBe(true);
    const destinationComputedNames = new Set(computedOf(world, destination.containerId).map((field) => field.name.toLowerCase()));
    const sourceComputedNames = new Set(computedOf(world, source.containerId).map((field) => field.name.toLowerCase()));
    let extras = 0;
    for (const field of fieldsOf(world, destination.containerId)) {
      const key = field.name.toLowerCase();
      expect(destinationComputedNames.has(key)).toBe(false);
      const original = sourceFields.find((candidate) => candidate.name === key);
      if (original !== undefined) expect(field.type).toBe(original.type);
      else if (!sourceComputedNames.has(key)) extras++;
    }
    expect(extras).toBeLessThanOrEqual(3);
  }, { numRuns });

  testProp('links lineage from source computed fields into the destination container', [arbComputedFieldWorld()], ({ world, source, destination }) => {
    const sourceIds = new Set(computedOf(world, source.containerId).map((field) => field.id));
    for (const link of world.lineage) {
      expect(link).toMatchObject({ entity_type: 'computed_field', destination_scope_id: destination.containerId });
      expect(sourceIds.has(link.source_entity_id)).toBe(true);
      const target = world.computed_fields.find((field) => field.id === link.destination_entity_id);
      if (target !== undefined) expect(target.container_id).toBe(destination.containerId);
    }
  }, { numRuns });

  testProp('honours sameDatastore: true and lineage: false', [arbComputedFieldWorld({ sameDatastore: true, lineage: false })], ({ world, source, destination }) => {
      expect(destination.datastoreId).toBe(source.datastoreId);
      expect(world.datastores).toHaveLength(1);
      expect(world.lineage).toStrictEqual([]);
    }, { numRuns: fcNumRuns(20) });

  testProp('honours sameDatastore: false and maxComputedFields: 0', [arbComputedFieldWorld({ sameDatastore: false, maxComputedFields: 0 })], ({ world, source, destination }) => {
      expect(destination.datastoreId).not.toBe(source.datastoreId);
      expect(world.datastores).toHaveLength(2);
      expect(computedOf(world, source.containerId)).toStrictEqual([]);
    }, { numRuns: fcNumRuns(20) });

  test('covers the interesting cases across a sample', () => {
    const sample = fc.sample(arbComputedFieldWorld(), { numRuns: 200, seed: 42 });
    const sourceFields = (cw: ComputedFieldWorld) => computedOf(cw.world, cw.source.containerId);
    const all = sample.flatMap((cw) => sourceFields(cw).map((field) => ({ cw, field })));
    const expressions = all.map(({ field }) => field.properties['column_expression']).filter((expression): expression is string => typeof expression === 'string');
    const withComputedParent = sample.flatMap((cw) => {
      const parents = parentsOf(sourceFields(cw));
      return [...parents].filter(([, ids]) => ids.length > 0).map(([id, ids]) => ({ id, ids, cw }));
    });
    expect(withComputedParent.length).toBeGreaterThan(100);
    // Ids do not follow generation order: some parent has a higher id than its child.
    expect(withComputedParent.some(({ id, ids }) => ids.some((parent) => parent > id))).toBe(true);
    // Chains of three: a field whose parent has a parent.
    expect(
      withComputedParent.some(({ ids, cw }) => {
        const parents = parentsOf(sourceFields(cw));
        return ids.some((parent) => (parents.get(parent) ?? []).length > 0);
      }),
    ).toBe(true);
    expect(withComputedParent.some(({ id, cw }) => sourceFields(cw).find((field) => field.id === id)?.transformation !== 'custom_expression')).toBe(true);
    expect(expressions.some((expression) => expression.includes('`'))).toBe(true);
    expect(
      all.some(({ cw, field }) =>
        namesUsed(field).some((name) => name !== name.toLowerCase() && sourceFields(cw).some((parent) => parent.name === name.toLowerCase())),
      ),
    ).toBe(true);
    expect(new Set(all.map(({ field }) => field.transformation)).size).toBe(4);
    expect(all.some(({ field }) => field.transformation === 'cast' && 'format' in field.properties)).toBe(true);
    expect(new Set(all.map(({ field }) => field.status))).toStrictEqual(new Set(['active', 'missing', 'deleted']));
    expect(all.filter(({ field }) => field.status === 'active').length).toBeGreaterThan(all.length / 2);

    const copies = all.flatMap(({ cw, field }) =>
      computedOf(cw.world, cw.destination.containerId)
        .filter((other) => other.name.toLowerCase() === field.name.toLowerCase())
        .map((copy) => ({ field, copy })),
    );
    expect(copies.filter(({ field, copy }) => copy.description === field.description && copy.transformation === field.transformation).length).toBeGreaterThan(50);
    expect(copies.some(({ field, copy }) => copy.description !== field.description)).toBe(true);
    expect(copies.some(({ field, copy }) => copy.name !== field.name)).toBe(true);
    expect(new Set(copies.map(({ copy }) => copy.status))).toStrictEqual(new Set(['active', 'missing', 'deleted']));
    // A plain destination field named like a source computed field.
    expect(all.some(({ cw, field }) => fieldsOf(cw.world, cw.destination.containerId).some((plain) => plain.name.toLowerCase() === field.name.toLowerCase()))).toBe(true);
    // A source plain field with no usable counterpart on the destination.
    expect(
      sample.some((cw) =>
        fieldsOf(cw.world, cw.source.containerId).some(
          (field) =>
            !fieldsOf(cw.world, cw.destination.containerId).some(
              (other) => other.name.toLowerCase() === field.name.toLowerCase() && (other.status === 'active' || other.status === 'masked'),
            ),
        ),
      ),
    ).toBe(true);
    expect(sample.some((cw) => cw.world.lineage.length > 0)).toBe(true);
    expect(sample.some((cw) => cw.source.datastoreId === cw.destination.datastoreId)).toBe(true);
  });
});
