import {
  fieldTypes,
  ruleTypes,
  ruleTypeSpec,
  type CheckStatus,
  type ComputedField,
  type ComputedFieldStatus,
  type Container,
  type Field,
  type FieldStatus,
  type FieldType,
  type LineageLink,
  type Metadata,
  type PermissionLevel,
  type Properties,
  type QualityCheck,
  type RuleType,
  type Team,
  type User,
  type UserRole,
  type World,
} from '@promote/core';
import fc from 'fast-check';
import { arbCheckProperties, type CheckPropertiesContext } from './arb-check-properties.js';
import { arbIds, byId, weighted } from './arb-helpers.js';
import { applyCasing, arbCasing, type Casing } from './casing.js';

/** Tags that generated source checks draw from, few enough that a tag selection usually hits. */
export const checkTagPool = ['pii', 'finance', 'core', 'daily', 'critical'] as const;

/** Tags that only destination checks and `check_additional_tags` use. */
export const extraTagPool = ['legacy', 'promoted', 'reviewed'] as const;

/** Options of {@link arbPromotionWorld}. */
export interface PromotionWorldOptions {
  /**
   * Whether the destination container lives in the source's datastore: `true`, `false`, or
   * `'either'` (one world in four shares the datastore). Default `'either'`.
   */
  readonly sameDatastore?: boolean | 'either';
  /**
   * Most checks on the source container (at least 0). The destination gets at most as many copies
   * plus `ceil(maxChecks / 3)` unrelated checks. Default 12.
   */
  readonly maxChecks?: number;
  /** Most fields on the source container (at least 2). Default 8. */
  readonly maxFields?: number;
  /** Whether lineage links from source to destination checks may be generated. Default `true`. */
  readonly lineage?: boolean;
}

/** A datastore and a container in it. */
export interface ContainerScope {
  readonly datastoreId: number;
  readonly containerId: number;
}

/** A generated world with the two containers a quality-check promotion runs between. */
export interface PromotionWorld {
  readonly world: World;
  readonly source: ContainerScope;
  readonly destination: ContainerScope;
  /** The acting user: role `admin`, in no team. */
  readonly actor: { readonly userId: number };
  /**
   * Every generated user: `admin` (= actor); `editor` (role member or manager, in a team with `editor`
   * on both datastores); `viewer` (in a team with a level below `editor` on both); `outsider` (no team).
   * Their tokens are `token-<key>`.
   */
  readonly users: { readonly admin: number; readonly editor: number; readonly viewer: number; readonly outsider: number };
  /**
   * The `customers`-like containers X-ref checks point at: the source datastore's, and the live one of
   * the same name (case-insensitive) in the destination datastore, `undefined` when there is none
   * (absent, or only a soft-deleted one). With a shared datastore both are the same container.
   */
  readonly references: { readonly source: number; readonly destination: number | undefined };
  /** The tags source checks draw from ({@link checkTagPool}). */
  readonly tagPool: readonly string[];
}

interface FieldDraft {
  readonly name: string;
  readonly type: FieldType;
  readonly status: FieldStatus;
}

/** What the destination container holds for one source field name. */
interface DestinationVariant {
  readonly presence: 'field' | 'absent' | 'computed';
  readonly casing: Casing;
  readonly type: FieldType | 'same';
  readonly status: FieldStatus;
  readonly computedStatus: ComputedFieldStatus;
}

interface Layout {
  readonly sameDatastore: boolean;
  readonly userIds: readonly number[];
  readonly teamIds: readonly number[];
  readonly datastoreIds: readonly number[];
  readonly containerIds: readonly number[];
  readonly editorRole: UserRole;
  readonly viewerRole: UserRole;
  readonly outsiderRole: UserRole;
  readonly viewerLevel: PermissionLevel;
  readonly datastoreNames: readonly [string, string];
  readonly containerName: string;
  readonly destinationContainerCasing: Casing;
  readonly referenceName: string;
  readonly sourceReferenceCasing: Casing;
  readonly destinationReferenceCasing: Casing;
  readonly destinationReference: 'live' | 'deleted' | 'absent';
  readonly referenceDeletedAt: string;
  readonly pairs: readonly (readonly [FieldDraft, DestinationVariant])[];
  readonly extraDestinationFields: readonly FieldDraft[];
}

