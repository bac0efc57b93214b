import {
  fieldTypes,
  type ComputedField,
  type ComputedFieldStatus,
  type Container,
  type Field,
  type FieldStatus,
  type FieldType,
  type LineageLink,
  type World,
} from '@promote/core';
import fc from 'fast-check';
import {
  arbComputedFieldRecipe,
  renderComputedField,
  reservedWords,
  type ComputedFieldRecipe,
  type RenderedComputedField,
} from './arb-computed-field-definition.js';
import { arbIds, arbPeopleLayout, arbTimestamp, buildPeople, byId, nth, record, weighted, type PeopleLayout, type WorldUsers } from './arb-helpers.js';
import type { ContainerScope } from './arb-promotion-world.js';
import { applyCasing, arbCasing, type Casing } from './casing.js';

/** Tags that generated source computed fields draw from, few enough that a tag selection usually hits. */
export const computedFieldTagPool = ['pii', 'finance', 'derived', 'cleansing'] as const;

/** Options of {@link arbComputedFieldWorld}. */
export interface ComputedFieldWorldOptions {
  /**
   * Whether the destination container lives in the source's datastore: `true`, `false`, or
   * `'either'` (one world in four shares the datastore). Default `'either'`.
   */
  readonly sameDatastore?: boolean | 'either';
  /**
   * Most computed fields on the source container (at least 0). The destination gets at most as many
   * copies plus `ceil(maxComputedFields / 3)` unrelated ones. Default 10.
   */
  readonly maxComputedFields?: number;
  /** Most plain fields on the source container (at least 2). Default 8. */
  readonly maxFields?: number;
  /** Whether lineage links from source to destination computed fields may be generated. Default `true`. */
  readonly lineage?: boolean;
}

/** A generated world with the two containers a computed-field promotion runs between. */
export interface ComputedFieldWorld {
  readonly world: World;
  readonly source: ContainerScope;
  readonly destination: ContainerScope;
  /** The acting user: role `admin`, in no team. */
  readonly actor: { readonly userId: number };
  /** Every generated user; see {@link WorldUsers}. */
  readonly users: WorldUsers;
  /** The tags source computed fields draw from ({@link computedFieldTagPool}). */
  readonly tagPool: readonly string[];
}

interface PlainFieldDraft {
  readonly name: string;
  readonly type: FieldType;
  readonly status: FieldStatus;
}

/**
 * What the destination container holds for one source plain field: the field (re-cased, maybe
 * another status), nothing, or an unrelated computed field of that name.
 */
interface PlainFieldVariant {
  readonly presence: 'field' | 'absent' | 'computed';
  readonly casing: Casing;
  readonly status: FieldStatus;
  readonly computedStatus: ComputedFieldStatus;
}

/**
 * What the destination container holds for one source computed field: nothing, a copy of it (its
 * name re-cased; `exact`, or `modified` by `change`), or a plain field of that name.
 */
interface CopyDecision {
  readonly kind: 'none' | 'exact' | 'modified' | 'plain';
  /**
   * `description` and `property` make the copy differ; `extra_tag` adds a destination-only tag (still
   * identical, tags being merged); `missing_tag` drops the source's tags (differs when it has any).
   */
  readonly change: 'description' | 'property' | 'extra_tag' | 'missing_tag';
  readonly casing: Casing;
  readonly status: ComputedFieldStatus;
  readonly plainType: FieldType;
  readonly plainStatus: FieldStatus;
  readonly linked: boolean;
  readonly description: string;
}

interface ExtraLink {
  readonly source: number;
  readonly destination: number;
  readonly dangling: boolean;
}

interface Layout {
  readonly people: PeopleLayout;
  readonly sameDatastore: boolean;
  readonly datastoreIds: readonly number[];
  readonly containerIds: readonly number[];
  readonly datastoreNames: readonly [string, string];
  readonly containerName: string;
  readonly destinationContainerCasing: Casing;
  readonly plainPairs: readonly (readonly [PlainFieldDraft, PlainFieldVariant])[];
  readonly extraDestinationFields: readonly PlainFieldDraft[];
  readonly sourceRecipes: readonly (readonly [ComputedFieldRecipe, ComputedFieldStatus])[];
  readonly unrelatedRecipes: readonly (readonly [ComputedFieldRecipe, ComputedFieldStatus])[];
}

type ComputedDraft = Omit<ComputedField, 'id' | 'container_id'>;

