import type { Team, User } from '../domain/entities.js';
import { permissionLevels, type PermissionLevel } from '../domain/enums.js';

const rank = (level: PermissionLevel) => permissionLevels.indexOf(level);

/** The highest level any of the user's teams grants on a datastore, or `undefined` (§11). */
export function effectivePermission(teams: readonly Team[], datastoreId: number): PermissionLevel | undefined {
  let best: PermissionLevel | undefined;
  for (const team of teams) {
    const level = team.permissions[datastoreId];
    if (level !== undefined && (best === undefined || rank(level) > rank(best))) best = level;
  }
  return best;
}

/** Whether `held` (none when `undefined`) is at least `needed`. */
export function levelAtLeast(held: PermissionLevel | undefined, needed: PermissionLevel): boolean {
  return held !== undefined && rank(held) >= rank(needed);
}

/** Whether a user may act at `needed` level on a datastore; `admin` always may (§11). */
export function hasPermission(user: User, teams: readonly Team[], datastoreId: number, needed: PermissionLevel): boolean {
  return user.role === 'admin' || levelAtLeast(effectivePermission(teams, datastoreId), needed);
}
