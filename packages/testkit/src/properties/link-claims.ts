import type { CommitUnit, Store } from '@promote/core';

/**
 * The store with a check of the engine's `link_current` claims (decision 0302, 0400): before each
 * commit, every unit that says its lineage link is current is compared with the newest link of its
 * source in its scope (`findLineage`), and a false claim rejects the whole commit — the engine then
 * ends the operation `failure` with the message, and the property fails. Stores trust the claim
 * (they must not record the link), so the testkit checks it wherever it runs an engine: the engine
 * properties on every store, and the acceptance tests.
 *
 * @example
 * const promoter = createPromoter({ store: verifyingLinkClaims(store), dataplane });
 */
export function verifyingLinkClaims(store: Store): Store {
  return {
    ...store,
    async commit(units, options) {
      await verifyClaims(store, units.filter((unit) => unit.link_current === true));
      return store.commit(units, options);
    },
  };
}

/** One `findLineage` per entity type and scope: its first link of each source is the newest. */
async function verifyClaims(store: Store, claims: readonly CommitUnit[]): Promise<void> {
  const groups = new Map<string, CommitUnit[]>();
  for (const unit of claims) {
    const key = `${unit.entity_type}/${unit.destination_scope_id}`;
    groups.set(key, [...(groups.get(key) ?? []), unit]);
  }
  for (const group of groups.values()) {
    const first = group[0] as CommitUnit;
    const links = await store.findLineage(first.entity_type, first.destination_scope_id, group.map((unit) => unit.source_entity_id));
    const newest = new Map<number, number>();
    for (const link of links) if (!newest.has(link.source_entity_id)) newest.set(link.source_entity_id, link.destination_entity_id);
    for (const unit of group) {
      const current = newest.get(unit.source_entity_id);
      if (current !== unit.destination_entity_id) {
        throw new Error(
          `The ${unit.result} unit of ${unit.entity_type} ${unit.source_entity_id} in operation ${unit.operation_id} says its lineage link to ${String(unit.destination_entity_id)} is current, but the newest link in scope ${unit.destination_scope_id} points at ${String(current ?? 'nothing')}`,
        );
      }
    }
  }
}
