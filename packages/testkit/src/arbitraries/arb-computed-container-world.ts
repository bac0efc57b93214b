import type { ComputedFileContainer, ComputedTableContainer, Container, LineageLink, Metadata, PlainContainer, StoreType, World } from '@promote/core';
import fc from 'fast-check';
import { arbIds, arbPeopleLayout, arbTimestamp, buildPeople, byId, nth, record, weighted, type PeopleLayout, type WorldUsers } from './arb-helpers.js';
import { applyCasing, arbCasing, type Casing } from './casing.js';

/** Tags that generated source computed tables and files draw from. */
export const computedContainerTagPool = ['analytics', 'finance', 'ops', 'daily'] as const;

/** The two container-scoped computed types. */
export type ComputedContainerKind = 'computed_table' | 'computed_file';

/** Options of {@link arbComputedContainerWorld}. */
export interface ComputedContainerWorldOptions {
  /** Which computed type the world is about; `'either'` picks one per world. Default `'either'`. */
  readonly kind?: ComputedContainerKind | 'either';
  /**
   * Most computed containers of the kind in the source datastore (at least 1). The destination gets
   * at most one copy and one plain container per source one plus `ceil(maxContainers / 3)` unrelated
   * computed containers. Default 8.
   */
  readonly maxContainers?: number;
  /** Whether lineage links from source to destination containers may be generated. Default `true`. */
  readonly lineage?: boolean;
}

/** A datastore a promotion reads from or writes into. */
export interface DatastoreScope {
  readonly datastoreId: number;
}

interface ComputedContainerWorldBase {
  readonly world: World;
  readonly source: DatastoreScope;
  /** Always another datastore than the source, of the same store type. */
  readonly destination: DatastoreScope;
  /** The acting user: role `admin`, in no team. */
  readonly actor: { readonly userId: number };
  /** Every generated user; see {@link WorldUsers}. */
  readonly users: WorldUsers;
  /** The tags source computed containers draw from ({@link computedContainerTagPool}). */
  readonly tagPool: readonly string[];
}

/** A world for computed-table promotions: two JDBC datastores. */
export interface ComputedTableWorld extends ComputedContainerWorldBase {
  readonly kind: 'computed_table';
}

/** A world for computed-file promotions: two DFS datastores. */
export interface ComputedFileWorld extends ComputedContainerWorldBase {
  readonly kind: 'computed_file';
}

/** A generated world for a computed-table or computed-file promotion; `kind` tells which. */
export type ComputedContainerWorld = ComputedTableWorld | ComputedFileWorld;

/** A computed table's own attributes, as generated: the query is written from them. */
interface TableRecipe {
  readonly basePick: number;
  readonly groupBy: readonly string[];
  readonly measure: readonly [string, string];
  readonly incremental: 'none' | 'group_by' | 'updated_at';
  readonly volumetric_tracking: boolean;
  readonly freshness_tracking: boolean;
}

/** A computed file's own attributes; `patternPick` chooses its file pattern in the source datastore. */
interface FileRecipe {
  readonly patternPick: number;
  readonly select_clause: string;
  readonly where_clause: string | null;
  readonly group_by_clause: string | null;
}

interface ContainerRecipe {
  readonly name: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly additional_metadata: Metadata;
  readonly deleted: boolean;
  readonly profiled: boolean;
  readonly table: TableRecipe;
  readonly file: FileRecipe;
}

/** A plain container: its name, and for file patterns whether a mapping may point at it. */
interface PlainDraft {
  readonly name: string;
  readonly casing: Casing;
  readonly state: 'live' | 'unprofiled' | 'deleted';
}

/**
 * What the destination datastore holds for one source computed container: nothing, a copy (its name
 * re-cased; `exact`, or `modified` by `change`; live or soft-deleted), a plain container of that name
 * (a type mismatch), or both a copy and a plain container.
 */
interface CounterpartDecision {
  readonly kind: 'none' | 'exact' | 'modified' | 'plain' | 'both';
  /**
   * `description` and `definition` make the copy differ; `extra_tag` adds a destination-only tag (still
   * identical, tags being merged); `missing_tag` drops the source's tags (differs when it has any).
   */
  readonly change: 'description' | 'definition' | 'extra_tag' | 'missing_tag';
  readonly casing: Casing;
  readonly deleted: boolean;
  readonly profiled: boolean;
  /** Computed files: the destination file pattern the copy reads, `pick % count`. */
  readonly patternPick: number;
  readonly plainType: 'first' | 'second';
  readonly plainState: PlainDraft['state'];
  readonly linked: boolean;
  readonly description: string;
  readonly deletedAt: string;
}

