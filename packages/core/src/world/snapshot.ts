import { err, ok, type Result } from 'neverthrow';
import { z } from 'zod';
import type { Container, Field, QualityCheck, Team } from '../domain/entities.js';
import {
  checkStatuses,
  computedFieldStatuses,
  containerTypes,
  fieldStatuses,
  fieldTypes,
  permissionLevels,
  promoteTypes,
  storeTypes,
  transformations,
  userRoles,
} from '../domain/enums.js';
import { normaliseRuleType } from '../domain/rule-types.js';
import { invalidWorld, type InvalidWorldError, type WorldProblem } from '../errors.js';
import type { World } from './world.js';

const id = z.number().int().positive();
const name = z.string().min(1, 'must not be empty');
const tags = z.array(name).default([]);
const metadata = z.record(z.string(), z.string()).default({});
const properties = z.record(z.string(), z.unknown()).default({});
const timestamp = z.iso.datetime({ offset: true });

/** Timestamp given to checks whose snapshot omits `created_at`/`updated_at`. */
export const defaultSnapshotTimestamp = '1970-01-01T00:00:00Z';

const fieldSnapshot = z.strictObject({
  id: id.optional(),
  name,
  type: z.enum(fieldTypes),
  status: z.enum(fieldStatuses).default('active'),
});

const containerSnapshot = z.strictObject({
  id,
  datastore_id: id,
  name,
  container_type: z.enum(containerTypes),
  description: z.string().default(''),
  tags,
  additional_metadata: metadata,
  deleted_at: timestamp.nullable().default(null),
  profiled: z.boolean().default(true),
  fields: z.array(fieldSnapshot).default([]),
  query: z.string().optional(),
  incremental_field_name: z.string().nullable().optional(),
  group_by_fields: z.array(name).optional(),
  volumetric_tracking: z.boolean().optional(),
  freshness_tracking: z.boolean().optional(),
  source_container_id: id.optional(),
  select_clause: z.string().optional(),
  where_clause: z.string().nullable().optional(),
  group_by_clause: z.string().nullable().optional(),
});

const checkSnapshot = z.strictObject({
  id,
  container_id: id,
  rule_type: z.string(),
  description: z.string().default(''),
  fields: z.array(name).default([]),
  coverage: z.number().gt(0).lte(1).nullable().default(null),
  filter: z.string().nullable().default(null),
  properties,
  tags,
  additional_metadata: metadata,
  status: z.enum(checkStatuses).default('active'),
  inferred: z.boolean().default(false),
  created_at: timestamp.default(defaultSnapshotTimestamp),
  updated_at: timestamp.default(defaultSnapshotTimestamp),
});

const computedFieldSnapshot = z.strictObject({
  id,
  container_id: id,
  name,
  transformation: z.enum(transformations),
  source_fields: z.array(name).default([]),
  properties,
  description: z.string().default(''),
  tags,
  additional_metadata: metadata,
  status: z.enum(computedFieldStatuses).default('active'),
});

const userSnapshot = z.strictObject({ id, email: z.string().email(), role: z.enum(userRoles), token: z.string().min(1).optional() });

const teamSnapshot = z.strictObject({
  id,
  name,
  members: z.array(id).default([]),
  permissions: z.record(z.string().regex(/^[1-9][0-9]*$/, 'must be a datastore id'), z.enum(permissionLevels)).default({}),
});

const datastoreSnapshot = z.strictObject({ id, name, store_type: z.enum(storeTypes) });

const lineageSnapshot = z.strictObject({
  entity_type: z.enum(promoteTypes),
  source_entity_id: id,
  destination_scope_id: id,
  destination_entity_id: id,
});

/** The element schema of each list of a snapshot. */
const listSchemas = {
  users: userSnapshot,
  teams: teamSnapshot,
  datastores: datastoreSnapshot,
  containers: containerSnapshot,
  quality_checks: checkSnapshot,
  computed_fields: computedFieldSnapshot,
  lineage: lineageSnapshot,
} as const;

type ListKey = keyof typeof listSchemas;
type ParsedSnapshot = { [K in ListKey]: z.output<(typeof listSchemas)[K]>[] };

