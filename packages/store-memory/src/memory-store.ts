import type {
  CommitUnit,
  LineageLink,
  OperationRecord,
  OperationStatus,
  Page,
  PromoteResultRecord,
  ResultQuery,
  Store,
  Team,
  User,
  World,
} from '@promote/core';
import { checkSummary, computedFieldSummary, containerSummary, guardStore, LeaseLostError } from '@promote/core';
import { applyEdit } from './apply-edit.js';
import { frozenCopy } from './frozen-copy.js';
import { IdCounters } from './id-counters.js';
import { LineageIndex } from './lineage-index.js';
import { createMemoryLeases } from './memory-leases.js';
import { OperationTable } from './operation-table.js';
import { ResultIndex } from './result-index.js';
import { WorldTables } from './world-tables.js';

/** Options of {@link createMemoryStore}. */
export interface MemoryStoreOptions {
  /**
   * A validated world to import at creation (see {@link Store.importWorld}); default: none, the
   * store starts empty.
   */
  readonly world?: World | undefined;
}

interface MemoryState {
  readonly world: WorldTables;
  readonly lineage: LineageIndex;
  readonly operations: OperationTable;
  readonly results: ResultIndex;
  readonly ids: IdCounters;
}

/**
 * The Store port in memory, for tests, simulations and the demo server: the same contract and the
 * same atomicity as a database store. Every multi-part write (`commit`, `applyEdits`,
 * `importWorld`) is checked in full against a draft before any of it is applied, so a rejected call
 * leaves no trace, and no await ever splits one, so no reader sees half of it. Stored values are
 * deep-frozen copies and are handed out as they are. Includes {@link ScopeLeases} in memory.
 *
 * @example
 * const store = createMemoryStore({ world: parseWorldSnapshot(document)._unsafeUnwrap() });
 * const checks = await store.listChecks(12);
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): Store {
  const state: MemoryState = {
    world: new WorldTables(),
    lineage: new LineageIndex(),
    operations: new OperationTable(),
    results: new ResultIndex(),
    ids: new IdCounters(),
  };
  const leases = createMemoryLeases();
  if (options.world !== undefined) importWorld(state, options.world);

  // Handed out under the store runtime, as the engine uses every store: calls after close() are refused there.
  return guardStore({
    async findUser(by) {
      if ('id' in by) return state.world.users.get(by.id);
      if ('email' in by) return state.world.usersByEmail.get(by.email.toLowerCase());
      return state.world.usersByToken.get(by.token);
    },
    async teamsOfUser(userId) {
      return state.world.teams.filter((team) => team.members.includes(userId));
    },
    async getDatastore(id) {
      return state.world.datastores.get(id);
    },
    async listDatastores() {
      return [...state.world.datastores.values()].sort((a, b) => a.id - b.id);
    },
    async getContainer(id) {
      return state.world.containers.get(id);
    },
    async getContainers(ids) {
      return state.world.containers.getMany(ids);
    },
    async listContainers(datastoreId) {
      return state.world.containers.childrenOf(datastoreId);
    },
    async listFields(containerId) {
      return state.world.fields.childrenOf(containerId);
    },
    async listChecks(containerId) {
      return state.world.checks.childrenOf(containerId);
    },
    async getChecks(ids) {
      return state.world.checks.getMany(ids);
    },
    async listCheckKeys(containerId, afterId, limit) {
      const keys = [];
      for (const check of state.world.checks.childrenOf(containerId)) {
        if (check.id <= afterId) continue;
        if (keys.length === limit) break;
        keys.push({ id: check.id, status: check.status, tags: check.tags });
      }
      return keys;
    },
    async listComputedFields(containerId) {
      return state.world.computedFields.childrenOf(containerId);
    },
    async getComputedFields(ids) {
      return state.world.computedFields.getMany(ids);
    },
    async findLineage(entityType, destinationScopeId, sourceIds) {
      return state.lineage.find(entityType, destinationScopeId, sourceIds);
    },
    async createOperation(operation) {
      const ids = state.ids.fork();
      const record = frozenCopy<OperationRecord>({ ...operation, id: ids.next('operation') });
      state.operations.put(record);
      state.ids.adopt(ids);
      return record;
    },
    async getOperation(id) {
      return state.operations.get(id);
    },
    async listOperations(query) {
      return page(state.operations.matching(query), query.page, query.size);
    },
    async listRunningOperations() {
      return state.operations.running();
    },
    async updateOperation(id, patch) {
      const operation = state.operations.get(id);
      if (operation === undefined) throw new Error(`Operation ${id} does not exist`);
      const updated = frozenCopy<OperationRecord>({ ...operation, ...patch });
      state.operations.put(updated);
      return updated;
    },
    async transitionOperation(id, from, patch) {
      const operation = state.operations.get(id);
      if (operation === undefined) throw new Error(`Operation ${id} does not exist`);
      if (!from.includes(operation.result)) return undefined;
      const updated = frozenCopy<OperationRecord>({ ...operation, ...patch });
      state.operations.put(updated);
      return updated;
    },
    async deleteOperation(id, from) {
      const operation = state.operations.get(id);
      if (operation === undefined || !from.includes(operation.result)) return undefined;
      state.operations.delete(id);
      state.results.deleteOperation(id);
      return operation;
    },
    async summarise(entityType, ids) {
      switch (entityType) {
        case 'quality_check':
          return state.world.checks.getMany(ids).map(checkSummary);
        case 'computed_field':
          return state.world.computedFields.getMany(ids).map(computedFieldSummary);
        case 'computed_table':
        case 'computed_file':
          return state.world.containers.getMany(ids).map(containerSummary);
      }
    },
    async commit(units, options) {
      // Checked before anything is written and extended once it is, with nothing in between (no
      // await): the memory store's transaction is this synchronous stretch. A refused commit
      // leaves the lease as it was.
      const lease = options?.lease;
      if (lease !== undefined && !leases.heldForCommit(lease)) throw new LeaseLostError(lease.scope, lease.holder);
      const rows = commit(state, units);
      if (lease !== undefined) leases.extendForCommit(lease);
      return rows;
    },
    async listResults(operationId, query = {}) {
      return listResults(state, operationId, query);
    },
    async listResultsAfter(operationId, after, limit) {
      return state.results.after(operationId, after, limit);
    },
    async applyEdits(edits) {
      const ids = state.ids.fork();
      const draft = state.world.draft(ids);
      const entityIds = edits.map((edit) => applyEdit(draft, edit));
      draft.apply();
      state.ids.adopt(ids);
      return entityIds;
    },
    async isEmpty() {
      return isEmpty(state);
    },
    async importWorld(world) {
      importWorld(state, world);
    },
    async exportWorld() {
      return exportWorld(state);
    },
    leases,
    // Nothing to release: the engine's store runtime refuses calls after close (guardStore).
    async close() {},
  });
}

function isEmpty(state: MemoryState): boolean {
  return state.world.users.size === 0 && state.world.datastores.size === 0;
}

function importWorld(state: MemoryState, world: World): void {
  if (!isEmpty(state)) throw new Error('Cannot import a world into a store that is not empty');
  // Everything is copied and staged first: a value that cannot be copied rejects the call with nothing written.
  const ids = state.ids.fork();
  const draft = state.world.draft(ids);
  const users = world.users.map((user) => frozenCopy(user));
  const teams = world.teams.map((team) => frozenCopy(team));
  const datastores = world.datastores.map((datastore) => frozenCopy(datastore));
  const stage = <T extends { readonly id: number }>(rows: readonly T[], put: (row: T) => void, kind: Parameters<IdCounters['see']>[0]) => {
    for (const row of rows) {
      put(frozenCopy(row));
      ids.see(kind, row.id);
    }
  };
  stage(world.containers, (row) => draft.containers.put(row), 'container');
  stage(world.fields, (row) => draft.fields.put(row), 'field');
  stage(world.quality_checks, (row) => draft.checks.put(row), 'quality_check');
  stage(world.computed_fields, (row) => draft.computedFields.put(row), 'computed_field');
  const links = world.lineage.map((link) => frozenCopy(link));

  const tables = state.world;
  for (const user of users) addUser(tables, user);
  tables.teams = mergeAscending(tables.teams, teams);
  for (const datastore of datastores) tables.datastores.set(datastore.id, datastore);
  draft.apply();
  state.lineage.importOlder(links);
  state.ids.adopt(ids);
}

function addUser(tables: WorldTables, user: User): void {
  tables.users.set(user.id, user);
  tables.usersByEmail.set(user.email.toLowerCase(), user);
  if (user.token !== undefined) tables.usersByToken.set(user.token, user);
}

function mergeAscending(current: readonly Team[], added: readonly Team[]): readonly Team[] {
  const byId = new Map(current.map((team) => [team.id, team]));
  for (const team of added) byId.set(team.id, team);
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

function exportWorld(state: MemoryState): World {
  const tables = state.world;
  return {
    users: [...tables.users.values()].sort((a, b) => a.id - b.id),
    teams: [...tables.teams],
    datastores: [...tables.datastores.values()].sort((a, b) => a.id - b.id),
    containers: tables.containers.all(),
    fields: tables.fields.all(),
    quality_checks: tables.checks.all(),
    computed_fields: tables.computedFields.all(),
    lineage: state.lineage.all(),
  };
}

type Counter = Exclude<keyof OperationStatus, 'total'>;

function commit(state: MemoryState, units: readonly CommitUnit[]): readonly PromoteResultRecord[] {
  const ids = state.ids.fork();
  const draft = state.world.draft(ids);
  const rows: PromoteResultRecord[] = [];
  const links: LineageLink[] = [];
  const increments = new Map<number, Record<Counter, number>>();
  const seen = new Set<string>();

  for (const unit of units) {
    if (state.operations.get(unit.operation_id) === undefined) throw new Error(`Operation ${unit.operation_id} does not exist`);
    const key = `${unit.operation_id}/${unit.source_entity_id}`;
    if (seen.has(key) || state.results.has(unit.operation_id, unit.source_entity_id)) {
      throw new Error(`Operation ${unit.operation_id} already has a result for ${unit.entity_type} ${unit.source_entity_id}`);
    }
    seen.add(key);
    const writtenId = unit.write === undefined ? undefined : applyEdit(draft, unit.write);
    const destinationEntityId = unit.result === 'created' ? (writtenId ?? null) : unit.destination_entity_id;
    rows.push(
      frozenCopy<PromoteResultRecord>({
        id: ids.next('result'),
        operation_id: unit.operation_id,
        seq: unit.seq,
        entity_type: unit.entity_type,
        source_entity_id: unit.source_entity_id,
        result: unit.result,
        destination_entity_id: destinationEntityId,
        message: unit.message,
        changes: unit.changes,
        before: unit.before === undefined ? null : unit.before,
        after: unit.write === undefined ? null : { ...unit.write.value, id: writtenId },
        search_text: unit.search_text,
      }),
    );
    // A link the engine says is the newest already would change nothing: not recorded again; a
    // revert's units record none.
    if (unit.link_current !== true && unit.record_link !== false && unit.result !== 'failed' && destinationEntityId !== null) {
      links.push(
        frozenCopy<LineageLink>({
          entity_type: unit.entity_type,
          source_entity_id: unit.source_entity_id,
          destination_scope_id: unit.destination_scope_id,
          destination_entity_id: destinationEntityId,
        }),
      );
    }
    const increment = increments.get(unit.operation_id) ?? { created: 0, updated: 0, skipped: 0, failed: 0 };
    increment[unit.result] += 1;
    increments.set(unit.operation_id, increment);
  }

  // Every unit is valid: apply. Nothing below can fail.
  draft.apply();
  for (const row of rows) state.results.add(row);
  for (const link of links) state.lineage.record(link);
  for (const [operationId, increment] of increments) {
    const operation = state.operations.get(operationId)!;
    const status = operation.status;
    state.operations.put(
      frozenCopy<OperationRecord>({
        ...operation,
        status: {
          total: status.total,
          created: status.created + increment.created,
          updated: status.updated + increment.updated,
          skipped: status.skipped + increment.skipped,
          failed: status.failed + increment.failed,
        },
      }),
    );
  }
  state.ids.adopt(ids);
  return rows;
}

function listResults(state: MemoryState, operationId: number, query: ResultQuery): Page<PromoteResultRecord> {
  const search = query.search?.toLowerCase();
  const wanted = query.results !== undefined && query.results.length > 0 ? new Set(query.results) : undefined;
  const matching = state.results
    .of(operationId)
    .filter(
      (row) =>
        (wanted === undefined || wanted.has(row.result)) &&
        (search === undefined || search === '' || row.search_text.toLowerCase().includes(search)),
    );
  if (query.size === undefined) return { items: matching, total: matching.length, page: 1, size: matching.length };
  return page(matching, query.page ?? 1, query.size);
}

/** One page of `rows` (the runtime has checked `page` and `size`). */
function page<T>(rows: readonly T[], number: number, size: number): Page<T> {
  return { items: rows.slice((number - 1) * size, number * size), total: rows.length, page: number, size };
}