interface ExtraLink {
  readonly source: number;
  readonly destination: number;
  readonly dangling: boolean;
}

interface Layout {
  readonly people: PeopleLayout;
  readonly kind: ComputedContainerKind;
  readonly datastoreIds: readonly number[];
  readonly datastoreNames: readonly [string, string];
  /** Source tables (for queries) or file patterns (for computed files), all live. */
  readonly sourceBases: readonly string[];
  /** Destination tables or file patterns, named like the source's or not. */
  readonly destinationBases: readonly PlainDraft[];
  readonly sourceRecipes: readonly ContainerRecipe[];
  readonly unrelatedRecipes: readonly ContainerRecipe[];
  readonly deletedAt: string;
}

const baseNames: Readonly<Record<ComputedContainerKind, readonly string[]>> = {
  computed_table: ['orders', 'customers', 'order_lines', 'payments', 'events'],
  computed_file: ['orders_csv', 'customers_parquet', 'returns_json', 'events_avro'],
};

const sourceComputedNames: Readonly<Record<ComputedContainerKind, readonly string[]>> = {
  computed_table: ['daily_revenue', 'customer_ltv', 'top_products', 'orders_by_country', 'weekly_signups', 'refund_rate', 'active_customers', 'inventory_snapshot'],
  computed_file: ['large_orders', 'active_customers', 'returns_by_reason', 'recent_events', 'eu_orders', 'vip_customers', 'failed_payments'],
};

const unrelatedComputedNames = ['legacy_report', 'audit_extract', 'tmp_backfill'] as const;

/** The plain container types a name clash may run into, per world kind. */
const plainTypes: Readonly<Record<ComputedContainerKind, readonly [PlainContainer['container_type'], PlainContainer['container_type']]>> = {
  computed_table: ['table', 'view'],
  computed_file: ['file_pattern', 'table'],
};

const storeTypeOf: Readonly<Record<ComputedContainerKind, StoreType>> = { computed_table: 'jdbc', computed_file: 'dfs' };

const dimensions = ['order_date', 'customer_id', 'product_id', 'country_code', 'status'] as const;
const measures: readonly (readonly [string, string])[] = [
  ['SUM(amount)', 'revenue'],
  ['COUNT(*)', 'orders'],
  ['AVG(score)', 'avg_score'],
  ['MAX(created_at)', 'last_seen'],
];

const arbTableRecipe: fc.Arbitrary<TableRecipe> = record<TableRecipe>({
  basePick: fc.nat({ max: 1000 }),
  groupBy: fc.subarray([...dimensions], { maxLength: 2 }),
  measure: fc.constantFrom(...measures),
  incremental: fc.constantFrom('none', 'group_by', 'updated_at'),
  volumetric_tracking: fc.boolean(),
  freshness_tracking: fc.boolean(),
});

const arbFileRecipe: fc.Arbitrary<FileRecipe> = record<FileRecipe>({
  patternPick: fc.nat({ max: 1000 }),
  select_clause: fc.constantFrom('order_id, customer_id, amount', 'customer_id, email', '*', 'order_id, reason, COUNT(*) AS returns'),
  where_clause: weighted<string | null>([1, fc.constant(null)], [2, fc.constantFrom('amount > 500', "status = 'active'", 'quantity > 0')]),
  group_by_clause: weighted<string | null>([3, fc.constant(null)], [1, fc.constantFrom('order_id, reason', 'customer_id')]),
});

function arbContainerRecipe(names: readonly string[], tagPool: readonly string[]): fc.Arbitrary<ContainerRecipe> {
  return record<ContainerRecipe>({
    name: weighted([4, fc.constantFrom(...names)], [1, fc.stringMatching(/^[a-z]{3,8}_(summary|daily|stats)$/)]),
    description: fc.lorem({ maxCount: 4 }),
    tags: fc.subarray([...tagPool], { maxLength: 2 }),
    additional_metadata: weighted<Metadata>([3, fc.constant(null).map(() => ({}))], [1, fc.constantFrom('finance', 'crm', 'ops').map((owner) => ({ owner }))]),
    deleted: weighted([7, fc.constant(false)], [1, fc.constant(true)]),
    profiled: weighted([5, fc.constant(true)], [1, fc.constant(false)]),
    table: arbTableRecipe,
    file: arbFileRecipe,
  });
}

