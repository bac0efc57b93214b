import { describe, expect, test } from 'vitest';
import { computedFieldSchema, containerWithFieldsSchema, datastoreSchema, pageSchema, qualityCheckSchema } from './openapi/response-schemas.js';
import { expectShape, testApi, tokens } from './testing/fixtures.js';

const ids = (page: { items: { id: number }[] }) => page.items.map((item) => item.id);

describe('GET /api/datastores', () => {
  test('the datastores the user may read, ascending id, paginated', async () => {
    const api = testApi();
    const jane = await api.call('GET', '/api/datastores');
    expect(jane.status).toBe(200);
    expectShape(pageSchema(datastoreSchema), jane.body);
    expect(jane.body).toMatchObject({ total: 4, page: 1, size: 50 });
    expect(jane.body.items[0]).toEqual({ id: 1, name: 'Staging Warehouse', store_type: 'jdbc' });
    expect(ids((await api.call('GET', '/api/datastores', { token: tokens.viewer })).body)).toEqual([1, 2, 3, 4]);
    expect((await api.call('GET', '/api/datastores', { token: tokens.admin })).body.total).toBe(4);
    expect((await api.call('GET', '/api/datastores', { token: tokens.noTeam })).body).toEqual({ items: [], total: 0, page: 1, size: 50 });
    expect(ids((await api.call('GET', '/api/datastores?size=3&page=2')).body)).toEqual([4]);
  });

  test('bad query parameters are 422', async () => {
    const api = testApi();
    for (const query of ['page=0', 'size=0', 'size=1001', 'page=two', 'sort=name']) {
      const answer = await api.call('GET', `/api/datastores?${query}`);
      expect([query, answer.status]).toEqual([query, 422]);
      expect(answer.body.detail[0].loc[0]).toBe('query');
    }
  });
});

describe('GET /api/containers', () => {
  test('containers of a datastore with their fields, soft-deleted ones included', async () => {
    const api = testApi();
    const production = await api.call('GET', '/api/containers?datastore=2');
    expect(production.status).toBe(200);
    expectShape(pageSchema(containerWithFieldsSchema), production.body);
    expect(ids(production.body)).toEqual(expect.arrayContaining([20, 21, 22, 23, 30, 46, 47]));
    expect(production.body.items.every((container: { datastore_id: number }) => container.datastore_id === 2)).toBe(true);
    const orders = production.body.items.find((container: { id: number }) => container.id === 20);
    expect(orders.fields.map((field: { name: string }) => field.name)).toContain('Email');
    const deleted = production.body.items.find((container: { id: number }) => container.id === 46);
    expect(deleted).toMatchObject({ container_type: 'computed_table', name: 'daily_revenue', deleted_at: expect.any(String) });
  });

  test('without a datastore: the containers of every readable datastore', async () => {
    const api = testApi();
    const all = await api.call('GET', '/api/containers?size=1000');
    const datastores = new Set(all.body.items.map((container: { datastore_id: number }) => container.datastore_id));
    expect([...datastores].sort()).toEqual([1, 2, 3, 4]);
    expect(all.body.total).toBe(all.body.items.length);
    expect((await api.call('GET', '/api/containers', { token: tokens.noTeam })).body.total).toBe(0);
  });

  test('404 for an unknown datastore, 403 without reporter on it, 422 for a bad id', async () => {
    const api = testApi();
    expect(await api.call('GET', '/api/containers?datastore=99')).toMatchObject({ status: 404, body: { detail: 'Datastore 99 not found' } });
    const denied = await api.call('GET', '/api/containers?datastore=1', { token: tokens.noTeam });
    expect(denied.status).toBe(403);
    expect(denied.body.detail).toContain('reporter');
    const bad = await api.call('GET', '/api/containers?datastore=-1');
    expect(bad.status).toBe(422);
    expect(bad.body.detail[0].loc).toEqual(['query', 'datastore']);
  });
});

describe('GET /api/quality-checks and /api/computed-fields', () => {
  test('the checks of a container, every status', async () => {
    const api = testApi();
    const checks = await api.call('GET', '/api/quality-checks?container=10&size=1000');
    expect(checks.status).toBe(200);
    expectShape(pageSchema(qualityCheckSchema), checks.body);
    expect(checks.body.items.every((check: { container_id: number }) => check.container_id === 10)).toBe(true);
    expect(checks.body.items.find((check: { id: number }) => check.id === 101)).toMatchObject({ description: 'Email format validation', rule_type: 'matches_pattern' });
    expect(checks.body.items.some((check: { status: string }) => check.status === 'archived')).toBe(true);
    const second = await api.call('GET', '/api/quality-checks?container=10&size=2&page=2');
    expect(ids(second.body)).toEqual(ids(checks.body).slice(2, 4));
  });

  test('the computed fields of a container', async () => {
    const api = testApi();
    const fields = await api.call('GET', '/api/computed-fields?container=10');
    expect(fields.status).toBe(200);
    expectShape(pageSchema(computedFieldSchema), fields.body);
    expect(fields.body.items.find((field: { id: number }) => field.id === 101)).toMatchObject({ name: 'amount_usd', transformation: 'cast' });
  });

  test('container is required; 404 for an unknown container, 403 without reporter', async () => {
    const api = testApi();
    for (const path of ['/api/quality-checks', '/api/computed-fields']) {
      const missing = await api.call('GET', path);
      expect(missing.status).toBe(422);
      expect(missing.body.detail).toEqual([{ loc: ['query', 'container'], msg: 'Field required', type: 'missing' }]);
      expect(await api.call('GET', `${path}?container=999`)).toMatchObject({ status: 404, body: { detail: 'Container 999 not found' } });
      expect((await api.call('GET', `${path}?container=10`, { token: tokens.noTeam })).status).toBe(403);
      expect((await api.call('GET', `${path}?container=10`, { token: tokens.viewer })).status).toBe(200);
    }
  });
});

describe('integers in query strings', () => {
  test('are plain decimal digits: hexadecimal, padded or exponent forms are 422', async () => {
    const api = testApi();
    for (const value of ['0x0A', '%2010', '1e3', '1.0', '-1']) {
      const answer = await api.call('GET', `/api/containers?datastore=${value}`);
      expect([value, answer.status]).toEqual([value, 422]);
    }
    expect((await api.call('GET', '/api/containers?datastore=1')).status).toBe(200);
    expect((await api.call('GET', '/api/operations?page=1e0')).status).toBe(422);
  });
});