/** The ids and names a layout implies, computed once. */
interface Shape {
  readonly layout: Layout;
  readonly sourceDatastoreId: number;
  readonly destinationDatastoreId: number;
  readonly sourceContainerId: number;
  readonly destinationContainerId: number;
  readonly sourceReferenceId: number;
  /** The destination datastore's reference container, live or soft-deleted; `undefined` if none. */
  readonly destinationReferenceContainerId: number | undefined;
  /** The live one X-ref resolution would find. */
  readonly resolvedReferenceId: number | undefined;
  readonly sourceFields: readonly FieldDraft[];
  readonly destinationFields: readonly FieldDraft[];
  readonly destinationComputed: readonly { readonly name: string; readonly status: ComputedFieldStatus }[];
  /** lower-case name → destination spelling, for names available on the destination (§1). */
  readonly destinationNamespace: ReadonlyMap<string, string>;
}

type CheckDraft = Omit<QualityCheck, 'id' | 'container_id'>;

/** How the destination relates to one source check. */
interface CopyDecision {
  readonly kind: 'none' | 'exact' | 'modified';
  readonly change: 'description' | 'coverage' | 'filter' | 'property' | 'extra_tag';
  readonly status: CheckStatus;
  readonly linked: boolean;
  readonly description: string;
  readonly amount: number;
  readonly tag: string;
  readonly createdAt: string;
}

interface ExtraLink {
  readonly source: number;
  readonly destination: number;
  readonly dangling: boolean;
}

const knownFields: readonly (readonly [string, FieldType])[] = [
  ['id', 'integral'],
  ['customer_id', 'integral'],
  ['email', 'string'],
  ['full_name', 'string'],
  ['country_code', 'string'],
  ['phone_number', 'string'],
  ['notes', 'string'],
  ['amount', 'fractional'],
  ['order_total', 'fractional'],
  ['discount_rate', 'fractional'],
  ['score', 'fractional'],
  ['quantity', 'integral'],
  ['created_at', 'timestamp'],
  ['updated_at', 'timestamp'],
  ['birth_date', 'date'],
  ['ship_date', 'date'],
  ['is_active', 'boolean'],
  ['payload', 'unknown'],
];

const referenceFields: readonly FieldDraft[] = [
  { name: 'id', type: 'integral', status: 'active' },
  { name: 'email', type: 'string', status: 'active' },
  { name: 'full_name', type: 'string', status: 'active' },
];

const filterTexts = ['amount > 0', "status = 'open'", 'quantity BETWEEN 1 AND 10', "country_code IN ('US', 'CA')", 'is_active'] as const;

const arbTimestampMs = fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2025, 11, 31) });
const arbTimestamp = arbTimestampMs.map((ms) => new Date(ms).toISOString());

const arbFieldStatus: fc.Arbitrary<FieldStatus> = weighted<FieldStatus>(
  [8, fc.constant('active')],
  [2, fc.constantFrom('masked', 'missing', 'excluded')],
);

const arbFieldDraft: fc.Arbitrary<FieldDraft> = fc
  .tuple(
    weighted<readonly [string, FieldType]>(
      [4, fc.constantFrom(...knownFields)],
      [1, fc.tuple(fc.stringMatching(/^[a-z]{2,7}(_[a-z]{2,5}){0,2}$/), fc.constantFrom(...fieldTypes))],
    ),
    weighted<FieldType | undefined>([6, fc.constant(undefined)], [1, fc.constantFrom(...fieldTypes)]),
    arbFieldStatus,
  )
  .map(([[name, natural], drift, status]) => ({ name, type: drift ?? natural, status }));

const arbDestinationVariant: fc.Arbitrary<DestinationVariant> = fc.record(
  {
    presence: weighted<DestinationVariant['presence']>([7, fc.constant('field')], [2, fc.constant('absent')], [1, fc.constant('computed')]),
    casing: arbCasing,
    type: weighted<FieldType | 'same'>([8, fc.constant('same')], [2, fc.constantFrom(...fieldTypes)]),
    status: arbFieldStatus,
    computedStatus: weighted<ComputedFieldStatus>([4, fc.constant('active')], [1, fc.constantFrom('missing', 'deleted')]),
  },
  { noNullPrototype: true },
);