const arbPlainDraftState: fc.Arbitrary<PlainDraft['state']> = weighted<PlainDraft['state']>(
  [4, fc.constant('live')],
  [1, fc.constant('unprofiled')],
  [1, fc.constant('deleted')],
);

const arbCounterpartDecision: fc.Arbitrary<CounterpartDecision> = record<CounterpartDecision>({
  kind: weighted<CounterpartDecision['kind']>(
    [3, fc.constant('none')],
    [3, fc.constant('exact')],
    [3, fc.constant('modified')],
    [1, fc.constant('plain')],
    [1, fc.constant('both')],
  ),
  change: fc.constantFrom('description', 'definition', 'extra_tag', 'missing_tag'),
  casing: weighted<Casing>([2, fc.constant('as-is')], [1, arbCasing]),
  deleted: weighted([3, fc.constant(false)], [1, fc.constant(true)]),
  profiled: weighted([3, fc.constant(true)], [1, fc.constant(false)]),
  patternPick: fc.nat({ max: 1000 }),
  plainType: weighted<CounterpartDecision['plainType']>([3, fc.constant('first')], [1, fc.constant('second')]),
  plainState: arbPlainDraftState,
  linked: fc.boolean(),
  description: fc.lorem({ maxCount: 3 }),
  deletedAt: arbTimestamp,
});

function arbLayoutOf(kind: ComputedContainerKind, maxContainers: number): fc.Arbitrary<Layout> {
  return record<Layout>({
    people: arbPeopleLayout,
    kind: fc.constant(kind),
    datastoreIds: arbIds(2),
    datastoreNames: fc.constantFrom<readonly [string, string]>(['lake_dev', 'lake_prod'], ['Staging', 'Production'], ['analytics', 'analytics']),
    sourceBases: fc.shuffledSubarray([...baseNames[kind]], { minLength: 1, maxLength: 3 }),
    destinationBases: fc.uniqueArray(record<PlainDraft>({ name: fc.constantFrom(...baseNames[kind]), casing: arbCasing, state: arbPlainDraftState }), {
      minLength: 1,
      maxLength: 4,
      selector: (draft) => draft.name,
    }),
    // Plain arrays: shapeOf drops a recipe whose name is taken, far cheaper than uniqueArray's retries.
    sourceRecipes: fc.array(arbContainerRecipe(sourceComputedNames[kind], computedContainerTagPool), { minLength: 1, maxLength: maxContainers }),
    unrelatedRecipes: fc.array(arbContainerRecipe(unrelatedComputedNames, ['legacy', 'reviewed']), { maxLength: Math.ceil(maxContainers / 3) }),
    deletedAt: arbTimestamp,
  });
}

function arbLayout(kind: ComputedContainerKind | 'either', maxContainers: number): fc.Arbitrary<Layout> {
  if (kind !== 'either') return arbLayoutOf(kind, maxContainers);
  // Built once, outside any chain: constructing fc.stringMatching is costly.
  return fc.oneof(arbLayoutOf('computed_table', maxContainers), arbLayoutOf('computed_file', maxContainers));
}

/** The names a layout keeps: each name at most once across bases and computed containers, case-insensitively. */
interface Shape {
  readonly layout: Layout;
  readonly sourceRecipes: readonly ContainerRecipe[];
  readonly unrelatedRecipes: readonly ContainerRecipe[];
  readonly destinationBases: readonly PlainDraft[];
}

