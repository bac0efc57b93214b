import { describe, expect, test } from 'vitest';
import type { Team, User } from '../domain/entities.js';
import type { PermissionLevel } from '../domain/enums.js';
import type { Authorization } from '../ports/authorization.js';
import type { Store } from '../ports/store.js';
import { createAccess, type PermissionNeed } from './access.js';
import { storeAuthorization } from './store-authorization.js';

const admin: User = { id: 1, email: 'admin@example.com', role: 'admin', token: 'admin-token' };
const member: User = { id: 2, email: 'mira@example.com', role: 'member', token: 'mira-token' };
const manager: User = { id: 3, email: 'max@example.com', role: 'manager' };

const teams: readonly Team[] = [
  { id: 10, name: 'analysts', members: [2], permissions: { 5: 'viewer', 2: 'editor', 7: 'reporter' } },
  { id: 11, name: 'engineers', members: [2, 3], permissions: { 5: 'author', 9: 'reporter', 2: 'reporter' } },
  { id: 12, name: 'others', members: [1], permissions: { 4: 'editor' } },
];

const datastore = (id: number, name: string) => ({ id, name });
const sales = datastore(2, 'sales');
const finance = datastore(5, 'finance');
const archive = datastore(9, 'archive');
const lake = datastore(4, 'lake');

/** The two Store methods the store authorization reads, recording each call. */
function fakeStore() {
  const calls: string[] = [];
  const users = [admin, member, manager];
  const store: Pick<Store, 'findUser' | 'teamsOfUser'> = {
    async findUser(by) {
      calls.push(`findUser ${JSON.stringify(by)}`);
      if ('id' in by) return users.find((user) => user.id === by.id);
      if ('email' in by) return users.find((user) => user.email.toLowerCase() === by.email.toLowerCase());
      return users.find((user) => user.token === by.token);
    },
    async teamsOfUser(userId) {
      calls.push(`teamsOfUser ${userId}`);
      return teams.filter((team) => team.members.includes(userId));
    },
  };
  return { store, calls };
}

/** An Authorization of an embedder's own: grants what `grants` says, recording each call. */
function customAuthorization(grants: Readonly<Record<string, Readonly<Record<number, readonly PermissionLevel[]>>>>) {
  const calls: string[] = [];
  const authorization: Authorization = {
    async identify(actor) {
      calls.push(`identify ${JSON.stringify(actor)}`);
      return 'token' in actor && actor.token === 'sso-token' ? member : undefined;
    },
    async permits(user, level, datastoreIds) {
      calls.push(`permits ${user.email} ${level} [${datastoreIds.join(',')}]`);
      return datastoreIds.map((id) => grants[user.email]?.[id]?.includes(level) === true);
    },
    async visibleDatastores(user, level) {
      calls.push(`visibleDatastores ${user.email} ${level}`);
      return [3, 8];
    },
  };
  return { authorization, calls };
}

const rejecting: Authorization = {
  identify: () => Promise.reject(new Error('directory down')),
  permits: () => Promise.reject(new Error('directory down')),
  visibleDatastores: () => {
    throw new Error('directory down');
  },
};

const forbiddenError = (message: string) => ({ kind: 'forbidden', message });

