/**
 * The reference model: a small, deliberately plain implementation of SPEC.md's classification
 * (§2.1 checks, §3 selection, §4 matching, §5 comparison, §6 computed-field order, §7 resolution,
 * §8 status and validation, §9 result, §16 revert), written independently of the engine's planner, used as the
 * oracle of the model-based tests.
 */
export { modelPromote, modelExecute, modelStatusOf } from './model-promote.js';
export { modelStart, modelUser, modelCanEdit } from './model-start.js';
export {
  modelStartRevert,
  modelExecuteRevert,
  modelWriteImages,
  type ModelEntity,
  type ModelWriteImages,
  type ModelRevertable,
  type ModelStartedRevert,
  type ModelRevertOperation,
} from './model-revert.js';
export { modelResolveCheck, draftMessage, writtenTimestamp, type ModelResolvedCheck } from './model-checks.js';
export { usedNames } from './model-computed-fields.js';
export { expressionIdentifiers, parentsOf, withTransitiveParents, dependencyOrder, type DependencyOrder } from './model-dependencies.js';
export { availableNames } from './model-namespace.js';
export { applyModelEdits, toModelWorld, WorldDraft, type ModelWorld, type HighestIds, type ModelIdKind, type ModelEditOutcome } from './model-world.js';
export { canonicalJson, sameJson, normalisedFilter, pythonRepr, pythonListRepr } from './model-text.js';
export {
  modelErrorStatus,
  type ModelActor,
  type ModelError,
  type ModelRefusal,
  type ModelResult,
  type ModelStatus,
  type ModelStartedOperation,
  type ModelRunOptions,
  type ModelOperation,
} from './model-types.js';
export { alignWrittenTimestamps, summariseResults, type ResultSummary } from './model-compare.js';
export { arbModelWorld, combineScenarioWorlds, describeScenarioWorld, type ModelScenarioWorld, type ModelWorldOptions } from './arb-model-world.js';
export {
  arbScenarioEdit,
  scenarioEditToWorldEdits,
  describeScenarioEdit,
  softDeleteTime,
  type ScenarioEdit,
  type ResolvedEdit,
  type Rename,
  type Side,
} from './model-edits.js';
export {
  arbModelBasedRun,
  arbScenarioBody,
  modelBasedCommands,
  runModelBased,
  describeBody,
  failedBatchReason,
  PromoteCommand,
  PlanCommand,
  EditCommand,
  ResumeCommand,
  RerunCommand,
  AbortFinishedCommand,
  RevertCommand,
  type ActorRole,
  type ModelBasedCommand,
  type ModelBasedModel,
  type ModelBasedReal,
  type ModelBasedRun,
  type ModelOperationEntry,
} from './model-commands.js';