function arbLayout(options: Required<PromotionWorldOptions>): fc.Arbitrary<Layout> {
  const sameDatastore =
    options.sameDatastore === 'either'
      ? weighted([3, fc.constant(false)], [1, fc.constant(true)])
      : fc.constant(options.sameDatastore);
  return fc.record(
    {
      sameDatastore,
      userIds: arbIds(4),
      teamIds: arbIds(2),
      datastoreIds: arbIds(2),
      containerIds: arbIds(4),
      editorRole: fc.constantFrom<UserRole>('member', 'manager'),
      viewerRole: fc.constantFrom<UserRole>('member', 'manager'),
      outsiderRole: fc.constantFrom<UserRole>('member', 'manager'),
      viewerLevel: fc.constantFrom<PermissionLevel>('reporter', 'viewer', 'drafter', 'author'),
      datastoreNames: fc.constantFrom<readonly [string, string]>(
        ['warehouse_dev', 'warehouse_prod'],
        ['Staging DB', 'Production DB'],
        ['analytics', 'analytics'],
      ),
      containerName: fc.constantFrom('orders', 'payments', 'events', 'invoices'),
      destinationContainerCasing: arbCasing,
      referenceName: fc.constantFrom('customers', 'clients', 'accounts'),
      sourceReferenceCasing: weighted<Casing>([3, fc.constant('as-is')], [1, arbCasing]),
      destinationReferenceCasing: arbCasing,
      destinationReference: weighted<Layout['destinationReference']>(
        [8, fc.constant('live')],
        [1, fc.constant('deleted')],
        [1, fc.constant('absent')],
      ),
      referenceDeletedAt: arbTimestamp,
      pairs: fc.uniqueArray(fc.tuple(arbFieldDraft, arbDestinationVariant), {
        minLength: 2,
        maxLength: options.maxFields,
        selector: ([field]) => field.name.toLowerCase(),
      }),
      extraDestinationFields: fc.uniqueArray(arbFieldDraft, { maxLength: 3, selector: (field) => field.name.toLowerCase() }),
    },
    { noNullPrototype: true },
  );
}

function shapeOf(layout: Layout): Shape {
  const [sourceDatastoreId, otherDatastoreId] = layout.datastoreIds as [number, number];
  const [sourceContainerId, destinationContainerId, sourceReferenceId, otherReferenceId] = layout.containerIds as [number, number, number, number];
  const destinationDatastoreId = layout.sameDatastore ? sourceDatastoreId : otherDatastoreId;
  const destinationReferenceContainerId = layout.sameDatastore
    ? sourceReferenceId
    : layout.destinationReference === 'absent'
      ? undefined
      : otherReferenceId;
  const resolvedReferenceId =
    layout.sameDatastore || layout.destinationReference === 'live' ? destinationReferenceContainerId : undefined;

  const sourceNames = new Set(layout.pairs.map(([field]) => field.name.toLowerCase()));
  const sourceFields = layout.pairs.map(([field]) => field);
  const destinationFields: FieldDraft[] = [];
  const destinationComputed: { name: string; status: ComputedFieldStatus }[] = [];
  for (const [field, variant] of layout.pairs) {
    const name = applyCasing(field.name, variant.casing);
    if (variant.presence === 'field') {
      destinationFields.push({ name, type: variant.type === 'same' ? field.type : variant.type, status: variant.status });
    } else if (variant.presence === 'computed') {
      destinationComputed.push({ name, status: variant.computedStatus });
    }
  }
  for (const extra of layout.extraDestinationFields) {
    if (!sourceNames.has(extra.name.toLowerCase())) destinationFields.push(extra);
  }
  const destinationNamespace = new Map<string, string>();
  for (const field of destinationFields) {
    if (field.status === 'active' || field.status === 'masked') destinationNamespace.set(field.name.toLowerCase(), field.name);
  }
  for (const computed of destinationComputed) {
    if (computed.status === 'active') destinationNamespace.set(computed.name.toLowerCase(), computed.name);
  }
  return {
    layout,
    sourceDatastoreId,
    destinationDatastoreId,
    sourceContainerId,
    destinationContainerId,
    sourceReferenceId,
    destinationReferenceContainerId,
    resolvedReferenceId,
    sourceFields,
    destinationFields,
    destinationComputed,
    destinationNamespace,
  };
}