function shapeOf(layout: Layout): Shape {
  const taken = new Set<string>(baseNames[layout.kind]);
  const claim = (name: string) => {
    if (taken.has(name)) return false;
    taken.add(name);
    return true;
  };
  const sourceRecipes = layout.sourceRecipes.filter((recipe) => claim(recipe.name));
  // Every file world keeps at least one live computed file and one live, profiled destination file
  // pattern, so that a valid `source_container_mappings` always exists.
  const firstSource = sourceRecipes[0];
  const keptSources = firstSource === undefined ? [] : [{ ...firstSource, deleted: false }, ...sourceRecipes.slice(1)];
  const firstBase = layout.destinationBases[0];
  const destinationBases =
    firstBase === undefined || layout.destinationBases.some((base) => base.state === 'live')
      ? layout.destinationBases
      : [{ ...firstBase, state: 'live' as const }, ...layout.destinationBases.slice(1)];
  return {
    layout,
    sourceRecipes: layout.kind === 'computed_file' ? keptSources : sourceRecipes,
    unrelatedRecipes: layout.unrelatedRecipes.filter((recipe) => claim(recipe.name)),
    destinationBases: layout.kind === 'computed_file' ? destinationBases : layout.destinationBases,
  };
}

type ComputedDraft = Omit<ComputedTableContainer, 'id' | 'datastore_id'> | Omit<ComputedFileContainer, 'id' | 'datastore_id'>;

function tableDefinition(recipe: TableRecipe, bases: readonly string[]): Omit<ComputedTableContainer, keyof ContainerBaseKeys> {
  const base = nth(bases, recipe.basePick) ?? 'orders';
  const [aggregate, alias] = recipe.measure;
  const dims = recipe.groupBy.join(', ');
  return {
    container_type: 'computed_table',
    query: dims === '' ? `SELECT ${aggregate} AS ${alias} FROM ${base}` : `SELECT ${dims}, ${aggregate} AS ${alias} FROM ${base} GROUP BY ${dims}`,
    incremental_field_name: recipe.incremental === 'updated_at' ? 'updated_at' : recipe.incremental === 'group_by' ? (recipe.groupBy[0] ?? null) : null,
    group_by_fields: [...recipe.groupBy],
    volumetric_tracking: recipe.volumetric_tracking,
    freshness_tracking: recipe.freshness_tracking,
  };
}

type ContainerBaseKeys = Pick<Container, 'id' | 'datastore_id' | 'name' | 'description' | 'tags' | 'additional_metadata' | 'deleted_at' | 'profiled'>;

function computedDraft(recipe: ContainerRecipe, kind: ComputedContainerKind, bases: readonly number[], baseNamesInScope: readonly string[], deletedAt: string): ComputedDraft {
  const common = {
    name: recipe.name,
    description: recipe.description,
    tags: [...recipe.tags],
    additional_metadata: { ...recipe.additional_metadata },
    deleted_at: recipe.deleted ? deletedAt : null,
    profiled: recipe.profiled,
  };
  if (kind === 'computed_table') return { ...common, ...tableDefinition(recipe.table, baseNamesInScope) };
  return {
    ...common,
    container_type: 'computed_file',
    source_container_id: nth(bases, recipe.file.patternPick) ?? 0,
    select_clause: recipe.file.select_clause,
    where_clause: recipe.file.where_clause,
    group_by_clause: recipe.file.group_by_clause,
  };
}

/** The copy of `source` an earlier promotion could have left, then changed per `decision`. */
function destinationCopy(source: ComputedDraft, decision: CounterpartDecision, destinationPatterns: readonly number[]): ComputedDraft {
  const common = {
    name: applyCasing(source.name, decision.casing),
    tags: [...source.tags],
    additional_metadata: { ...source.additional_metadata },
    deleted_at: decision.deleted ? decision.deletedAt : null,
    profiled: decision.profiled,
  };
  const copy: ComputedDraft =
    source.container_type === 'computed_table'
      ? { ...source, ...common, group_by_fields: [...source.group_by_fields] }
      : { ...source, ...common, source_container_id: nth(destinationPatterns, decision.patternPick) ?? 0 };
  if (decision.kind === 'exact' || decision.kind === 'plain') return copy;
  switch (decision.change) {
    case 'description':
      return { ...copy, description: decision.description === source.description ? `${decision.description} (old)` : decision.description };
    case 'definition':
      return copy.container_type === 'computed_table'
        ? { ...copy, query: `${copy.query} LIMIT 1000`, volumetric_tracking: !copy.volumetric_tracking }
        : { ...copy, where_clause: copy.where_clause === null ? 'amount > 0' : null };
    case 'extra_tag':
      return { ...copy, tags: [...copy.tags.filter((tag) => tag !== 'legacy'), 'legacy'] };
    case 'missing_tag':
      return { ...copy, tags: [] };
  }
}

