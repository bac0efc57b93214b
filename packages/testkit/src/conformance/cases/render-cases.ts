import assert from 'node:assert/strict';
import { createStoreRuntime, type Change, type CommitUnit, type EntityType, type ResultPosition, type Store, type WorldEdit } from '@promote/core';
import { resultViews } from '@promote/core/internals';
import fc from 'fast-check';
import { failedCheckUnit, operationInput, skippedCheckUnit, updatedCheckUnit } from '../commit-fixtures.js';
import { checkValue, computedFieldValue, computedTableValue, tableValue } from '../entity-values.js';
import { sampleIds, sampleWorld } from '../sample-world.js';
import type { StoreConformanceCase } from '../store-conformance-case.js';

const { containers, datastores } = sampleIds;

/**
 * Text that JSON escapes, or that a hand-written serialiser gets wrong: quotes and backslashes,
 * every control character, DEL, the line and paragraph separators, astral characters, something
 * that looks like a number ending, markup. (A lone surrogate, which `JSON.stringify` escapes, is
 * in the property's alphabet: a store may answer `undefined` for a page holding one.)
 */
const awkward = [
  'He said "no" \\ then left',
  Array.from({ length: 32 }, (_, code) => String.fromCharCode(code)).join(''),
  '\u007f\u0080\u00ff é ß ü',
  'line\u2028paragraph\u2029end',
  'astral 😀 𝄞 and Hangul 힣',
  '-0, -0] -0} 1e21',
  '</script><b>',
  '',
];

const pageLimits = [1, 2, 3, 7, 1000];

/**
 * Reads the whole operation with `renderResultViews` and with `listResultsAfter` side by side,
 * `limit` at a time, and requires each rendered page to be the JSON of the views the engine builds
 * from the listed page — the same bytes — with its count and last position. A page the store
 * answers `undefined` for (it may, see the port) is read on from the listed one. Returns how many
 * pages were rendered.
 */
async function expectRenderedAsViews(store: Store, operationId: number, limit: number): Promise<number> {
  const runtime = createStoreRuntime(store);
  const render = store.renderResultViews!.bind(store);
  let after: ResultPosition | undefined;
  let rendered = 0;
  for (let page = 1; ; page++) {
    const listed = await store.listResultsAfter(operationId, after, limit);
    const answer = await render(operationId, after, limit);
    const lastRow = listed.at(-1);
    const last = lastRow === undefined ? undefined : { seq: lastRow.seq, id: lastRow.id };
    if (answer !== undefined) {
      rendered += 1;
      const views = (await resultViews(runtime, listed))._unsafeUnwrap();
      const expected = Buffer.from(views.length === 0 ? '' : JSON.stringify(views).slice(1, -1), 'utf8');
      const where = `operation ${operationId}, page ${page} of ${limit}`;
      if (Buffer.compare(Buffer.from(answer.json), expected) !== 0) {
        assert.equal(Buffer.from(answer.json).toString('utf8'), expected.toString('utf8'), `${where}: not the JSON of the views`);
        assert.fail(`${where}: the text reads the same but its bytes differ from the UTF-8 of the views' JSON`);
      }
      assert.equal(answer.count, listed.length, `${where}: count`);
      assert.deepEqual(answer.last, last, `${where}: last position`);
    }
    if (listed.length < limit || last === undefined) return rendered;
    after = last;
  }
}

/** A skipped unit of any kind, matched to `destinationId`. */
function skippedUnit(operationId: number, seq: number, entityType: EntityType, sourceId: number, destinationId: number, scopeId: number): CommitUnit {
  return {
    operation_id: operationId,
    seq,
    entity_type: entityType,
    source_entity_id: sourceId,
    result: 'skipped',
    destination_entity_id: destinationId,
    destination_scope_id: scopeId,
    message: null,
    changes: null,
    before: null,
    search_text: `${entityType} ${sourceId}`,
  };
}

const createChecks = (store: Store, descriptions: readonly string[], containerId: number) =>
  store.applyEdits(descriptions.map((description, index): WorldEdit => ({ kind: 'create_check', value: checkValue(containerId, { description, status: index % 2 === 0 ? 'active' : 'draft' }) })));

