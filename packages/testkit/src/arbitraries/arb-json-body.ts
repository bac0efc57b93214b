import fc from 'fast-check';

type JsonObject = { [key: string]: unknown };

const arbId = fc.integer({ min: 1, max: 500 });
const arbIds = fc.uniqueArray(arbId, { minLength: 1, maxLength: 4 });
const arbTags = fc.subarray(['pii', 'finance', 'core', 'legacy'], { minLength: 1 });
const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });

/** `value` without its `undefined` entries, as JSON would carry it. */
function compact(value: Record<string, unknown>): JsonObject {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined));
}

/** One of: neither, ids, or tags — the selection shape every promote type but computed files shares. */
function arbSelection(idsKey: string, tagsKey: string): fc.Arbitrary<JsonObject> {
  return fc.oneof(
    fc.constant(null).map(() => ({})),
    arbIds.map((ids) => ({ [idsKey]: ids })),
    arbTags.map((tags) => ({ [tagsKey]: tags })),
  );
}

/** Valid bodies of the four promote types (§2), with random positive ids. */
export const arbValidPromoteBody: fc.Arbitrary<JsonObject> = fc.oneof(
  fc
    .tuple(arbId, arbId, arbId, arbSelection('check_ids', 'check_tags'), optional(arbTags), optional(fc.boolean()))
    .map(([datastoreId, containerId, destinationId, selection, additional, asDraft]) =>
      compact({
        type: 'promote_quality_check',
        datastore_id: datastoreId,
        container_id: containerId,
        destination_container_id: destinationId,
        ...selection,
        check_additional_tags: additional,
        as_draft: asDraft,
      }),
    ),
  fc
    .tuple(arbId, arbId, arbId, arbSelection('computed_field_ids', 'computed_field_tags'), optional(arbTags))
    .map(([datastoreId, containerId, destinationId, selection, additional]) =>
      compact({
        type: 'promote_computed_field',
        datastore_id: datastoreId,
        container_id: containerId,
        destination_container_id: destinationId,
        ...selection,
        computed_field_additional_tags: additional,
      }),
    ),
  fc
    .tuple(arbId, arbId, arbSelection('container_ids', 'container_tags'), optional(arbTags))
    .map(([datastoreId, destinationId, selection, additional]) =>
      compact({ type: 'promote_computed_table', datastore_id: datastoreId, destination_datastore_id: destinationId, ...selection, container_additional_tags: additional }),
    ),
  fc
    .tuple(arbId, arbId, fc.uniqueArray(fc.tuple(arbId, arbId), { minLength: 1, maxLength: 3, selector: ([source]) => source }), optional(arbTags))
    .map(([datastoreId, destinationId, mappings, additional]) =>
      compact({
        type: 'promote_computed_file',
        datastore_id: datastoreId,
        destination_datastore_id: destinationId,
        source_container_mappings: mappings.map(([container, destination]) => ({ container_id: container, destination_container_id: destination })),
        container_additional_tags: additional,
      }),
    ),
);

/** Misspellings a hurried caller makes; `check_tag` is the one §2 names. */
const misspellings: Readonly<Record<string, readonly string[]>> = {
  check_tags: ['check_tag', 'checkTags', 'tags'],
  check_ids: ['check_id', 'checkIds', 'ids'],
  check_additional_tags: ['check_additional_tag', 'additional_tags'],
  container_id: ['container', 'containerId'],
  destination_container_id: ['destination_container', 'dest_container_id'],
  datastore_id: ['datastore', 'source_datastore_id'],
  destination_datastore_id: ['destination_datastore'],
  as_draft: ['asDraft', 'draft'],
  type: ['kind', 'promote_type'],
  computed_field_tags: ['computed_field_tag'],
  container_tags: ['container_tag'],
  source_container_mappings: ['source_container_mapping', 'mappings'],
};

const wrongValues: readonly unknown[] = [
  '12', 1.5, -3, 0, null, true, false, [], {}, [1, 'a'], 'pii', ['pii', 3], [-1], [0], [''], ['  '], [1.5], 1e21,
  Number.MAX_SAFE_INTEGER + 2, 'promote_quality_checks', 'PROMOTE_QUALITY_CHECK', [{}], [{ container_id: 1 }],
];

/** What an almost-valid body gets wrong; `pick` chooses the key among the body's keys. */
type Mutation =
  | { readonly op: 'remove'; readonly pick: number }
  | { readonly op: 'misspell'; readonly pick: number; readonly variant: number }
  | { readonly op: 'retype'; readonly pick: number; readonly value: unknown }
  | { readonly op: 'add'; readonly key: string; readonly value: unknown }
  | { readonly op: 'both_selections' }
  | { readonly op: 'empty_list'; readonly pick: number }
  | { readonly op: 'non_positive_id'; readonly pick: number; readonly id: number }
  | { readonly op: 'duplicate_mapping' };

const listKeys = ['check_ids', 'check_tags', 'computed_field_ids', 'computed_field_tags', 'container_ids', 'container_tags', 'source_container_mappings'];
const idKeys = ['datastore_id', 'container_id', 'destination_container_id', 'destination_datastore_id'];

const arbMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('remove' as const), pick: fc.nat() }, { noNullPrototype: true }),
  fc.record({ op: fc.constant('misspell' as const), pick: fc.nat(), variant: fc.nat() }, { noNullPrototype: true }),
  fc.record({ op: fc.constant('retype' as const), pick: fc.nat(), value: fc.constantFrom(...wrongValues) }, { noNullPrototype: true }),
  fc.record(
    {
      op: fc.constant('add' as const),
      key: fc.oneof(fc.constantFrom('check_tag', 'check_ids', 'check_tags', 'extra', '__proto__', 'constructor', 'as_draft'), fc.string({ maxLength: 12 })),
      value: fc.oneof(fc.constantFrom(...wrongValues), fc.jsonValue({ maxDepth: 2 })),
    },
    { noNullPrototype: true },
  ),
  fc.constant({ op: 'both_selections' as const }),
  fc.record({ op: fc.constant('empty_list' as const), pick: fc.nat() }, { noNullPrototype: true }),
  fc.record({ op: fc.constant('non_positive_id' as const), pick: fc.nat(), id: fc.integer({ min: -5, max: 0 }) }, { noNullPrototype: true }),
  fc.constant({ op: 'duplicate_mapping' as const }),
);

function pickKey(body: JsonObject, pick: number, among?: readonly string[]): string | undefined {
  const keys = Object.keys(body).filter((key) => among === undefined || among.includes(key));
  return keys.length === 0 ? undefined : keys[pick % keys.length];
}

function defineKey(body: JsonObject, key: string, value: unknown): void {
  // defineProperty, so that `__proto__` becomes an own key as JSON.parse would make it
  Object.defineProperty(body, key, { value, enumerable: true, writable: true, configurable: true });
}

function mutate(original: JsonObject, mutations: readonly Mutation[]): JsonObject {
  const body: JsonObject = structuredClone(original);
  for (const mutation of mutations) {
    switch (mutation.op) {
      case 'remove': {
        const key = pickKey(body, mutation.pick);
        if (key !== undefined) delete body[key];
        break;
      }
      case 'misspell': {
        const key = pickKey(body, mutation.pick);
        if (key === undefined) break;
        const variants = misspellings[key] ?? [`${key}s`, key.toUpperCase()];
        const misspelt = variants[mutation.variant % variants.length] ?? `${key}_`;
        defineKey(body, misspelt, body[key]);
        delete body[key];
        break;
      }
      case 'retype': {
        const key = pickKey(body, mutation.pick);
        if (key !== undefined) body[key] = structuredClone(mutation.value);
        break;
      }
      case 'add':
        defineKey(body, mutation.key, structuredClone(mutation.value));
        break;
      case 'both_selections':
        if (body['type'] === 'promote_computed_field') Object.assign(body, { computed_field_ids: [1], computed_field_tags: ['pii'] });
        else if (body['type'] === 'promote_computed_table' || body['type'] === 'promote_computed_file') Object.assign(body, { container_ids: [1], container_tags: ['pii'] });
        else Object.assign(body, { check_ids: [1, 2], check_tags: ['pii'] });
        break;
      case 'empty_list': {
        const key = pickKey(body, mutation.pick, listKeys) ?? 'check_ids';
        body[key] = [];
        break;
      }
      case 'non_positive_id': {
        const key = pickKey(body, mutation.pick, [...idKeys, ...listKeys]);
        if (key === undefined) break;
        const value = body[key];
        body[key] = Array.isArray(value) ? [...value, mutation.id] : mutation.id;
        break;
      }
      case 'duplicate_mapping': {
        const mappings = body['source_container_mappings'];
        if (Array.isArray(mappings) && mappings.length > 0) body['source_container_mappings'] = [...mappings, structuredClone(mappings[0])];
        break;
      }
    }
  }
  return body;
}

/**
 * JSON values for fuzzing the request parser, biased towards almost-valid promote bodies: valid
 * bodies of every type; valid bodies with one to three mistakes (a key removed, a misspelt key such
 * as `check_tag`, a value of the wrong type, both `check_ids` and `check_tags`, an empty list, a
 * negative or zero id, a repeated mapping, an unknown or `__proto__` key); objects mixing known keys
 * with arbitrary values; and any JSON value at all.
 *
 * @example
 * ```ts
 * testProp('never throws', [arbJsonBody()], (body) => { parseWith(promoteRequestSchema, body); });
 * ```
 */
export function arbJsonBody(): fc.Arbitrary<unknown> {
  const knownKeys = [...new Set([...Object.keys(misspellings), ...idKeys, ...listKeys, 'computed_field_additional_tags', 'container_additional_tags'])];
  return fc.oneof(
    { weight: 2, arbitrary: arbValidPromoteBody },
    {
      weight: 6,
      arbitrary: fc.tuple(arbValidPromoteBody, fc.array(arbMutation, { minLength: 1, maxLength: 3 })).map(([body, mutations]) => mutate(body, mutations)),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.constantFrom('promote_quality_check', 'promote_computed_field', 'promote_computed_table', 'promote_computed_file'),
          fc.dictionary(fc.constantFrom(...knownKeys), fc.jsonValue({ maxDepth: 2 }), { noNullPrototype: true, maxKeys: 6 }),
        )
        .map(([type, rest]) => ({ ...rest, type })),
    },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  );
}
