import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { CheckDefinition, ComputedField, Container, Field } from '../domain/entities.js';
import type { FieldType } from '../domain/enums.js';
import { ruleTypes, type RuleType } from '../domain/rule-types.js';
import type { ValidationItem, ValidationTarget } from '../ports/dataplane.js';
import { createReferenceDataplane, referenceValidationOutcome } from './reference-dataplane.js';
// A test-only file that imports nothing of ours: core's tests share it without core depending on testkit.
import { testProp } from '../../../testkit/src/properties/test-prop.js';

const container: Container = {
  id: 20,
  datastore_id: 2,
  name: 'orders',
  container_type: 'table',
  description: '',
  tags: [],
  additional_metadata: {},
  deleted_at: null,
  profiled: true,
};

let nextFieldId = 1;
const field = (name: string, type: FieldType, status: Field['status'] = 'active'): Field => ({ id: nextFieldId++, container_id: 20, name, type, status });
const computed = (name: string, status: ComputedField['status'] = 'active'): ComputedField => ({
  id: nextFieldId++,
  container_id: 20,
  name,
  transformation: 'custom_expression',
  source_fields: [],
  properties: { column_expression: 'amount * 2' },
  description: '',
  tags: [],
  additional_metadata: {},
  status,
});

const target: ValidationTarget = {
  container,
  fields: [
    field('order_id', 'integral'),
    field('Email', 'string'),
    field('amount', 'fractional'),
    field('created_at', 'timestamp'),
    field('customer_ssn', 'string', 'masked'),
    field('phone', 'string', 'missing'),
    field('legacy_ref', 'string', 'excluded'),
    field('payload', 'unknown'),
  ],
  computedFields: [computed('amount_usd'), computed('amount_bucket', 'missing'), computed('old_margin', 'deleted')],
};

const check = (rule_type: RuleType, fields: readonly string[], properties: Record<string, unknown> = {}): CheckDefinition => ({
  rule_type,
  description: '',
  fields,
  coverage: null,
  filter: null,
  properties,
  tags: [],
  additional_metadata: {},
  status: 'active',
  inferred: false,
});

const item = (sourceCheckId: number, definition: CheckDefinition): ValidationItem => ({ sourceCheckId, check: definition });

const reasonOf = (definition: CheckDefinition) => {
  const outcome = referenceValidationOutcome(target, definition);
  return outcome.valid ? undefined : outcome.reason;
};

