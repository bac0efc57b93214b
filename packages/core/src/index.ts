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
  revertRequestSchema,
  operationRequestSchema,
  type RevertRequest,
  type OperationRequest,
  type OperationRequestInput,
  type PromoteRequest,
  type PromoteRequestInput,
  type PromoteQualityCheckRequest,
  type PromoteComputedFieldRequest,
  type PromoteComputedTableRequest,
  type PromoteComputedFileRequest,
  type ContainerMapping,
} from './domain/requests.js';
export { countedLists, defaultMaxListedIssues, omittedIssues, parseWith, type ElementIssueCount, type ParseOptions } from './domain/parse.js';
export {
  messages,
  type Change,
  type EntitySummary,
  type NamedRef,
  type OperationRecord,
  type OperationStatus,
  type OperationView,
  type AbortView,
  type OperationActions,
  type OperationDetails,
  type OperationEvent,
  type OperationSummaryView,
  type Page,
  type PlanView,
  type PromoteResultRecord,
  type PromoteResultView,
  type ListedResult,
} from './domain/operation.js';
export * from './errors.js';
export type {
  Store,
  CommitUnit,
  EntityWrite,
  WorldEdit,
  ResultQuery,
  ResultPosition,
  RenderedResultViews,
  OperationQuery,
  OperationPatch,
  ScopeLeases,
  CheckSelectionKey,
  CommitLease,
  CommitOptions,
  DistributiveOmit,
} from './ports/store.js';
export { LeaseLostError, isLeaseLost } from './ports/store.js';
export { guardStore, createStoreRuntime, fromStore, type StoreRuntime, type CheckKeyPage } from './ports/store-runtime.js';
export type { Authorization, ActorReference } from './ports/authorization.js';
export { storeAuthorization } from './run/store-authorization.js';
export type { Dataplane, ValidationItem, ValidationOutcome, ValidationTarget } from './ports/dataplane.js';
export { systemClock, steppingClock, manualClock, isoTimestamp, type Clock, type ManualClock, type Repeating } from './ports/clock.js';
export { localLeaseHolders, opaqueLeaseHolders, type LeaseHolders } from './ports/lease-holders.js';
export type { Profiler, ProfileRequest } from './ports/profiler.js';
export type {
  EngineEvent,
  EngineEvents,
  OperationType,
  TurnResult,
  TurnTrigger,
  OperationStartedEvent,
  OperationEndedEvent,
  OperationAbortRequestedEvent,
  OperationInterruptedEvent,
  LeaseTakenOverEvent,
  CommitEvent,
  DataplaneCallEvent,
} from './ports/engine-events.js';
export { emptyWorld, type World } from './world/world.js';
export {
  parseWorldSnapshot,
  toWorldSnapshot,
  worldSnapshotSchema,
  defaultSnapshotTimestamp,
  type WorldSnapshot,
} from './world/snapshot.js';
export {
  resultListQuerySchema,
  operationListQuerySchema,
  datastoreListQuerySchema,
  containerListQuerySchema,
  containerContentQuerySchema,
  type ResultListQuery,
  type ResultListQueryInput,
  type OperationListQuery,
  type OperationListQueryInput,
} from './domain/queries.js';
export { createPromoter, type Actor, type OperationProgress, type OperationStream, type Promoter, type PromoterOptions, type WatchOptions } from './run/promoter.js';
export type { ContainerWithFields } from './run/world-reads.js';
export { hasPermission, effectivePermission } from './run/permissions.js';
export { checkSummary, computedFieldSummary, containerSummary } from './run/views.js';
export {
  createReferenceDataplane,
  referenceValidationOutcome,
  type ReferenceDataplane,
  type ReferenceDataplaneOptions,
  type ValidationCall,
} from './dataplane/reference-dataplane.js';
export { loadWorld, exportWorldSnapshot } from './world/load-world.js';
export { planFingerprint } from './plan/plan-fingerprint.js';
// The planner's building blocks are not part of the public API: `@promote/core/internals`.
