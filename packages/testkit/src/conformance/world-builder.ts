import type {
  ComputedField,
  ComputedFileContainer,
  ComputedTableContainer,
  Datastore,
  Field,
  LineageLink,
  PlainContainer,
  QualityCheck,
  Team,
  User,
  World,
} from '@promote/core';
import { checkValue, computedFieldValue, computedTableValue, fieldValue, tableValue } from './entity-values.js';

type Kind = 'user' | 'team' | 'datastore' | 'container' | 'field' | 'check' | 'computedField';

/**
 * Builds {@link World} values for tests: each method adds one entity with every attribute filled
 * in (overridable) and returns it. Ids count up from 1 per kind unless given; a given id moves the
 * count past it. `build()` returns the lists ascending id, lineage in the order added.
 *
 * Do not pass `undefined` as an override value: a store drops absent optional attributes, so the
 * world would not round-trip exactly.
 *
 * @example
 * const world = new WorldBuilder();
 * const warehouse = world.datastore({ name: 'warehouse' });
 * const orders = world.table(warehouse.id, { name: 'orders' });
 * world.check(orders.id, { rule_type: 'unique' });
 * await store.importWorld(world.build());
 */
export class WorldBuilder {
  readonly #next: Record<Kind, number> = { user: 1, team: 1, datastore: 1, container: 1, field: 1, check: 1, computedField: 1 };
  readonly #users: User[] = [];
  readonly #teams: Team[] = [];
  readonly #datastores: Datastore[] = [];
  readonly #containers: (PlainContainer | ComputedTableContainer | ComputedFileContainer)[] = [];
  readonly #fields: Field[] = [];
  readonly #checks: QualityCheck[] = [];
  readonly #computedFields: ComputedField[] = [];
  readonly #lineage: LineageLink[] = [];

  /** A member user `user<id>@example.com` without token. */
  user(overrides: Partial<User> = {}): User {
    const id = this.#take('user', overrides.id);
    return this.#add(this.#users, { email: `user${id}@example.com`, role: 'member', ...overrides, id });
  }

  /** A team without members or permissions. */
  team(overrides: Partial<Team> = {}): Team {
    const id = this.#take('team', overrides.id);
    return this.#add(this.#teams, { name: `team ${id}`, members: [], permissions: {}, ...overrides, id });
  }

  /** A JDBC datastore. */
  datastore(overrides: Partial<Datastore> = {}): Datastore {
    const id = this.#take('datastore', overrides.id);
    return this.#add(this.#datastores, { name: `datastore ${id}`, store_type: 'jdbc', ...overrides, id });
  }

  /** A live table (or view, file pattern, with `container_type`) of `datastoreId`. */
  table(datastoreId: number, overrides: Partial<PlainContainer> = {}): PlainContainer {
    const id = this.#take('container', overrides.id);
    return this.#add(this.#containers, { ...tableValue(datastoreId, { name: `table_${id}` }), ...overrides, id });
  }

  /** A live computed table of `datastoreId`. */
  computedTable(datastoreId: number, overrides: Partial<ComputedTableContainer> = {}): ComputedTableContainer {
    const id = this.#take('container', overrides.id);
    return this.#add(this.#containers, { ...computedTableValue(datastoreId, { name: `computed_table_${id}` }), ...overrides, id });
  }

  /** A live computed file of `datastoreId` over the file pattern `sourceContainerId`. */
  computedFile(datastoreId: number, sourceContainerId: number, overrides: Partial<ComputedFileContainer> = {}): ComputedFileContainer {
    const id = this.#take('container', overrides.id);
    const container: ComputedFileContainer = {
      datastore_id: datastoreId,
      name: `computed_file_${id}`,
      container_type: 'computed_file',
      description: '',
      tags: [],
      additional_metadata: {},
      deleted_at: null,
      profiled: true,
      source_container_id: sourceContainerId,
      select_clause: '*',
      where_clause: null,
      group_by_clause: null,
      ...overrides,
      id,
    };
    return this.#add(this.#containers, container);
  }

  /** An active string field of `containerId`. */
  field(containerId: number, overrides: Partial<Field> = {}): Field {
    const id = this.#take('field', overrides.id);
    return this.#add(this.#fields, { ...fieldValue(containerId, { name: `field_${id}` }), ...overrides, id });
  }

  /** An active `not_null` check of `containerId`. */
  check(containerId: number, overrides: Partial<QualityCheck> = {}): QualityCheck {
    const id = this.#take('check', overrides.id);
    return this.#add(this.#checks, { ...checkValue(containerId), ...overrides, id });
  }

  /** An active `cast` computed field of `containerId`. */
  computedField(containerId: number, overrides: Partial<ComputedField> = {}): ComputedField {
    const id = this.#take('computedField', overrides.id);
    return this.#add(this.#computedFields, { ...computedFieldValue(containerId, { name: `computed_${id}` }), ...overrides, id });
  }

  /** A lineage link, newer than every link added before it. */
  link(link: LineageLink): LineageLink {
    return this.#add(this.#lineage, link);
  }

  /** The world: every list ascending id, lineage in the order added. */
  build(): World {
    const ascending = <T extends { readonly id: number }>(rows: readonly T[]) => [...rows].sort((a, b) => a.id - b.id);
    return {
      users: ascending(this.#users),
      teams: ascending(this.#teams),
      datastores: ascending(this.#datastores),
      containers: ascending(this.#containers),
      fields: ascending(this.#fields),
      quality_checks: ascending(this.#checks),
      computed_fields: ascending(this.#computedFields),
      lineage: [...this.#lineage],
    };
  }

  #take(kind: Kind, given: number | undefined): number {
    const id = given ?? this.#next[kind];
    this.#next[kind] = Math.max(this.#next[kind], id + 1);
    return id;
  }

  #add<T, R extends T>(list: T[], row: R): R {
    list.push(row);
    return row;
  }
}