/** A sleep that resolves only when the test releases it, so concurrency is observable without real time. */
function gatedSleep() {
  const waiting: { ms: number; release: () => void }[] = [];
  return {
    waiting,
    sleep: (ms: number) => new Promise<void>((resolve) => waiting.push({ ms, release: resolve })),
    releaseAll: () => waiting.splice(0).forEach((entry) => entry.release()),
  };
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('referenceValidationOutcome', () => {
  test('a check whose fields are all available and accepted is valid', () => {
    expect(referenceValidationOutcome(target, check('not_null', ['order_id', 'Email', 'created_at']))).toEqual({ valid: true });
  });

  test('field names are compared case-insensitively', () => {
    expect(reasonOf(check('matches_pattern', ['email'], { pattern: '^.+@.+$' }))).toBeUndefined();
    expect(reasonOf(check('between', ['AMOUNT'], { min: 0, max: 10 }))).toBeUndefined();
  });

  test('masked fields and active computed fields are available', () => {
    expect(reasonOf(check('max_length', ['customer_ssn'], { value: 11 }))).toBeUndefined();
    expect(reasonOf(check('not_null', ['amount_usd']))).toBeUndefined();
  });

  test.each([
    ['a field that does not exist', 'coupon_code'],
    ['a missing field', 'phone'],
    ['an excluded field', 'legacy_ref'],
    ['a missing computed field', 'amount_bucket'],
    ['a deleted computed field', 'old_margin'],
  ])('%s is not available', (_, name) => {
    expect(reasonOf(check('not_null', ['order_id', name]))).toBe(`field '${name}' not found on destination container`);
  });

  test('the first unavailable field names the reason', () => {
    expect(reasonOf(check('not_null', ['order_id', 'phone', 'coupon_code']))).toBe("field 'phone' not found on destination container");
  });

  test('field references in properties must be available (string and array values)', () => {
    expect(reasonOf(check('equal_to_field', ['amount'], { field_name: 'AMOUNT_USD' }))).toBeUndefined();
    expect(reasonOf(check('equal_to_field', ['amount'], { field_name: 'discount' }))).toBe("field 'discount' not found on destination container");
    expect(reasonOf(check('greater_than_field', ['created_at'], { field_name: 'phone' }))).toBe("field 'phone' not found on destination container");
    expect(reasonOf(check('entity_resolution', ['Email'], { distinct_field_name: 'order_id', target_fields: ['email', 'full_name'] }))).toBe(
      "field 'full_name' not found on destination container",
    );
    expect(reasonOf(check('data_diff', ['order_id'], { id_field_names: ['order_id', 'customer_id'] }))).toBe(
      "field 'customer_id' not found on destination container",
    );
  });

  test('properties that are not field references of the rule type are not looked up', () => {
    expect(reasonOf(check('exists_in', ['order_id'], { ref_container_id: 99, ref_field_name: 'nowhere', field_name: 'nowhere' }))).toBeUndefined();
  });

  test('a field of a type the rule does not accept fails', () => {
    expect(reasonOf(check('between', ['Email'], { min: 0, max: 5 }))).toBe("field 'Email' has type string, not accepted by rule type 'between'");
    expect(reasonOf(check('matches_pattern', ['amount'], { pattern: 'x' }))).toBe(
      "field 'amount' has type fractional, not accepted by rule type 'matches_pattern'",
    );
    expect(reasonOf(check('not_future', ['order_id']))).toBe("field 'order_id' has type integral, not accepted by rule type 'not_future'");
    expect(reasonOf(check('unique', ['order_id', 'payload']))).toBe("field 'payload' has type unknown, not accepted by rule type 'unique'");
  });

  test('availability is reported before type', () => {
    expect(reasonOf(check('between', ['Email', 'phone'], { min: 0, max: 5 }))).toBe("field 'phone' not found on destination container");
  });

  test('computed fields are accepted by every rule type', () => {
    expect(reasonOf(check('matches_pattern', ['amount_usd'], { pattern: '^[0-9]+$' }))).toBeUndefined();
    expect(reasonOf(check('not_future', ['amount_usd']))).toBeUndefined();
  });

  test('calculated and container-level rule types have no type to check', () => {
    expect(reasonOf(check('satisfies_expression', [], { expression: 'amount > 0' }))).toBeUndefined();
    expect(reasonOf(check('freshness', [], { value: 24 }))).toBeUndefined();
  });

  test('matches_pattern needs a valid regular expression', () => {
    expect(reasonOf(check('matches_pattern', ['Email'], { pattern: '(' }))).toBe("pattern '(' is not a valid regular expression");
    expect(reasonOf(check('matches_pattern', ['Email'], { pattern: '^(USD|EUR$' }))).toBe("pattern '^(USD|EUR$' is not a valid regular expression");
    expect(reasonOf(check('matches_pattern', ['Email'], { pattern: '^[^@\\s]+@[^@\\s]+$' }))).toBeUndefined();
  });

  test('between needs min ≤ max when both are numbers', () => {
    expect(reasonOf(check('between', ['amount'], { min: 10, max: 5 }))).toBe('min 10 is greater than max 5');
    expect(reasonOf(check('between', ['amount'], { min: 0.5, max: -0.5 }))).toBe('min 0.5 is greater than max -0.5');
    expect(reasonOf(check('between', ['amount'], { min: 5, max: 5 }))).toBeUndefined();
    expect(reasonOf(check('between', ['amount'], { min: '10', max: '5' }))).toBeUndefined();
    expect(reasonOf(check('min_value', ['amount'], { min: 10, max: 5 }))).toBeUndefined();
  });
});

describe('createReferenceDataplane', () => {
  const good = item(1, check('not_null', ['order_id']));
  const missing = item(2, check('not_null', ['coupon_code']));
  const badPattern = item(3, check('matches_pattern', ['Email'], { pattern: '(' }));

  test('resolves one outcome per item, in order', async () => {
    const dataplane = createReferenceDataplane();
    await expect(dataplane.validate(target, [good, missing, badPattern, good])).resolves.toEqual([
      { valid: true },
      { valid: false, reason: "field 'coupon_code' not found on destination container" },
      { valid: false, reason: "pattern '(' is not a valid regular expression" },
      { valid: true },
    ]);
  });

  test('keepCalls bounds the history to the latest calls; indices and maxConcurrent still count every call', async () => {
    const bounded = createReferenceDataplane({ keepCalls: 3 });
    for (let call = 0; call < 50; call++) await bounded.validate(target, [good]);
    await Promise.all([bounded.validate(target, [good]), bounded.validate(target, [missing])]);
    expect(bounded.calls.map((call) => call.index)).toEqual([49, 50, 51]);
    expect(bounded.calls.map((call) => call.sourceCheckIds)).toEqual([[1], [1], [2]]);
    expect(bounded.maxConcurrent).toBe(2);

    const none = createReferenceDataplane({ keepCalls: 0 });
    for (let call = 0; call < 50; call++) await none.validate(target, [good, missing]);
    expect(none.calls).toEqual([]);
    await expect(none.validate(target, [missing])).resolves.toEqual([{ valid: false, reason: "field 'coupon_code' not found on destination container" }]);
  });

  test('records each call', async () => {
    const dataplane = createReferenceDataplane();
    await dataplane.validate(target, [good, missing]);
    await dataplane.validate(target, [badPattern]);
    expect(dataplane.calls).toEqual([
      { index: 0, containerId: 20, itemCount: 2, sourceCheckIds: [1, 2], start: 0, end: 1, concurrentAtStart: 1, batchFailure: undefined },
      { index: 1, containerId: 20, itemCount: 1, sourceCheckIds: [3], start: 2, end: 3, concurrentAtStart: 1, batchFailure: undefined },
    ]);
    expect(dataplane.maxConcurrent).toBe(1);
  });

  test('failCheck adds a failure to checks that pass the built-in rules only', async () => {
    const seen: number[] = [];
    const dataplane = createReferenceDataplane({
      failCheck: (candidate) => {
        seen.push(candidate.sourceCheckId);
        return 'dataplane says no';
      },
    });
    await expect(dataplane.validate(target, [good, missing])).resolves.toEqual([
      { valid: false, reason: 'dataplane says no' },
      { valid: false, reason: "field 'coupon_code' not found on destination container" },
    ]);
    expect(seen).toEqual([1]);
  });

  test('failBatch rejects the whole call with its reason and is told the call index', async () => {
    const dataplane = createReferenceDataplane({ failBatch: ({ index, items }) => (index === 1 ? `batch of ${items.length} timed out` : undefined) });
    await expect(dataplane.validate(target, [good])).resolves.toEqual([{ valid: true }]);
    await expect(dataplane.validate(target, [good, missing])).rejects.toThrow(new Error('batch of 2 timed out'));
    await expect(dataplane.validate(target, [good])).resolves.toHaveLength(1);
    expect(dataplane.calls.map((call) => call.batchFailure)).toEqual([undefined, 'batch of 2 timed out', undefined]);
    expect(dataplane.calls.every((call) => call.end !== undefined)).toBe(true);
  });

  test('latency is spent in the injected sleep; without latency no timer is used', async () => {
    const slept: number[] = [];
    const sleep = (ms: number) => {
      slept.push(ms);
      return Promise.resolve();
    };
    await createReferenceDataplane({ latencyMs: 25, sleep }).validate(target, [good]);
    await createReferenceDataplane({ sleep }).validate(target, [good]);
    expect(slept).toEqual([25]);
  });

  test('the default sleep waits on a real timer', async () => {
    const dataplane = createReferenceDataplane({ latencyMs: 1 });
    await expect(dataplane.validate(target, [good])).resolves.toEqual([{ valid: true }]);
  });

  test('concurrent calls are recorded as overlapping, and maxConcurrent counts them', async () => {
    const gate = gatedSleep();
    const dataplane = createReferenceDataplane({ latencyMs: 10, sleep: gate.sleep });
    const first = dataplane.validate(target, [good]);
    const second = dataplane.validate(target, [missing]);
    const third = dataplane.validate(target, [badPattern]);
    await settle();
    expect(gate.waiting.map((entry) => entry.ms)).toEqual([10, 10, 10]);
    expect(dataplane.calls.map((call) => call.end)).toEqual([undefined, undefined, undefined]);
    gate.releaseAll();
    await Promise.all([first, second, third]);
    const [a, b] = dataplane.calls;
    expect(a !== undefined && b !== undefined && a.start < (b.end ?? Infinity) && b.start < (a.end ?? Infinity)).toBe(true);
    expect(dataplane.calls.map((call) => call.concurrentAtStart)).toEqual([1, 2, 3]);
    expect(dataplane.maxConcurrent).toBe(3);
  });

  test('sequential calls never overlap', async () => {
    const gate = gatedSleep();
    const dataplane = createReferenceDataplane({ latencyMs: 10, sleep: gate.sleep });
    for (const batch of [[good], [missing], [badPattern]]) {
      const pending = dataplane.validate(target, batch);
      await settle();
      gate.releaseAll();
      await pending;
    }
    expect(dataplane.maxConcurrent).toBe(1);
    const ends = dataplane.calls.map((call) => call.end ?? Infinity);
    dataplane.calls.slice(1).forEach((call, i) => expect(call.start).toBeGreaterThan(ends[i] ?? Infinity));
  });

  test('an aborted signal rejects the call', async () => {
    const controller = new AbortController();
    controller.abort();
    const dataplane = createReferenceDataplane();
    await expect(dataplane.validate(target, [good], controller.signal)).rejects.toThrow('validation aborted');
    expect(dataplane.calls[0]?.batchFailure).toBe('validation aborted');
  });

  test('an abort during the latency rejects the call', async () => {
    const gate = gatedSleep();
    const controller = new AbortController();
    const dataplane = createReferenceDataplane({ latencyMs: 5, sleep: gate.sleep });
    const pending = dataplane.validate(target, [good], controller.signal);
    await settle();
    controller.abort();
    gate.releaseAll();
    await expect(pending).rejects.toThrow('validation aborted');
  });

  test('it does not modify what it is given', async () => {
    const items = [good, missing, badPattern];
    const before = structuredClone({ target, items });
    await createReferenceDataplane().validate(target, items);
    expect({ target, items }).toEqual(before);
  });
});

describe('properties', () => {
  // testProp raises it to FC_NUM_RUNS when that is higher.
  const numRuns = 50;
  const names = ['order_id', 'ORDER_ID', 'Email', 'amount', 'created_at', 'customer_ssn', 'phone', 'payload', 'amount_usd', 'amount_bucket', 'nope'];
  const definition = fc.record({
    ruleType: fc.constantFrom(...ruleTypes),
    fields: fc.array(fc.constantFrom(...names), { maxLength: 3 }),
    properties: fc.record(
      {
        field_name: fc.constantFrom(...names),
        pattern: fc.constantFrom('^a+$', '(', '[a-', 'x{2}'),
        min: fc.integer({ min: -5, max: 5 }),
        max: fc.integer({ min: -5, max: 5 }),
      },
      { requiredKeys: [] },
    ),
  });
  const batch = fc.array(definition, { maxLength: 10 }).map((list) => list.map((entry, index) => item(index + 1, check(entry.ruleType, entry.fields, entry.properties))));

  testProp('a batch gives each check the outcome it gets alone, in order', [batch], async (items) => {
    const outcomes = await createReferenceDataplane().validate(target, items);
    expect(outcomes).toEqual(items.map((entry) => referenceValidationOutcome(target, entry.check)));
  }, { numRuns });

  testProp('the casing of field names never changes whether a check is valid', [batch], async (items) => {
    const shouted = items.map((entry) => {
      const fieldName = entry.check.properties['field_name'];
      return item(entry.sourceCheckId, {
        ...entry.check,
        fields: entry.check.fields.map((name) => name.toUpperCase()),
        properties: typeof fieldName === 'string' ? { ...entry.check.properties, field_name: fieldName.toUpperCase() } : entry.check.properties,
      });
    });
    const dataplane = createReferenceDataplane();
    const [plain, upper] = await Promise.all([dataplane.validate(target, items), dataplane.validate(target, shouted)]);
    expect(upper.map((outcome) => outcome.valid)).toEqual(plain.map((outcome) => outcome.valid));
  }, { numRuns });
});