/** The world snapshot document of §14. */
export const worldSnapshotSchema = z.strictObject({
  users: z.array(userSnapshot).default([]),
  teams: z.array(teamSnapshot).default([]),
  datastores: z.array(datastoreSnapshot).default([]),
  containers: z.array(containerSnapshot).default([]),
  quality_checks: z.array(checkSnapshot).default([]),
  computed_fields: z.array(computedFieldSnapshot).default([]),
  lineage: z.array(lineageSnapshot).default([]),
});

/** A world snapshot document as written (§14). */
export type WorldSnapshot = z.input<typeof worldSnapshotSchema>;

/**
 * Validates a snapshot document and turns it into a {@link World}. Every problem is reported, each
 * with its JSON path (`$.containers[3].source_container_id`) and reason; with any problem, the
 * result is an error and nothing is produced.
 */
export function parseWorldSnapshot(input: unknown): Result<World, InvalidWorldError> {
  const parsed = worldSnapshotSchema.safeParse(input);
  const toProblems = (issues: readonly z.core.$ZodIssue[], raw: unknown, prefix: readonly PropertyKey[]) =>
    issues.flatMap((issue): WorldProblem[] => {
      const path = [...prefix, ...issue.path];
      if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ path: jsonPath([...path, key]), message: 'unknown attribute' }));
      if (issue.code === 'invalid_type' && valueAt(raw, issue.path) === undefined) return [{ path: jsonPath(path), message: 'required' }];
      return [{ path: jsonPath(path), message: issue.message }];
    });
  if (!parsed.success && (input === null || typeof input !== 'object' || Array.isArray(input))) {
    return err(invalidWorld(toProblems(parsed.error.issues, input, [])));
  }
  // With shape problems, every element that has the right shape is still checked for references, so
  // that one pass lists every problem. An element with the wrong shape leaves a hole in its list
  // (indexes, and so paths, are kept), and its id still counts as existing for references.
  const shapeProblems: WorldProblem[] = [];
  const unparsedIds = new Map<ListKey, Set<number>>();
  let snapshot: ParsedSnapshot;
  if (parsed.success) {
    snapshot = parsed.data;
  } else {
    const raw = input as Record<string, unknown>;
    const salvage = <K extends ListKey>(key: K): ParsedSnapshot[K] => {
      const list = raw[key];
      if (list === undefined) return [];
      if (!Array.isArray(list)) {
        shapeProblems.push({ path: jsonPath([key]), message: 'expected an array' });
        return [];
      }
      const values = new Array<ParsedSnapshot[K][number]>(list.length);
      list.forEach((element: unknown, index) => {
        const item = listSchemas[key].safeParse(element);
        if (item.success) {
          values[index] = item.data as ParsedSnapshot[K][number];
          return;
        }
        shapeProblems.push(...toProblems(item.error.issues, element, [key, index]));
        // Its id, even written as a string, still names it: no second problem for each reference to it.
        const elementId = Number((element as { id?: unknown } | null)?.id);
        if (Number.isInteger(elementId)) unparsedIds.set(key, (unparsedIds.get(key) ?? new Set()).add(elementId));
      });
      return values as ParsedSnapshot[K];
    };
    snapshot = {
      users: salvage('users'),
      teams: salvage('teams'),
      datastores: salvage('datastores'),
      containers: salvage('containers'),
      quality_checks: salvage('quality_checks'),
      computed_fields: salvage('computed_fields'),
      lineage: salvage('lineage'),
    };
    for (const key of Object.keys(raw)) if (!(key in listSchemas)) shapeProblems.push({ path: jsonPath([key]), message: 'unknown attribute' });
  }
  const problems: WorldProblem[] = [...shapeProblems];
  const problem = (path: readonly PropertyKey[], message: string) => problems.push({ path: jsonPath(path), message });

  const unique = <T extends { id?: number | undefined }>(list: readonly T[], key: ListKey) => {
    const seen = new Set<number>();
    list.forEach((item, index) => {
      if (item.id === undefined) return;
      if (seen.has(item.id)) problem([key, index, 'id'], `duplicate id ${item.id}`);
      seen.add(item.id);
    });
    for (const unparsed of unparsedIds.get(key) ?? []) seen.add(unparsed);
    return seen;
  };
  const userIds = unique(snapshot.users, 'users');
  unique(snapshot.teams, 'teams');
  const datastoreIds = unique(snapshot.datastores, 'datastores');
  const containerIds = unique(snapshot.containers, 'containers');
  unique(snapshot.quality_checks, 'quality_checks');
  unique(snapshot.computed_fields, 'computed_fields');

  const emails = new Set<string>();
  const tokens = new Set<string>();
  snapshot.users.forEach((user, index) => {
    const email = user.email.toLowerCase();
    if (emails.has(email)) problem(['users', index, 'email'], `duplicate email ${user.email}`);
    emails.add(email);
    if (user.token !== undefined) {
      if (tokens.has(user.token)) problem(['users', index, 'token'], 'duplicate token');
      tokens.add(user.token);
    }
  });
  snapshot.teams.forEach((team, index) => {
    team.members.forEach((member, m) => {
      if (!userIds.has(member)) problem(['teams', index, 'members', m], `user ${member} does not exist`);
    });
    for (const key of Object.keys(team.permissions)) {
      if (!datastoreIds.has(Number(key))) problem(['teams', index, 'permissions', key], `datastore ${key} does not exist`);
    }
  });

  // flatMap, not map: it skips the holes left by elements of the wrong shape.
  const datastoreById = new Map(snapshot.datastores.flatMap((datastore) => [[datastore.id, datastore] as const]));
  const containerById = new Map(snapshot.containers.flatMap((container) => [[container.id, container] as const]));
  // Assigned field ids start above every given one; a loop, not Math.max(...ids), which overflows
  // the call stack for large worlds.
  let nextFieldId = 1;
  snapshot.containers.forEach((container) => {
    for (const field of container.fields) if (field.id !== undefined && field.id >= nextFieldId) nextFieldId = field.id + 1;
  });
  const seenFieldIds = new Set<number>();
  const fields: Field[] = [];
  const containers: Container[] = [];
  const plainNames = new Map<number, Set<string>>();

  snapshot.containers.forEach((container, index) => {
    const at = (...rest: PropertyKey[]) => ['containers', index, ...rest];
    if (!datastoreById.has(container.datastore_id) && !unparsedIds.get('datastores')?.has(container.datastore_id)) {
      problem(at('datastore_id'), `datastore ${container.datastore_id} does not exist`);
    }
    const names = new Set<string>();
    container.fields.forEach((field, f) => {
      const key = field.name.toLowerCase();
      if (names.has(key)) problem(at('fields', f, 'name'), `duplicate field name '${field.name}'`);
      names.add(key);
      if (field.id !== undefined && seenFieldIds.has(field.id)) problem(at('fields', f, 'id'), `duplicate field id ${field.id}`);
      const fieldId = field.id ?? nextFieldId++;
      seenFieldIds.add(fieldId);
      fields.push({ id: fieldId, container_id: container.id, name: field.name, type: field.type, status: field.status });
    });
    plainNames.set(container.id, names);
    const base = {
      id: container.id,
      datastore_id: container.datastore_id,
      name: container.name,
      description: container.description,
      tags: container.tags,
      additional_metadata: container.additional_metadata,
      deleted_at: container.deleted_at,
      profiled: container.profiled,
    };
    const computedTableKeys = ['query', 'incremental_field_name', 'group_by_fields', 'volumetric_tracking', 'freshness_tracking'] as const;
    const computedFileKeys = ['source_container_id', 'select_clause', 'where_clause', 'group_by_clause'] as const;
    const misplaced = (keys: readonly (keyof typeof container)[]) =>
      keys
        .filter((key) => container[key] !== undefined)
        .forEach((key) => problem(at(key), `not an attribute of a ${container.container_type} container`));
    switch (container.container_type) {
      case 'computed_table':
        misplaced(computedFileKeys);
        if (container.query === undefined) problem(at('query'), 'required for a computed_table');
        containers.push({
          ...base,
          container_type: 'computed_table',
          query: container.query ?? '',
          incremental_field_name: container.incremental_field_name ?? null,
          group_by_fields: container.group_by_fields ?? [],
          volumetric_tracking: container.volumetric_tracking ?? false,
          freshness_tracking: container.freshness_tracking ?? false,
        });
        break;
      case 'computed_file': {
        misplaced(computedTableKeys);
        if (container.select_clause === undefined) problem(at('select_clause'), 'required for a computed_file');
        if (container.source_container_id === undefined) {
          problem(at('source_container_id'), 'required for a computed_file');
        } else {
          const source = containerById.get(container.source_container_id);
          if (source === undefined) {
            if (!unparsedIds.get('containers')?.has(container.source_container_id)) problem(at('source_container_id'), `container ${container.source_container_id} does not exist`);
          }
          else if (source.container_type !== 'file_pattern' || source.datastore_id !== container.datastore_id)
            problem(at('source_container_id'), `container ${container.source_container_id} is not a file pattern of datastore ${container.datastore_id}`);
        }
        containers.push({
          ...base,
          container_type: 'computed_file',
          source_container_id: container.source_container_id ?? 0,
          select_clause: container.select_clause ?? '',
          where_clause: container.where_clause ?? null,
          group_by_clause: container.group_by_clause ?? null,
        });
        break;
      }
      default:
        misplaced([...computedTableKeys, ...computedFileKeys]);
        containers.push({ ...base, container_type: container.container_type });
    }
  });

  const qualityChecks: QualityCheck[] = [];
  snapshot.quality_checks.forEach((check, index) => {
    if (!containerIds.has(check.container_id)) problem(['quality_checks', index, 'container_id'], `container ${check.container_id} does not exist`);
    const ruleType = normaliseRuleType(check.rule_type);
    if (ruleType === undefined) problem(['quality_checks', index, 'rule_type'], `unknown rule type '${check.rule_type}'`);
    else qualityChecks.push({ ...check, rule_type: ruleType });
  });

  const computedNames = new Map<number, Set<string>>();
  snapshot.computed_fields.forEach((computed, index) => {
    const at = (...rest: PropertyKey[]) => ['computed_fields', index, ...rest];
    if (!containerIds.has(computed.container_id)) problem(at('container_id'), `container ${computed.container_id} does not exist`);
    const key = computed.name.toLowerCase();
    if (plainNames.get(computed.container_id)?.has(key)) problem(at('name'), `container ${computed.container_id} already has a field named '${computed.name}'`);
    const names = computedNames.get(computed.container_id) ?? new Set<string>();
    if (names.has(key)) problem(at('name'), `duplicate computed field name '${computed.name}'`);
    names.add(key);
    computedNames.set(computed.container_id, names);
  });

  if (problems.length > 0) return err(invalidWorld(problems));
  const byId = <T extends { id: number }>(list: readonly T[]) => [...list].sort((a, b) => a.id - b.id);
  return ok({
    users: byId(snapshot.users.map((user) => (user.token === undefined ? { id: user.id, email: user.email, role: user.role } : user))),
    teams: byId(
      snapshot.teams.map(
        (team): Team => ({
          id: team.id,
          name: team.name,
          members: team.members,
          permissions: Object.fromEntries(Object.entries(team.permissions).map(([key, level]) => [Number(key), level])),
        }),
      ),
    ),
    datastores: byId(snapshot.datastores),
    containers: byId(containers),
    fields: byId(fields),
    quality_checks: byId(qualityChecks),
    computed_fields: byId(snapshot.computed_fields),
    lineage: snapshot.lineage,
  });
}

