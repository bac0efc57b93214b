import { ruleTypeCatalogue, type Container, type Properties, type Team, type World } from '@promote/core';
import fc from 'fast-check';
import type { WorldUsers } from '../arbitraries/arb-helpers.js';
import type { ComputedFieldWorld } from '../arbitraries/arb-computed-field-world.js';
import { arbComputedFieldWorld } from '../arbitraries/arb-computed-field-world.js';
import { arbComputedContainerWorld, type ComputedFileWorld, type ComputedTableWorld } from '../arbitraries/arb-computed-container-world.js';
import { arbPromotionWorld, type PromotionWorld } from '../arbitraries/arb-promotion-world.js';

/**
 * One world holding the scopes of all four promote types — a quality-check pair of containers, a
 * computed-field pair, two JDBC datastores with computed tables, two DFS datastores with computed
 * files — so that one command sequence can interleave promotions of every type. Each part is the
 * testkit's own arbitrary for its type, its ids shifted into a band of its own; `checks`,
 * `computedFields`, `tables` and `files` are those arbitraries' answers with `world` set to the
 * whole world, so the request arbitraries (`arbQualityCheckRequest(scenario.checks)` …) work on it.
 */
export interface ModelScenarioWorld {
  readonly world: World;
  /** The users of the quality-check part, with their teams' levels granted on every datastore. */
  readonly users: WorldUsers;
  readonly checks: PromotionWorld;
  readonly computedFields: ComputedFieldWorld;
  readonly tables: ComputedTableWorld;
  readonly files: ComputedFileWorld;
}

/** Options of {@link arbModelWorld}: the sizes of the parts. */
export interface ModelWorldOptions {
  /** Most source checks. Default 8. */
  readonly maxChecks?: number;
  /** Most source computed fields. Default 6. */
  readonly maxComputedFields?: number;
  /** Most source computed tables, and most source computed files. Default 5. */
  readonly maxContainers?: number;
}

function highestId(world: World): number {
  const all = [world.datastores, world.containers, world.fields, world.quality_checks, world.computed_fields].flat();
  return all.reduce((highest, entity) => Math.max(highest, entity.id), 0);
}

function shiftProperties(properties: Properties, offset: number): Properties {
  const shifted: Record<string, unknown> = { ...properties };
  for (const key of ['ref_container_id', 'ref_datastore_id']) {
    const value = shifted[key];
    if (typeof value === 'number') shifted[key] = value + offset;
  }
  return shifted;
}

/** `world` with every datastore, container, field, check and computed-field id (and every reference to one) moved up by `offset`. */
function shiftWorld(world: World, offset: number): World {
  const id = (value: number) => value + offset;
  return {
    ...world,
    datastores: world.datastores.map((datastore) => ({ ...datastore, id: id(datastore.id) })),
    containers: world.containers.map(
      (container): Container =>
        container.container_type === 'computed_file'
          ? { ...container, id: id(container.id), datastore_id: id(container.datastore_id), source_container_id: id(container.source_container_id) }
          : { ...container, id: id(container.id), datastore_id: id(container.datastore_id) },
    ),
    fields: world.fields.map((field) => ({ ...field, id: id(field.id), container_id: id(field.container_id) })),
    quality_checks: world.quality_checks.map((check) => ({
      ...check,
      id: id(check.id),
      container_id: id(check.container_id),
      properties: ruleTypeCatalogue.get(check.rule_type)?.containerReference === true ? shiftProperties(check.properties, offset) : check.properties,
    })),
    computed_fields: world.computed_fields.map((field) => ({ ...field, id: id(field.id), container_id: id(field.container_id) })),
    lineage: world.lineage.map((link) => ({
      ...link,
      source_entity_id: id(link.source_entity_id),
      destination_scope_id: id(link.destination_scope_id),
      destination_entity_id: id(link.destination_entity_id),
    })),
  };
}

const byId = <T extends { readonly id: number }>(list: readonly T[]): T[] => [...list].sort((a, b) => a.id - b.id);

