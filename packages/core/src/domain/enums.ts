/** Roles of a user (§1). `admin` bypasses team permissions. */
export const userRoles = ['admin', 'manager', 'member'] as const;
export type UserRole = (typeof userRoles)[number];

/** Team permission levels on a datastore, lowest first (§11). */
export const permissionLevels = ['reporter', 'viewer', 'drafter', 'author', 'editor'] as const;
export type PermissionLevel = (typeof permissionLevels)[number];

export const storeTypes = ['jdbc', 'dfs'] as const;
export type StoreType = (typeof storeTypes)[number];

export const containerTypes = ['table', 'view', 'file_pattern', 'computed_table', 'computed_file'] as const;
export type ContainerType = (typeof containerTypes)[number];

export const fieldTypes = ['integral', 'fractional', 'string', 'boolean', 'date', 'timestamp', 'unknown'] as const;
export type FieldType = (typeof fieldTypes)[number];

export const fieldStatuses = ['active', 'masked', 'missing', 'excluded'] as const;
export type FieldStatus = (typeof fieldStatuses)[number];

export const checkStatuses = ['active', 'draft', 'archived', 'discarded'] as const;
export type CheckStatus = (typeof checkStatuses)[number];

export const computedFieldStatuses = ['active', 'missing', 'deleted'] as const;
export type ComputedFieldStatus = (typeof computedFieldStatuses)[number];

export const transformations = ['cast', 'cleaned_entity_name', 'convert_formatted_numeric', 'custom_expression'] as const;
export type Transformation = (typeof transformations)[number];

/** What a promote operation copies; the `promote_type` of an operation. */
export const promoteTypes = ['quality_check', 'computed_field', 'computed_table', 'computed_file'] as const;
export type PromoteType = (typeof promoteTypes)[number];

/** The `entity_type` of a result: the same four values as {@link promoteTypes}. */
export type EntityType = PromoteType;

/** Per-entity outcome of a promotion (§5). */
export const promoteResults = ['created', 'updated', 'skipped', 'failed'] as const;
export type PromoteResultValue = (typeof promoteResults)[number];

/** Outcome of a whole operation (§9). */
export const operationResults = ['running', 'success', 'failure', 'aborted'] as const;
export type OperationResult = (typeof operationResults)[number];
