import type { ComputedField, Container, Datastore, Field, QualityCheck, Team, User } from '@promote/core';
import { EntityDraft } from './entity-draft.js';
import { EntityTable } from './entity-table.js';
import type { IdCounters } from './id-counters.js';

const byContainer = (row: { readonly container_id: number }) => row.container_id;
const byDatastore = (row: { readonly datastore_id: number }) => row.datastore_id;

/**
 * The world as the memory store holds it: users, teams and datastores (written only by an import),
 * and the entities that promotions and edits write, each indexed by its parent.
 */
export class WorldTables {
  users = new Map<number, User>();
  usersByEmail = new Map<string, User>();
  usersByToken = new Map<string, User>();
  /** Ascending id. */
  teams: readonly Team[] = [];
  datastores = new Map<number, Datastore>();
  readonly containers = new EntityTable<Container>(byDatastore);
  readonly fields = new EntityTable<Field>(byContainer);
  readonly checks = new EntityTable<QualityCheck>(byContainer);
  readonly computedFields = new EntityTable<ComputedField>(byContainer);

  /** A transaction over the written entities, assigning ids from `ids` (a fork the caller applies). */
  draft(ids: IdCounters): WorldDraft {
    return new WorldDraft(this, ids);
  }
}

/** Pending writes to a {@link WorldTables}; see {@link EntityDraft}. */
export class WorldDraft {
  readonly datastores: ReadonlyMap<number, Datastore>;
  readonly containers: EntityDraft<Container>;
  readonly fields: EntityDraft<Field>;
  readonly checks: EntityDraft<QualityCheck>;
  readonly computedFields: EntityDraft<ComputedField>;
  readonly ids: IdCounters;

  constructor(tables: WorldTables, ids: IdCounters) {
    this.datastores = tables.datastores;
    this.containers = new EntityDraft(tables.containers, byDatastore);
    this.fields = new EntityDraft(tables.fields, byContainer);
    this.checks = new EntityDraft(tables.checks, byContainer);
    this.computedFields = new EntityDraft(tables.computedFields, byContainer);
    this.ids = ids;
  }

  /** Writes every pending change into the tables (the caller adopts the id counters). */
  apply(): void {
    this.containers.apply();
    this.fields.apply();
    this.checks.apply();
    this.computedFields.apply();
  }
}