/** The names and definitions a layout implies, before ids. */
interface Shape {
  readonly layout: Layout;
  readonly sourceFields: readonly PlainFieldDraft[];
  readonly sourceComputed: readonly ComputedDraft[];
  /** Destination plain fields that are not about a source computed field. */
  readonly destinationFields: readonly PlainFieldDraft[];
  /** Computed fields of the destination named like a source plain field, then unrelated ones. */
  readonly destinationComputed: readonly ComputedDraft[];
}

const sourcePlainFields: readonly (readonly [string, FieldType])[] = [
  ['order_id', 'integral'],
  ['customer_id', 'integral'],
  ['amount', 'fractional'],
  ['tax_rate', 'fractional'],
  ['discount_text', 'string'],
  ['email', 'string'],
  ['customer_name', 'string'],
  ['country_code', 'string'],
  ['quantity', 'integral'],
  ['score', 'fractional'],
  ['created_at', 'timestamp'],
  ['ship_date', 'date'],
  ['is_active', 'boolean'],
  ['payload', 'unknown'],
];

const extraPlainFields: readonly (readonly [string, FieldType])[] = [
  ['etl_batch_id', 'integral'],
  ['loaded_at', 'timestamp'],
  ['region', 'string'],
  ['legacy_code', 'string'],
];

/** Names of source computed fields; none is a plain field name above. */
const sourceComputedNames = [
  'amount_usd',
  'amount_with_tax',
  'amount_bucket',
  'email_domain',
  'customer_name_clean',
  'discount_value',
  'net_amount',
  'order_month',
  'is_vip',
  'score_pct',
  'country_upper',
  'quantity_int',
  'ship_year',
  'risk_band',
] as const;

/** Names of computed fields that only the destination has. */
const unrelatedComputedNames = ['audit_hash', 'load_day', 'region_upper', 'batch_key', 'legacy_flag'] as const;

const arbFieldStatus: fc.Arbitrary<FieldStatus> = weighted<FieldStatus>(
  [8, fc.constant('active')],
  [2, fc.constantFrom('masked', 'missing', 'excluded')],
);

const arbComputedStatus: fc.Arbitrary<ComputedFieldStatus> = weighted<ComputedFieldStatus>(
  [7, fc.constant('active')],
  [1, fc.constant('missing')],
  [1, fc.constant('deleted')],
);

function arbPlainField(pool: readonly (readonly [string, FieldType])[]): fc.Arbitrary<PlainFieldDraft> {
  return fc
    .tuple(
      weighted<readonly [string, FieldType]>(
        [4, fc.constantFrom(...pool)],
        [
          1,
          fc.tuple(
            fc.stringMatching(/^[a-z]{2,7}(_[a-z]{2,5}){0,2}$/).filter((name) => !reservedWords.has(name)),
            fc.constantFrom(...fieldTypes),
          ),
        ],
      ),
      arbFieldStatus,
    )
    .map(([[name, type], status]) => ({ name, type, status }));
}

const arbPlainFieldVariant: fc.Arbitrary<PlainFieldVariant> = record<PlainFieldVariant>({
  presence: weighted<PlainFieldVariant['presence']>([7, fc.constant('field')], [2, fc.constant('absent')], [1, fc.constant('computed')]),
  casing: arbCasing,
  status: arbFieldStatus,
  computedStatus: arbComputedStatus,
});

const arbCopyDecision: fc.Arbitrary<CopyDecision> = record<CopyDecision>({
  kind: weighted<CopyDecision['kind']>([3, fc.constant('none')], [3, fc.constant('exact')], [3, fc.constant('modified')], [1, fc.constant('plain')]),
  change: fc.constantFrom('description', 'property', 'extra_tag', 'missing_tag'),
  casing: weighted<Casing>([2, fc.constant('as-is')], [1, arbCasing]),
  status: weighted<ComputedFieldStatus>([6, fc.constant('active')], [2, fc.constant('missing')], [2, fc.constant('deleted')]),
  plainType: fc.constantFrom(...fieldTypes),
  plainStatus: arbFieldStatus,
  linked: weighted([1, fc.constant(true)], [1, fc.constant(false)]),
  description: fc.lorem({ maxCount: 3 }),
});

