export * from './domain/enums.js';
export type * from './domain/entities.js';
export {
  ruleTypes,
  ruleTypeCatalogue,
  normaliseRuleType,
  ruleTypeSpec,
  type RuleType,
  type RuleTypeSpec,
  type FieldScope,
} from './domain/rule-types.js';
export {
  idSchema,
  tagSchema,
  promoteRequestSchema,
  promoteQualityCheckSchema,
  promoteComputedFieldSchema,
  promoteComputedTableSchema,
  promoteComputedFileSchema,
  containerMappingSchema,
  promoteTypeOf,
  type PromoteRequest,
  type PromoteRequestInput,
  type PromoteQualityCheckRequest,
  type PromoteComputedFieldRequest,
  type PromoteComputedTableRequest,
  type PromoteComputedFileRequest,
  type ContainerMapping,
} from './domain/requests.js';
export { parseWith } from './domain/parse.js';
export {
  messages,
  type Change,
  type EntitySummary,
  type NamedRef,
  type OperationRecord,
  type OperationStatus,
  type OperationView,
  type Page,
  type PlanView,
  type PromoteResultRecord,
  type PromoteResultView,
} from './domain/operation.js';
export * from './errors.js';
export type {
  Store,
  CommitUnit,
  EntityWrite,
  WorldEdit,
  ResultQuery,
  OperationQuery,
  OperationPatch,
  ScopeLeases,
  DistributiveOmit,
} from './ports/store.js';
export type { Dataplane, ValidationItem, ValidationOutcome, ValidationTarget } from './ports/dataplane.js';
export { systemClock, steppingClock, isoTimestamp, type Clock } from './ports/clock.js';
export type { Profiler, ProfileRequest } from './ports/profiler.js';
export { emptyWorld, type World } from './world/world.js';
export {
  parseWorldSnapshot,
  toWorldSnapshot,
  worldSnapshotSchema,
  defaultSnapshotTimestamp,
  type WorldSnapshot,
} from './world/snapshot.js';
