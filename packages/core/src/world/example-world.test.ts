import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { createReferenceDataplane } from '../dataplane/reference-dataplane.js';
import type { Container, QualityCheck } from '../domain/entities.js';
import { promoteRequestSchema } from '../domain/requests.js';
import { parseWorldSnapshot } from './snapshot.js';
import type { World } from './world.js';

const examples = new URL('../../../../docs/examples/', import.meta.url);
const readJson = (relative: string): unknown => JSON.parse(readFileSync(new URL(relative, examples), 'utf8'));

function loadWorld(): World {
  const result = parseWorldSnapshot(readJson('world.json'));
  if (result.isErr()) throw new Error(`docs/examples/world.json is invalid: ${JSON.stringify(result.error.problems, null, 2)}`);
  return result.value;
}

function request(name: string) {
  const result = promoteRequestSchema.safeParse(readJson(`requests/${name}`));
  if (!result.success) throw new Error(`${name}: ${result.error.message}`);
  return result.data;
}

const world = loadWorld();
const container = (id: number): Container => {
  const found = world.containers.find((candidate) => candidate.id === id);
  if (found === undefined) throw new Error(`container ${id} missing from the example world`);
  return found;
};
const checksOn = (containerId: number) => world.quality_checks.filter((check) => check.container_id === containerId);
const selectable = (check: QualityCheck) => check.status === 'active' || check.status === 'draft';

