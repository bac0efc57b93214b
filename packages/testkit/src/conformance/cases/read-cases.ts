import assert from 'node:assert/strict';
import { checkSummary, computedFieldSummary, containerSummary } from '@promote/core';
import { checkValue } from '../entity-values.js';
import { sampleIds, sampleWorld } from '../sample-world.js';
import type { StoreConformanceCase } from '../store-conformance-case.js';

const { users, teams, datastores, containers, fields, checks, computedFields } = sampleIds;

const ids = (rows: readonly { readonly id: number }[]) => rows.map((row) => row.id);

/** The world reads: users, teams, datastores, containers, fields, checks, computed fields. */
export const readCases: readonly StoreConformanceCase[] = [
  {
    name: 'findUser: by id, by email case-insensitively, by token; undefined when absent',
    async run(store) {
      const world = sampleWorld();
      await store.importWorld(world);
      const editor = world.users.find((user) => user.id === users.editor);
      assert.deepEqual(await store.findUser({ id: users.editor }), editor);
      assert.deepEqual(await store.findUser({ email: 'editor@example.com' }), editor);
      assert.deepEqual(await store.findUser({ email: 'EDITOR@EXAMPLE.COM' }), editor);
      assert.deepEqual(await store.findUser({ token: 'token-editor' }), editor);
      assert.equal(await store.findUser({ id: 999 }), undefined);
      assert.equal(await store.findUser({ email: 'nobody@example.com' }), undefined);
      assert.equal(await store.findUser({ token: 'TOKEN-EDITOR' }), undefined, 'tokens are case-sensitive');
      assert.equal(await store.findUser({ token: 'nope' }), undefined);
    },
  },
  {
    name: 'teamsOfUser: the teams having the user among their members, ascending id',
    async run(store) {
      const world = sampleWorld();
      await store.importWorld(world);
      assert.deepEqual(
        await store.teamsOfUser(users.editor),
        world.teams.filter((team) => team.id === teams.editors || team.id === teams.readers),
      );
      assert.deepEqual(ids(await store.teamsOfUser(users.viewer)), [teams.readers]);
      assert.deepEqual(await store.teamsOfUser(users.admin), []);
      assert.deepEqual(await store.teamsOfUser(999), []);
    },
  },
  {
    name: 'getDatastore, listDatastores: by id (undefined when absent) and all ascending id',
    async run(store) {
      const world = sampleWorld();
      await store.importWorld(world);
      assert.deepEqual(await store.getDatastore(datastores.lake), { id: datastores.lake, name: 'lake', store_type: 'dfs' });
      assert.equal(await store.getDatastore(999), undefined);
      assert.deepEqual(await store.listDatastores(), world.datastores);
    },
  },
  {
    name: 'getContainer, getContainers, listContainers: soft-deleted included, ascending id, unknown ids ignored',
    async run(store) {
      const world = sampleWorld();
      await store.importWorld(world);
      const container = (id: number) => world.containers.find((row) => row.id === id);
      assert.deepEqual(await store.getContainer(containers.oldOrders), container(containers.oldOrders));
      assert.deepEqual(await store.getContainer(containers.eventsByCountry), container(containers.eventsByCountry));
      assert.equal(await store.getContainer(999), undefined);
      assert.deepEqual(
        await store.getContainers([containers.revenue, 999, containers.oldOrders, containers.orders, containers.revenue]),
        [container(containers.orders), container(containers.oldOrders), container(containers.revenue)],
      );
      assert.deepEqual(await store.getContainers([]), []);
      assert.deepEqual(ids(await store.listContainers(datastores.staging)), [containers.stagingOrders, containers.oldOrders]);
      assert.deepEqual(await store.listContainers(datastores.lake), [container(containers.events), container(containers.eventsByCountry)]);
      assert.deepEqual(await store.listContainers(999), []);
    },
  },
  {
    name: 'listFields: the plain fields of a container, every status, ascending id',
    async run(store) {
      const world = sampleWorld();
      await store.importWorld(world);
      assert.deepEqual(await store.listFields(containers.orders), world.fields.filter((field) => field.container_id === containers.orders));
      assert.deepEqual(ids(await store.listFields(containers.stagingOrders)), [fields.stagingId, fields.stagingAmount]);
      assert.deepEqual(await store.listFields(containers.revenue), []);
    },
  },
  {
    name: 'listChecks, getChecks: every status, ascending id, unknown ids ignored, each once',
    async run(store) {
      const world = sampleWorld();
      await store.importWorld(world);
      const inOrders = world.quality_checks.filter((check) => check.container_id === containers.orders);
      assert.deepEqual(await store.listChecks(containers.orders), inOrders);
      assert.deepEqual(ids(await store.listChecks(containers.stagingOrders)), [checks.stagingArchived, checks.stagingDiscarded]);
      assert.deepEqual(await store.listChecks(containers.revenue), []);
      assert.deepEqual(
        ids(await store.getChecks([checks.stagingDiscarded, 999, checks.notNull, checks.stagingDiscarded])),
        [checks.notNull, checks.stagingDiscarded],
      );
      assert.deepEqual(await store.getChecks([checks.between]), inOrders.filter((check) => check.id === checks.between));
      assert.deepEqual(await store.getChecks([]), []);
    },
  },
  {
    name: 'listComputedFields, getComputedFields: every status, ascending id, unknown ids ignored, each once',
    async run(store) {
      const world = sampleWorld();
      await store.importWorld(world);
      assert.deepEqual(
        await store.listComputedFields(containers.orders),
        world.computed_fields.filter((computed) => computed.container_id === containers.orders),
      );
      assert.deepEqual(ids(await store.listComputedFields(containers.stagingOrders)), [computedFields.stagingAmountUsd]);
      assert.deepEqual(await store.listComputedFields(containers.revenue), []);
      assert.deepEqual(
        ids(await store.getComputedFields([computedFields.stagingAmountUsd, 999, computedFields.amountUsd, computedFields.amountUsd])),
        [computedFields.amountUsd, computedFields.stagingAmountUsd],
      );
      assert.deepEqual(await store.getComputedFields([]), []);
    },
  },
  {
    name: 'listCheckKeys: pages of id, status and tags above an id, ascending, at most the limit; every page cut down from listChecks',
    requires: 'check-keys',
    async run(store) {
      await store.importWorld(sampleWorld());
      const listCheckKeys = store.listCheckKeys?.bind(store);
      assert.ok(listCheckKeys);
      // More checks in one container, of every status and some tags, and a deleted one in between.
      const statuses = ['active', 'draft', 'archived', 'discarded', 'active', 'draft', 'active'] as const;
      const created = await store.applyEdits(statuses.map((status, index) => ({ kind: 'create_check' as const, value: checkValue(containers.orders, { status, tags: index % 2 === 0 ? [`t${index}`, 'even'] : [] }) })));
      await store.applyEdits([{ kind: 'delete', entity: 'quality_check', id: created[3] as number }]);
      const keysOf = (rows: readonly { readonly id: number; readonly status: string; readonly tags: readonly string[] }[]) => rows.map(({ id, status, tags }) => ({ id, status, tags }));
      const all = keysOf(await store.listChecks(containers.orders));
      assert.equal(all.length, 2 + statuses.length - 1);
      for (const limit of [1, 2, 3, all.length, all.length + 5]) {
        const pages: (typeof all)[] = [];
        let after = 0;
        for (;;) {
          const page = keysOf(await listCheckKeys(containers.orders, after, limit));
          assert.ok(page.length <= limit, `a page of limit ${limit} held ${page.length}`);
          if (page.length === 0) break;
          assert.ok(page.every((key) => key.id > after), `a page above ${after} held ${page.map((key) => key.id).join(', ')}`);
          pages.push(page);
          after = (page.at(-1) as (typeof all)[number]).id;
        }
        assert.deepEqual(pages.flat(), all, `pages of ${limit}`);
        assert.ok(pages.slice(0, -1).every((page) => page.length === limit), `only the last page of ${limit} is short`);
      }
      // Above an id that is no check's (the deleted one), and above the last.
      const deleted = created[3] as number;
      assert.deepEqual(keysOf(await listCheckKeys(containers.orders, deleted, 100)), all.filter((key) => key.id > deleted));
      assert.deepEqual(await listCheckKeys(containers.orders, (all.at(-1) as (typeof all)[number]).id, 10), []);
      assert.deepEqual(await listCheckKeys(containers.revenue, 0, 10), []);
      assert.deepEqual(await listCheckKeys(999_999, 0, 10), []);
    },
  },
  {
    name: 'summarise: each kind cut down from its get… read — existing ids only, ascending, each once; [] for none',
    requires: 'summarise',
    async run(store) {
      await store.importWorld(sampleWorld());
      const summarise = store.summarise?.bind(store);
      assert.ok(summarise);
      const checkIds = [checks.stagingDiscarded, checks.notNull, 999_999, checks.notNull, checks.between];
      assert.deepEqual(await summarise('quality_check', checkIds), (await store.getChecks(checkIds)).map(checkSummary));
      const fieldIds = Object.values(computedFields).reverse();
      assert.deepEqual(await summarise('computed_field', [...fieldIds, 999_999]), (await store.getComputedFields(fieldIds)).map(computedFieldSummary));
      const containerIds = Object.values(containers);
      for (const kind of ['computed_table', 'computed_file'] as const) {
        assert.deepEqual(await summarise(kind, [...containerIds].reverse()), (await store.getContainers(containerIds)).map(containerSummary));
      }
      assert.deepEqual(await summarise('quality_check', []), []);
    },
  },
];