function assemble(
  shape: Shape,
  decisions: readonly CounterpartDecision[],
  containerIds: readonly number[],
  extraLinks: readonly ExtraLink[],
  withLineage: boolean,
): ComputedContainerWorld {
  const { layout } = shape;
  const kind = layout.kind;
  const [sourceDatastoreId, destinationDatastoreId] = layout.datastoreIds as [number, number];
  const people = buildPeople(layout.people, [sourceDatastoreId, destinationDatastoreId]);
  const datastores = [sourceDatastoreId, destinationDatastoreId].map((id, index) => ({
    id,
    name: layout.datastoreNames[index] ?? `datastore_${id}`,
    store_type: storeTypeOf[kind],
  }));
  const [baseType, otherType] = plainTypes[kind];

  let nextId = 0;
  const takeId = () => containerIds[nextId++] ?? 0;
  const plain = (datastoreId: number, type: PlainContainer['container_type'], name: string, state: PlainDraft['state']): PlainContainer => ({
    id: takeId(),
    datastore_id: datastoreId,
    name,
    container_type: type,
    description: '',
    tags: [],
    additional_metadata: {},
    deleted_at: state === 'deleted' ? layout.deletedAt : null,
    profiled: state !== 'unprofiled',
  });

  const sourceBases = layout.sourceBases.map((name) => plain(sourceDatastoreId, baseType, name, 'live'));
  const destinationBases = shape.destinationBases.map((draft) => plain(destinationDatastoreId, baseType, applyCasing(draft.name, draft.casing), draft.state));
  const sourceBaseIds = sourceBases.map((container) => container.id);
  const destinationBaseIds = destinationBases.map((container) => container.id);
  const inDatastore = (datastoreId: number) => (draft: ComputedDraft) => ({ id: takeId(), datastore_id: datastoreId, ...draft }) as Container;

  const sourceDrafts = shape.sourceRecipes.map((recipe) => computedDraft(recipe, kind, sourceBaseIds, layout.sourceBases, layout.deletedAt));
  const sourceComputed = sourceDrafts.map(inDatastore(sourceDatastoreId));
  const destinationContainers: Container[] = [...destinationBases];
  const lineage: LineageLink[] = [];
  const link = (sourceId: number, destinationId: number) =>
    lineage.push({ entity_type: kind, source_entity_id: sourceId, destination_scope_id: destinationDatastoreId, destination_entity_id: destinationId });
  const linkable: number[] = [];
  sourceComputed.forEach((source, index) => {
    const decision = decisions[index];
    const draft = sourceDrafts[index];
    if (decision === undefined || draft === undefined || decision.kind === 'none') return;
    if (decision.kind === 'plain' || decision.kind === 'both') {
      const type = decision.plainType === 'first' ? baseType : otherType;
      destinationContainers.push(plain(destinationDatastoreId, type, applyCasing(source.name, decision.casing), decision.plainState));
    }
    if (decision.kind !== 'plain') {
      const copy = inDatastore(destinationDatastoreId)(destinationCopy(draft, decision, destinationBaseIds));
      destinationContainers.push(copy);
      linkable.push(copy.id);
      if (withLineage && decision.linked) link(source.id, copy.id);
    }
  });
  for (const recipe of shape.unrelatedRecipes) {
    const unrelated = inDatastore(destinationDatastoreId)(computedDraft(recipe, kind, destinationBaseIds, shape.destinationBases.map((base) => base.name), layout.deletedAt));
    destinationContainers.push(unrelated);
    linkable.push(unrelated.id);
  }

  if (withLineage && sourceComputed.length > 0) {
    const usedIds = new Set(containerIds.slice(0, nextId));
    const highest = Math.max(0, ...usedIds);
    for (const extra of extraLinks) {
      const source = nth(sourceComputed, extra.source);
      if (source === undefined) continue;
      if (extra.dangling) {
        // A link to a container deleted for good since: an id below the highest ever used, so that a
        // store's next created container cannot take it.
        const free = Array.from({ length: Math.max(0, highest - 1) }, (_, offset) => offset + 1).filter((id) => !usedIds.has(id));
        const dangling = nth(free, extra.destination);
        if (dangling !== undefined) link(source.id, dangling);
      } else {
        const destination = nth(linkable, extra.destination);
        if (destination !== undefined) link(source.id, destination);
      }
    }
  }

  const base = {
    world: {
      users: byId(people.users),
      teams: byId(people.teams),
      datastores: byId(datastores),
      containers: byId([...sourceBases, ...sourceComputed, ...destinationContainers]),
      fields: [],
      quality_checks: [],
      computed_fields: [],
      lineage,
    },
    source: { datastoreId: sourceDatastoreId },
    destination: { datastoreId: destinationDatastoreId },
    actor: { userId: people.ids.admin },
    users: people.ids,
    tagPool: computedContainerTagPool,
  };
  return kind === 'computed_table' ? { kind, ...base } : { kind, ...base };
}