describe('the example world', () => {
  test('is a valid snapshot', () => {
    expect(parseWorldSnapshot(readJson('world.json')).isOk()).toBe(true);
  });

  test('names the seed’s datastores and containers', () => {
    expect(world.datastores.find((datastore) => datastore.id === 1)).toEqual({ id: 1, name: 'Staging Warehouse', store_type: 'jdbc' });
    expect(world.datastores.find((datastore) => datastore.id === 2)).toEqual({ id: 2, name: 'Production Warehouse', store_type: 'jdbc' });
    expect(container(10)).toMatchObject({ datastore_id: 1, name: 'orders' });
    expect(container(20)).toMatchObject({ datastore_id: 2, name: 'orders' });
    expect(container(30)).toMatchObject({ datastore_id: 2 });
    expect(world.users.find((user) => user.email === 'jane@example.com')).toBeDefined();
  });

  test('has at least 20 checks on container 10 spanning at least 10 rule types, in every status', () => {
    const checks = checksOn(10);
    expect(checks.length).toBeGreaterThanOrEqual(20);
    expect(new Set(checks.map((check) => check.rule_type)).size).toBeGreaterThanOrEqual(10);
    expect(new Set(checks.map((check) => check.status))).toEqual(new Set(['active', 'draft', 'archived', 'discarded']));
  });

  test('the seed’s quality-check example selects checks by tag, excluding archived and discarded ones', () => {
    const body = request('qc-seed.json');
    if (body.type !== 'promote_quality_check') throw new Error('qc-seed.json is not a quality-check promotion');
    const tags = new Set(body.check_tags);
    const tagged = checksOn(body.container_id).filter((check) => check.tags.some((tag) => tags.has(tag)));
    const selected = tagged.filter(selectable);
    expect(selected.length).toBeGreaterThanOrEqual(1);
    expect(selected.map((check) => check.id)).toEqual([101, 102, 103, 104, 105]);
    expect(tagged.length).toBeGreaterThan(selected.length);
  });

  test('the first check of the seed’s example is the one its response shows', () => {
    expect(world.quality_checks.find((check) => check.id === 101)).toMatchObject({
      description: 'Email format validation',
      rule_type: 'matches_pattern',
      status: 'active',
    });
  });

  test('production orders hold a check identical to a staging one and a lineage-linked one that differs in a property', () => {
    const identical = world.quality_checks.find((check) => check.id === 196);
    const staging = world.quality_checks.find((check) => check.id === 104);
    expect(identical?.container_id).toBe(20);
    expect(identical?.properties).toEqual(staging?.properties);
    expect(identical?.fields.map((name) => name.toLowerCase())).toEqual(staging?.fields);
    expect(world.lineage).toContainEqual({ entity_type: 'quality_check', source_entity_id: 105, destination_scope_id: 20, destination_entity_id: 197 });
    expect(world.quality_checks.find((check) => check.id === 197)?.properties).not.toEqual(
      world.quality_checks.find((check) => check.id === 105)?.properties,
    );
  });

  test('the destination orders differ in casing and miss some fields', () => {
    const available = (containerId: number) =>
      world.fields.filter((field) => field.container_id === containerId && (field.status === 'active' || field.status === 'masked')).map((field) => field.name);
    const source = available(10);
    const destination = available(20);
    expect(destination).toContain('Email');
    expect(source).toContain('email');
    const destinationKeys = new Set(destination.map((name) => name.toLowerCase()));
    expect(source.filter((name) => !destinationKeys.has(name.toLowerCase()))).toEqual(['phone', 'coupon_code']);
  });

  test('exists_in references point at staging tables, one of which production lacks', () => {
    const references = checksOn(10)
      .filter((check) => check.rule_type === 'exists_in')
      .map((check) => container(Number(check.properties['ref_container_id'])));
    expect(references.map((reference) => reference.datastore_id)).toEqual([1, 1]);
    const productionNames = new Set(world.containers.filter((candidate) => candidate.datastore_id === 2).map((candidate) => candidate.name));
    expect(references.map((reference) => productionNames.has(reference.name))).toEqual([true, false]);
  });

  test('computed fields 101 → 102 → 103 form a dependency chain', () => {
    const byId = new Map(world.computed_fields.map((computed) => [computed.id, computed]));
    expect(byId.get(101)).toMatchObject({ container_id: 10, name: 'amount_usd', transformation: 'cast', source_fields: ['amount'] });
    expect(String(byId.get(102)?.properties['column_expression'])).toMatch(/\bamount_usd\b/);
    expect(String(byId.get(103)?.properties['column_expression'])).toMatch(/\bamount_with_tax\b/);
  });

  test('computed tables tagged analytics meet a soft-deleted namesake and a plain table at the destination', () => {
    const analytics = world.containers.filter((candidate) => candidate.datastore_id === 1 && candidate.container_type === 'computed_table' && candidate.tags.includes('analytics'));
    const destination = new Map(world.containers.filter((candidate) => candidate.datastore_id === 2).map((candidate) => [candidate.name, candidate]));
    const namesakes = analytics.map((table) => destination.get(table.name));
    expect(namesakes.map((namesake) => namesake === undefined ? 'none' : `${namesake.container_type}${namesake.deleted_at === null ? '' : ' (deleted)'}`)).toEqual([
      'computed_table (deleted)',
      'none',
      'table',
    ]);
  });

  test('the request examples are valid bodies naming things of the world', () => {
    const files = readdirSync(new URL('requests/', examples)).filter((name) => name.endsWith('.json'));
    expect(files).toEqual(expect.arrayContaining(['qc-seed.json', 'computed-field-seed.json', 'computed-table-seed.json', 'computed-file-seed.json']));
    const datastoreIds = new Set(world.datastores.map((datastore) => datastore.id));
    const containerIds = new Set(world.containers.map((candidate) => candidate.id));
    for (const file of files) {
      const body = request(file);
      expect(datastoreIds.has(body.datastore_id), file).toBe(true);
      if ('container_id' in body) expect(containerIds.has(body.container_id) && containerIds.has(body.destination_container_id), file).toBe(true);
      if ('destination_datastore_id' in body) expect(datastoreIds.has(body.destination_datastore_id), file).toBe(true);
    }
  });

  test('the seed’s computed-file example names a JDBC source; the lake example is a valid DFS promotion', () => {
    const seed = request('computed-file-seed.json');
    const lake = request('computed-file-lake.json');
    if (seed.type !== 'promote_computed_file' || lake.type !== 'promote_computed_file') throw new Error('not computed-file promotions');
    const storeType = (id: number) => world.datastores.find((datastore) => datastore.id === id)?.store_type;
    expect(storeType(seed.datastore_id)).toBe('jdbc');
    expect([storeType(lake.datastore_id), storeType(lake.destination_datastore_id)]).toEqual(['dfs', 'dfs']);
    expect(seed.source_container_mappings).toEqual(lake.source_container_mappings);
    for (const mapping of lake.source_container_mappings) {
      expect(container(mapping.container_id)).toMatchObject({ datastore_id: lake.datastore_id, container_type: 'computed_file' });
      expect(container(mapping.destination_container_id)).toMatchObject({
        datastore_id: lake.destination_datastore_id,
        container_type: 'file_pattern',
        deleted_at: null,
        profiled: true,
      });
    }
  });

  test('the reference dataplane rejects what the all-active example is meant to fail on production orders', async () => {
    const target = {
      container: container(20),
      fields: world.fields.filter((field) => field.container_id === 20),
      computedFields: world.computed_fields.filter((computed) => computed.container_id === 20),
    };
    const items = [108, 110, 125, 126].map((id) => {
      const check = world.quality_checks.find((candidate) => candidate.id === id);
      if (check === undefined) throw new Error(`check ${id} missing`);
      return { sourceCheckId: id, check };
    });
    await expect(createReferenceDataplane().validate(target, items)).resolves.toEqual([
      { valid: true },
      { valid: false, reason: "field 'quantity' has type string, not accepted by rule type 'min_value'" },
      { valid: false, reason: "pattern '^(USD|EUR|GBP$' is not a valid regular expression" },
      { valid: false, reason: 'min 500 is greater than max 50' },
    ]);
  });
});
