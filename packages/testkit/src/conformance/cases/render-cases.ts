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

/**
 * Asks `renderResultRange` for every seq range of the operation (each start, lengths 1, 2, 3 and
 * the rest) and of one range past its end, next to the results `listResultsAfter` reads from that
 * seq: a range the listed results hold exactly (one result per seq, all of `entityType`) renders
 * as the JSON of their views, byte for byte, or `undefined` (a store may decline, see the port);
 * any other range MUST be `undefined`. Returns how many ranges were rendered.
 */
async function expectRangesAsViews(store: Store, operationId: number, entityType: EntityType, total: number): Promise<number> {
  const runtime = createStoreRuntime(store);
  let rendered = 0;
  for (let from = 0; from <= total; from++) {
    for (const count of new Set([1, 2, 3, Math.max(1, total - from)])) {
      // One more than the range: a second result at its last seq is not the next seq's.
      const read = await store.listResultsAfter(operationId, { seq: from, id: 0 }, count + 1);
      const listed = read.slice(0, count);
      const answer = await store.renderResultRange!(operationId, entityType, from, count);
      const where = `operation ${operationId}, seq ${from} to ${from + count - 1}`;
      const exact = listed.length === count && listed.every((row, index) => row.seq === from + index && row.entity_type === entityType) && (read[count]?.seq ?? Infinity) >= from + count;
      if (!exact) {
        assert.equal(answer, undefined, `${where}: the results are not that range, one per seq of ${entityType}, yet it was rendered`);
        continue;
      }
      if (answer === undefined) continue;
      rendered += 1;
      const views = (await resultViews(runtime, listed))._unsafeUnwrap();
      const expected = JSON.stringify(views).slice(1, -1);
      assert.equal(Buffer.from(answer).toString('utf8'), expected, `${where}: not the JSON of the views`);
      assert.equal(Buffer.compare(Buffer.from(answer), Buffer.from(expected, 'utf8')), 0, `${where}: the text reads the same but its bytes differ`);
    }
  }
  return rendered;
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
      // A source and a destination edited since: their views show them as they are now (SPEC §10).
      const [edited, editedDestination] = await store.getChecks([sources[1]!, destinations[2]!]);
      await store.applyEdits([
        { kind: 'update_check', value: { ...edited!, description: awkward[6 % awkward.length]!, rule_type: 'not_null', status: 'archived' } },
        { kind: 'update_check', value: { ...editedDestination!, description: `${awkward[0]!} edited`, status: 'draft' } },
      ]);
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
  {
    name: 'renderResultViews: a finished operation read again shows its entities as they are now — after edits of sources, destinations, computed fields and containers, deletions and a resume (property; a store that keeps written pages must notice)',
    requires: 'render-result-views',
    async run(store) {
      await store.importWorld(sampleWorld());
      const checkOperation = await store.createOperation(operationInput({ status: { total: 0, created: 0, updated: 0, skipped: 0, failed: 0 } }));
      const fields = await store.applyEdits(['a', 'b', 'c'].map((name): WorldEdit => ({ kind: 'create_computed_field', value: computedFieldValue(containers.stagingOrders, { name }) })));
      const fieldOperation = await store.createOperation(operationInput({ promote_type: 'computed_field', status: { total: fields.length, created: 0, updated: 0, skipped: 0, failed: 0 } }));
      await store.commit(fields.map((id, seq) => skippedUnit(fieldOperation.id, seq, 'computed_field', id, id, containers.stagingOrders)));
      const tables = await store.applyEdits(['t', 'u'].map((name): WorldEdit => ({ kind: 'create_container', value: computedTableValue(datastores.staging, { name }) })));
      const tableOperation = await store.createOperation(operationInput({ promote_type: 'computed_table', status: { total: tables.length, created: 0, updated: 0, skipped: 0, failed: 0 } }));
      await store.commit(tables.map((id, seq) => skippedUnit(tableOperation.id, seq, 'computed_table', id, id, datastores.staging)));
      for (const operation of [checkOperation, fieldOperation, tableOperation]) await store.updateOperation(operation.id, { result: 'success', end_time: '2026-03-10T15:00:00Z' });
      let seq = 0;
      let sources: number[] = [];
      let destinations: number[] = [];
      /** Results for `count` new sources and destinations, in a resumed run of the check operation. */
      const resume = async (count: number) => {
        const addedSources = await createChecks(store, Array.from({ length: count }, (_, index) => `source ${seq + index}`), containers.orders);
        const addedDestinations = await createChecks(store, Array.from({ length: count }, (_, index) => `destination ${seq + index}`), containers.stagingOrders);
        await store.updateOperation(checkOperation.id, { result: 'running', end_time: null });
        await store.commit(addedSources.map((sourceId, index) => skippedCheckUnit({ operationId: checkOperation.id, seq: seq + index, sourceId }, addedDestinations[index]!)));
        await store.updateOperation(checkOperation.id, { result: 'success', end_time: '2026-03-10T16:00:00Z' });
        seq += count;
        sources = [...sources, ...addedSources];
        destinations = [...destinations, ...addedDestinations];
      };
      await resume(6);
      const readAll = async () => {
        for (const limit of [2, 1000]) {
          await expectRenderedAsViews(store, checkOperation.id, limit);
          await expectRenderedAsViews(store, fieldOperation.id, limit);
          await expectRenderedAsViews(store, tableOperation.id, limit);
        }
      };
      type Step =
        | { readonly kind: 'check'; readonly destination: boolean; readonly index: number; readonly text: string; readonly status: 'active' | 'draft' | 'archived' }
        | { readonly kind: 'delete check'; readonly destination: boolean; readonly index: number }
        | { readonly kind: 'field' | 'table'; readonly index: number; readonly text: string }
        | { readonly kind: 'delete field' | 'delete table'; readonly index: number }
        | { readonly kind: 'resume'; readonly count: number };
      const step: fc.Arbitrary<Step> = fc.oneof(
        fc.record({ kind: fc.constant('check' as const), destination: fc.boolean(), index: fc.nat(), text: fc.string({ maxLength: 6 }), status: fc.constantFrom('active' as const, 'draft' as const, 'archived' as const) }),
        fc.record({ kind: fc.constant('delete check' as const), destination: fc.boolean(), index: fc.nat() }),
        fc.record({ kind: fc.constantFrom('field' as const, 'table' as const), index: fc.nat(), text: fc.string({ maxLength: 6 }) }),
        fc.record({ kind: fc.constantFrom('delete field' as const, 'delete table' as const), index: fc.nat() }),
        fc.record({ kind: fc.constant('resume' as const), count: fc.integer({ min: 1, max: 3 }) }),
      );
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 5 }), async (steps) => {
          await readAll();
          for (const next of steps) {
            if (next.kind === 'resume') await resume(next.count);
            else if (next.kind === 'delete field') {
              const [field] = await store.getComputedFields([fields[next.index % fields.length]!]);
              if (field !== undefined) await store.applyEdits([{ kind: 'delete', entity: 'computed_field', id: field.id }]);
            } else if (next.kind === 'delete table') {
              const [table] = await store.getContainers([tables[next.index % tables.length]!]);
              if (table !== undefined) await store.applyEdits([{ kind: 'delete', entity: 'container', id: table.id }]);
            }
            else if (next.kind === 'field') {
              const [field] = await store.getComputedFields([fields[next.index % fields.length]!]);
              if (field !== undefined) await store.applyEdits([{ kind: 'update_computed_field', value: { ...field, name: `${field.name}${next.text}`, transformation: field.transformation === 'cast' ? 'custom_expression' : 'cast' } }]);
            } else if (next.kind === 'table') {
              const [table] = await store.getContainers([tables[next.index % tables.length]!]);
              if (table !== undefined) await store.applyEdits([{ kind: 'update_container', value: { ...table, name: `${table.name}${next.text}` } }]);
            } else if (next.kind === 'check' || next.kind === 'delete check') {
              const ids = next.destination ? destinations : sources;
              const [check] = await store.getChecks([ids[next.index % ids.length]!]);
              if (check !== undefined)
                await store.applyEdits([next.kind === 'check' ? { kind: 'update_check', value: { ...check, description: `${check.description}${next.text}`, status: next.status, rule_type: check.rule_type === 'not_null' ? 'between' : 'not_null' } } : { kind: 'delete', entity: 'quality_check', id: check.id }]);
            }
            await readAll();
          }
        }),
        { numRuns: 15 },
      );
    },
  },
];