/** `renderResultViews` (optional): the JSON text of result views, written by the store. */
export const renderCases: readonly StoreConformanceCase[] = [
  {
    name: 'renderResultViews: checks — the same bytes as the views the engine builds (awkward text, changes, deleted sources, no destination), counts and last positions, every page size',
    requires: 'render-result-views',
    async run(store) {
      await store.importWorld(sampleWorld());
      const sources = await createChecks(store, awkward, containers.orders);
      const destinations = await createChecks(store, awkward.map((text) => `${text} (staging)`), containers.stagingOrders);
      const [destination] = await store.getChecks([destinations[0]!]);
      const operation = await store.createOperation(operationInput({ status: { total: sources.length, created: 0, updated: 0, skipped: 0, failed: 0 } }));
      const changes: Change[] = [
        { path: 'description', from: awkward[0], to: awkward[1] },
        { path: 'properties', from: { min: 0.1, max: 1e21, list: [null, true, awkward[4], { deep: [] }] }, to: {} },
        { path: 'tags', from: [], to: awkward },
      ];
      const units = sources.map((sourceId, seq): CommitUnit => {
        const position = { operationId: operation.id, seq, sourceId };
        if (seq === 0) return { ...updatedCheckUnit(position, destination!, { ...destination!, description: awkward[3]! }), changes };
        if (seq % 3 === 1) return failedCheckUnit(position, awkward[seq % awkward.length]);
        return { ...skippedCheckUnit(position, destinations[seq]!), message: seq === 2 ? awkward[2]! : null };
      });
      // Out of order, in three commits.
      await store.commit(units.slice(4));
      await store.commit(units.slice(0, 2));
      await store.commit(units.slice(2, 4));
      // A source deleted since: its view has no source entity.
      await store.applyEdits([{ kind: 'delete', entity: 'quality_check', id: sources[5]! }]);
      for (const limit of pageLimits) assert.ok((await expectRenderedAsViews(store, operation.id, limit)) > 0, `no page of ${limit} was rendered`);
    },
  },
  {
    name: 'renderResultViews: computed fields, computed tables and files — each kind’s summary, from the kind of the page’s first result',
    requires: 'render-result-views',
    async run(store) {
      await store.importWorld(sampleWorld());
      const fields = await store.applyEdits(
        awkward.map((text, index): WorldEdit => ({ kind: 'create_computed_field', value: computedFieldValue(containers.stagingOrders, { name: `f${index} ${text}`, transformation: index % 2 === 0 ? 'cast' : 'custom_expression' }) })),
      );
      const fieldOperation = await store.createOperation(operationInput({ promote_type: 'computed_field', status: { total: fields.length, created: 0, updated: 0, skipped: 0, failed: 0 } }));
      await store.commit(fields.map((id, seq) => skippedUnit(fieldOperation.id, seq, 'computed_field', seq === 0 ? sampleIds.computedFields.amountUsd : id, id, containers.stagingOrders)));
      const tables = await store.applyEdits(
        awkward.map((text, index): WorldEdit => ({
          kind: 'create_container',
          value: index % 2 === 0 ? computedTableValue(datastores.staging, { name: `t${index} ${text}` }) : tableValue(datastores.staging, { name: `p${index} ${text}` }),
        })),
      );
      const containerOperation = await store.createOperation(operationInput({ promote_type: 'computed_table', status: { total: tables.length, created: 0, updated: 0, skipped: 0, failed: 0 } }));
      await store.commit(
        tables.map((id, seq) => skippedUnit(containerOperation.id, seq, seq % 2 === 0 ? 'computed_table' : 'computed_file', seq === 0 ? containers.revenue : tables[seq]!, id, datastores.staging)),
      );
      for (const operation of [fieldOperation, containerOperation]) {
        for (const limit of pageLimits) assert.ok((await expectRenderedAsViews(store, operation.id, limit)) > 0, `no page of ${limit} was rendered`);
      }
    },
  },
  {
    name: 'renderResultViews: any text in descriptions, messages and changes renders as JSON.stringify writes it (property)',
    requires: 'render-result-views',
    async run(store) {
      await store.importWorld(sampleWorld());
      const text = fc.string({ unit: fc.oneof(fc.constantFrom(...awkward.flatMap((sample) => [...sample]), '\ud800', '\udfff'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), maxLength: 12 });
      const value: fc.Arbitrary<unknown> = fc.oneof(text, fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.boolean(), fc.constant(null), fc.array(text, { maxLength: 3 }), fc.dictionary(text, text, { maxKeys: 3 }));
      await fc.assert(
        fc.asyncProperty(fc.array(fc.record({ description: text, message: fc.option(text), from: value, to: value }), { minLength: 1, maxLength: 6 }), async (rows) => {
          const sources = await createChecks(store, rows.map((row) => row.description), containers.orders);
          const destinations = await createChecks(store, rows.map((row) => `${row.description}!`), containers.stagingOrders);
          const current = await store.getChecks(destinations);
          const operation = await store.createOperation(operationInput({ status: { total: rows.length, created: 0, updated: 0, skipped: 0, failed: 0 } }));
          await store.commit(
            rows.map((row, seq): CommitUnit => {
              const position = { operationId: operation.id, seq, sourceId: sources[seq]! };
              const destination = current[seq]!;
              return seq % 2 === 0
                ? { ...updatedCheckUnit(position, destination, { ...destination, description: row.description }), message: row.message, changes: [{ path: 'properties.x', from: row.from, to: row.to }] }
                : { ...skippedCheckUnit(position, destination.id), message: row.message };
            }),
          );
          await expectRenderedAsViews(store, operation.id, 4);
        }),
        { numRuns: 25 },
      );
    },
  },
  {
    name: 'renderResultViews: an operation without results, an unknown one, and a position past the end render nothing',
    requires: 'render-result-views',
    async run(store) {
      await store.importWorld(sampleWorld());
      const operation = await store.createOperation(operationInput());
      const nothing = { json: new Uint8Array(0), count: 0, last: undefined };
      for (const id of [operation.id, 999]) {
        const answer = await store.renderResultViews!(id, undefined, 10);
        assert.deepEqual(answer === undefined ? undefined : { ...answer, json: new Uint8Array(answer.json) }, nothing);
      }
      await store.commit([skippedCheckUnit({ operationId: operation.id, seq: 0, sourceId: sampleIds.checks.notNull }, sampleIds.checks.stagingArchived)]);
      const [row] = await store.listResultsAfter(operation.id, undefined, 1);
      const past = await store.renderResultViews!(operation.id, { seq: row!.seq, id: row!.id }, 10);
      assert.deepEqual(past === undefined ? undefined : { ...past, json: new Uint8Array(past.json) }, nothing);
    },
  },
];
