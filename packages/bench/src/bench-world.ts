import type { Container, Field, FieldType, Properties, QualityCheck, RuleType, World } from '@promote/core';
import { seededRandom, type Random } from './random.js';

/**
 * What the destination container holds before the promotion:
 * - `empty`: nothing;
 * - `mixed`: as many checks as the source — for every four source checks, two identical copies
 *   (→ skipped), one copy with another description and coverage (→ updated), and one unrelated
 *   check, so that the fourth source check is new (→ created).
 */
export type DestinationShape = 'empty' | 'mixed';

/** Options of {@link benchWorld}. */
export interface BenchWorldOptions {
  /** Same seed, same world. */
  readonly seed: number;
  /** Checks on the source container. */
  readonly checks: number;
  readonly destination: DestinationShape;
}

/** A generated world and the request that promotes its source container's checks. */
export interface BenchWorld {
  readonly world: World;
  /** Bearer token of the acting user (role `admin`). */
  readonly token: string;
  readonly actor: { readonly email: string };
  /** `POST /api/operations/run` body; `as_draft` is added by the scenario. */
  readonly request: {
    readonly type: 'promote_quality_check';
    readonly datastore_id: number;
    readonly container_id: number;
    readonly destination_container_id: number;
  };
  /** What a promotion of every source check should answer. */
  readonly expected: { readonly created: number; readonly updated: number; readonly skipped: number };
}

const ids = {
  admin: 1,
  sourceDatastore: 1,
  destinationDatastore: 2,
  sourceOrders: 11,
  sourceCustomers: 12,
  destinationOrders: 21,
  destinationCustomers: 22,
} as const;

const adminEmail = 'bench-admin@example.com';
const adminToken = 'bench-admin-token';
const timestamp = '2026-03-01T09:00:00Z';
const tagPool = ['pii', 'finance', 'core', 'daily', 'critical'] as const;

/** The columns of the `orders` containers: enough of every type for each rule-type template. */
const fieldSpecs: readonly (readonly [string, FieldType])[] = [
  ...['order_id', 'customer_id', 'quantity', 'units_shipped', 'line_count', 'store_id'].map((name) => [name, 'integral'] as const),
  ...['amount', 'tax', 'discount', 'shipping_cost', 'unit_price', 'margin'].map((name) => [name, 'fractional'] as const),
  ...['status', 'email', 'country', 'sku', 'channel', 'coupon_code'].map((name) => [name, 'string'] as const),
  ...['order_date', 'ship_date', 'due_date'].map((name) => [name, 'date'] as const),
  ...['created_ts', 'updated_ts', 'paid_ts'].map((name) => [name, 'timestamp'] as const),
  ['is_gift', 'boolean'],
];

const namesOf = (type: FieldType | 'numeric' | 'any') =>
  fieldSpecs
    .filter(([, fieldType]) => type === 'any' || fieldType === type || (type === 'numeric' && (fieldType === 'integral' || fieldType === 'fractional')))
    .map(([name]) => name);
const numericFields = namesOf('numeric');
const stringFields = namesOf('string');
const dateFields = namesOf('date');
const anyFields = namesOf('any');

/** A check's definition before it is placed in a container. */
interface CheckShape {
  readonly rule_type: RuleType;
  readonly fields: readonly string[];
  readonly properties: Properties;
  readonly filter: string | null;
}

/**
 * Ten rule-type templates, each valid for the reference Dataplane (accepted field types, a valid
 * pattern, `min ≤ max`). `key` goes into the properties or the filter, so that no two checks
 * generated with different keys share an overlap key (§4).
 */
function checkShape(random: Random, key: number): CheckShape {
  switch (key % 10) {
    case 0:
      return { rule_type: 'not_null', fields: distinct(random, anyFields, random.int(1, 3)), properties: {}, filter: `batch_id > ${key}` };
    case 1: {
      const min = random.int(0, 1000);
      return { rule_type: 'between', fields: [random.pick(numericFields)], properties: { min, max: min + random.int(1, 500), key }, filter: null };
    }
    case 2:
      return { rule_type: 'matches_pattern', fields: [random.pick(stringFields)], properties: { pattern: `^[A-Z]{2}-[0-9]{${random.int(2, 9)}}-${key}$` }, filter: null };
    case 3:
      return { rule_type: 'max_length', fields: [random.pick(stringFields)], properties: { value: 8 + key }, filter: null };
    case 4: {
      const [field, other] = distinct(random, numericFields, 2) as [string, string];
      return { rule_type: 'greater_than_field', fields: [field], properties: { field_name: other }, filter: `region_id = ${key}` };
    }
    case 5:
      return {
        rule_type: 'exists_in',
        fields: [random.pick(['customer_id', 'email'])],
        properties: { ref_container_id: ids.sourceCustomers, ref_datastore_id: ids.sourceDatastore },
        filter: `  shard =   ${key} `,
      };
    case 6:
      return { rule_type: 'after_date_time', fields: [random.pick(dateFields)], properties: { datetime: new Date(Date.UTC(2020, 0, 1) + key * 60_000).toISOString() }, filter: null };
    case 7:
      return { rule_type: 'unique', fields: distinct(random, anyFields, random.int(1, 2)), properties: {}, filter: `partition_key = ${key}` };
    case 8:
      return { rule_type: 'expected_values', fields: [random.pick(stringFields)], properties: { list: [`A${key}`, `B${key}`, `C${key}`] }, filter: null };
    default:
      return { rule_type: 'min_value', fields: [random.pick(numericFields)], properties: { value: key, inclusive: random.next() < 0.5 }, filter: null };
  }
}