/** The snapshot document (§14) of a world: fields nested in their containers, every default written out. */
export function toWorldSnapshot(world: World): WorldSnapshot {
  const fieldsByContainer = new Map<number, Field[]>();
  for (const field of world.fields) {
    const list = fieldsByContainer.get(field.container_id) ?? [];
    list.push(field);
    fieldsByContainer.set(field.container_id, list);
  }
  return {
    users: world.users.map((user) => ({ ...user })),
    teams: world.teams.map((team) => ({
      ...team,
      members: [...team.members],
      permissions: Object.fromEntries(Object.entries(team.permissions).map(([key, level]) => [String(key), level])),
    })),
    datastores: world.datastores.map((datastore) => ({ ...datastore })),
    containers: world.containers.map((container) => ({
      ...structuredClone(container),
      fields: (fieldsByContainer.get(container.id) ?? []).map((field) => ({ id: field.id, name: field.name, type: field.type, status: field.status })),
    })) as WorldSnapshot['containers'],
    quality_checks: world.quality_checks.map((check) => structuredClone(check)) as WorldSnapshot['quality_checks'],
    computed_fields: world.computed_fields.map((computed) => structuredClone(computed)) as WorldSnapshot['computed_fields'],
    lineage: world.lineage.map((link) => ({ ...link })),
  };
}

function jsonPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, key) => (typeof key === 'number' ? `${text}[${key}]` : /^[A-Za-z_][A-Za-z0-9_]*$/.test(String(key)) ? `${text}.${String(key)}` : `${text}[${JSON.stringify(String(key))}]`),
    '$',
  );
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}
