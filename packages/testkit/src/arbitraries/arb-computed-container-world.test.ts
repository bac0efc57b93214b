import { parseWorldSnapshot, toWorldSnapshot, type Container } from '@promote/core';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { arbComputedContainerWorld, computedContainerTagPool, type ComputedContainerWorld } from './arb-computed-container-world.js';
import { fcNumRuns } from './fc-num-runs.js';
import { testProp } from '../properties/test-prop.js';

const numRuns = fcNumRuns(40);

const containersIn = (w: ComputedContainerWorld, datastoreId: number) => w.world.containers.filter((container) => container.datastore_id === datastoreId);
const computedIn = (w: ComputedContainerWorld, datastoreId: number) => containersIn(w, datastoreId).filter((container) => container.container_type === w.kind);
const isLivePattern = (container: Container) => container.container_type === 'file_pattern' && container.deleted_at === null && container.profiled;

describe('arbComputedContainerWorld', () => {
  testProp('round-trips through the snapshot unchanged', [arbComputedContainerWorld()], ({ world }) => {
    const parsed = parseWorldSnapshot(toWorldSnapshot(world));
    expect(parsed.isOk() ? parsed.value : parsed.error).toStrictEqual(world);
  }, { numRuns });

  testProp('round-trips with bigger sizes too', [arbComputedContainerWorld({ maxContainers: 25 })], ({ world }) => {
    const parsed = parseWorldSnapshot(toWorldSnapshot(world));
    expect(parsed.isOk() ? parsed.value : parsed.error).toStrictEqual(world);
  }, { numRuns: fcNumRuns(10) });

  testProp('has unique, positive, ascending ids per kind', [arbComputedContainerWorld()], ({ world }) => {
    for (const list of [world.users, world.teams, world.datastores, world.containers]) {
      const ids = list.map((entity) => entity.id);
      expect(ids.every((id) => Number.isInteger(id) && id > 0)).toBe(true);
      expect(ids).toStrictEqual([...new Set(ids)].sort((a, b) => a - b));
    }
  }, { numRuns });

  testProp('gives the actor admin, the editor editor on both datastores, the others less', [arbComputedContainerWorld()], (w) => {
    const { world, users, source, destination } = w;
    expect(world.users.find((user) => user.id === w.actor.userId)?.role).toBe('admin');
    const teamsOf = (userId: number) => world.teams.filter((team) => team.members.includes(userId));
    expect(teamsOf(users.editor)[0]?.permissions[source.datastoreId]).toBe('editor');
    expect(teamsOf(users.editor)[0]?.permissions[destination.datastoreId]).toBe('editor');
    expect(teamsOf(users.viewer).every((team) => team.permissions[source.datastoreId] !== 'editor')).toBe(true);
    expect(teamsOf(users.outsider)).toStrictEqual([]);
  }, { numRuns });

  testProp('uses two datastores of the store type the kind needs, and only containers of the kind', [arbComputedContainerWorld()], (w) => {
    expect(w.source.datastoreId).not.toBe(w.destination.datastoreId);
    expect(w.world.datastores.map((datastore) => datastore.id).sort((a, b) => a - b)).toStrictEqual([w.source.datastoreId, w.destination.datastoreId].sort((a, b) => a - b));
    const storeType = w.kind === 'computed_table' ? 'jdbc' : 'dfs';
    expect(w.world.datastores.every((datastore) => datastore.store_type === storeType)).toBe(true);
    const allowed = w.kind === 'computed_table' ? ['table', 'view', 'computed_table'] : ['file_pattern', 'table', 'computed_file'];
    expect(w.world.containers.every((container) => allowed.includes(container.container_type))).toBe(true);
    expect(computedIn(w, w.source.datastoreId).length).toBeGreaterThanOrEqual(1);
    expect(computedIn(w, w.source.datastoreId).every((container) => container.tags.every((tag) => (computedContainerTagPool as readonly string[]).includes(tag)))).toBe(true);
  }, { numRuns });

  testProp('builds computed tables from the source’s live tables', [arbComputedContainerWorld({ kind: 'computed_table' })], (w) => {
    expect(w.kind).toBe('computed_table');
    const baseNames = containersIn(w, w.source.datastoreId)
      .filter((container) => container.container_type === 'table' && container.deleted_at === null)
      .map((container) => container.name);
    for (const table of computedIn(w, w.source.datastoreId)) {
      if (table.container_type !== 'computed_table') throw new Error('not a computed table');
      expect(baseNames.some((name) => table.query.includes(`FROM ${name}`))).toBe(true);
      expect(table.group_by_fields.every((name) => table.query.includes(name))).toBe(true);
      expect(table.incremental_field_name === null || table.incremental_field_name === 'updated_at' || table.group_by_fields.includes(table.incremental_field_name)).toBe(true);
    }
  }, { numRuns });

  testProp('lets every file world map: a live source computed file and a live, profiled destination pattern', [arbComputedContainerWorld({ kind: 'computed_file' })], (w) => {
    expect(w.kind).toBe('computed_file');
    expect(computedIn(w, w.source.datastoreId).some((container) => container.deleted_at === null)).toBe(true);
    expect(containersIn(w, w.destination.datastoreId).some(isLivePattern)).toBe(true);
    for (const file of w.world.containers) {
      if (file.container_type !== 'computed_file') continue;
      const pattern = w.world.containers.find((container) => container.id === file.source_container_id);
      expect(pattern).toMatchObject({ container_type: 'file_pattern', datastore_id: file.datastore_id });
    }
  }, { numRuns });

  testProp('links lineage from source computed containers into the destination datastore', [arbComputedContainerWorld()], (w) => {
    const sourceIds = new Set(computedIn(w, w.source.datastoreId).map((container) => container.id));
    for (const link of w.world.lineage) {
      expect(link).toMatchObject({ entity_type: w.kind, destination_scope_id: w.destination.datastoreId });
      expect(sourceIds.has(link.source_entity_id)).toBe(true);
      const target = w.world.containers.find((container) => container.id === link.destination_entity_id);
      if (target !== undefined) expect(target).toMatchObject({ datastore_id: w.destination.datastoreId, container_type: w.kind });
    }
  }, { numRuns });

  testProp('honours lineage: false and maxContainers', [arbComputedContainerWorld({ lineage: false, maxContainers: 1 })], (w) => {
    expect(w.world.lineage).toStrictEqual([]);
    expect(computedIn(w, w.source.datastoreId)).toHaveLength(1);
  }, { numRuns: fcNumRuns(20) });

  test('covers the interesting cases across a sample', () => {
    const sample = fc.sample(arbComputedContainerWorld(), { numRuns: 300, seed: 42 });
    expect(new Set(sample.map((w) => w.kind))).toStrictEqual(new Set(['computed_table', 'computed_file']));
    const pairs = sample.flatMap((w) =>
      computedIn(w, w.source.datastoreId).flatMap((source) =>
        containersIn(w, w.destination.datastoreId)
          .filter((other) => other.name.toLowerCase() === source.name.toLowerCase())
          .map((destination) => ({ w, source, destination })),
      ),
    );
    const copies = pairs.filter(({ w, destination }) => destination.container_type === w.kind);
    const mismatches = pairs.filter(({ w, destination }) => destination.container_type !== w.kind);
    expect(copies.length).toBeGreaterThan(100);
    expect(copies.some(({ destination }) => destination.deleted_at !== null)).toBe(true);
    expect(copies.some(({ source, destination }) => destination.name !== source.name)).toBe(true);
    expect(copies.some(({ source, destination }) => destination.description !== source.description)).toBe(true);
    const types = new Set(mismatches.map(({ w, destination }) => `${w.kind}/${destination.container_type}`));
    expect(types).toStrictEqual(new Set(['computed_table/table', 'computed_table/view', 'computed_file/file_pattern', 'computed_file/table']));
    // A name with both a copy and a plain container: the lowest id wins the fallback.
    expect(copies.some((copy) => mismatches.some((mismatch) => mismatch.source.id === copy.source.id))).toBe(true);
    expect(sample.some((w) => computedIn(w, w.source.datastoreId).some((container) => container.deleted_at !== null))).toBe(true);
    const destinationPatterns = sample.flatMap((w) => (w.kind === 'computed_file' ? containersIn(w, w.destination.datastoreId) : [])).filter((container) => container.container_type === 'file_pattern');
    expect(destinationPatterns.some((pattern) => !pattern.profiled && pattern.deleted_at === null)).toBe(true);
    expect(destinationPatterns.some((pattern) => pattern.deleted_at !== null)).toBe(true);
    expect(sample.some((w) => w.world.lineage.length > 0)).toBe(true);
    expect(sample.some((w) => w.world.lineage.some((link) => !w.world.containers.some((container) => container.id === link.destination_entity_id)))).toBe(true);
  });
});
