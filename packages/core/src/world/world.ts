import type {
  ComputedField,
  Container,
  Datastore,
  Field,
  LineageLink,
  QualityCheck,
  Team,
  User,
} from '../domain/entities.js';

/**
 * A whole world, normalised: what a store imports and exports. Every list is ascending id
 * (lineage: oldest first). {@link parseWorldSnapshot} makes one from a snapshot document (§14),
 * {@link toWorldSnapshot} turns one back into a document.
 */
export interface World {
  readonly users: readonly User[];
  readonly teams: readonly Team[];
  readonly datastores: readonly Datastore[];
  readonly containers: readonly Container[];
  readonly fields: readonly Field[];
  readonly quality_checks: readonly QualityCheck[];
  readonly computed_fields: readonly ComputedField[];
  readonly lineage: readonly LineageLink[];
}

/** A world with nothing in it. */
export const emptyWorld: World = {
  users: [],
  teams: [],
  datastores: [],
  containers: [],
  fields: [],
  quality_checks: [],
  computed_fields: [],
  lineage: [],
};