/** `renderResultRange` (optional): the JSON text of a seq range of result views, written by the store when the range is exact. */
export const renderRangeCases: readonly StoreConformanceCase[] = [
  {
    name: 'renderResultRange: checks — every exact seq range renders the bytes of its views (awkward text, changes, deleted sources), any other range nothing',
    requires: 'render-result-range',
    async run(store) {
      await store.importWorld(sampleWorld());
      const sources = await createChecks(store, awkward, containers.orders);
      const destinations = await createChecks(store, awkward.map((text) => `${text} (staging)`), containers.stagingOrders);
      const current = await store.getChecks(destinations);
      const operation = await store.createOperation(operationInput({ status: { total: sources.length, created: 0, updated: 0, skipped: 0, failed: 0 } }));
      const units = sources.map((sourceId, seq): CommitUnit => {
        const position = { operationId: operation.id, seq, sourceId };
        if (seq % 3 === 0) return { ...updatedCheckUnit(position, current[seq]!, { ...current[seq]!, description: awkward[(seq + 1) % awkward.length]! }), changes: [{ path: 'description', from: awkward[seq], to: awkward[1] }] };
        if (seq % 3 === 1) return failedCheckUnit(position, awkward[seq]);
        return skippedCheckUnit(position, destinations[seq]!);
      });
      await store.commit(units.slice(3));
      await store.commit(units.slice(0, 3));
      await store.applyEdits([{ kind: 'delete', entity: 'quality_check', id: sources[4]! }]);
      assert.ok((await expectRangesAsViews(store, operation.id, 'quality_check', sources.length)) > 0, 'no range was rendered');
      // Another kind asked for: nothing.
      assert.equal(await store.renderResultRange!(operation.id, 'computed_field', 0, 1), undefined, 'checks rendered as computed fields');
      assert.equal(await store.renderResultRange!(999, 'quality_check', 0, 1), undefined, 'an unknown operation rendered');
    },
  },
  {
    name: 'renderResultRange: a seq without a result, a seq with two, or results of two kinds — the ranges holding them render nothing',
    requires: 'render-result-range',
    async run(store) {
      await store.importWorld(sampleWorld());
      const sources = await createChecks(store, ['a', 'b', 'c', 'd', 'e', 'f'], containers.orders);
      const destinations = await createChecks(store, ['A', 'B', 'C', 'D', 'E', 'F'], containers.stagingOrders);
      const operation = await store.createOperation(operationInput({ status: { total: 5, created: 0, updated: 0, skipped: 0, failed: 0 } }));
      // seq 0, 1, 3, 3, 4, 5: no result at seq 2, two at seq 3.
      const seqs = [0, 1, 3, 3, 4, 5];
      await store.commit(sources.map((sourceId, index) => skippedCheckUnit({ operationId: operation.id, seq: seqs[index]!, sourceId }, destinations[index]!)));
      assert.ok((await expectRangesAsViews(store, operation.id, 'quality_check', 6)) > 0, 'no range was rendered');
      for (const [from, count] of [[0, 3], [2, 1], [3, 1], [3, 2], [1, 4], [0, 6]] as const) {
        assert.equal(await store.renderResultRange!(operation.id, 'quality_check', from, count), undefined, `seq ${from} to ${from + count - 1} rendered`);
      }
      const mixed = await store.createOperation(operationInput({ promote_type: 'computed_table', status: { total: 2, created: 0, updated: 0, skipped: 0, failed: 0 } }));
      await store.commit([
        skippedUnit(mixed.id, 0, 'computed_table', containers.revenue, containers.revenue, datastores.staging),
        skippedUnit(mixed.id, 1, 'computed_file', containers.orders, containers.orders, datastores.staging),
      ]);
      assert.notEqual(await store.renderResultRange!(mixed.id, 'computed_table', 0, 1), undefined, 'one computed table was not rendered');
      assert.equal(await store.renderResultRange!(mixed.id, 'computed_table', 0, 2), undefined, 'a computed file rendered as a computed table');
    },
  },
  {
    name: 'renderResultRange: computed fields and computed files — each kind’s summary',
    requires: 'render-result-range',
    async run(store) {
      await store.importWorld(sampleWorld());
      const fields = await store.applyEdits(awkward.map((text, index): WorldEdit => ({ kind: 'create_computed_field', value: computedFieldValue(containers.stagingOrders, { name: `f${index} ${text}` }) })));
      const fieldOperation = await store.createOperation(operationInput({ promote_type: 'computed_field', status: { total: fields.length, created: 0, updated: 0, skipped: 0, failed: 0 } }));
      await store.commit(fields.map((id, seq) => skippedUnit(fieldOperation.id, seq, 'computed_field', seq === 0 ? sampleIds.computedFields.amountUsd : id, id, containers.stagingOrders)));
      assert.ok((await expectRangesAsViews(store, fieldOperation.id, 'computed_field', fields.length)) > 0, 'no range of computed fields was rendered');
      const files = await store.applyEdits(awkward.map((text, index): WorldEdit => ({ kind: 'create_container', value: tableValue(datastores.staging, { name: `p${index} ${text}` }) })));
      const fileOperation = await store.createOperation(operationInput({ promote_type: 'computed_file', status: { total: files.length, created: 0, updated: 0, skipped: 0, failed: 0 } }));
      await store.commit(files.map((id, seq) => skippedUnit(fileOperation.id, seq, 'computed_file', id, id, datastores.staging)));
      assert.ok((await expectRangesAsViews(store, fileOperation.id, 'computed_file', files.length)) > 0, 'no range of computed files was rendered');
    },
  },
];
