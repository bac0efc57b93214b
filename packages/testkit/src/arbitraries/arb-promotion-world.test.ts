import { parseWorldSnapshot, ruleTypeSpec, toWorldSnapshot } from '@promote/core';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { arbPromotionWorld, checkTagPool } from './arb-promotion-world.js';
import { fcNumRuns } from './fc-num-runs.js';
import { testProp } from '../properties/test-prop.js';

const numRuns = fcNumRuns(40);

describe('arbPromotionWorld', () => {
  testProp('round-trips through the snapshot unchanged', [arbPromotionWorld()], ({ world }) => {
    const parsed = parseWorldSnapshot(toWorldSnapshot(world));
    expect(parsed.isOk() ? parsed.value : parsed.error).toStrictEqual(world);
  }, { numRuns });

  testProp('round-trips with bigger sizes too', [arbPromotionWorld({ maxChecks: 40, maxFields: 16 })], ({ world }) => {
      const parsed = parseWorldSnapshot(toWorldSnapshot(world));
      expect(parsed.isOk() ? parsed.value : parsed.error).toStrictEqual(world);
    }, { numRuns: fcNumRuns(10) });

  testProp('has unique, positive, ascending ids per kind', [arbPromotionWorld()], ({ world }) => {
    for (const list of [world.users, world.teams, world.datastores, world.containers, world.fields, world.quality_checks, world.computed_fields]) {
      const ids = list.map((entity) => entity.id);
      expect(ids.every((id) => Number.isInteger(id) && id > 0)).toBe(true);
      expect(ids).toStrictEqual([...new Set(ids)].sort((a, b) => a - b));
    }
  }, { numRuns });

  testProp('gives the actor admin, the editor editor on both datastores, the outsider nothing', [arbPromotionWorld()], (pw) => {
    const { world, users, source, destination } = pw;
    expect(pw.actor.userId).toBe(users.admin);
    expect(world.users.find((user) => user.id === users.admin)?.role).toBe('admin');
    const teamsOf = (userId: number) => world.teams.filter((team) => team.members.includes(userId));
    const editorTeam = teamsOf(users.editor)[0];
    expect(editorTeam?.permissions[source.datastoreId]).toBe('editor');
    expect(editorTeam?.permissions[destination.datastoreId]).toBe('editor');
    expect(teamsOf(users.viewer).every((team) => team.permissions[destination.datastoreId] !== 'editor')).toBe(true);
    expect(teamsOf(users.outsider)).toStrictEqual([]);
    expect(world.users.find((user) => user.id === users.outsider)?.role).not.toBe('admin');
  }, { numRuns });

  testProp('puts the containers and references where the scopes say', [arbPromotionWorld()], (pw) => {
    const { world, source, destination, references } = pw;
    const container = (id: number | undefined) => world.containers.find((candidate) => candidate.id === id);
    expect(source.containerId).not.toBe(destination.containerId);
    expect(container(source.containerId)?.datastore_id).toBe(source.datastoreId);
    expect(container(destination.containerId)?.datastore_id).toBe(destination.datastoreId);
    expect(world.datastores.every((datastore) => datastore.store_type === 'jdbc')).toBe(true);
    const sourceReference = container(references.source);
    expect(sourceReference?.datastore_id).toBe(source.datastoreId);
    if (references.destination !== undefined) {
      const destinationReference = container(references.destination);
      expect(destinationReference?.datastore_id).toBe(destination.datastoreId);
      expect(destinationReference?.deleted_at).toBeNull();
      expect(destinationReference?.name.toLowerCase()).toBe(sourceReference?.name.toLowerCase());
    }
  }, { numRuns });

  testProp('gives the destination a re-cased subset of the source field names', [arbPromotionWorld()], (pw) => {
    const { world, source, destination } = pw;
    const namesOf = (containerId: number) => world.fields.filter((field) => field.container_id === containerId).map((field) => field.name);
    const sourceNames = namesOf(source.containerId);
    expect(sourceNames.length).toBeGreaterThanOrEqual(2);
    expect(sourceNames.every((name) => /^[a-z][a-z0-9_]*$/.test(name))).toBe(true);
    const destinationNames = namesOf(destination.containerId).map((name) => name.toLowerCase());
    expect(new Set(destinationNames).size).toBe(destinationNames.length);
    const computedNames = world.computed_fields.filter((field) => field.container_id === destination.containerId).map((field) => field.name.toLowerCase());
    expect(computedNames.every((name) => !destinationNames.includes(name) && sourceNames.includes(name))).toBe(true);
  }, { numRuns });

  testProp('builds source checks that follow the catalogue', [arbPromotionWorld()], (pw) => {
    const { world, source, references } = pw;
    const sourceNames = new Set(world.fields.filter((field) => field.container_id === source.containerId).map((field) => field.name));
    for (const check of world.quality_checks.filter((candidate) => candidate.container_id === source.containerId)) {
      const spec = ruleTypeSpec(check.rule_type);
      const expectedCount = { single: [1, 1], multiple: [1, 3], calculated: [0, 0], none: [0, 0] }[spec.fieldScope];
      expect(check.fields.length).toBeGreaterThanOrEqual(expectedCount[0] ?? 0);
      expect(check.fields.length).toBeLessThanOrEqual(expectedCount[1] ?? 0);
      expect(check.fields.every((name) => sourceNames.has(name))).toBe(true);
      for (const key of spec.fieldReferenceKeys) {
        const value = check.properties[key];
        const names = Array.isArray(value) ? value : [value];
        expect(names.every((name) => typeof name === 'string' && sourceNames.has(name))).toBe(true);
      }
      if (spec.containerReference) expect(check.properties['ref_container_id']).toBe(references.source);
      expect(check.tags.every((tag) => (checkTagPool as readonly string[]).includes(tag))).toBe(true);
      expect(check.coverage === null || (check.coverage > 0 && check.coverage <= 1)).toBe(true);
      expect(check.updated_at >= check.created_at).toBe(true);
    }
  }, { numRuns });

  testProp('links lineage from source checks into the destination container', [arbPromotionWorld()], (pw) => {
    const { world, source, destination } = pw;
    const sourceIds = new Set(world.quality_checks.filter((check) => check.container_id === source.containerId).map((check) => check.id));
    for (const link of world.lineage) {
      expect(link.entity_type).toBe('quality_check');
      expect(link.destination_scope_id).toBe(destination.containerId);
      expect(sourceIds.has(link.source_entity_id)).toBe(true);
      const target = world.quality_checks.find((check) => check.id === link.destination_entity_id);
      if (target !== undefined) expect(target.container_id).toBe(destination.containerId);
    }
  }, { numRuns });

  testProp('honours sameDatastore: true and lineage: false', [arbPromotionWorld({ sameDatastore: true, lineage: false })], ({ world, source, destination, references }) => {
      expect(destination.datastoreId).toBe(source.datastoreId);
      expect(world.datastores).toHaveLength(1);
      expect(references.destination).toBe(references.source);
      expect(world.lineage).toStrictEqual([]);
    }, { numRuns: fcNumRuns(20) });

  testProp('honours sameDatastore: false', [arbPromotionWorld({ sameDatastore: false })], ({ world, source, destination }) => {
    expect(destination.datastoreId).not.toBe(source.datastoreId);
    expect(world.datastores).toHaveLength(2);
  }, { numRuns: fcNumRuns(20) });

  test('covers the interesting cases across a sample', () => {
    const sample = fc.sample(arbPromotionWorld(), { numRuns: 200, seed: 42 });
    const checks = sample.flatMap((pw) => pw.world.quality_checks.map((check) => ({ pw, check })));
    const destinationChecks = checks.filter(({ pw, check }) => check.container_id === pw.destination.containerId);
    const sourceChecks = checks.filter(({ pw, check }) => check.container_id === pw.source.containerId);
    // Exact copies exist: same rule type and description as a source check of the same world.
    const copies = destinationChecks.filter(({ pw, check }) =>
      pw.world.quality_checks.some(
        (other) => other.container_id === pw.source.containerId && other.rule_type === check.rule_type && other.description === check.description,
      ),
    );
    expect(copies.length).toBeGreaterThan(20);
    expect(sample.some((pw) => pw.world.lineage.length > 0)).toBe(true);
    expect(sample.some((pw) => pw.source.datastoreId === pw.destination.datastoreId)).toBe(true);
    expect(sample.some((pw) => pw.references.destination === undefined)).toBe(true);
    expect(sample.some((pw) => pw.world.computed_fields.length > 0)).toBe(true);
    expect(sourceChecks.some(({ check }) => check.status === 'archived' || check.status === 'discarded')).toBe(true);
    expect(sourceChecks.some(({ check }) => check.filter !== null && check.filter !== check.filter.trim())).toBe(true);
    expect(new Set(sourceChecks.map(({ check }) => check.rule_type)).size).toBeGreaterThan(40);
    const recased = sample.filter((pw) =>
      pw.world.fields.some(
        (field) =>
          field.container_id === pw.destination.containerId &&
          field.name !== field.name.toLowerCase() &&
          pw.world.fields.some((other) => other.container_id === pw.source.containerId && other.name === field.name.toLowerCase()),
      ),
    );
    expect(recased.length).toBeGreaterThan(100);
  });
});
