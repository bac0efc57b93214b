import { messages, type World } from '@promote/core';
import { modelExecuteChecks } from './model-checks.js';
import { modelExecuteComputedFields } from './model-computed-fields.js';
import { modelExecuteContainers } from './model-containers.js';
import { modelStart } from './model-start.js';
import type { ModelActor, ModelOperation, ModelRefusal, ModelResult, ModelRunOptions, ModelStartedOperation, ModelStatus } from './model-types.js';
import { toModelWorld, WorldDraft, type ModelWorld } from './model-world.js';

/** §9 `status` of a list of results. */
export function modelStatusOf(total: number, results: readonly ModelResult[]): ModelStatus {
  const count = (value: ModelResult['result']) => results.filter((result) => result.result === value).length;
  return { total, created: count('created'), updated: count('updated'), skipped: count('skipped'), failed: count('failed') };
}

/**
 * Runs a started operation to its end on `state` (§4–§9): processes every selected source that has
 * no result in `options.previousResults` yet, writes what it decides, appends a lineage link per
 * created, updated or skipped result (unless the newest link of its source in the scope already
 * points there), and answers the whole operation.
 */
export function modelExecute(state: World | ModelWorld, started: ModelStartedOperation, options: ModelRunOptions = {}): ModelOperation {
  const draft = new WorldDraft(toModelWorld(state));
  const previous = options.previousResults ?? [];
  const done = new Set(previous.map((result) => result.source_entity_id));
  const pending = started.selection.filter((id) => !done.has(id));
  // §4 "matched by at most one source per operation", across a resume too (decision 0005).
  const taken = new Set(previous.flatMap((result) => (result.destination_entity_id === null ? [] : [result.destination_entity_id])));

  let fresh: ModelResult[];
  let validationCalls = 0;
  switch (started.promote_type) {
    case 'quality_check': {
      const outcome = modelExecuteChecks(draft, started, pending, taken, options);
      fresh = outcome.results;
      validationCalls = outcome.validationCalls;
      break;
    }
    case 'computed_field':
      fresh = modelExecuteComputedFields(draft, started, pending, taken);
      break;
    case 'computed_table':
    case 'computed_file':
      fresh = modelExecuteContainers(draft, started, pending, taken);
      break;
  }
  for (const result of fresh) {
    // An updated or skipped result matched through the newest link of its source in the scope does
    // not record that link again (decision 0302); a created one always records its link, even when
    // an old link happens to name the id its new entity was given.
    const newest =
      result.result === 'updated' || result.result === 'skipped'
        ? draft.lineage.findLast(
            (link) => link.entity_type === result.entity_type && link.destination_scope_id === started.destinationScopeId && link.source_entity_id === result.source_entity_id,
          )
        : undefined;
    if (result.result !== 'failed' && result.destination_entity_id !== null && newest?.destination_entity_id !== result.destination_entity_id) {
      draft.lineage.push({
        entity_type: result.entity_type,
        source_entity_id: result.source_entity_id,
        destination_scope_id: started.destinationScopeId,
        destination_entity_id: result.destination_entity_id,
      });
    }
  }
  const position = new Map(started.selection.map((id, index) => [id, index]));
  const results = [...previous, ...fresh].sort((a, b) => (position.get(a.source_entity_id) ?? 0) - (position.get(b.source_entity_id) ?? 0));
  const status = modelStatusOf(started.selection.length, results);
  const model = draft.done();
  return {
    kind: 'operation',
    promote_type: started.promote_type,
    started,
    result: status.total === 0 || status.failed < status.total ? 'success' : 'failure',
    message: status.total === 0 ? messages.noEntities : null,
    status,
    results,
    world: model.world,
    model,
    validationCalls,
  };
}

/**
 * The reference model of one promotion, from request to finished operation: §2.1 checks, §3
 * selection, then {@link modelExecute}. Written from SPEC.md and the decision records alone, as
 * the oracle the engine is tested against.
 *
 * @example
 * const outcome = modelPromote(world, { id: 1 }, { type: 'promote_quality_check', datastore_id: 1, container_id: 10, destination_container_id: 20 });
 * if (outcome.kind === 'operation') outcome.results; // [{ source_entity_id: 101, result: 'created', destination_entity_id: 202, … }]
 */
export function modelPromote(state: World | ModelWorld, actor: ModelActor, body: unknown, options: ModelRunOptions = {}): ModelRefusal | ModelOperation {
  const started = modelStart(state, actor, body);
  if (started.kind === 'refused') return started;
  return modelExecute(state, started, options);
}
