import { guardStore, type PromoteResultRecord, type Store } from '@promote/core';
import { createTestDatabase } from '@promote/test-postgres';
import { storeConformanceCases } from '@promote/testkit';
import pg from 'pg';
import { afterAll, describe, expect, test } from 'vitest';
import { openPostgresStore, type PostgresStore } from './index.js';

/**
 * The conformance suite must catch a broken PostgreSQL store: each mutant below is this store with
 * one mistake a PostgreSQL implementation could plausibly make (ids from a sequence, the fence
 * outside the transaction, expiry compared as text…), and some case has to fail on it. The memory
 * store's mutants (packages/store-memory) cover the rest of the port. Each mutant first runs the
 * cases of the part of the port it breaks (`suspects`), then the others, and stops at the first
 * failure: the suite fails as soon as one case does, and a fresh schema per case is not free.
 */

const connectionString = await createTestDatabase('store-conformance-mutants');
const admin = new pg.Pool({ connectionString, max: 2 });
afterAll(() => admin.end());

/** Runs SQL in the mutant's schema, outside the store (as another, careless, implementation would). */
type Raw = (text: string, values?: readonly unknown[]) => Promise<pg.QueryResult>;

interface Mutant {
  /** The prefix of the case names to run first. */
  readonly suspects: string;
  readonly breakIt: (store: PostgresStore, raw: Raw) => Partial<Store>;
}

