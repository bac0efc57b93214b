import { describe, expect, test } from 'vitest';
import type { Container, Datastore, Team, User } from '../domain/entities.js';
import { check, computedField, field, table } from '../plan/test-builders.js';
import type { Store } from '../ports/store.js';
import { createStoreRuntime } from '../ports/store-runtime.js';
import { createAccess } from './access.js';
import { storeAuthorization } from './store-authorization.js';
import { createWorldReads } from './world-reads.js';

const admin: User = { id: 1, email: 'admin@example.com', role: 'admin' };
const member: User = { id: 2, email: 'mira@example.com', role: 'member' };

const datastores: readonly Datastore[] = [
  { id: 1, name: 'staging', store_type: 'jdbc' },
  { id: 2, name: 'production', store_type: 'jdbc' },
  { id: 3, name: 'lake', store_type: 'dfs' },
  { id: 4, name: 'archive', store_type: 'jdbc' },
];
// Mira may read 1 (reporter, her lowest level) and 3; nothing on 2 or 4.
const teams: readonly Team[] = [
  { id: 10, name: 'analysts', members: [2], permissions: { 1: 'reporter' } },
  { id: 11, name: 'engineers', members: [2], permissions: { 3: 'editor' } },
];
const containers: readonly Container[] = [
  table(10, 1, 'orders'),
  table(11, 1, 'customers', { deleted_at: '2026-02-01T00:00:00Z' }),
  table(20, 2, 'orders'),
  table(30, 3, 'events'),
];
const fields = [field(100, 'email', { container_id: 10 }), field(101, 'amount', { container_id: 10, type: 'integral' }), field(300, 'ts', { container_id: 30, type: 'timestamp' })];
const checks = [check(1), check(2, { status: 'draft' }), check(3, { status: 'archived' }), check(4, { container_id: 20 })];
const computedFields = [computedField(50, 'email_lower', { container_id: 10 }), computedField(51, 'gone', { container_id: 10, status: 'deleted' }), computedField(60, 'x', { container_id: 20 })];

/** The world reads of a tiny world in arrays; every read is recorded, every other Store method is absent. */
function setup() {
  const calls: string[] = [];
  const adapter: Partial<Store> = {
    async findUser(by) {
      return [admin, member].find((user) => 'id' in by && user.id === by.id);
    },
    async teamsOfUser(userId) {
      return teams.filter((team) => team.members.includes(userId));
    },
    async getDatastore(id) {
      calls.push(`getDatastore ${id}`);
      return datastores.find((datastore) => datastore.id === id);
    },
    async listDatastores() {
      calls.push('listDatastores');
      return datastores;
    },
    async getContainer(id) {
      calls.push(`getContainer ${id}`);
      return containers.find((container) => container.id === id);
    },
    async listContainers(datastoreId) {
      calls.push(`listContainers ${datastoreId}`);
      return containers.filter((container) => container.datastore_id === datastoreId);
    },
    async listFields(containerId) {
      calls.push(`listFields ${containerId}`);
      return fields.filter((entry) => entry.container_id === containerId);
    },
    async listChecks(containerId) {
      calls.push(`listChecks ${containerId}`);
      return checks.filter((entry) => entry.container_id === containerId);
    },
    async listComputedFields(containerId) {
      calls.push(`listComputedFields ${containerId}`);
      return computedFields.filter((entry) => entry.container_id === containerId);
    },
    close: async () => undefined,
  };
  const runtime = createStoreRuntime(adapter as Store);
  return { reads: createWorldReads(runtime, createAccess(storeAuthorization(runtime.store))), calls };
}

const ids = (items: readonly { readonly id: number }[]) => items.map((item) => item.id);
const forbiddenOn = (user: User, datastore: Datastore) => ({
  kind: 'forbidden',
  message: `User ${user.email} needs reporter permission on datastore ${datastore.id} (${datastore.name})`,
});

describe('listDatastores', () => {
  test('a member sees only the datastores she may read', async () => {
    const listed = await setup().reads.listDatastores(member, {});
    expect(listed.isOk() && listed.value).toEqual({ items: [datastores[0], datastores[2]], total: 2, page: 1, size: 50 });
  });

  test('an admin sees every datastore', async () => {
    const listed = await setup().reads.listDatastores(admin, {});
    expect(listed.isOk() && listed.value).toEqual({ items: datastores, total: 4, page: 1, size: 50 });
  });

  test('paginated: page and size (query-string text) pick a slice; total counts them all', async () => {
    const { reads } = setup();
    const second = await reads.listDatastores(admin, { page: '2', size: '3' });
    expect(second.isOk() && second.value).toEqual({ items: [datastores[3]], total: 4, page: 2, size: 3 });
    const beyond = await reads.listDatastores(admin, { page: 3, size: 3 });
    expect(beyond.isOk() && beyond.value).toEqual({ items: [], total: 4, page: 3, size: 3 });
  });

  test.each([
    [{ size: 0 }, ['query', 'size']],
    [{ size: '1001' }, ['query', 'size']],
    [{ page: '0' }, ['query', 'page']],
    [{ page: '1e3' }, ['query', 'page']],
    [{ limit: '5' }, ['query', 'limit']],
  ])('refuses the query %j as invalid_request at %j, without reading the store', async (query, loc) => {
    const { reads, calls } = setup();
    const listed = await reads.listDatastores(admin, query);
    expect(listed.isErr() && listed.error.kind).toBe('invalid_request');
    expect(listed.isErr() && listed.error.kind === 'invalid_request' && listed.error.issues.map((issue) => issue.loc)).toEqual([loc]);
    expect(calls).toEqual([]);
  });
});