/** The four parts of a {@link ModelScenarioWorld} put into one world (see there). Pure. */
export function combineScenarioWorlds(
  checks: PromotionWorld,
  computedFields: ComputedFieldWorld,
  tables: ComputedTableWorld,
  files: ComputedFileWorld,
): ModelScenarioWorld {
  const parts: World[] = [];
  const offsets: number[] = [];
  for (const part of [checks.world, computedFields.world, tables.world, files.world]) {
    const highest = parts.reduce((max, placed) => Math.max(max, highestId(placed)), 0);
    const offset = parts.length === 0 ? 0 : Math.ceil((highest + 1) / 1000) * 1000;
    offsets.push(offset);
    parts.push(shiftWorld(part, offset));
  }
  const [checksOffset = 0, fieldsOffset = 0, tablesOffset = 0, filesOffset = 0] = offsets;
  const datastores = byId(parts.flatMap((part) => part.datastores));
  const firstDatastore = parts[0]?.datastores[0]?.id;
  // The quality-check part's teams keep their level, granted on every datastore of the whole world.
  const teams: Team[] = checks.world.teams.map((team) => {
    const level = firstDatastore === undefined ? undefined : team.permissions[firstDatastore];
    return level === undefined ? team : { ...team, permissions: Object.fromEntries(datastores.map((datastore) => [datastore.id, level])) };
  });
  const world: World = {
    users: checks.world.users,
    teams,
    datastores,
    containers: byId(parts.flatMap((part) => part.containers)),
    fields: byId(parts.flatMap((part) => part.fields)),
    quality_checks: byId(parts.flatMap((part) => part.quality_checks)),
    computed_fields: byId(parts.flatMap((part) => part.computed_fields)),
    lineage: parts.flatMap((part) => part.lineage),
  };
  const containerScope = (scope: { datastoreId: number; containerId: number }, offset: number) => ({ datastoreId: scope.datastoreId + offset, containerId: scope.containerId + offset });
  return {
    world,
    users: checks.users,
    checks: {
      ...checks,
      world,
      source: containerScope(checks.source, checksOffset),
      destination: containerScope(checks.destination, checksOffset),
      references: {
        source: checks.references.source + checksOffset,
        destination: checks.references.destination === undefined ? undefined : checks.references.destination + checksOffset,
      },
    },
    computedFields: {
      ...computedFields,
      world,
      users: checks.users,
      actor: checks.actor,
      source: containerScope(computedFields.source, fieldsOffset),
      destination: containerScope(computedFields.destination, fieldsOffset),
    },
    tables: {
      ...tables,
      world,
      users: checks.users,
      actor: checks.actor,
      source: { datastoreId: tables.source.datastoreId + tablesOffset },
      destination: { datastoreId: tables.destination.datastoreId + tablesOffset },
    },
    files: {
      ...files,
      world,
      users: checks.users,
      actor: checks.actor,
      source: { datastoreId: files.source.datastoreId + filesOffset },
      destination: { datastoreId: files.destination.datastoreId + filesOffset },
    },
  };
}

/** A short description of a scenario world, so that a counterexample prints its shape, not pages of JSON. */
export function describeScenarioWorld(scenario: ModelScenarioWorld): string {
  const { world } = scenario;
  const count = (list: readonly { readonly container_id: number }[], containerId: number) => list.filter((item) => item.container_id === containerId).length;
  const containers = (datastoreId: number, type: Container['container_type']) =>
    world.containers.filter((container) => container.datastore_id === datastoreId && container.container_type === type).length;
  const { checks, computedFields, tables, files } = scenario;
  return [
    `checks ${checks.source.containerId}→${checks.destination.containerId} (${count(world.quality_checks, checks.source.containerId)} source, ${count(world.quality_checks, checks.destination.containerId)} destination checks)`,
    `computed fields ${computedFields.source.containerId}→${computedFields.destination.containerId} (${count(world.computed_fields, computedFields.source.containerId)} source, ${count(world.computed_fields, computedFields.destination.containerId)} destination)`,
    `computed tables ${tables.source.datastoreId}→${tables.destination.datastoreId} (${containers(tables.source.datastoreId, 'computed_table')} source, ${containers(tables.destination.datastoreId, 'computed_table')} destination)`,
    `computed files ${files.source.datastoreId}→${files.destination.datastoreId} (${containers(files.source.datastoreId, 'computed_file')} source, ${containers(files.destination.datastoreId, 'computed_file')} destination)`,
    `${world.lineage.length} lineage links`,
  ].join('; ');
}

/**
 * Worlds for model-based runs: the four promote types' worlds of the testkit, combined by
 * {@link combineScenarioWorlds}. The value prints as a one-line summary ({@link describeScenarioWorld});
 * its seed reproduces it in full.
 */
export function arbModelWorld(options: ModelWorldOptions = {}): fc.Arbitrary<ModelScenarioWorld> {
  const maxContainers = options.maxContainers ?? 5;
  return fc
    .tuple(
      arbPromotionWorld({ maxChecks: options.maxChecks ?? 8 }),
      arbComputedFieldWorld({ maxComputedFields: options.maxComputedFields ?? 6 }),
      arbComputedContainerWorld({ kind: 'computed_table', maxContainers }),
      arbComputedContainerWorld({ kind: 'computed_file', maxContainers }),
    )
    .map(([checks, computedFields, tables, files]) => {
      const scenario = combineScenarioWorlds(checks, computedFields, tables, files);
      return Object.assign(scenario, { [fc.toStringMethod]: () => `world(${describeScenarioWorld(scenario)})` });
    });
}