/** The number of container ids a shape and its decisions use. */
function containerCount(shape: Shape, decisions: readonly CounterpartDecision[]): number {
  const counterparts = decisions.reduce((sum, decision) => sum + { none: 0, exact: 1, modified: 1, plain: 1, both: 2 }[decision.kind], 0);
  return shape.layout.sourceBases.length + shape.destinationBases.length + shape.sourceRecipes.length + counterparts + shape.unrelatedRecipes.length;
}

/**
 * Worlds for computed-table (`kind: 'computed_table'`, two JDBC datastores) or computed-file
 * (`kind: 'computed_file'`, two DFS datastores) promotions, with the users of {@link WorldUsers} and
 * a source and a destination datastore of different ids.
 *
 * The source datastore holds live base containers (tables, or file patterns) and computed containers
 * of the kind, tagged from {@link computedContainerTagPool}, some soft-deleted: computed tables with a
 * `query` over a base table, `incremental_field_name` (or null), `group_by_fields`,
 * `volumetric_tracking` and `freshness_tracking`; computed files reading a file pattern of the same
 * datastore, with `select_clause`, `where_clause` and `group_by_clause` (both nullable).
 *
 * The destination datastore holds base containers (re-cased; live, unprofiled or soft-deleted — a
 * file world always has at least one live, profiled file pattern and one live source computed file),
 * copies of some source computed containers by name (re-cased, exact or modified, some soft-deleted;
 * copied computed files read a destination file pattern), plain containers named like a source
 * computed container (`table`/`view`, or `file_pattern`/`table`: a type mismatch), sometimes both
 * for one name, and unrelated computed containers. Lineage links go from some source containers to
 * their copies, to other destination computed containers, or to deleted ones. Ids are unique,
 * positive and sparse; every list is ascending id. The world survives
 * `parseWorldSnapshot(toWorldSnapshot(world))` unchanged.
 *
 * @example
 * ```ts
 * testProp('…', [arbComputedContainerWorld({ kind: 'computed_file' }).chain((w) => fc.tuple(fc.constant(w), arbComputedFileRequest(w)))], ([w, body]) => { … });
 * ```
 */
export function arbComputedContainerWorld(options: ComputedContainerWorldOptions & { readonly kind: 'computed_table' }): fc.Arbitrary<ComputedTableWorld>;
export function arbComputedContainerWorld(options: ComputedContainerWorldOptions & { readonly kind: 'computed_file' }): fc.Arbitrary<ComputedFileWorld>;
export function arbComputedContainerWorld(options?: ComputedContainerWorldOptions): fc.Arbitrary<ComputedContainerWorld>;
export function arbComputedContainerWorld(options: ComputedContainerWorldOptions = {}): fc.Arbitrary<ComputedContainerWorld> {
  const kind = options.kind ?? 'either';
  const maxContainers = Math.max(1, options.maxContainers ?? 8);
  const withLineage = options.lineage ?? true;
  return arbLayout(kind, maxContainers)
    .map(shapeOf)
    .chain((shape) =>
      fc.record(
        {
          shape: fc.constant(shape),
          decisions: fc.array(arbCounterpartDecision, { minLength: shape.sourceRecipes.length, maxLength: shape.sourceRecipes.length }),
          extraLinks: fc.array(
            record<ExtraLink>({ source: fc.nat(), destination: fc.nat(), dangling: weighted([4, fc.constant(false)], [1, fc.constant(true)]) }),
            { maxLength: 2 },
          ),
        },
        { noNullPrototype: true },
      ),
    )
    .chain(({ shape, decisions, extraLinks }) =>
      arbIds(containerCount(shape, decisions)).map((containerIds) => assemble(shape, decisions, containerIds, extraLinks, withLineage)),
    );
}