function arbLayout(options: Required<ComputedFieldWorldOptions>): fc.Arbitrary<Layout> {
  const sameDatastore =
    options.sameDatastore === 'either' ? weighted([3, fc.constant(false)], [1, fc.constant(true)]) : fc.constant(options.sameDatastore);
  const byLowerName = ([recipe]: readonly [ComputedFieldRecipe, ComputedFieldStatus]) => recipe.name.toLowerCase();
  return record<Layout>({
    people: arbPeopleLayout,
    sameDatastore,
    datastoreIds: arbIds(2),
    containerIds: arbIds(2),
    datastoreNames: fc.constantFrom<readonly [string, string]>(['warehouse_dev', 'warehouse_prod'], ['Staging DB', 'Production DB'], ['analytics', 'analytics']),
    containerName: fc.constantFrom('orders', 'payments', 'customers', 'invoices'),
    destinationContainerCasing: arbCasing,
    plainPairs: fc.uniqueArray(fc.tuple(arbPlainField(sourcePlainFields), arbPlainFieldVariant), {
      minLength: 2,
      maxLength: options.maxFields,
      selector: ([field]) => field.name.toLowerCase(),
    }),
    extraDestinationFields: fc.uniqueArray(arbPlainField(extraPlainFields), { maxLength: 3, selector: (field) => field.name.toLowerCase() }),
    sourceRecipes: fc.uniqueArray(fc.tuple(arbComputedFieldRecipe(sourceComputedNames, computedFieldTagPool), arbComputedStatus), {
      maxLength: options.maxComputedFields,
      selector: byLowerName,
    }),
    unrelatedRecipes: fc.uniqueArray(fc.tuple(arbComputedFieldRecipe(unrelatedComputedNames, ['legacy', 'reviewed']), arbComputedStatus), {
      maxLength: Math.ceil(options.maxComputedFields / 3),
      selector: byLowerName,
    }),
  });
}

function withStatus(field: RenderedComputedField, status: ComputedFieldStatus): ComputedDraft {
  return { ...field, status };
}

function shapeOf(layout: Layout): Shape {
  const taken = new Set<string>(reservedWords);
  const claim = (name: string) => {
    const key = name.toLowerCase();
    if (taken.has(key)) return false;
    taken.add(key);
    return true;
  };
  const plainPairs = layout.plainPairs.filter(([field]) => claim(field.name));
  const sourceFields = plainPairs.map(([field]) => field);
  const sourceRecipes = layout.sourceRecipes.filter(([recipe]) => claim(recipe.name));
  const plainNames = sourceFields.map((field) => field.name);
  const sourceComputed: ComputedDraft[] = [];
  for (const [recipe, status] of sourceRecipes) {
    sourceComputed.push(withStatus(renderComputedField(recipe, plainNames, sourceComputed.map((field) => field.name)), status));
  }

  const destinationFields: PlainFieldDraft[] = [];
  const namedLikeSourceFields: ComputedDraft[] = [];
  for (const [field, variant] of plainPairs) {
    const name = applyCasing(field.name, variant.casing);
    if (variant.presence === 'field') destinationFields.push({ name, type: field.type, status: variant.status });
    if (variant.presence === 'computed') {
      namedLikeSourceFields.push({
        name,
        transformation: 'custom_expression',
        source_fields: [],
        properties: { column_expression: 'NULL' },
        description: '',
        tags: [],
        additional_metadata: {},
        status: variant.computedStatus,
      });
    }
  }
  destinationFields.push(...layout.extraDestinationFields.filter((field) => claim(field.name)));
  const destinationPlainNames = destinationFields.map((field) => field.name);
  const unrelated: ComputedDraft[] = [];
  for (const [recipe, status] of layout.unrelatedRecipes.filter(([candidate]) => claim(candidate.name))) {
    unrelated.push(withStatus(renderComputedField(recipe, destinationPlainNames, unrelated.map((field) => field.name)), status));
  }
  return { layout, sourceFields, sourceComputed, destinationFields, destinationComputed: [...namedLikeSourceFields, ...unrelated] };
}

/** The copy of `source` that an earlier promotion could have left, then changed per `decision`. */
function destinationCopy(source: ComputedDraft, decision: CopyDecision, resolveName: (name: string) => string): ComputedDraft {
  const copy: ComputedDraft = {
    ...source,
    name: applyCasing(source.name, decision.casing),
    source_fields: source.source_fields.map(resolveName),
    properties: structuredClone(source.properties),
    tags: [...source.tags],
    additional_metadata: { ...source.additional_metadata },
    status: decision.status,
  };
  if (decision.kind !== 'modified') return copy;
  switch (decision.change) {
    case 'description':
      return { ...copy, description: decision.description === source.description ? `${decision.description} (old)` : decision.description };
    case 'property':
      return { ...copy, properties: changedProperties(copy) };
    case 'extra_tag':
      return { ...copy, tags: [...copy.tags.filter((tag) => tag !== 'legacy'), 'legacy'] };
    case 'missing_tag':
      return { ...copy, tags: [] };
  }
}

