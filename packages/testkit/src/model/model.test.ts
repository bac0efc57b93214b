import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { parseWorldSnapshot, type ComputedField, type World } from '@promote/core';
import { dependencyOrder } from './model-dependencies.js';
import { modelPromote } from './model-promote.js';
import { normalisedFilter, pythonListRepr, pythonRepr } from './model-text.js';
import { applyModelEdits, toModelWorld } from './model-world.js';

const examples = new URL('../../../../docs/examples/', import.meta.url);
const exampleWorld = (): World => parseWorldSnapshot(JSON.parse(readFileSync(fileURLToPath(new URL('world.json', examples)), 'utf8')))._unsafeUnwrap();
const request = (name: string): unknown => JSON.parse(readFileSync(fileURLToPath(new URL(`requests/${name}`, examples)), 'utf8'));
const outcomes = (outcome: ReturnType<typeof modelPromote>) =>
  outcome.kind === 'operation' ? outcome.results.map((result) => [result.source_entity_id, result.result, result.message]) : outcome;

describe('the reference model on its own', () => {
  test('texts: Python-style lists (§7) and normalised filters (§4)', () => {
    expect(pythonListRepr(['email', 'Phone'])).toBe("['email', 'Phone']");
    expect(pythonRepr("it's")).toBe(`"it's"`);
    expect(pythonRepr(`a'b"c`)).toBe(`'a\\'b"c'`);
    expect(normalisedFilter('  amount \t>\n 0 ')).toBe('amount > 0');
    expect(normalisedFilter(null)).toBe('');
  });

  const field = (id: number, name: string, uses: string): ComputedField => ({
    id,
    container_id: 1,
    name,
    transformation: 'custom_expression',
    source_fields: [],
    properties: { column_expression: uses },
    description: '',
    tags: [],
    additional_metadata: {},
    status: 'active',
  });

  test('§6 order: parents first, ties by ascending id; a cycle is named from its lowest id', () => {
    const ordered = dependencyOrder([field(5, 'c', 'a + b'), field(3, 'b', '1'), field(4, 'a', '`B` * 2')]);
    expect(ordered.kind === 'ordered' && ordered.order.map((item) => item.name)).toEqual(['b', 'a', 'c']);
    expect(dependencyOrder([field(1, 'a', 'c + 1'), field(2, 'b', 'a'), field(3, 'c', 'B')])).toEqual({ kind: 'cycle', names: ['a', 'b', 'c', 'a'] });
  });

  test("the seed's computed-field example: the chain 101 ← 102 ← 103 into container 30", () => {
    expect(outcomes(modelPromote(exampleWorld(), { email: 'jane@example.com' }, request('computed-field-seed.json')))).toEqual([
      [101, 'skipped', null],
      [102, 'created', null],
      [103, 'updated', 'Reactivated non-active field on destination'],
    ]);
  });

  test("the seed's computed-table example: revived, created, and a type mismatch", () => {
    const outcome = modelPromote(exampleWorld(), { email: 'jane@example.com' }, request('computed-table-seed.json'));
    expect(outcomes(outcome)).toEqual([
      [40, 'updated', 'Reactivated soft-deleted container on destination'],
      [41, 'created', null],
      [42, 'failed', 'Cannot promote over non-computed-table container (type: table)'],
    ]);
    expect(outcome.kind === 'operation' && outcome.results[2]?.destination_entity_id).toBe(47);
  });

  test('refusals in the order of §2.1: shape, 404, 403, then semantics', () => {
    const world = exampleWorld();
    const body = { type: 'promote_quality_check', datastore_id: 1, container_id: 10, destination_container_id: 10 };
    expect(modelPromote(world, { email: 'jane@example.com' }, { ...body, check_tag: ['x'] })).toMatchObject({ status: 422, error: { kind: 'invalid_request' } });
    expect(modelPromote(world, { email: 'jane@example.com' }, { ...body, destination_container_id: 999 })).toMatchObject({ status: 404, error: { message: 'Container 999 not found' } });
    expect(modelPromote(world, { email: 'victor@example.com' }, body)).toMatchObject({ status: 403 });
    expect(modelPromote(world, { email: 'jane@example.com' }, body)).toMatchObject({ status: 422, error: { message: 'Source and destination must be different' } });
  });

  test('created ids are 1 + the highest id a kind ever had, deletes included', () => {
    const world = exampleWorld();
    const highest = Math.max(...world.quality_checks.map((check) => check.id));
    const edited = applyModelEdits(toModelWorld(world), [{ kind: 'delete', entity: 'quality_check', id: highest }]);
    if (!edited.ok) throw new Error(edited.reason);
    const outcome = modelPromote(edited.model, { email: 'jane@example.com' }, request('qc-seed.json'));
    const created = outcome.kind === 'operation' ? outcome.results.filter((result) => result.result === 'created') : [];
    expect(created.length).toBeGreaterThan(0);
    expect(created[0]?.destination_entity_id).toBe(highest + 1);
  });
});
