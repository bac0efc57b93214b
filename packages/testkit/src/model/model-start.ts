import {
  parseWith,
  permissionLevels,
  promoteRequestSchema,
  type Container,
  type Datastore,
  type PromoteRequest,
  type PromoteType,
  type User,
  type World,
} from '@promote/core';
import { dependencyOrder, withTransitiveParents } from './model-dependencies.js';
import { refusal, type ModelActor, type ModelRefusal, type ModelStartedOperation } from './model-types.js';
import { toModelWorld, type ModelWorld } from './model-world.js';

const byId = <T extends { readonly id: number }>(list: readonly T[]): T[] => [...list].sort((a, b) => a.id - b.id);
const hasAnyTag = (tags: readonly string[], wanted: readonly string[]) => tags.some((tag) => wanted.includes(tag));
/** Ids as the engine's 422s list them (decision 0006): each once; past 20, the first 20 and the count. */
const idList = (ids: readonly number[]) => {
  const unique = [...new Set(ids)];
  return unique.length <= 20 ? `[${unique.join(', ')}]` : `[${unique.slice(0, 20).join(', ')}, … (${unique.length} in all)]`;
};

/** The acting user, or `undefined` when the actor names nobody (401). */
export function modelUser(world: World, actor: ModelActor): User | undefined {
  if ('id' in actor) return world.users.find((user) => user.id === actor.id);
  return world.users.find((user) => user.email.toLowerCase() === actor.email.toLowerCase());
}

/** §11: `admin` bypasses teams; otherwise the highest level any of the user's teams grants reaches `editor`. */
export function modelCanEdit(world: World, user: User, datastoreId: number): boolean {
  if (user.role === 'admin') return true;
  const editor = permissionLevels.indexOf('editor');
  return world.teams.some((team) => {
    if (!team.members.includes(user.id)) return false;
    const level = team.permissions[datastoreId];
    return level !== undefined && permissionLevels.indexOf(level) >= editor;
  });
}

function forbidden(user: User, datastore: Datastore): ModelRefusal {
  return refusal({ kind: 'forbidden', message: `User ${user.email} needs editor permission on datastore ${datastore.id} (${datastore.name})` });
}

const promoteTypeOfRequest: Readonly<Record<PromoteRequest['type'], PromoteType>> = {
  promote_quality_check: 'quality_check',
  promote_computed_field: 'computed_field',
  promote_computed_table: 'computed_table',
  promote_computed_file: 'computed_file',
};

/**
 * §2.1 and §3: checks a request in the order shape → existence (404) → permission (403) →
 * semantics (422), and fixes its selection in processing order. Nothing is processed yet.
 *
 * The acting user is looked up first: an unknown one is `unauthenticated` (401).
 */
