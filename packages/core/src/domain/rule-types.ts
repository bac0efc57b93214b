import type { FieldType } from './enums.js';

/**
 * How a rule type uses fields (§13): `single` one field, `multiple` one or more, `calculated` no
 * fields (expressions), `none` container level.
 */
export type FieldScope = 'single' | 'multiple' | 'calculated' | 'none';

/** One row of the rule-type catalogue of §13. */
export interface RuleTypeSpec {
  readonly ruleType: RuleType;
  readonly fieldScope: FieldScope;
  /** Field types the rule accepts; empty for `calculated` and `none`. */
  readonly acceptedTypes: readonly FieldType[];
  /** Property keys that hold field names, resolved on the destination like `fields` (§7). */
  readonly fieldReferenceKeys: readonly string[];
  /** Whether `ref_container_id` / `ref_datastore_id` are container references (§7). */
  readonly containerReference: boolean;
}

const numeric: readonly FieldType[] = ['integral', 'fractional'];
const datetime: readonly FieldType[] = ['date', 'timestamp'];
const text: readonly FieldType[] = ['string'];
const scalar: readonly FieldType[] = ['integral', 'fractional', 'string', 'boolean', 'date', 'timestamp'];

/** Every rule type, snake_case, in the order of §13. */
export const ruleTypes = [
  'after_date_time', 'before_date_time', 'not_future',
  'between', 'greater_than', 'less_than', 'max_value', 'min_value', 'not_negative', 'positive', 'sum', 'metric', 'predicted_by',
  'equal_to',
  'between_times',
  'contains_credit_card', 'contains_email', 'contains_social_security_number', 'contains_url', 'is_address',
  'is_credit_card', 'is_type', 'matches_pattern', 'max_length', 'min_length',
  'entity_resolution',
  'equal_to_field', 'greater_than_field', 'less_than_field',
  'any_not_null', 'not_null', 'unique', 'data_diff', 'is_replica_of', 'is_not_replica_of',
  'distinct_count', 'expected_values', 'required_values',
  'exists_in', 'not_exists_in',
  'time_distribution_size',
  'not_empty',
  'satisfies_expression', 'aggregation_comparison',
  'expected_schema', 'field_count', 'freshness', 'volumetric', 'max_partition_size', 'min_partition_size',
] as const;

export type RuleType = (typeof ruleTypes)[number];

type Row = readonly [FieldScope, readonly FieldType[], (readonly string[])?, boolean?];

const rows: Record<RuleType, Row> = {
  after_date_time: ['single', datetime],
  before_date_time: ['single', datetime],
  not_future: ['single', datetime],
  between: ['single', numeric],
  greater_than: ['single', numeric],
  less_than: ['single', numeric],
  max_value: ['single', numeric],
  min_value: ['single', numeric],
  not_negative: ['single', numeric],
  positive: ['single', numeric],
  sum: ['single', numeric],
  metric: ['single', numeric],
  predicted_by: ['single', numeric],
  equal_to: ['multiple', numeric],
  between_times: ['single', datetime],
  contains_credit_card: ['single', text],
  contains_email: ['single', text],
  contains_social_security_number: ['single', text],
  contains_url: ['single', text],
  is_address: ['single', text],
  is_credit_card: ['single', text],
  is_type: ['single', text],
  matches_pattern: ['single', text],
  max_length: ['single', text],
  min_length: ['single', text],
  entity_resolution: ['single', text, ['distinct_field_name', 'target_fields']],
  equal_to_field: ['single', [...numeric, ...datetime], ['field_name']],
  greater_than_field: ['single', [...numeric, ...datetime], ['field_name']],
  less_than_field: ['single', [...numeric, ...datetime], ['field_name']],
  any_not_null: ['multiple', scalar],
  not_null: ['multiple', scalar],
  unique: ['multiple', scalar],
  data_diff: ['multiple', scalar, ['id_field_names'], true],
  is_replica_of: ['multiple', scalar, [], true],
  is_not_replica_of: ['multiple', scalar, [], true],
  distinct_count: ['single', scalar],
  expected_values: ['single', scalar],
  required_values: ['single', scalar],
  exists_in: ['single', scalar, [], true],
  not_exists_in: ['single', scalar, [], true],
  time_distribution_size: ['single', datetime],
  not_empty: ['single', scalar],
  satisfies_expression: ['calculated', []],
  aggregation_comparison: ['calculated', [], [], true],
  expected_schema: ['none', []],
  field_count: ['none', []],
  freshness: ['none', []],
  volumetric: ['none', []],
  max_partition_size: ['none', []],
  min_partition_size: ['none', []],
};

/** The catalogue of §13, keyed by snake_case rule type. */
export const ruleTypeCatalogue: ReadonlyMap<RuleType, RuleTypeSpec> = new Map(
  ruleTypes.map((ruleType) => {
    const [fieldScope, acceptedTypes, fieldReferenceKeys = [], containerReference = false] = rows[ruleType];
    return [ruleType, { ruleType, fieldScope, acceptedTypes, fieldReferenceKeys, containerReference }];
  }),
);

const known = new Set<string>(ruleTypes);

/**
 * The snake_case rule type for a name given in either spelling, or `undefined` when it names no
 * rule type. `normaliseRuleType('matchesPattern')` → `'matches_pattern'`.
 */
export function normaliseRuleType(name: string): RuleType | undefined {
  const snake = name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
  return known.has(snake) ? (snake as RuleType) : undefined;
}

/** The catalogue row of a rule type. */
export function ruleTypeSpec(ruleType: RuleType): RuleTypeSpec {
  const spec = ruleTypeCatalogue.get(ruleType);
  if (spec === undefined) throw new Error(`defect: rule type ${ruleType} missing from the catalogue`);
  return spec;
}