/** Fields of a check of `ruleType` (§13), type-valid more often than not. */
function arbCheckFields(ruleType: RuleType, fields: readonly FieldDraft[]): fc.Arbitrary<string[]> {
  const spec = ruleTypeSpec(ruleType);
  if (fields.length === 0 || spec.fieldScope === 'calculated' || spec.fieldScope === 'none') return fc.constant(null).map(() => []);
  const all = fields.map((field) => field.name);
  const accepted = fields.filter((field) => spec.acceptedTypes.includes(field.type)).map((field) => field.name);
  if (spec.fieldScope === 'single') {
    const one = accepted.length > 0 ? weighted([3, fc.constantFrom(...accepted)], [1, fc.constantFrom(...all)]) : fc.constantFrom(...all);
    return one.map((name) => [name]);
  }
  const pool = accepted.length > 0 ? accepted : all;
  return weighted(
    [3, fc.shuffledSubarray([...pool], { minLength: 1, maxLength: Math.min(3, pool.length) })],
    [1, fc.shuffledSubarray([...all], { minLength: 1, maxLength: Math.min(3, all.length) })],
  );
}

const arbFilter: fc.Arbitrary<string | null> = weighted<string | null>(
  [3, fc.constant(null)],
  [
    2,
    fc
      .tuple(
        fc.constantFrom(...filterTexts),
        fc.constantFrom('', ' ', '  ', '\t'),
        fc.constantFrom('', ' ', '\n'),
        fc.array(fc.constantFrom(' ', '  ', '\t', ' \n '), { minLength: 1, maxLength: 4 }),
      )
      .map(([text, lead, trail, runs]) => {
        let index = 0;
        return lead + text.replace(/ /g, () => runs[index++ % runs.length] ?? ' ') + trail;
      }),
  ],
);

const arbCoverage: fc.Arbitrary<number | null> = weighted<number | null>(
  [3, fc.constant(null)],
  [1, fc.constant(1)],
  [2, fc.integer({ min: 1, max: 100 }).map((percent) => percent / 100)],
);

const arbCheckStatus: fc.Arbitrary<CheckStatus> = weighted<CheckStatus>(
  [6, fc.constant('active')],
  [3, fc.constant('draft')],
  [1, fc.constantFrom('archived', 'discarded')],
);

const arbDescription: fc.Arbitrary<string> = weighted([1, fc.constant('')], [5, fc.lorem({ maxCount: 6 })]);

const arbMetadata: fc.Arbitrary<Metadata> = fc
  .subarray([
    ['owner', 'data-team'],
    ['source', 'inferred'],
    ['ticket', 'DQ-42'],
  ] as [string, string][])
  .map((entries) => Object.fromEntries(entries));

function arbCheckDraft(fields: readonly FieldDraft[], references: CheckPropertiesContext): fc.Arbitrary<CheckDraft> {
  return fc.constantFrom(...ruleTypes).chain((ruleType) =>
    fc
      .record(
        {
          fields: arbCheckFields(ruleType, fields),
          properties: arbCheckProperties(ruleType, references),
          description: arbDescription,
          tags: fc.subarray([...checkTagPool], { maxLength: 3 }),
          additional_metadata: arbMetadata,
          coverage: arbCoverage,
          filter: arbFilter,
          status: arbCheckStatus,
          inferred: fc.boolean(),
          createdMs: arbTimestampMs,
          editedAfterMs: weighted([1, fc.constant(0)], [2, fc.integer({ min: 1, max: 90 * 86_400_000 })]),
        },
        { noNullPrototype: true },
      )
      .map(({ createdMs, editedAfterMs, ...definition }): CheckDraft => ({
        rule_type: ruleType,
        ...definition,
        created_at: new Date(createdMs).toISOString(),
        updated_at: new Date(createdMs + editedAfterMs).toISOString(),
      })),
  );
}

const arbCopyDecision: fc.Arbitrary<CopyDecision> = fc.record(
  {
    kind: weighted<CopyDecision['kind']>([5, fc.constant('none')], [3, fc.constant('exact')], [2, fc.constant('modified')]),
    change: fc.constantFrom<CopyDecision['change']>('description', 'coverage', 'filter', 'property', 'extra_tag'),
    status: arbCheckStatus,
    linked: fc.boolean(),
    description: fc.lorem({ maxCount: 4 }),
    amount: fc.integer({ min: 1, max: 50 }),
    tag: fc.constantFrom(...extraTagPool),
    createdAt: arbTimestamp,
  },
  { noNullPrototype: true },
);

