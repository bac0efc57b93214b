import type { Team, User } from '../domain/entities.js';
import type { PermissionLevel } from '../domain/enums.js';
import type { Authorization } from '../ports/authorization.js';
import type { Store } from '../ports/store.js';
import { effectivePermission, hasPermission, levelAtLeast } from './permissions.js';

/**
 * The default {@link Authorization}: users and teams of the store (§11). `identify` is one
 * `findUser`; `permits` and `visibleDatastores` read the user's teams once (an admin's none).
 *
 * @example
 * const promoter = createPromoter({ store, dataplane, authorization: storeAuthorization(store) }); // the default
 */
export function storeAuthorization(store: Pick<Store, 'findUser' | 'teamsOfUser'>): Authorization {
  const teamsOf = (user: User): Promise<readonly Team[]> => (user.role === 'admin' ? Promise.resolve([]) : store.teamsOfUser(user.id));
  return {
    identify: (actor) => store.findUser(actor),
    async permits(user, level, datastoreIds) {
      const teams = await teamsOf(user);
      return datastoreIds.map((id) => hasPermission(user, teams, id, level));
    },
    async visibleDatastores(user, level: PermissionLevel) {
      if (user.role === 'admin') return 'all';
      const teams = await teamsOf(user);
      const granted = new Set<number>();
      for (const team of teams) for (const key of Object.keys(team.permissions)) granted.add(Number(key));
      return [...granted].filter((id) => levelAtLeast(effectivePermission(teams, id), level)).sort((a, b) => a - b);
    },
  };
}
