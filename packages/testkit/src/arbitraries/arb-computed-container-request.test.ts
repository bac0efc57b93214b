import { parseWith, promoteComputedFileSchema, promoteComputedTableSchema, promoteRequestSchema } from '@promote/core';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { arbComputedFileRequest, arbComputedTableRequest } from './arb-computed-container-request.js';
import { arbComputedContainerWorld, type ComputedContainerWorld } from './arb-computed-container-world.js';
import { fcNumRuns } from './fc-num-runs.js';
import { testProp } from '../properties/test-prop.js';

const arbTableCase = arbComputedContainerWorld({ kind: 'computed_table' }).chain((w) => fc.tuple(fc.constant(w), arbComputedTableRequest(w)));
const arbFileCase = arbComputedContainerWorld({ kind: 'computed_file' }).chain((w) => fc.tuple(fc.constant(w), arbComputedFileRequest(w)));

const containerOf = (w: ComputedContainerWorld, id: number) => w.world.containers.find((container) => container.id === id);
const storeTypeOf = (w: ComputedContainerWorld, id: number) => w.world.datastores.find((datastore) => datastore.id === id)?.store_type;

describe('arbComputedTableRequest', () => {
  testProp('generates bodies that promoteRequestSchema accepts', [arbTableCase], ([, body]) => {
    const parsed = promoteRequestSchema.safeParse(body);
    expect(parsed.success ? 'ok' : parsed.error.issues).toBe('ok');
  }, { numRuns: fcNumRuns(100) });

  testProp('passes §2.1: two JDBC datastores, listed ids live computed tables of the source', [arbTableCase], ([w, body]) => {
    const parsed = parseWith(promoteComputedTableSchema, body);
    expect(parsed.isOk()).toBe(true);
    if (!parsed.isOk()) return;
    const request = parsed.value;
    expect([request.datastore_id, request.destination_datastore_id]).toStrictEqual([w.source.datastoreId, w.destination.datastoreId]);
    expect(request.datastore_id).not.toBe(request.destination_datastore_id);
    expect([storeTypeOf(w, request.datastore_id), storeTypeOf(w, request.destination_datastore_id)]).toStrictEqual(['jdbc', 'jdbc']);
    for (const id of request.container_ids ?? []) {
      expect(containerOf(w, id)).toMatchObject({ datastore_id: w.source.datastoreId, container_type: 'computed_table', deleted_at: null });
    }
    expect(request.container_tags === undefined || request.container_tags.every((tag) => w.tagPool.includes(tag))).toBe(true);
    expect(request.container_ids !== undefined && request.container_tags !== undefined).toBe(false);
    expect(Object.values(body as Record<string, unknown>).includes(undefined)).toBe(false);
  }, { numRuns: fcNumRuns(100) });

  test('covers every selection form across a sample', () => {
    const bodies = fc.sample(arbTableCase, { numRuns: 300, seed: 7 }).map(([, body]) => body);
    expect(bodies.some((body) => body.container_ids !== undefined)).toBe(true);
    expect(bodies.some((body) => body.container_tags !== undefined)).toBe(true);
    expect(bodies.some((body) => body.container_ids === undefined && body.container_tags === undefined)).toBe(true);
    expect(bodies.some((body) => body.container_additional_tags !== undefined)).toBe(true);
  });
});

describe('arbComputedFileRequest', () => {
  testProp('generates bodies that promoteRequestSchema accepts', [arbFileCase], ([, body]) => {
    const parsed = promoteRequestSchema.safeParse(body);
    expect(parsed.success ? 'ok' : parsed.error.issues).toBe('ok');
  }, { numRuns: fcNumRuns(100) });

  testProp('passes §2.1: two DFS datastores, live computed files mapped to live, profiled patterns', [arbFileCase], ([w, body]) => {
    const parsed = parseWith(promoteComputedFileSchema, body);
    expect(parsed.isOk()).toBe(true);
    if (!parsed.isOk()) return;
    const request = parsed.value;
    expect([request.datastore_id, request.destination_datastore_id]).toStrictEqual([w.source.datastoreId, w.destination.datastoreId]);
    expect(request.datastore_id).not.toBe(request.destination_datastore_id);
    expect([storeTypeOf(w, request.datastore_id), storeTypeOf(w, request.destination_datastore_id)]).toStrictEqual(['dfs', 'dfs']);
    expect(request.source_container_mappings.length).toBeGreaterThanOrEqual(1);
    for (const mapping of request.source_container_mappings) {
      expect(containerOf(w, mapping.container_id)).toMatchObject({ datastore_id: w.source.datastoreId, container_type: 'computed_file', deleted_at: null });
      expect(containerOf(w, mapping.destination_container_id)).toMatchObject({
        datastore_id: w.destination.datastoreId,
        container_type: 'file_pattern',
        deleted_at: null,
        profiled: true,
      });
    }
  }, { numRuns: fcNumRuns(100) });

  test('covers shared destinations and additional tags across a sample', () => {
    const bodies = fc.sample(arbFileCase, { numRuns: 300, seed: 7 }).map(([, body]) => body);
    expect(bodies.some((body) => body.source_container_mappings.length > 1)).toBe(true);
    const shared = bodies.filter((body) => {
      const destinations = body.source_container_mappings.map((mapping) => mapping.destination_container_id);
      return new Set(destinations).size < destinations.length;
    });
    expect(shared.length).toBeGreaterThan(0);
    expect(bodies.some((body) => body.container_additional_tags !== undefined)).toBe(true);
  });

  test('refuses a world it cannot map', () => {
    const [w] = fc.sample(arbComputedContainerWorld({ kind: 'computed_file' }), { numRuns: 1, seed: 1 });
    if (w === undefined) throw new Error('no sample');
    const withoutPatterns = { ...w, world: { ...w.world, containers: w.world.containers.filter((container) => container.container_type !== 'file_pattern') } };
    expect(() => arbComputedFileRequest(withoutPatterns)).toThrow(/live, profiled destination file pattern/);
  });
});