describe('listContainers', () => {
  test('of one readable datastore: its containers, soft-deleted included, each with its fields', async () => {
    const listed = await setup().reads.listContainers(member, { datastore: '1' });
    expect(listed.isOk() && listed.value).toEqual({
      items: [
        { ...containers[0], fields: [fields[0], fields[1]] },
        { ...containers[1], fields: [] },
      ],
      total: 2,
      page: 1,
      size: 50,
    });
  });

  test('of an unknown datastore: not_found', async () => {
    const listed = await setup().reads.listContainers(member, { datastore: 99 });
    expect(listed.isErr() && listed.error).toEqual({ kind: 'not_found', entity: 'Datastore', id: 99, message: 'Datastore 99 not found' });
  });

  test('of a datastore the member may not read: forbidden, naming the datastore, and no container read', async () => {
    const { reads, calls } = setup();
    const listed = await reads.listContainers(member, { datastore: 2 });
    expect(listed.isErr() && listed.error).toEqual(forbiddenOn(member, datastores[1] as Datastore));
    expect(listed.isErr() && listed.error.kind === 'forbidden' && listed.error.message).toBe('User mira@example.com needs reporter permission on datastore 2 (production)');
    expect(calls.filter((call) => call.startsWith('listContainers'))).toEqual([]);
  });

  test('without a datastore: the containers of every readable datastore, in datastore order', async () => {
    const forMember = await setup().reads.listContainers(member, {});
    expect(forMember.isOk() && ids(forMember.value.items)).toEqual([10, 11, 30]);
    expect(forMember.isOk() && forMember.value.items.map((container) => ids(container.fields))).toEqual([[100, 101], [], [300]]);
    expect(forMember.isOk() && forMember.value.total).toBe(3);
    const forAdmin = await setup().reads.listContainers(admin, {});
    expect(forAdmin.isOk() && ids(forAdmin.value.items)).toEqual([10, 11, 20, 30]);
  });

  test('paginated, reading the fields of the shown containers only', async () => {
    const { reads, calls } = setup();
    const listed = await reads.listContainers(admin, { page: 2, size: 2 });
    expect(listed.isOk() && listed.value).toMatchObject({ total: 4, page: 2, size: 2 });
    expect(listed.isOk() && ids(listed.value.items)).toEqual([20, 30]);
    expect(calls.filter((call) => call.startsWith('listFields')).sort()).toEqual(['listFields 20', 'listFields 30']);
  });

  test('size 0 → invalid_request at query.size', async () => {
    const listed = await setup().reads.listContainers(admin, { size: '0' });
    expect(listed.isErr() && listed.error.kind === 'invalid_request' && listed.error.issues.map((issue) => issue.loc)).toEqual([['query', 'size']]);
  });
});

describe.each([
  ['listChecks', (container: number) => ids(checks.filter((entry) => entry.container_id === container))],
  ['listComputedFields', (container: number) => ids(computedFields.filter((entry) => entry.container_id === container))],
] as const)('%s', (method, expectedIds) => {
  test('of a readable container: every status, ascending id', async () => {
    const listed = await setup().reads[method](member, { container: '10' });
    expect(listed.isOk() && ids(listed.value.items)).toEqual(expectedIds(10));
    expect(listed.isOk() && ids(listed.value.items)).toEqual(method === 'listChecks' ? [1, 2, 3] : [50, 51]);
    expect(listed.isOk() && listed.value.total).toBe(method === 'listChecks' ? 3 : 2);
  });

  test('paginated', async () => {
    const listed = await setup().reads[method](member, { container: 10, page: 2, size: 1 });
    expect(listed.isOk() && listed.value).toMatchObject({ total: method === 'listChecks' ? 3 : 2, page: 2, size: 1 });
    expect(listed.isOk() && ids(listed.value.items)).toEqual([method === 'listChecks' ? 2 : 51]);
  });

  test('needs a container: invalid_request at query.container, nothing read', async () => {
    const { reads, calls } = setup();
    const listed = await reads[method](admin, {});
    expect(listed.isErr() && listed.error).toEqual({
      kind: 'invalid_request',
      issues: [{ loc: ['query', 'container'], msg: 'Field required', type: 'missing' }],
    });
    expect(calls).toEqual([]);
  });

  test('of an unknown container: not_found', async () => {
    const listed = await setup().reads[method](admin, { container: 77 });
    expect(listed.isErr() && listed.error).toEqual({ kind: 'not_found', entity: 'Container', id: 77, message: 'Container 77 not found' });
  });

  test("of a container in a datastore the member may not read: forbidden, and its content is not read", async () => {
    const { reads, calls } = setup();
    const listed = await reads[method](member, { container: 20 });
    expect(listed.isErr() && listed.error).toEqual(forbiddenOn(member, datastores[1] as Datastore));
    expect(calls).toEqual(['getContainer 20', 'getDatastore 2']);
  });

  test('size 0 → invalid_request at query.size', async () => {
    const listed = await setup().reads[method](admin, { container: 10, size: 0 });
    expect(listed.isErr() && listed.error.kind === 'invalid_request' && listed.error.issues.map((issue) => issue.loc)).toEqual([['query', 'size']]);
  });
});

describe('a failing store', () => {
  test('answers a store_failure', async () => {
    const adapter: Partial<Store> = {
      listDatastores: () => Promise.reject(new Error('database is locked')),
      teamsOfUser: async () => [],
      close: async () => undefined,
    };
    const runtime = createStoreRuntime(adapter as Store);
    const reads = createWorldReads(runtime, createAccess(storeAuthorization(runtime.store)));
    const listed = await reads.listDatastores(member, {});
    expect(listed.isErr() && listed.error).toMatchObject({ kind: 'store_failure', message: 'Store failure: database is locked' });
  });
});