/** The definition the source check would have on the destination: fields, F-refs and X-refs resolved (§7). */
function destinationCopy(check: CheckDraft, shape: Shape): CheckDraft {
  const resolveName = (name: string) => shape.destinationNamespace.get(name.toLowerCase());
  const spec = ruleTypeSpec(check.rule_type);
  const properties: Record<string, unknown> = { ...structuredClone(check.properties) };
  for (const key of spec.fieldReferenceKeys) {
    const value = properties[key];
    if (typeof value === 'string') properties[key] = resolveName(value) ?? value;
    else if (Array.isArray(value)) properties[key] = value.map((name: unknown) => (typeof name === 'string' ? (resolveName(name) ?? name) : name));
  }
  if (
    spec.containerReference &&
    !shape.layout.sameDatastore &&
    properties['ref_container_id'] === shape.sourceReferenceId &&
    shape.resolvedReferenceId !== undefined
  ) {
    properties['ref_container_id'] = shape.resolvedReferenceId;
    if ('ref_datastore_id' in properties) properties['ref_datastore_id'] = shape.destinationDatastoreId;
  }
  return {
    ...check,
    fields: check.fields.flatMap((name) => resolveName(name) ?? []),
    properties,
    tags: [...check.tags],
    additional_metadata: { ...check.additional_metadata },
  };
}

function modify(copy: CheckDraft, decision: CopyDecision): CheckDraft {
  switch (decision.change) {
    case 'description':
      return { ...copy, description: decision.description };
    case 'coverage':
      return { ...copy, coverage: copy.coverage === null ? decision.amount / 50 : null };
    case 'filter':
      return { ...copy, filter: copy.filter === null ? `quantity > ${decision.amount}` : null };
    case 'property': {
      const numericKey = Object.keys(copy.properties).find((key) => typeof copy.properties[key] === 'number' && !key.startsWith('ref_'));
      const properties: Properties =
        numericKey === undefined
          ? { ...copy.properties, threshold: decision.amount }
          : { ...copy.properties, [numericKey]: (copy.properties[numericKey] as number) + decision.amount };
      return { ...copy, properties };
    }
    case 'extra_tag':
      return { ...copy, tags: copy.tags.includes(decision.tag) ? copy.tags : [...copy.tags, decision.tag] };
  }
}

