import { err, ok, type Result } from 'neverthrow';
import type { z } from 'zod';
import type { Field, QualityCheck, Team } from '../domain/entities.js';
import { normaliseRuleType } from '../domain/rule-types.js';
import { invalidWorld, type InvalidWorldError, type WorldProblem } from '../errors.js';
import { containersOfSnapshot } from './snapshot-containers.js';
import { listSchemas, worldSnapshotSchema, type ListKey, type ParsedSnapshot, type WorldSnapshot } from './snapshot-schema.js';
import type { World } from './world.js';

export { defaultSnapshotTimestamp, worldSnapshotSchema, type WorldSnapshot } from './snapshot-schema.js';

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

  const { containers, fields, plainNames } = containersOfSnapshot(snapshot, unparsedIds, problem);

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

/** `$.containers[3].name` for a path of keys. */
export function jsonPath(path: readonly PropertyKey[]): string {
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