function changedProperties(field: ComputedDraft): ComputedDraft['properties'] {
  const properties = field.properties;
  switch (field.transformation) {
    case 'cast':
      return { ...properties, target_type: properties['target_type'] === 'string' ? 'integral' : 'string' };
    case 'cleaned_entity_name':
      return { ...properties, drop_from_interior: properties['drop_from_interior'] !== true };
    case 'convert_formatted_numeric':
      return { ...properties, decimal_separator: ',' };
    case 'custom_expression':
      return { ...properties, column_expression: `${String(properties['column_expression'])} + 0` };
  }
}

function assemble(
  shape: Shape,
  decisions: readonly CopyDecision[],
  fieldIds: readonly number[],
  computedIds: readonly number[],
  extraLinks: readonly ExtraLink[],
  withLineage: boolean,
): ComputedFieldWorld {
  const { layout } = shape;
  const [sourceDatastoreId, otherDatastoreId] = layout.datastoreIds as [number, number];
  const [sourceContainerId, destinationContainerId] = layout.containerIds as [number, number];
  const destinationDatastoreId = layout.sameDatastore ? sourceDatastoreId : otherDatastoreId;
  const datastoreScope = [...new Set([sourceDatastoreId, destinationDatastoreId])];
  const people = buildPeople(layout.people, datastoreScope);

  const datastores = datastoreScope.map((id, index) => ({ id, name: layout.datastoreNames[index] ?? `datastore_${id}`, store_type: 'jdbc' as const }));
  const table = (id: number, datastoreId: number, name: string): Container => ({
    id,
    datastore_id: datastoreId,
    name,
    container_type: 'table',
    description: '',
    tags: [],
    additional_metadata: {},
    deleted_at: null,
    profiled: true,
  });
  const destinationContainerName = layout.sameDatastore ? `${layout.containerName}_staging` : applyCasing(layout.containerName, layout.destinationContainerCasing);
  const containers = [table(sourceContainerId, sourceDatastoreId, layout.containerName), table(destinationContainerId, destinationDatastoreId, destinationContainerName)];

  // A plain destination field per `plain` decision; the source computed names are free on the destination.
  const destinationPlain: PlainFieldDraft[] = [...shape.destinationFields];
  shape.sourceComputed.forEach((source, index) => {
    const decision = decisions[index];
    if (decision?.kind === 'plain') destinationPlain.push({ name: applyCasing(source.name, decision.casing), type: decision.plainType, status: decision.plainStatus });
  });
  let nextFieldId = 0;
  const fields: Field[] = [
    ...shape.sourceFields.map((draft) => ({ id: fieldIds[nextFieldId++] ?? 0, container_id: sourceContainerId, ...draft })),
    ...destinationPlain.map((draft) => ({ id: fieldIds[nextFieldId++] ?? 0, container_id: destinationContainerId, ...draft })),
  ];

  let nextComputedId = 0;
  const takeComputedId = () => computedIds[nextComputedId++] ?? 0;
  const sourceComputed: ComputedField[] = shape.sourceComputed.map((draft) => ({ id: takeComputedId(), container_id: sourceContainerId, ...draft }));
  const destinationSpelling = new Map<string, string>();
  for (const name of [...destinationPlain.map((field) => field.name), ...shape.destinationComputed.map((field) => field.name)]) {
    destinationSpelling.set(name.toLowerCase(), name);
  }
  shape.sourceComputed.forEach((source, index) => {
    const decision = decisions[index];
    if (decision?.kind === 'exact' || decision?.kind === 'modified') destinationSpelling.set(source.name.toLowerCase(), applyCasing(source.name, decision.casing));
  });
  const resolveName = (name: string) => destinationSpelling.get(name.toLowerCase()) ?? name;

  const destinationComputed: ComputedField[] = [];
  const lineage: LineageLink[] = [];
  const link = (sourceId: number, destinationId: number) =>
    lineage.push({ entity_type: 'computed_field', source_entity_id: sourceId, destination_scope_id: destinationContainerId, destination_entity_id: destinationId });
  sourceComputed.forEach((source, index) => {
    const decision = decisions[index];
    const draft = shape.sourceComputed[index];
    if (decision === undefined || draft === undefined || (decision.kind !== 'exact' && decision.kind !== 'modified')) return;
    const id = takeComputedId();
    destinationComputed.push({ id, container_id: destinationContainerId, ...destinationCopy(draft, decision, resolveName) });
    if (withLineage && decision.linked) link(source.id, id);
  });
  for (const draft of shape.destinationComputed) destinationComputed.push({ id: takeComputedId(), container_id: destinationContainerId, ...draft });

  if (withLineage && sourceComputed.length > 0) {
    const usedIds = new Set([...sourceComputed, ...destinationComputed].map((field) => field.id));
    const highest = Math.max(0, ...usedIds);
    for (const extra of extraLinks) {
      const source = nth(sourceComputed, extra.source);
      if (source === undefined) continue;
      if (extra.dangling) {
        // A link to a computed field deleted since: an id below the highest ever used, so that a
        // store's next created field cannot take it.
        const free = Array.from({ length: Math.max(0, highest - 1) }, (_, offset) => offset + 1).filter((id) => !usedIds.has(id));
        const dangling = nth(free, extra.destination);
        if (dangling !== undefined) link(source.id, dangling);
      } else {
        const destination = nth(destinationComputed, extra.destination);
        if (destination !== undefined) link(source.id, destination.id);
      }
    }
  }

  return {
    world: {
      users: byId(people.users),
      teams: byId(people.teams),
      datastores: byId(datastores),
      containers: byId(containers),
      fields: byId(fields),
      quality_checks: [],
      computed_fields: byId([...sourceComputed, ...destinationComputed]),
      lineage,
    },
    source: { datastoreId: sourceDatastoreId, containerId: sourceContainerId },
    destination: { datastoreId: destinationDatastoreId, containerId: destinationContainerId },
    actor: { userId: people.ids.admin },
    users: people.ids,
    tagPool: computedFieldTagPool,
  };
}

