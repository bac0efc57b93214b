/**
 * `@promote/core/internals`: the planner's building blocks — selection, matching, comparison,
 * resolution, planning per entity type — for the packages of this repository (the bench, tools)
 * and for the curious. Not the public API: they change with the engine, without a major version.
 * Embedders use `@promote/core` (`createPromoter` and the ports).
 */
export { planQualityChecks, overlapKey, checkSearchText, type QualityCheckPlanInput } from './plan/plan-quality-checks.js';
export { selectChecks, type CheckSelection } from './plan/select-checks.js';
export { resolveCheck, unresolvedMessage, containerReferenceContext, type ResolvedCheck, type ContainerReferenceContext } from './plan/resolve-check.js';
export { fieldNamespace, type FieldNamespace } from './plan/field-namespace.js';
export { matchEntities, type MatchStrategy } from './plan/match-entities.js';
export { jsonEqual, canonicalJson, normaliseFilter, pythonList, pythonString } from './plan/compare.js';
export type { EntityPlan } from './plan/entity-plan.js';
export { computedFieldParents, closeOverParents, topologicalOrder, expressionIdentifiers, namesUsedBy } from './plan/computed-field-dependencies.js';
export { planComputedFields, type ComputedFieldPlanInput } from './plan/plan-computed-fields.js';
export { planComputedContainers, type ComputedContainerPlanInput } from './plan/plan-containers.js';
export { selectComputedFields, selectComputedTables, selectComputedFiles } from './plan/select-computed.js';
export { queryIntegerSchema } from './domain/queries.js';
export { checkCommitUnitShape } from './ports/commit-unit-shape.js';
export { JsonIntern, deepFreeze } from './ports/json-intern.js';
export { resultViews, type ResultLike } from './run/views.js';
