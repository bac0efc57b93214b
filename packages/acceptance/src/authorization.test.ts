import { describe, expect, test } from 'vitest';
import { createPromoter, createReferenceDataplane, steppingClock, type Authorization, type PermissionLevel, type Store, type User } from '@promote/core';
import { createMemoryStore } from '@promote/store-memory';
import { qcRequest, smallWorld } from './fixtures.js';

/**
 * An embedder's own identity system (docs/authorization.md): sessions and an ACL the engine's world
 * knows nothing of — the world below has no users and no teams.
 */
function platformAuthorization() {
  const sessions = new Map<string, User>([
    ['session-ada', { id: 501, email: 'ada@platform.example', role: 'member' }],
    ['session-root', { id: 502, email: 'root@platform.example', role: 'admin' }],
  ]);
  const acl = new Map<number, Map<number, PermissionLevel>>([[501, new Map<number, PermissionLevel>([[1, 'editor'], [2, 'editor'], [3, 'reporter']])]]);
  const ranks = ['reporter', 'viewer', 'drafter', 'author', 'editor'];
  const atLeast = (held: PermissionLevel | undefined, level: PermissionLevel) => held !== undefined && ranks.indexOf(held) >= ranks.indexOf(level);
  const asked: string[] = [];
  const authorization: Authorization = {
    async identify(actor) {
      asked.push('identify');
      return 'token' in actor ? sessions.get(actor.token) : undefined;
    },
    async permits(user, level, datastoreIds) {
      asked.push(`permits ${level} ${datastoreIds.join(',')}`);
      return datastoreIds.map((id) => user.role === 'admin' || atLeast(acl.get(user.id)?.get(id), level));
    },
    async visibleDatastores(user, level) {
      asked.push(`visible ${level}`);
      if (user.role === 'admin') return 'all';
      return [...(acl.get(user.id) ?? new Map<number, PermissionLevel>())].filter(([, held]) => atLeast(held, level)).map(([id]) => id).sort((a, b) => a - b);
    },
  };
  return { authorization, asked };
}

function engineWithoutUsers() {
  const world = { ...smallWorld(Array.from({ length: 3 }, (_, index) => ({ id: index + 1 }))), users: [], teams: [] };
  const store: Store = createMemoryStore({ world });
  const { authorization, asked } = platformAuthorization();
  const promoter = createPromoter({ store, dataplane: createReferenceDataplane(), clock: steppingClock(), authorization });
  return { store, promoter, asked };
}

describe('an embedder’s Authorization port (§11)', () => {
  test('users and rights come from the port, not from the world: runs, reads and refusals with the service’s messages', async () => {
    const { promoter, store } = engineWithoutUsers();
    const ada = { token: 'session-ada' };
    const started = (await promoter.run(ada, qcRequest()))._unsafeUnwrap();
    expect(started.triggered_by).toBe('ada@platform.example');
    await promoter.waitFor(started.id);
    expect((await promoter.getOperation(ada, started.id))._unsafeUnwrap()).toMatchObject({ result: 'success', status: { created: 3 } });
    expect(await store.listChecks(20)).toHaveLength(3);

    expect((await promoter.run({ token: 'nobody' }, qcRequest()))._unsafeUnwrapErr()).toEqual({ kind: 'unauthenticated', message: 'Unknown user' });
    expect((await promoter.run({ email: 'ada@platform.example' }, qcRequest()))._unsafeUnwrapErr().kind).toBe('unauthenticated');
    const root = { token: 'session-root' };
    expect((await promoter.abort(root, started.id))._unsafeUnwrap().result).toBe('success');
  });

  test('permission refusals name the first missing need, as with the default', async () => {
    const { promoter } = engineWithoutUsers();
    const world = await promoter.listDatastores({ token: 'session-ada' });
    expect(world._unsafeUnwrap().items.map((datastore) => datastore.id)).toEqual([1, 2]);
    // Datastore 3 does not exist in this world: the ACL may name datastores the engine does not know.
    const refused = await promoter.listChecks({ user: { id: 503, email: 'eve@platform.example', role: 'member' } }, { container: 10 });
    expect(refused._unsafeUnwrapErr()).toEqual({ kind: 'forbidden', message: 'User eve@platform.example needs reporter permission on datastore 1 (Staging Warehouse)' });
  });

  test('an actor given as { user } is not identified again; operation listings ask which datastores are visible, and page in the store', async () => {
    const { promoter, asked } = engineWithoutUsers();
    const ada: User = { id: 501, email: 'ada@platform.example', role: 'member' };
    for (let index = 0; index < 3; index++) await promoter.waitFor((await promoter.run({ user: ada }, qcRequest()))._unsafeUnwrap().id);
    const page = (await promoter.listOperations({ user: ada }, { page: 2, size: 2 }))._unsafeUnwrap();
    expect({ ids: page.items.map((operation) => operation.id), total: page.total }).toEqual({ ids: [1], total: 3 });
    expect(asked).not.toContain('identify');
    expect(asked).toContain('visible reporter');
    const outsider: User = { id: 503, email: 'eve@platform.example', role: 'member' };
    expect((await promoter.listOperations({ user: outsider }))._unsafeUnwrap()).toMatchObject({ items: [], total: 0 });
  });

  test('a port that fails answers store_failure, and nothing is written', async () => {
    const store = createMemoryStore({ world: smallWorld([{ id: 1 }]) });
    const failing: Authorization = {
      identify: async () => ({ id: 1, email: 'admin@example.com', role: 'member' }),
      permits: async () => {
        throw new Error('the ACL service is down');
      },
      visibleDatastores: async () => 'all',
    };
    const promoter = createPromoter({ store, dataplane: createReferenceDataplane(), clock: steppingClock(), authorization: failing });
    expect((await promoter.run({ id: 1 }, qcRequest()))._unsafeUnwrapErr()).toMatchObject({ kind: 'store_failure', message: 'Store failure: the ACL service is down' });
    expect(await store.listOperations({ page: 1, size: 10 })).toMatchObject({ total: 0 });
  });
});