/**
 * Worlds for computed-field promotions: the users of {@link WorldUsers}, one or two JDBC datastores,
 * a source and a destination table whose plain fields overlap case-insensitively (the destination's
 * re-cased, some absent, some masked/missing/excluded, some only as computed fields, plus extras), and
 * on the source computed fields of every transformation (`cast` with `target_type` and sometimes
 * `format`, `cleaned_entity_name`, `convert_formatted_numeric`, `custom_expression`), tagged from
 * {@link computedFieldTagPool}, mostly active. A computed field uses plain fields and computed fields
 * generated before it — through `source_fields` or identifiers of its `column_expression`, sometimes
 * back-quoted or re-cased — so the dependency graph (§6) is acyclic, while ids are random so that
 * processing order is not generation order.
 *
 * The destination holds exact and modified copies of some source computed fields (re-cased, status
 * active, missing or deleted), now and then a plain field named like a source computed field (never
 * beside a computed field of that name), and unrelated computed fields; lineage links go from some
 * source computed fields to their copies, to other destination computed fields, or to deleted ones.
 * Ids are unique per kind, positive and sparse; every list is ascending id. The world survives
 * `parseWorldSnapshot(toWorldSnapshot(world))` unchanged.
 *
 * @example
 * ```ts
 * testProp('…', [arbComputedFieldWorld({ sameDatastore: false })], ({ world, source, destination, actor }) => { … });
 * ```
 */
export function arbComputedFieldWorld(options: ComputedFieldWorldOptions = {}): fc.Arbitrary<ComputedFieldWorld> {
  const settings: Required<ComputedFieldWorldOptions> = {
    sameDatastore: options.sameDatastore ?? 'either',
    maxComputedFields: Math.max(0, options.maxComputedFields ?? 10),
    maxFields: Math.max(2, options.maxFields ?? 8),
    lineage: options.lineage ?? true,
  };
  return arbLayout(settings)
    .map(shapeOf)
    .chain((shape) => {
      const count = shape.sourceComputed.length;
      return fc.record(
        {
          shape: fc.constant(shape),
          decisions: fc.array(arbCopyDecision, { minLength: count, maxLength: count }),
          extraLinks: fc.array(
            record<ExtraLink>({ source: fc.nat(), destination: fc.nat(), dangling: weighted([4, fc.constant(false)], [1, fc.constant(true)]) }),
            { maxLength: 2 },
          ),
        },
        { noNullPrototype: true },
      );
    })
    .chain(({ shape, decisions, extraLinks }) => {
      const copies = decisions.filter((decision) => decision.kind === 'exact' || decision.kind === 'modified').length;
      const plains = decisions.filter((decision) => decision.kind === 'plain').length;
      return fc
        .tuple(
          arbIds(shape.sourceFields.length + shape.destinationFields.length + plains),
          arbIds(shape.sourceComputed.length + copies + shape.destinationComputed.length),
        )
        .map(([fieldIds, computedIds]) => assemble(shape, decisions, fieldIds, computedIds, extraLinks, settings.lineage));
    });
}
