import type { Properties, RuleType } from '@promote/core';
import fc from 'fast-check';

/** What properties of a check may point at: the container's field names and a reference container. */
export interface CheckPropertiesContext {
  /** Field names of the check's container, as that container spells them. */
  readonly fieldNames: readonly string[];
  /** The container an X-ref rule type points at (`ref_container_id`). */
  readonly referenceContainerId: number;
  /** Its datastore (`ref_datastore_id`, written on some checks only). */
  readonly referenceDatastoreId: number;
}

/** Valid regular expressions that `matches_pattern` checks carry. */
export const validPatterns = ['^[A-Z]{2}$', '^\\d{5}(-\\d{4})?$', '^[^@\\s]+@[^@\\s]+$', '.*', '^[a-z_]+$'] as const;
/** Patterns that are not valid regular expressions: one `matches_pattern` check in six carries one. */
export const invalidPatterns = ['([a-z]+', '[0-9', '*abc', '(?<=x'] as const;

const expressions = ['amount > 0', 'quantity * 2 < order_total', 'score BETWEEN 0 AND 1', "email LIKE '%@%'"] as const;

/** Object arbitraries without null-prototype values, so generated worlds deep-equal their round trip. */
function record<T extends Record<string, unknown>>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> {
  return fc.record(model, { noNullPrototype: true }) as fc.Arbitrary<T>;
}

const small = fc.integer({ min: -100, max: 1000 });
const positive = fc.integer({ min: 1, max: 500 });
const isoTimestamp = fc
  .integer({ min: Date.UTC(2015, 0, 1), max: Date.UTC(2030, 11, 31) })
  .map((ms) => new Date(ms).toISOString());

/**
 * Small, plausible properties for a check of `ruleType` (§13): `{ min, max }` for `between` (min ≤ max
 * five times out of six), a `pattern` for `matches_pattern` (sometimes an invalid one), F-ref keys
 * (`field_name`, `distinct_field_name` as strings, `target_fields`, `id_field_names` as arrays) drawn
 * from `context.fieldNames`, and `ref_container_id` (plus `ref_datastore_id` now and then) on X-ref
 * rule types.
 */
export function arbCheckProperties(ruleType: RuleType, context: CheckPropertiesContext): fc.Arbitrary<Properties> {
  const names = context.fieldNames;
  const someName = names.length > 0 ? fc.constantFrom(...names) : fc.constant('unknown_field');
  const someNames =
    names.length > 0
      ? fc.shuffledSubarray([...names], { minLength: 1, maxLength: Math.min(2, names.length) })
      : fc.constant(['unknown_field']);
  const reference = fc
    .oneof({ weight: 2, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) })
    .map((withDatastore): Properties =>
      withDatastore
        ? { ref_datastore_id: context.referenceDatastoreId, ref_container_id: context.referenceContainerId }
        : { ref_container_id: context.referenceContainerId },
    );
  const valueAndInclusive = record({ value: small, inclusive: fc.boolean() });

  switch (ruleType) {
    case 'between':
    case 'metric':
      return fc
        .tuple(small, small, fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }), fc.boolean())
        .map(([a, b, ordered, inclusive]) => ({
          min: ordered ? Math.min(a, b) : Math.max(a, b),
          max: ordered ? Math.max(a, b) : Math.min(a, b),
          inclusive,
        }));
    case 'greater_than':
    case 'less_than':
    case 'max_value':
    case 'min_value':
    case 'equal_to':
      return valueAndInclusive;
    case 'sum':
    case 'distinct_count':
    case 'field_count':
    case 'max_partition_size':
    case 'min_partition_size':
      return record({ value: positive });
    case 'max_length':
    case 'min_length':
      return record({ value: fc.integer({ min: 1, max: 255 }) });
    case 'predicted_by':
      return record({ expression: fc.constantFrom(...expressions), tolerance: fc.integer({ min: 0, max: 10 }) });
    case 'after_date_time':
    case 'before_date_time':
      return record({ datetime: isoTimestamp });
    case 'between_times':
      return fc.tuple(isoTimestamp, isoTimestamp).map(([a, b]) => ({ min_time: a < b ? a : b, max_time: a < b ? b : a }));
    case 'is_type':
      return record({ assertion: fc.constantFrom('integral', 'fractional', 'date', 'timestamp', 'boolean') });
    case 'matches_pattern':
      return record({
        pattern: fc.oneof(
          { weight: 5, arbitrary: fc.constantFrom(...validPatterns) },
          { weight: 1, arbitrary: fc.constantFrom(...invalidPatterns) },
        ),
        inverse: fc.boolean(),
      });
    case 'entity_resolution':
      return record({ distinct_field_name: someName, target_fields: someNames, pair_substrings: fc.boolean() });
    case 'equal_to_field':
    case 'greater_than_field':
    case 'less_than_field':
      return record({ field_name: someName, inclusive: fc.boolean() });
    case 'data_diff':
      return fc.tuple(reference, someNames).map(([ref, idFieldNames]) => ({ ...ref, id_field_names: idFieldNames }));
    case 'is_replica_of':
    case 'is_not_replica_of':
    case 'exists_in':
    case 'not_exists_in':
      return reference;
    case 'aggregation_comparison':
      return fc
        .tuple(reference, fc.constantFrom('SUM(amount)', 'COUNT(*)', 'MAX(quantity)'), fc.constantFrom('eq', 'lt', 'gt', 'lte', 'gte'))
        .map(([ref, expression, comparison]) => ({ ...ref, expression, comparison, ref_expression: expression }));
    case 'satisfies_expression':
      return record({ expression: fc.constantFrom(...expressions) });
    case 'expected_values':
    case 'required_values':
      return record({ list: fc.subarray(['A', 'B', 'C', 'D'], { minLength: 1 }), include_nulls: fc.boolean() });
    case 'time_distribution_size':
      return fc
        .tuple(fc.constantFrom('hour', 'day', 'week'), positive, positive)
        .map(([interval, a, b]) => ({ interval, min: Math.min(a, b), max: Math.max(a, b) }));
    case 'freshness':
      return record({ interval: fc.constantFrom('hour', 'day'), value: fc.integer({ min: 1, max: 72 }) });
    case 'volumetric':
      return fc
        .tuple(fc.constantFrom('absolute', 'percentage'), positive, positive)
        .map(([comparison, a, b]) => ({ comparison, min: Math.min(a, b), max: Math.max(a, b) }));
    case 'expected_schema':
      return record({ fields: someNames, allow_other_fields: fc.boolean() });
    default:
      return fc.oneof(
        { weight: 4, arbitrary: fc.constant(null).map((): Properties => ({})) },
        { weight: 1, arbitrary: record({ allow_null: fc.boolean() }) },
      );
  }
}