function assemble(
  shape: Shape,
  sourceDrafts: readonly CheckDraft[],
  unrelatedDrafts: readonly CheckDraft[],
  decisions: readonly CopyDecision[],
  fieldIds: readonly number[],
  computedIds: readonly number[],
  checkIds: readonly number[],
  extraLinks: readonly ExtraLink[],
  withLineage: boolean,
): PromotionWorld {
  const { layout } = shape;
  const [adminId, editorId, viewerId, outsiderId] = layout.userIds as [number, number, number, number];
  const [editorsTeamId, viewersTeamId] = layout.teamIds as [number, number];
  const datastoreScope = [...new Set([shape.sourceDatastoreId, shape.destinationDatastoreId])];

  const users: User[] = [
    { id: adminId, email: 'admin@example.com', role: 'admin', token: 'token-admin' },
    { id: editorId, email: 'editor@example.com', role: layout.editorRole, token: 'token-editor' },
    { id: viewerId, email: 'viewer@example.com', role: layout.viewerRole, token: 'token-viewer' },
    { id: outsiderId, email: 'outsider@example.com', role: layout.outsiderRole, token: 'token-outsider' },
  ];
  const teams: Team[] = [
    { id: editorsTeamId, name: 'Data editors', members: [editorId], permissions: Object.fromEntries(datastoreScope.map((id) => [id, 'editor'])) },
    { id: viewersTeamId, name: 'Data viewers', members: [viewerId], permissions: Object.fromEntries(datastoreScope.map((id) => [id, layout.viewerLevel])) },
  ];
  const datastores = datastoreScope.map((id, index) => ({
    id,
    name: layout.datastoreNames[index] ?? `datastore_${id}`,
    store_type: 'jdbc' as const,
  }));

  const plainContainer = (id: number, datastoreId: number, name: string, deletedAt: string | null = null): Container => ({
    id,
    datastore_id: datastoreId,
    name,
    container_type: 'table',
    description: '',
    tags: [],
    additional_metadata: {},
    deleted_at: deletedAt,
    profiled: true,
  });
  const destinationContainerName = layout.sameDatastore
    ? `${layout.containerName}_staging`
    : applyCasing(layout.containerName, layout.destinationContainerCasing);
  const containers: Container[] = [
    plainContainer(shape.sourceContainerId, shape.sourceDatastoreId, layout.containerName),
    plainContainer(shape.destinationContainerId, shape.destinationDatastoreId, destinationContainerName),
    plainContainer(shape.sourceReferenceId, shape.sourceDatastoreId, applyCasing(layout.referenceName, layout.sourceReferenceCasing)),
  ];
  if (!layout.sameDatastore && shape.destinationReferenceContainerId !== undefined) {
    containers.push(
      plainContainer(
        shape.destinationReferenceContainerId,
        shape.destinationDatastoreId,
        applyCasing(layout.referenceName, layout.destinationReferenceCasing),
        layout.destinationReference === 'deleted' ? layout.referenceDeletedAt : null,
      ),
    );
  }

  const fieldsByContainer: (readonly [number, readonly FieldDraft[]])[] = [
    [shape.sourceContainerId, shape.sourceFields],
    [shape.destinationContainerId, shape.destinationFields],
    [shape.sourceReferenceId, referenceFields],
  ];
  if (!layout.sameDatastore && shape.destinationReferenceContainerId !== undefined) {
    fieldsByContainer.push([shape.destinationReferenceContainerId, referenceFields]);
  }
  let nextField = 0;
  const fields: Field[] = fieldsByContainer.flatMap(([containerId, drafts]) =>
    drafts.map((draft) => ({ id: fieldIds[nextField++] ?? 0, container_id: containerId, ...draft })),
  );

  const computedFields: ComputedField[] = shape.destinationComputed.map((computed, index) => ({
    id: computedIds[index] ?? 0,
    container_id: shape.destinationContainerId,
    name: computed.name,
    transformation: 'custom_expression',
    source_fields: [],
    properties: { column_expression: 'NULL' },
    description: '',
    tags: [],
    additional_metadata: {},
    status: computed.status,
  }));

  let nextCheck = 0;
  const takeCheckId = () => checkIds[nextCheck++] ?? 0;
  const sourceChecks: QualityCheck[] = sourceDrafts.map((draft) => ({ ...draft, id: takeCheckId(), container_id: shape.sourceContainerId }));
  const destinationChecks: QualityCheck[] = [];
  const lineage: LineageLink[] = [];
  const link = (sourceId: number, destinationId: number) =>
    lineage.push({
      entity_type: 'quality_check',
      source_entity_id: sourceId,
      destination_scope_id: shape.destinationContainerId,
      destination_entity_id: destinationId,
    });
  sourceChecks.forEach((source, index) => {
    const decision = decisions[index];
    if (decision === undefined || decision.kind === 'none') return;
    const copy = destinationCopy(source, shape);
    const definition = decision.kind === 'modified' ? modify(copy, decision) : copy;
    const id = takeCheckId();
    destinationChecks.push({
      ...definition,
      id,
      container_id: shape.destinationContainerId,
      status: decision.status,
      created_at: decision.createdAt,
      updated_at: decision.createdAt,
    });
    if (withLineage && decision.linked) link(source.id, id);
  });
  for (const draft of unrelatedDrafts) {
    destinationChecks.push({ ...draft, id: takeCheckId(), container_id: shape.destinationContainerId });
  }
  if (withLineage && sourceChecks.length > 0) {
    const usedIds = new Set([...sourceChecks, ...destinationChecks].map((check) => check.id));
    const highest = Math.max(0, ...usedIds);
    for (const extra of extraLinks) {
      const source = sourceChecks[extra.source % sourceChecks.length];
      if (source === undefined) continue;
      if (extra.dangling) {
        // A link to a check deleted since: an id below the highest ever used, so that a store's next
        // created check cannot take it.
        const free = Array.from({ length: Math.max(0, highest - 1) }, (_, offset) => offset + 1).filter((id) => !usedIds.has(id));
        const dangling = free[extra.destination % Math.max(1, free.length)];
        if (dangling !== undefined) link(source.id, dangling);
      } else if (destinationChecks.length > 0) {
        const destination = destinationChecks[extra.destination % destinationChecks.length];
        if (destination !== undefined) link(source.id, destination.id);
      }
    }
  }

  return {
    world: {
      users: byId(users),
      teams: byId(teams),
      datastores: byId(datastores),
      containers: byId(containers),
      fields: byId(fields),
      quality_checks: byId([...sourceChecks, ...destinationChecks]),
      computed_fields: byId(computedFields),
      lineage,
    },
    source: { datastoreId: shape.sourceDatastoreId, containerId: shape.sourceContainerId },
    destination: { datastoreId: shape.destinationDatastoreId, containerId: shape.destinationContainerId },
    actor: { userId: adminId },
    users: { admin: adminId, editor: editorId, viewer: viewerId, outsider: outsiderId },
    references: { source: shape.sourceReferenceId, destination: shape.resolvedReferenceId },
    tagPool: checkTagPool,
  };
}

