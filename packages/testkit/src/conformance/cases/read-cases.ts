import assert from 'node:assert/strict';
import { checkSummary, computedFieldSummary, containerSummary } from '@promote/core';
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
