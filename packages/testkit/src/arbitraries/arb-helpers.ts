import type { PermissionLevel, Team, User, UserRole } from '@promote/core';
import fc from 'fast-check';

/**
 * Small building blocks the computed-type world arbitraries share: weighted choice, sparse ids,
 * timestamps, and the users/teams layout every generated world has (the same one as
 * `arbPromotionWorld`).
 */

/** `fc.oneof` with weights, written as `[weight, arbitrary]` pairs. */
export function weighted<T>(...choices: readonly (readonly [number, fc.Arbitrary<T>])[]): fc.Arbitrary<T> {
  return fc.oneof(...choices.map(([weight, arbitrary]) => ({ weight, arbitrary })));
}

/** `count` distinct positive ids, in random order, not dense, so that nothing can rely on id = index. */
export function arbIds(count: number): fc.Arbitrary<number[]> {
  return fc.uniqueArray(fc.integer({ min: 1, max: Math.max(60, count * 12) }), { minLength: count, maxLength: count });
}

/** `fc.record` without null-prototype values, so that generated worlds deep-equal their round trip. */
export function record<T extends object>(model: { [K in keyof T]-?: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> {
  return fc.record(model as Record<string, fc.Arbitrary<unknown>>, { noNullPrototype: true }) as unknown as fc.Arbitrary<T>;
}

/** An ISO-8601 UTC timestamp between 2020 and 2025 (before every edit time of `arbSourceEdit`). */
export const arbTimestamp: fc.Arbitrary<string> = fc
  .integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2025, 11, 31) })
  .map((ms) => new Date(ms).toISOString());

/** `list` sorted by ascending id, as every list of a `World` is. */
export function byId<T extends { readonly id: number }>(list: readonly T[]): T[] {
  return [...list].sort((a, b) => a.id - b.id);
}

/** `list[pick % list.length]`, `undefined` for an empty list. */
export function nth<T>(list: readonly T[], pick: number): T | undefined {
  return list.length === 0 ? undefined : list[pick % list.length];
}

/**
 * The users of a generated world: `admin` (role admin, in no team; the actor); `editor` (role member
 * or manager, in a team with `editor` on every datastore of the world); `viewer` (in a team with one
 * level below `editor` on every datastore); `outsider` (in no team). Their tokens are `token-<key>`.
 */
export interface WorldUsers {
  readonly admin: number;
  readonly editor: number;
  readonly viewer: number;
  readonly outsider: number;
}

/** The random parts of the users/teams layout. */
export interface PeopleLayout {
  readonly userIds: readonly number[];
  readonly teamIds: readonly number[];
  readonly editorRole: UserRole;
  readonly viewerRole: UserRole;
  readonly outsiderRole: UserRole;
  readonly viewerLevel: PermissionLevel;
}

export const arbPeopleLayout: fc.Arbitrary<PeopleLayout> = record<PeopleLayout>({
  userIds: arbIds(4),
  teamIds: arbIds(2),
  editorRole: fc.constantFrom<UserRole>('member', 'manager'),
  viewerRole: fc.constantFrom<UserRole>('member', 'manager'),
  outsiderRole: fc.constantFrom<UserRole>('member', 'manager'),
  viewerLevel: fc.constantFrom<PermissionLevel>('reporter', 'viewer', 'drafter', 'author'),
});

/** The users and teams of {@link WorldUsers}, with permissions on `datastoreIds`. */
export function buildPeople(layout: PeopleLayout, datastoreIds: readonly number[]): { users: User[]; teams: Team[]; ids: WorldUsers } {
  const [admin, editor, viewer, outsider] = layout.userIds as [number, number, number, number];
  const [editorsTeamId, viewersTeamId] = layout.teamIds as [number, number];
  const grant = (level: PermissionLevel) => Object.fromEntries(datastoreIds.map((id) => [id, level]));
  return {
    users: [
      { id: admin, email: 'admin@example.com', role: 'admin', token: 'token-admin' },
      { id: editor, email: 'editor@example.com', role: layout.editorRole, token: 'token-editor' },
      { id: viewer, email: 'viewer@example.com', role: layout.viewerRole, token: 'token-viewer' },
      { id: outsider, email: 'outsider@example.com', role: layout.outsiderRole, token: 'token-outsider' },
    ],
    teams: [
      { id: editorsTeamId, name: 'Data editors', members: [editor], permissions: grant('editor') },
      { id: viewersTeamId, name: 'Data viewers', members: [viewer], permissions: grant(layout.viewerLevel) },
    ],
    ids: { admin, editor, viewer, outsider },
  };
}