/**
 * Worlds for quality-check promotions: users with and without permissions, one or two JDBC
 * datastores, a source and a destination table whose fields overlap case-insensitively (destination
 * casing randomly changed, some fields missing, some masked/missing/excluded, some only as computed
 * fields), a `customers`-like reference container per datastore, checks of every rule type on the
 * source, and on the destination exact copies, modified copies and unrelated checks, with lineage
 * links between some of them. Ids are unique per kind, positive and sparse; every list is ascending
 * id. The world survives `parseWorldSnapshot(toWorldSnapshot(world))` unchanged.
 *
 * @example
 * ```ts
 * testProp('…', [arbPromotionWorld({ maxChecks: 30, sameDatastore: false })], ({ world, source, destination, actor }) => { … });
 * ```
 */
export function arbPromotionWorld(options: PromotionWorldOptions = {}): fc.Arbitrary<PromotionWorld> {
  const settings: Required<PromotionWorldOptions> = {
    sameDatastore: options.sameDatastore ?? 'either',
    maxChecks: Math.max(0, options.maxChecks ?? 12),
    maxFields: Math.max(2, options.maxFields ?? 8),
    lineage: options.lineage ?? true,
  };
  return arbLayout(settings)
    .map(shapeOf)
    .chain((shape) => {
      const sourceReferences: CheckPropertiesContext = {
        fieldNames: shape.sourceFields.map((field) => field.name),
        referenceContainerId: shape.sourceReferenceId,
        referenceDatastoreId: shape.sourceDatastoreId,
      };
      const destinationReferences: CheckPropertiesContext = {
        fieldNames: shape.destinationFields.map((field) => field.name),
        referenceContainerId: shape.resolvedReferenceId ?? shape.sourceReferenceId,
        referenceDatastoreId: shape.resolvedReferenceId === undefined ? shape.sourceDatastoreId : shape.destinationDatastoreId,
      };
      const fieldCount =
        shape.sourceFields.length +
        shape.destinationFields.length +
        referenceFields.length * (!shape.layout.sameDatastore && shape.destinationReferenceContainerId !== undefined ? 2 : 1);
      return fc.record(
        {
          shape: fc.constant(shape),
          sourceDrafts: fc.array(arbCheckDraft(shape.sourceFields, sourceReferences), { maxLength: settings.maxChecks }),
          unrelatedDrafts: fc.array(arbCheckDraft(shape.destinationFields, destinationReferences), {
            maxLength: Math.ceil(settings.maxChecks / 3),
          }),
          fieldIds: arbIds(fieldCount),
          computedIds: arbIds(shape.destinationComputed.length),
        },
        { noNullPrototype: true },
      );
    })
    .chain((generated) =>
      fc.record(
        {
          generated: fc.constant(generated),
          decisions: fc.array(arbCopyDecision, { minLength: generated.sourceDrafts.length, maxLength: generated.sourceDrafts.length }),
          checkIds: arbIds(2 * generated.sourceDrafts.length + generated.unrelatedDrafts.length),
          extraLinks: fc.array(
            fc.record(
              { source: fc.nat(), destination: fc.nat(), dangling: weighted([4, fc.constant(false)], [1, fc.constant(true)]) },
              { noNullPrototype: true },
            ),
            { maxLength: 2 },
          ),
        },
        { noNullPrototype: true },
      ),
    )
    .map(({ generated, decisions, checkIds, extraLinks }) =>
      assemble(
        generated.shape,
        generated.sourceDrafts,
        generated.unrelatedDrafts,
        decisions,
        generated.fieldIds,
        generated.computedIds,
        checkIds,
        extraLinks,
        settings.lineage,
      ),
    );
}
