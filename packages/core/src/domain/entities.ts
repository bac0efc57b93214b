import type {
  CheckStatus,
  ComputedFieldStatus,
  FieldStatus,
  FieldType,
  PermissionLevel,
  StoreType,
  Transformation,
  UserRole,
} from './enums.js';
import type { RuleType } from './rule-types.js';

/**
 * The entities of the world (§1), as the planner and the stores see them: every attribute present,
 * defaults applied, `null` for "no value". Attribute names are the wire names (snake_case), so that
 * a value read from a store is the value a response shows.
 */

export type Tags = readonly string[];
/** string → string metadata; key order is not significant. */
export type Metadata = Readonly<Record<string, string>>;
/** A JSON object of rule or transformation properties. */
export type Properties = Readonly<Record<string, unknown>>;

export interface User {
  readonly id: number;
  readonly email: string;
  readonly role: UserRole;
  /** Bearer token for the HTTP layer; never used by the core. */
  readonly token?: string | undefined;
}

export interface Team {
  readonly id: number;
  readonly name: string;
  readonly members: readonly number[];
  /** datastore id → level */
  readonly permissions: Readonly<Record<number, PermissionLevel>>;
}

export interface Datastore {
  readonly id: number;
  readonly name: string;
  readonly store_type: StoreType;
}

interface ContainerBase {
  readonly id: number;
  readonly datastore_id: number;
  readonly name: string;
  readonly description: string;
  readonly tags: Tags;
  readonly additional_metadata: Metadata;
  /** ISO-8601 UTC when soft-deleted, `null` when live. */
  readonly deleted_at: string | null;
  readonly profiled: boolean;
}

export interface PlainContainer extends ContainerBase {
  readonly container_type: 'table' | 'view' | 'file_pattern';
}

/** The attributes of a computed table that a promotion compares and overwrites (§5). */
export interface ComputedTableDefinition {
  readonly query: string;
  readonly incremental_field_name: string | null;
  readonly group_by_fields: readonly string[];
  readonly volumetric_tracking: boolean;
  readonly freshness_tracking: boolean;
}

export interface ComputedTableContainer extends ContainerBase, ComputedTableDefinition {
  readonly container_type: 'computed_table';
}

/** The attributes of a computed file that a promotion compares and overwrites (§5). */
export interface ComputedFileDefinition {
  /** A `file_pattern` container of the same datastore. */
  readonly source_container_id: number;
  readonly select_clause: string;
  readonly where_clause: string | null;
  readonly group_by_clause: string | null;
}

export interface ComputedFileContainer extends ContainerBase, ComputedFileDefinition {
  readonly container_type: 'computed_file';
}

export type Container = PlainContainer | ComputedTableContainer | ComputedFileContainer;

export interface Field {
  readonly id: number;
  readonly container_id: number;
  readonly name: string;
  readonly type: FieldType;
  readonly status: FieldStatus;
}

/** The attributes of a check that a promotion compares, merges or writes (§5). */
export interface CheckDefinition {
  readonly rule_type: RuleType;
  readonly description: string;
  readonly fields: readonly string[];
  readonly coverage: number | null;
  readonly filter: string | null;
  readonly properties: Properties;
  readonly tags: Tags;
  readonly additional_metadata: Metadata;
  readonly status: CheckStatus;
  readonly inferred: boolean;
}

export interface QualityCheck extends CheckDefinition {
  readonly id: number;
  readonly container_id: number;
  readonly created_at: string;
  readonly updated_at: string;
}

export interface ComputedFieldDefinition {
  readonly name: string;
  readonly transformation: Transformation;
  readonly source_fields: readonly string[];
  readonly properties: Properties;
  readonly description: string;
  readonly tags: Tags;
  readonly additional_metadata: Metadata;
  readonly status: ComputedFieldStatus;
}

export interface ComputedField extends ComputedFieldDefinition {
  readonly id: number;
  readonly container_id: number;
}

/**
 * A link left by a promotion: source entity → destination entity within a destination scope
 * (the destination container for checks and computed fields, the destination datastore for
 * computed tables and files). Matching looks these up first (§4).
 */
export interface LineageLink {
  readonly entity_type: import('./enums.js').EntityType;
  readonly source_entity_id: number;
  readonly destination_scope_id: number;
  readonly destination_entity_id: number;
}