const mutants: Record<string, Mutant> = {
  'commit ignores its lease (the fence is not checked)': {
    suspects: 'leases:',
    breakIt: (store) => ({ commit: (units) => store.commit(units) }),
  },
  'the fence is checked before the transaction, and the lease not extended': {
    suspects: 'leases:',
    breakIt: (store) => ({
      async commit(units, options) {
        const lease = options?.lease;
        if (lease !== undefined && (await store.leases.holderOf(lease.scope, lease.now)) !== lease.holder) throw Object.assign(new Error('lost'), { name: 'LeaseLostError' });
        return store.commit(units);
      },
    }),
  },
  'lease expiry compared as text': {
    suspects: 'leases:',
    breakIt: (store, raw) => ({
      leases: {
        ...store.leases,
        async tryAcquire(scope, holder, now, expiresAt) {
          const { rowCount } = await raw(
            `insert into scope_leases (scope, holder, expires_at, expires_at_ms) values ($1, $2, $3, $4)
             on conflict (scope) do update set holder = excluded.holder, expires_at = excluded.expires_at, expires_at_ms = excluded.expires_at_ms
             where scope_leases.holder = excluded.holder or scope_leases.expires_at <= $5`,
            [scope, holder, expiresAt, Date.parse(expiresAt), now],
          );
          return rowCount === 1;
        },
      },
    }),
  },
  'takeOver takes from any holder': {
    suspects: 'leases:',
    breakIt: (store) => ({
      leases: {
        ...store.leases,
        async takeOver(scope, _previous, holder, now, expiresAt) {
          await store.leases.release(scope, (await store.leases.holderOf(scope, now)) ?? holder);
          return store.leases.tryAcquire(scope, holder, now, expiresAt);
        },
      },
    }),
  },
  'commit applies unit by unit (no transaction around the batch)': {
    suspects: 'commit:',
    breakIt: (store) => ({
      async commit(units, options) {
        const rows: PromoteResultRecord[] = [];
        for (const unit of units) rows.push(...(await store.commit([unit], options)));
        return rows;
      },
    }),
  },
  'applyEdits applies edit by edit (no transaction around the list)': {
    suspects: 'applyEdits:',
    breakIt: (store) => ({
      async applyEdits(edits) {
        const ids: number[] = [];
        for (const edit of edits) ids.push(...(await store.applyEdits([edit])));
        return ids;
      },
    }),
  },
  'a rejected commit consumes ids (ids from a sequence, which no rollback takes back)': {
    suspects: 'ids:',
    breakIt: (store, raw) => ({
      async commit(units, options) {
        try {
          return await store.commit(units, options);
        } catch (error) {
          const checks = units.filter((unit) => unit.write?.kind === 'create_check').length;
          await raw(`update id_counters set last_id = last_id + (case kind when 'result' then $1::bigint else $2::bigint end) where kind in ('result', 'quality_check')`, [units.length, checks]);
          throw error;
        }
      },
    }),
  },
  'a delete lowers the next id (ids from max(id) + 1)': {
    suspects: 'ids:',
    breakIt: (store, raw) => ({
      async applyEdits(edits) {
        const ids = await store.applyEdits(edits);
        for (const [kind, table] of [['quality_check', 'quality_checks'], ['computed_field', 'computed_fields'], ['field', 'fields'], ['container', 'containers']] as const) {
          await raw(`update id_counters set last_id = (select coalesce(max(id), 0) from ${table}) where kind = $1`, [kind]);
        }
        return ids;
      },
    }),
  },
  'deleteOperation gives the deleted ids out again (counters lowered to max(id))': {
    suspects: 'deleteOperation:',
    breakIt: (store, raw) => ({
      async deleteOperation(id, from) {
        const deleted = await store.deleteOperation(id, from);
        for (const [kind, table] of [['operation', 'operations'], ['result', 'results']] as const) {
          await raw(`update id_counters set last_id = (select coalesce(max(id), 0) from ${table}) where kind = $1`, [kind]);
        }
        return deleted;
      },
    }),
  },
  'deleteOperation leaves the results of the operation behind': {
    suspects: 'deleteOperation:',
    breakIt: (store, raw) => ({
      async deleteOperation(id, from) {
        const operation = await store.getOperation(id);
        if (operation === undefined || !from.includes(operation.result)) return undefined;
        await raw('delete from operations where id = $1', [id]);
        return operation;
      },
    }),
  },
  'imported lineage is newer than the links recorded later': {
    suspects: 'lineage:',
    breakIt: (store, raw) => ({
      async importWorld(world) {
        await store.importWorld(world);
        await raw('update lineage set seq = seq + 1000000');
      },
    }),
  },
  'findLineage oldest first (order by seq ascending)': {
    suspects: 'lineage:',
    breakIt: (store) => ({ findLineage: async (...args) => [...(await store.findLineage(...args))].reverse() }),
  },
  'listResults search is case-sensitive (on search_text, not its folded copy)': {
    suspects: 'listResults:',
    breakIt: (store) => ({
      async listResults(operationId, query) {
        const search = query?.search;
        if (search === undefined || search === '') return store.listResults(operationId, query);
        const all = (await store.listResults(operationId, { ...query, search: undefined, page: undefined, size: undefined })).items.filter((row) => row.search_text.includes(search));
        const size = query?.size ?? all.length;
        const page = query?.page ?? 1;
        return { items: all.slice((page - 1) * size, page * size), total: all.length, page, size };
      },
    }),
  },
  'listResultsAfter compares seq and id apart (seq >= $1 and id > $2), not as a row value': {
    suspects: 'listResultsAfter:',
    breakIt: (store, raw) => ({
      async listResultsAfter(operationId, after, limit) {
        if (after === undefined) return store.listResultsAfter(operationId, after, limit);
        const { rows } = await raw('select id from results where operation_id = $1 and seq >= $2 and id > $3 order by seq, id limit $4', [operationId, after.seq, after.id, limit]);
        const ids = new Set(rows.map((row: { id: number }) => Number(row.id)));
        return (await store.listResultsAfter(operationId, undefined, 1_000_000)).filter((row) => ids.has(row.id));
      },
    }),
  },
  'listResultsAfter compares seq alone (seq > $1), dropping the rest of a seq': {
    suspects: 'listResultsAfter:',
    breakIt: (store, raw) => ({
      async listResultsAfter(operationId, after, limit) {
        if (after === undefined) return store.listResultsAfter(operationId, after, limit);
        const { rows } = await raw('select id from results where operation_id = $1 and seq > $2 order by seq, id limit $3', [operationId, after.id === 0 ? after.seq - 1 : after.seq, limit]);
        const ids = new Set(rows.map((row: { id: number }) => Number(row.id)));
        return (await store.listResultsAfter(operationId, undefined, 1_000_000)).filter((row) => ids.has(row.id));
      },
    }),
  },
  'listOperations total counts the page only (no count in the same snapshot)': {
    suspects: 'listOperations:',
    breakIt: (store) => ({
      async listOperations(query) {
        const page = await store.listOperations(query);
        return { ...page, total: page.items.length };
      },
    }),
  },
};

let schemas = 0;

describe('the conformance suite catches a broken PostgreSQL store', () => {
  for (const [name, { suspects, breakIt }] of Object.entries(mutants)) {
    test(name, async () => {
      const ordered = [...storeConformanceCases].sort((a, b) => Number(!a.name.startsWith(suspects)) - Number(!b.name.startsWith(suspects)));
      let caughtBy: string | undefined;
      for (const conformanceCase of ordered) {
        const schema = `mutant_${(schemas += 1)}`;
        const inner = await openPostgresStore({ connectionString, schema });
        const raw: Raw = async (text, values = []) => {
          const client = await admin.connect();
          try {
            await client.query(`set search_path to ${pg.escapeIdentifier(schema)}`);
            return await client.query(text, [...values]);
          } finally {
            client.release();
          }
        };
        const store = guardStore({ ...inner, ...breakIt(inner, raw) });
        try {
          await conformanceCase.run(store);
        } catch {
          caughtBy = conformanceCase.name;
        } finally {
          await inner.close();
        }
        if (caughtBy !== undefined) break;
      }
      expect(caughtBy, 'no case failed on the mutant').toBeDefined();
    });
  }
});