describe('createAccess over storeAuthorization', () => {
  test('identify({ user }) answers that user without calling the port', async () => {
    const { store, calls } = fakeStore();
    const identified = await createAccess(storeAuthorization(store)).identify({ user: member });
    expect(identified.isOk() && identified.value).toBe(member);
    expect(calls).toEqual([]);
  });

  test('identify by id, email (any case) or token is one findUser', async () => {
    const { store, calls } = fakeStore();
    const access = createAccess(storeAuthorization(store));
    const byId = await access.identify({ id: 2 });
    const byEmail = await access.identify({ email: 'MIRA@example.com' });
    const byToken = await access.identify({ token: 'admin-token' });
    expect([byId, byEmail, byToken].map((result) => result.isOk() && result.value)).toEqual([member, member, admin]);
    expect(calls).toEqual(['findUser {"id":2}', 'findUser {"email":"MIRA@example.com"}', 'findUser {"token":"admin-token"}']);
  });

  test('an actor that names nobody is unauthenticated: Unknown user', async () => {
    const { store } = fakeStore();
    const access = createAccess(storeAuthorization(store));
    const unknown = await access.identify({ email: 'nobody@example.com' });
    expect(unknown.isErr() && unknown.error).toEqual({ kind: 'unauthenticated', message: 'Unknown user' });
    const badToken = await access.identify({ token: 'nope' });
    expect(badToken.isErr() && badToken.error).toEqual({ kind: 'unauthenticated', message: 'Unknown user' });
  });

  test('require answers ok when every need is met, across levels', async () => {
    const { store } = fakeStore();
    const access = createAccess(storeAuthorization(store));
    const needs: PermissionNeed[] = [
      { datastore: sales, level: 'editor' },
      { datastore: finance, level: 'author' },
      { datastore: finance, level: 'viewer' },
      { datastore: archive, level: 'reporter' },
    ];
    const required = await access.require(member, needs);
    expect(required.isOk()).toBe(true);
    expect((await access.require(member, [])).isOk()).toBe(true);
  });

  test('require is forbidden naming the first missing need, in the order given', async () => {
    const { store } = fakeStore();
    const access = createAccess(storeAuthorization(store));
    const needs: PermissionNeed[] = [
      { datastore: finance, level: 'viewer' },
      { datastore: archive, level: 'editor' },
      { datastore: finance, level: 'editor' },
    ];
    const required = await access.require(member, needs);
    expect(required.isErr() && required.error).toEqual(forbiddenError('User mira@example.com needs editor permission on datastore 9 (archive)'));
    const reordered = await access.require(member, [needs[2]!, needs[1]!]);
    expect(reordered.isErr() && reordered.error).toEqual(forbiddenError('User mira@example.com needs editor permission on datastore 5 (finance)'));
  });

  test('require with mixed levels names the missing level, not the first need of a level met', async () => {
    const { store } = fakeStore();
    const access = createAccess(storeAuthorization(store));
    const required = await access.require(manager, [
      { datastore: finance, level: 'author' },
      { datastore: archive, level: 'reporter' },
      { datastore: archive, level: 'viewer' },
      { datastore: lake, level: 'reporter' },
    ]);
    expect(required.isErr() && required.error).toEqual(forbiddenError('User max@example.com needs viewer permission on datastore 9 (archive)'));
  });

  test('require lets an admin do anything, without reading teams', async () => {
    const { store, calls } = fakeStore();
    const access = createAccess(storeAuthorization(store));
    const required = await access.require(admin, [
      { datastore: sales, level: 'editor' },
      { datastore: datastore(999, 'nowhere'), level: 'editor' },
    ]);
    expect(required.isOk()).toBe(true);
    expect(calls).toEqual([]);
  });

  test('a rejecting store is a store_failure', async () => {
    const failing: Pick<Store, 'findUser' | 'teamsOfUser'> = {
      findUser: () => Promise.reject(new Error('disk I/O error')),
      teamsOfUser: () => Promise.reject(new Error('disk I/O error')),
    };
    const access = createAccess(storeAuthorization(failing));
    const identified = await access.identify({ id: 2 });
    expect(identified.isErr() && identified.error).toMatchObject({ kind: 'store_failure', message: 'Store failure: disk I/O error' });
    const required = await access.require(member, [{ datastore: sales, level: 'reporter' }]);
    expect(required.isErr() && required.error).toMatchObject({ kind: 'store_failure', message: 'Store failure: disk I/O error' });
    const visible = await access.visibleDatastores(member, 'reporter');
    expect(visible.isErr() && visible.error).toMatchObject({ kind: 'store_failure', message: 'Store failure: disk I/O error' });
  });
});