function distinct(random: Random, names: readonly string[], count: number): string[] {
  const chosen = new Set<string>();
  while (chosen.size < count) chosen.add(random.pick(names));
  return [...chosen];
}

/** The check as the destination holds it once promoted: container references point into the destination datastore. */
function resolvedOnDestination(shape: CheckShape): CheckShape {
  if (shape.rule_type !== 'exists_in') return shape;
  return { ...shape, properties: { ...shape.properties, ref_container_id: ids.destinationCustomers, ref_datastore_id: ids.destinationDatastore } };
}

function qualityCheck(random: Random, id: number, containerId: number, shape: CheckShape, key: number): QualityCheck {
  const tags = distinct(random, tagPool, random.int(0, 2));
  return {
    id,
    container_id: containerId,
    rule_type: shape.rule_type,
    description: `Check ${key}: ${shape.rule_type} on ${shape.fields.join(', ')}`,
    fields: shape.fields,
    coverage: random.next() < 0.3 ? null : Math.round(random.next() * 100) / 100 || 0.5,
    filter: shape.filter,
    properties: shape.properties,
    tags,
    additional_metadata: random.next() < 0.5 ? { owner: `team-${key % 7}` } : {},
    status: random.next() < 0.9 ? 'active' : 'draft',
    inferred: false,
    created_at: timestamp,
    updated_at: timestamp,
  };
}

function container(id: number, datastoreId: number, name: string): Container {
  return {
    id,
    datastore_id: datastoreId,
    name,
    container_type: 'table',
    description: '',
    tags: [],
    additional_metadata: {},
    deleted_at: null,
    profiled: true,
  };
}

/**
 * A world for the benchmarks, generated from a seed: two JDBC datastores, each with an `orders`
 * table (the same 25 columns of six types) and a `customers` table that `exists_in` checks refer to;
 * `checks` checks of ten rule types on the source `orders`, and the destination `orders` as
 * `destination` says. The acting user is an admin with a bearer token.
 *
 * @example
 * const { world, request } = benchWorld({ seed: 1, checks: 10_000, destination: 'empty' });
 */
export function benchWorld(options: BenchWorldOptions): BenchWorld {
  const random = seededRandom(options.seed);
  const containers = [
    container(ids.sourceOrders, ids.sourceDatastore, 'orders'),
    container(ids.sourceCustomers, ids.sourceDatastore, 'customers'),
    container(ids.destinationOrders, ids.destinationDatastore, 'orders'),
    container(ids.destinationCustomers, ids.destinationDatastore, 'customers'),
  ];
  const fields: Field[] = [];
  for (const containerId of [ids.sourceOrders, ids.sourceCustomers, ids.destinationOrders, ids.destinationCustomers]) {
    const specs = containerId === ids.sourceCustomers || containerId === ids.destinationCustomers ? fieldSpecs.filter(([name]) => name === 'customer_id' || name === 'email') : fieldSpecs;
    for (const [name, type] of specs) fields.push({ id: fields.length + 1, container_id: containerId, name, type, status: 'active' });
  }

  const sources: QualityCheck[] = [];
  const shapes: CheckShape[] = [];
  for (let index = 0; index < options.checks; index++) {
    const shape = checkShape(random, index);
    shapes.push(shape);
    sources.push(qualityCheck(random, index + 1, ids.sourceOrders, shape, index));
  }

  const destination: QualityCheck[] = [];
  const expected = { created: 0, updated: 0, skipped: 0 };
  for (let index = 0; index < options.checks; index++) {
    if (options.destination === 'empty') {
      expected.created++;
      continue;
    }
    const id = options.checks + index + 1;
    const source = sources[index] as QualityCheck;
    const resolved = resolvedOnDestination(shapes[index] as CheckShape);
    switch (index % 4) {
      case 0:
      case 1:
        destination.push({ ...source, ...resolved, id, container_id: ids.destinationOrders, status: 'draft' });
        expected.skipped++;
        break;
      case 2:
        destination.push({ ...source, ...resolved, id, container_id: ids.destinationOrders, description: `${source.description} (edited on staging)`, coverage: 0.42 });
        expected.updated++;
        break;
      default: {
        const key = options.checks + index;
        destination.push(qualityCheck(random, id, ids.destinationOrders, resolvedOnDestination(checkShape(random, key)), key));
        expected.created++;
      }
    }
  }

  return {
    world: {
      users: [{ id: ids.admin, email: adminEmail, role: 'admin', token: adminToken }],
      teams: [],
      datastores: [
        { id: ids.sourceDatastore, name: 'warehouse_prod', store_type: 'jdbc' },
        { id: ids.destinationDatastore, name: 'warehouse_staging', store_type: 'jdbc' },
      ],
      containers,
      fields,
      quality_checks: [...sources, ...destination],
      computed_fields: [],
      lineage: [],
    },
    token: adminToken,
    actor: { email: adminEmail },
    request: {
      type: 'promote_quality_check',
      datastore_id: ids.sourceDatastore,
      container_id: ids.sourceOrders,
      destination_container_id: ids.destinationOrders,
    },
    expected,
  };
}