export function modelStart(state: World | ModelWorld, actor: ModelActor, body: unknown): ModelRefusal | ModelStartedOperation {
  const { world } = toModelWorld(state);
  const user = modelUser(world, actor);
  if (user === undefined) return refusal({ kind: 'unauthenticated', message: `Unknown user ${'id' in actor ? actor.id : actor.email}` });
  const parsed = parseWith(promoteRequestSchema, body);
  if (parsed.isErr()) return refusal({ kind: 'invalid_request', issues: parsed.error.issues });
  const request = parsed.value;

  const datastore = (id: number) => world.datastores.find((candidate) => candidate.id === id);
  const container = (id: number) => world.containers.find((candidate) => candidate.id === id);
  const liveContainer = (id: number) => {
    const found = container(id);
    return found === undefined || found.deleted_at !== null ? undefined : found;
  };
  const notFound = (entity: 'Datastore' | 'Container', id: number) => refusal({ kind: 'not_found', message: `${entity} ${id} not found` });
  const unprocessable = (message: string) => refusal({ kind: 'unprocessable', message });

  const sourceDatastore = datastore(request.datastore_id);
  if (sourceDatastore === undefined) return notFound('Datastore', request.datastore_id);

  if (request.type === 'promote_quality_check' || request.type === 'promote_computed_field') {
    const source = liveContainer(request.container_id);
    if (source === undefined) return notFound('Container', request.container_id);
    const destination = liveContainer(request.destination_container_id);
    if (destination === undefined) return notFound('Container', request.destination_container_id);
    if (source.datastore_id !== sourceDatastore.id) return unprocessable(`Container ${source.id} is not in datastore ${sourceDatastore.id}`);
    const destinationDatastore = datastore(destination.datastore_id) as Datastore;
    if (!modelCanEdit(world, user, sourceDatastore.id)) return forbidden(user, sourceDatastore);
    if (!modelCanEdit(world, user, destinationDatastore.id)) return forbidden(user, destinationDatastore);
    if (source.id === destination.id) return unprocessable('Source and destination must be different');

    const started = (selection: readonly number[]): ModelStartedOperation => ({
      kind: 'started',
      promote_type: promoteTypeOfRequest[request.type],
      request,
      selection,
      sourceDatastoreId: sourceDatastore.id,
      destinationDatastoreId: destinationDatastore.id,
      sourceContainerId: source.id,
      destinationContainerId: destination.id,
      destinationScopeId: destination.id,
    });

    if (request.type === 'promote_quality_check') {
      const checks = byId(world.quality_checks.filter((check) => check.container_id === source.id));
      const promotable = checks.filter((check) => check.status === 'active' || check.status === 'draft');
      if (request.check_ids !== undefined) {
        const outside = request.check_ids.filter((id) => !checks.some((check) => check.id === id));
        if (outside.length > 0) return unprocessable(`Quality check(s) ${idList(outside)} are not checks of container ${source.id}`);
        return started(promotable.filter((check) => request.check_ids?.includes(check.id)).map((check) => check.id));
      }
      if (request.check_tags !== undefined) {
        const tags = request.check_tags;
        return started(promotable.filter((check) => hasAnyTag(check.tags, tags)).map((check) => check.id));
      }
      return started(promotable.map((check) => check.id));
    }

    const siblings = byId(world.computed_fields.filter((field) => field.container_id === source.id));
    let selected = siblings.filter((field) => field.status !== 'deleted');
    if (request.computed_field_ids !== undefined) {
      const ids = request.computed_field_ids;
      const outside = ids.filter((id) => !siblings.some((field) => field.id === id));
      if (outside.length > 0) return unprocessable(`Computed field(s) ${idList(outside)} are not computed fields of container ${source.id}`);
      selected = siblings.filter((field) => ids.includes(field.id));
    } else if (request.computed_field_tags !== undefined) {
      const tags = request.computed_field_tags;
      selected = selected.filter((field) => hasAnyTag(field.tags, tags));
    }
    const ordered = dependencyOrder(withTransitiveParents(selected, siblings));
    if (ordered.kind === 'cycle') return unprocessable(`Dependency cycle among computed fields: ${ordered.names.join(' → ')}`);
    return started(ordered.order.map((field) => field.id));
  }

  const destinationDatastore = datastore(request.destination_datastore_id);
  if (destinationDatastore === undefined) return notFound('Datastore', request.destination_datastore_id);
  if (!modelCanEdit(world, user, sourceDatastore.id)) return forbidden(user, sourceDatastore);
  if (!modelCanEdit(world, user, destinationDatastore.id)) return forbidden(user, destinationDatastore);
  if (sourceDatastore.id === destinationDatastore.id) return unprocessable('Source and destination must be different');

  const started = (selection: readonly number[]): ModelStartedOperation => ({
    kind: 'started',
    promote_type: promoteTypeOfRequest[request.type],
    request,
    selection,
    sourceDatastoreId: sourceDatastore.id,
    destinationDatastoreId: destinationDatastore.id,
    sourceContainerId: null,
    destinationContainerId: null,
    destinationScopeId: destinationDatastore.id,
  });
  const inSource = (type: Container['container_type']) =>
    byId(world.containers.filter((candidate) => candidate.datastore_id === sourceDatastore.id && candidate.container_type === type));

  if (request.type === 'promote_computed_table') {
    for (const store of [sourceDatastore, destinationDatastore]) {
      if (store.store_type !== 'jdbc') return unprocessable(`Computed tables can only be promoted between JDBC datastores: datastore ${store.id} is DFS`);
    }
    // Soft-deleted containers are "not found" (§2.1): a soft-deleted computed table or file is outside the source scope, listed, tagged or mapped.
    const tables = inSource('computed_table').filter((table) => table.deleted_at === null);
    if (request.container_ids !== undefined) {
      const ids = request.container_ids;
      const outside = ids.filter((id) => !tables.some((table) => table.id === id));
      if (outside.length > 0) return unprocessable(`Container(s) ${idList(outside)} are not computed tables of datastore ${sourceDatastore.id}`);
      return started(tables.filter((table) => ids.includes(table.id)).map((table) => table.id));
    }
    if (request.container_tags !== undefined) {
      const tags = request.container_tags;
      return started(tables.filter((table) => hasAnyTag(table.tags, tags)).map((table) => table.id));
    }
    return started(tables.map((table) => table.id));
  }

  for (const store of [sourceDatastore, destinationDatastore]) {
    if (store.store_type !== 'dfs') return unprocessable(`Computed files can only be promoted between DFS datastores: datastore ${store.id} is JDBC`);
  }
  const files = inSource('computed_file').filter((file) => file.deleted_at === null);
  const mappings = request.source_container_mappings;
  const outside = mappings.map((mapping) => mapping.container_id).filter((id) => !files.some((file) => file.id === id));
  const badTargets = mappings
    .map((mapping) => mapping.destination_container_id)
    .filter((id) => {
      const target = container(id);
      return !(target !== undefined && target.datastore_id === destinationDatastore.id && target.container_type === 'file_pattern' && target.deleted_at === null && target.profiled);
    });
  // Both kinds of bad mapping are named in one answer (decision 0009).
  const problems: string[] = [];
  if (outside.length > 0) problems.push(`Container(s) ${idList(outside)} are not computed files of datastore ${sourceDatastore.id}`);
  if (badTargets.length > 0) problems.push(`Destination container(s) ${idList(badTargets)} are not live, profiled file patterns of datastore ${destinationDatastore.id}`);
  if (problems.length > 0) return unprocessable(problems.join('; '));
  return started(files.filter((file) => mappings.some((mapping) => mapping.container_id === file.id)).map((file) => file.id));
}