describe('createAccess over a custom Authorization', () => {
  test('identify asks the port once; undefined is unauthenticated', async () => {
    const { authorization, calls } = customAuthorization({});
    const access = createAccess(authorization);
    const known = await access.identify({ token: 'sso-token' });
    expect(known.isOk() && known.value).toBe(member);
    const unknown = await access.identify({ id: 77 });
    expect(unknown.isErr() && unknown.error).toEqual({ kind: 'unauthenticated', message: 'Unknown user' });
    expect((await access.identify({ user: admin })).isOk()).toBe(true);
    expect(calls).toEqual(['identify {"token":"sso-token"}', 'identify {"id":77}']);
  });

  test('require asks permits once per level, with the ids of that level in order, and names the first missing need', async () => {
    const { authorization, calls } = customAuthorization({ 'mira@example.com': { 2: ['editor', 'reporter'], 5: ['reporter'], 9: ['editor'] } });
    const access = createAccess(authorization);
    const required = await access.require(member, [
      { datastore: sales, level: 'editor' },
      { datastore: finance, level: 'reporter' },
      { datastore: archive, level: 'editor' },
      { datastore: finance, level: 'editor' },
      { datastore: archive, level: 'reporter' },
    ]);
    expect(required.isErr() && required.error).toEqual(forbiddenError('User mira@example.com needs editor permission on datastore 5 (finance)'));
    expect(calls).toEqual(['permits mira@example.com editor [2,9,5]', 'permits mira@example.com reporter [5,9]']);
  });

  test('require trusts the port, not the role: an admin it does not permit is forbidden', async () => {
    const { authorization } = customAuthorization({});
    const required = await createAccess(authorization).require(admin, [{ datastore: lake, level: 'reporter' }]);
    expect(required.isErr() && required.error).toEqual(forbiddenError('User admin@example.com needs reporter permission on datastore 4 (lake)'));
  });

  test('require with no needs asks nothing', async () => {
    const { authorization, calls } = customAuthorization({});
    expect((await createAccess(authorization).require(member, [])).isOk()).toBe(true);
    expect(calls).toEqual([]);
  });

  test('visibleDatastores passes the port answer through', async () => {
    const { authorization, calls } = customAuthorization({});
    const visible = await createAccess(authorization).visibleDatastores(member, 'viewer');
    expect(visible.isOk() && visible.value).toEqual([3, 8]);
    expect(calls).toEqual(['visibleDatastores mira@example.com viewer']);
  });

  test('a port that rejects or throws is a store_failure', async () => {
    const access = createAccess(rejecting);
    const expected = { kind: 'store_failure', message: 'Store failure: directory down' };
    const identified = await access.identify({ email: 'mira@example.com' });
    expect(identified.isErr() && identified.error).toMatchObject(expected);
    const required = await access.require(member, [{ datastore: sales, level: 'editor' }]);
    expect(required.isErr() && required.error).toMatchObject(expected);
    const visible = await access.visibleDatastores(member, 'editor');
    expect(visible.isErr() && visible.error).toMatchObject(expected);
  });
});

describe('storeAuthorization', () => {
  test("visibleDatastores is 'all' for an admin, without reading teams", async () => {
    const { store, calls } = fakeStore();
    expect(await storeAuthorization(store).visibleDatastores(admin, 'editor')).toBe('all');
    expect(calls).toEqual([]);
  });

  test('visibleDatastores lists, ascending and once each, the datastores where some team grants at least the level', async () => {
    const { store, calls } = fakeStore();
    const authorization = storeAuthorization(store);
    const levels: PermissionLevel[] = ['reporter', 'viewer', 'drafter', 'author', 'editor'];
    const visible = await Promise.all(levels.map((level) => authorization.visibleDatastores(member, level)));
    expect(visible).toEqual([[2, 5, 7, 9], [2, 5], [2, 5], [2, 5], [2]]);
    expect(await authorization.visibleDatastores(manager, 'viewer')).toEqual([5]);
    expect(await authorization.visibleDatastores({ id: 50, email: 'new@example.com', role: 'member' }, 'reporter')).toEqual([]);
    expect(calls.filter((call) => call === 'teamsOfUser 2')).toHaveLength(5);
  });

  test('permits answers one boolean per id, in order; an admin everywhere', async () => {
    const { store, calls } = fakeStore();
    const authorization = storeAuthorization(store);
    expect(await authorization.permits(member, 'author', [5, 9, 2, 42, 5])).toEqual([true, false, true, false, true]);
    expect(await authorization.permits(member, 'reporter', [7, 4])).toEqual([true, false]);
    expect(await authorization.permits(admin, 'editor', [2, 4, 42])).toEqual([true, true, true]);
    expect(await authorization.permits(member, 'editor', [])).toEqual([]);
    expect(calls).toEqual(['teamsOfUser 2', 'teamsOfUser 2', 'teamsOfUser 2']);
  });

  test('identify is one findUser; unknown is undefined', async () => {
    const { store, calls } = fakeStore();
    const authorization = storeAuthorization(store);
    expect(await authorization.identify({ email: 'max@example.com' })).toBe(manager);
    expect(await authorization.identify({ id: 404 })).toBeUndefined();
    expect(calls).toEqual(['findUser {"email":"max@example.com"}', 'findUser {"id":404}']);
  });
});
