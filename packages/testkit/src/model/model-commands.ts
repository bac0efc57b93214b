import assert from 'node:assert/strict';
import type { OperationView, PlanView, PromoteError, Promoter, Store } from '@promote/core';
import fc from 'fast-check';
import type { WorldUsers } from '../arbitraries/arb-helpers.js';
import { arbComputedFileRequest, arbComputedTableRequest } from '../arbitraries/arb-computed-container-request.js';
import { arbComputedFieldRequest } from '../arbitraries/arb-computed-field-request.js';
import { arbQualityCheckRequest } from '../arbitraries/arb-quality-check-request.js';
import type { ModelScenarioWorld } from './arb-model-world.js';
import { alignWrittenTimestamps, summariseResults } from './model-compare.js';
import { arbScenarioEdit, describeScenarioEdit, scenarioEditToWorldEdits, type ScenarioEdit } from './model-edits.js';
import { modelExecute } from './model-promote.js';
import { modelExecuteRevert, modelStartRevert, modelWriteImages, type ModelRevertable, type ModelStartedRevert, type ModelWriteImages } from './model-revert.js';
import { modelStart } from './model-start.js';
import type { ModelActor, ModelError, ModelOperation, ModelRefusal, ModelResult, ModelRunOptions, ModelStartedOperation, ModelStatus } from './model-types.js';
import { applyModelEdits, toModelWorld, type ModelWorld } from './model-world.js';

/** An operation as the model remembers it, next to the engine's id for it. */
export interface ModelOperationEntry {
  readonly engineId: number;
  /** The request body as sent, for a rerun. */
  readonly body: unknown;
  /** How the promotion read in the scenario, e.g. `promote checks [3, 5] 10→20 as draft`. */
  readonly label: string;
  readonly started: ModelStartedOperation | ModelStartedRevert;
  results: readonly ModelResult[];
  result: 'success' | 'failure' | 'aborted';
  /** What its written results found and left on the destination, by source id (for a revert of it). */
  images: Map<number, ModelWriteImages>;
}

/** The model side of a model-based run: the model world and the operations started so far. */
export interface ModelBasedModel {
  state: ModelWorld;
  readonly users: WorldUsers;
  readonly operations: ModelOperationEntry[];
}

/** The real side: an engine over the store under test, and a switch for failing validation calls. */
export interface ModelBasedReal {
  readonly store: Store;
  readonly promoter: Promoter;
  /**
   * Makes the next operation's (or plan's) validation calls at these positions (from 0, counted from
   * the next call) reject with {@link failedBatchReason}. Called before every promotion, plan and resume.
   */
  failValidationBatches(indices: readonly number[]): void;
}

/** The reason every injected validation-batch failure carries. */
export const failedBatchReason = 'dataplane timed out';

/** One step of a model-based run. */
export type ModelBasedCommand = fc.AsyncCommand<ModelBasedModel, ModelBasedReal>;

/** Who acts: the roles of {@link WorldUsers}. */
export type ActorRole = keyof WorldUsers;

const json = (value: unknown): unknown => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));
const nth = <T>(list: readonly T[], pick: number): T | undefined => (list.length === 0 ? undefined : list[pick % list.length]);
const actorOf = (model: ModelBasedModel, role: ActorRole) => ({ id: model.users[role] });
const failBatchAt = (indices: readonly number[]) => (index: number) => (indices.includes(index) ? failedBatchReason : undefined);

/** The operations of the run as a revert sees them. */
function revertables(model: ModelBasedModel): ModelRevertable[] {
  return model.operations.map((entry) => ({
    id: entry.engineId,
    promote_type: entry.started.promote_type,
    sourceDatastoreId: entry.started.sourceDatastoreId,
    destinationDatastoreId: entry.started.destinationDatastoreId,
    destinationContainerId: entry.started.destinationContainerId,
    result: entry.result,
    results: entry.results,
    images: entry.images,
  }));
}

const isRevertBody = (body: unknown) => typeof body === 'object' && body !== null && (body as { type?: unknown }).type === 'revert';

/** The model's start of any operation body: a promotion (§2.1) or a revert (§16). */
function modelStartAny(model: ModelBasedModel, actor: ModelActor, body: unknown): ModelRefusal | ModelStartedOperation | ModelStartedRevert {
  return isRevertBody(body) ? modelStartRevert(model.state, actor, body, revertables(model)) : modelStart(model.state, actor, body);
}

/** What the model predicts for running a started operation (to its end, after `previousResults`). */
interface ModelRun {
  readonly result: 'success' | 'failure';
  readonly message: string | null;
  readonly status: ModelStatus;
  readonly results: readonly ModelResult[];
  readonly model: ModelWorld;
  /** The images of the results this run wrote. */
  readonly images: ReadonlyMap<number, ModelWriteImages>;
}

function modelRun(state: ModelWorld, started: ModelStartedOperation | ModelStartedRevert, options: ModelRunOptions = {}): ModelRun {
  if (started.kind === 'started_revert') return modelExecuteRevert(state, started, options);
  const outcome = modelExecute(state, started, options);
  const done = new Set((options.previousResults ?? []).map((result) => result.source_entity_id));
  return { ...outcome, images: modelWriteImages(state, outcome.model, outcome.results.filter((result) => !done.has(result.source_entity_id))) };
}

function assertSameRefusal(actual: PromoteError, expected: ModelError, label: string): void {
  assert.equal(actual.kind, expected.kind, `${label}: the engine refused with ${actual.kind} (${JSON.stringify(actual)}), the model with ${expected.kind} (${JSON.stringify(expected)})`);
  if (expected.kind === 'invalid_request') assert.deepEqual(json((actual as { issues?: unknown }).issues), json(expected.issues), `${label}: issues`);
  else assert.equal((actual as { message?: string }).message, expected.message, `${label}: message`);
}

function assertSameOperation(actual: OperationView | PlanView, expected: Pick<ModelOperation, 'status' | 'results' | 'result' | 'message'>, label: string, plan = false): void {
  const expectedResults = expected.results.map((result) => (plan && result.result === 'created' ? { ...result, destination_entity_id: null } : result));
  assert.deepEqual(json(summariseResults(actual.results, { changes: true })), json(summariseResults(expectedResults, { changes: true })), `${label}: results differ from the model's`);
  assert.deepEqual(json(actual.status), json(expected.status), `${label}: status`);
  assert.equal(actual.result, expected.result, `${label}: result`);
  assert.equal(actual.message, expected.message, `${label}: message`);
}

async function assertSameWorld(real: ModelBasedReal, model: ModelBasedModel, label: string): Promise<void> {
  const expected = model.state.world;
  const actual = alignWrittenTimestamps(await real.store.exportWorld(), expected);
  for (const key of ['containers', 'fields', 'quality_checks', 'computed_fields', 'lineage', 'datastores', 'users', 'teams'] as const) {
    assert.deepEqual(json(actual[key]), json(expected[key]), `${label}: world.${key} differs from the model's`);
  }
}

async function operationView(real: ModelBasedReal, model: ModelBasedModel, id: number): Promise<OperationView> {
  await real.promoter.waitFor(id);
  const view = await real.promoter.getOperation(actorOf(model, 'admin'), id);
  if (view.isErr()) throw new Error(`cannot read operation ${id}: ${JSON.stringify(view.error)}`);
  return view.value;
}

/** How a request body reads in a scenario: `promote checks [3, 5] 10→20 as draft`. */
export function describeBody(body: unknown): string {
  const request = body as Record<string, unknown>;
  const list = (value: unknown) => (Array.isArray(value) ? `[${value.map((item) => (typeof item === 'string' ? JSON.stringify(item) : String(item))).join(', ')}]` : String(value));
  const selection = (ids: string, tags: string) => (request[ids] !== undefined ? list(request[ids]) : request[tags] !== undefined ? `tagged ${list(request[tags])}` : 'all');
  const extra = (key: string) => (request[key] === undefined ? '' : ` +tags ${list(request[key])}`);
  switch (request['type']) {
    case 'promote_quality_check': {
      const draft = request['as_draft'] === false ? ' as active' : request['as_draft'] === true ? ' as draft' : '';
      return `promote checks ${selection('check_ids', 'check_tags')} ${String(request['container_id'])}→${String(request['destination_container_id'])}${draft}${extra('check_additional_tags')}`;
    }
    case 'promote_computed_field':
      return `promote computed fields ${selection('computed_field_ids', 'computed_field_tags')} ${String(request['container_id'])}→${String(request['destination_container_id'])}${extra('computed_field_additional_tags')}`;
    case 'promote_computed_table':
      return `promote computed tables ${selection('container_ids', 'container_tags')} ${String(request['datastore_id'])}→${String(request['destination_datastore_id'])}${extra('container_additional_tags')}`;
    case 'promote_computed_file': {
      const mappings = (request['source_container_mappings'] as { container_id: number; destination_container_id: number }[] | undefined) ?? [];
      return `promote computed files {${mappings.map((mapping) => `${mapping.container_id}→${mapping.destination_container_id}`).join(', ')}} ${String(request['datastore_id'])}→${String(request['destination_datastore_id'])}${extra('container_additional_tags')}`;
    }
    default:
      return `promote ${JSON.stringify(body)}`;
  }
}

const failingText = (indices: readonly number[]) => (indices.length === 0 ? '' : `, validation batch${indices.length > 1 ? 'es' : ''} ${indices.join(', ')} failing`);

/** A promotion: run (and wait for it, or abort it at once), compared with the model. */
export class PromoteCommand implements ModelBasedCommand {
  constructor(
    readonly body: unknown,
    readonly actor: ActorRole,
    readonly abortAtOnce: boolean,
    readonly failingBatches: readonly number[],
  ) {}

  check(): boolean {
    return true;
  }

  async run(model: ModelBasedModel, real: ModelBasedReal): Promise<void> {
    const label = this.toString();
    const actor = actorOf(model, this.actor);
    real.failValidationBatches(this.failingBatches);
    const expected = modelStart(model.state, actor, this.body);
    const started = await real.promoter.run(actor, this.body);
    if (expected.kind === 'refused') {
      assert.ok(started.isErr(), `${label}: the model refuses it (${JSON.stringify(expected.error)}), the engine started operation ${started.isOk() ? started.value.id : ''}`);
      assertSameRefusal(started.error, expected.error, label);
      await assertSameWorld(real, model, label);
      return;
    }
    assert.ok(started.isOk(), `${label}: the engine refused it (${started.isErr() ? JSON.stringify(started.error) : ''}), the model starts it`);
    const id = started.value.id;
    // An operation that selected nothing has nothing to stop between: it ends `success` (§9) before an abort can land.
    if (this.abortAtOnce && expected.selection.length > 0) {
      const aborted = await real.promoter.abort(actorOf(model, 'admin'), id);
      assert.ok(aborted.isOk(), `${label}: abort refused`);
      const view = await operationView(real, model, id);
      assert.equal(view.result, 'aborted', `${label}: aborted at once`);
      assert.deepEqual(view.results, [], `${label}: aborted before processing, no results`);
      assert.deepEqual(json(view.status), { total: expected.selection.length, created: 0, updated: 0, skipped: 0, failed: 0 }, `${label}: status`);
      model.operations.push({ engineId: id, body: this.body, label, started: expected, results: [], result: 'aborted', images: new Map() });
      await assertSameWorld(real, model, label);
      return;
    }
    const outcome = modelRun(model.state, expected, { failBatch: failBatchAt(this.failingBatches) });
    assertSameOperation(await operationView(real, model, id), outcome, label);
    model.state = outcome.model;
    model.operations.push({ engineId: id, body: this.body, label, started: expected, results: outcome.results, result: outcome.result, images: new Map(outcome.images) });
    await assertSameWorld(real, model, label);
  }

  toString(): string {
    return `${describeBody(this.body)}${this.actor === 'admin' ? '' : ` as ${this.actor}`}${this.abortAtOnce ? ', then abort at once' : ''}${failingText(this.failingBatches)}`;
  }
}

/** A dry run: equals what the model says a run would do now, and writes nothing. */
export class PlanCommand implements ModelBasedCommand {
  constructor(
    readonly body: unknown,
    readonly failingBatches: readonly number[],
  ) {}

  check(): boolean {
    return true;
  }

  async run(model: ModelBasedModel, real: ModelBasedReal): Promise<void> {
    const label = this.toString();
    const actor = actorOf(model, 'admin');
    real.failValidationBatches(this.failingBatches);
    const expected = modelStart(model.state, actor, this.body);
    const planned = await real.promoter.plan(actor, this.body);
    if (expected.kind === 'refused') {
      assert.ok(planned.isErr(), `${label}: the model refuses it (${JSON.stringify(expected.error)}), the engine planned it`);
      assertSameRefusal(planned.error, expected.error, label);
    } else {
      assert.ok(planned.isOk(), `${label}: the engine refused it (${planned.isErr() ? JSON.stringify(planned.error) : ''}), the model plans it`);
      assertSameOperation(planned.value, modelExecute(model.state, expected, { failBatch: failBatchAt(this.failingBatches) }), label, true);
    }
    await assertSameWorld(real, model, label);
  }

  toString(): string {
    return `plan: ${describeBody(this.body)}${failingText(this.failingBatches)}`;
  }
}

/** A user edit through `Store.applyEdits`, mirrored on the model world. */
export class EditCommand implements ModelBasedCommand {
  #resolved: string | undefined;

  constructor(readonly edit: ScenarioEdit) {}

  check(): boolean {
    return true;
  }

  async run(model: ModelBasedModel, real: ModelBasedReal): Promise<void> {
    const { edits, description } = scenarioEditToWorldEdits(model.state.world, this.edit);
    this.#resolved = description;
    if (edits.length === 0) return;
    const label = `edit: ${description}`;
    const expected = applyModelEdits(model.state, edits);
    const actual = await real.store.applyEdits(edits).then(
      (ids) => ({ ok: true as const, ids }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    if (!expected.ok) {
      assert.ok(!actual.ok, `${label}: the model refuses it (${expected.reason}), the store applied it`);
      return;
    }
    assert.ok(actual.ok, `${label}: the store refused it (${actual.ok ? '' : String(actual.error)})`);
    assert.deepEqual([...actual.ids], [...expected.ids], `${label}: ids`);
    model.state = expected.model;
    await assertSameWorld(real, model, label);
  }

  toString(): string {
    return `edit: ${this.#resolved ?? describeScenarioEdit(this.edit)}`;
  }
}

/** Resumes the `pick`-th operation: processes what has no result (aborted or failed ones), else a 409. */
export class ResumeCommand implements ModelBasedCommand {
  #resolved: string | undefined;

  constructor(
    readonly pick: number,
    readonly failingBatches: readonly number[],
  ) {}

  check(model: Readonly<ModelBasedModel>): boolean {
    return model.operations.length > 0;
  }

  async run(model: ModelBasedModel, real: ModelBasedReal): Promise<void> {
    const entry = nth(model.operations, this.pick) as ModelOperationEntry;
    this.#resolved = `resume operation ${entry.engineId} (${entry.result}: ${entry.label})${failingText(this.failingBatches)}`;
    const label = this.#resolved;
    real.failValidationBatches(this.failingBatches);
    const resumed = await real.promoter.resume(actorOf(model, 'admin'), entry.engineId);
    if (entry.result !== 'aborted' && entry.result !== 'failure') {
      assert.ok(resumed.isErr() && resumed.error.kind === 'conflict', `${label}: a ${entry.result} operation cannot be resumed (409)`);
      return;
    }
    assert.ok(resumed.isOk(), `${label}: resume refused (${resumed.isErr() ? JSON.stringify(resumed.error) : ''})`);
    const outcome = modelRun(model.state, entry.started, { previousResults: entry.results, failBatch: failBatchAt(this.failingBatches) });
    assertSameOperation(await operationView(real, model, entry.engineId), outcome, label);
    entry.results = outcome.results;
    entry.result = outcome.result;
    for (const [source, images] of outcome.images) entry.images.set(source, images);
    model.state = outcome.model;
    await assertSameWorld(real, model, label);
  }

  toString(): string {
    return this.#resolved ?? `resume operation #${this.pick}${failingText(this.failingBatches)}`;
  }
}

/** Reruns the `pick`-th operation: a new operation with the same request, checked again (§2.1). */
export class RerunCommand implements ModelBasedCommand {
  #resolved: string | undefined;

  constructor(readonly pick: number) {}

  check(model: Readonly<ModelBasedModel>): boolean {
    return model.operations.length > 0;
  }

  async run(model: ModelBasedModel, real: ModelBasedReal): Promise<void> {
    const entry = nth(model.operations, this.pick) as ModelOperationEntry;
    this.#resolved = `rerun operation ${entry.engineId} (${entry.label})`;
    const label = this.#resolved;
    const actor = actorOf(model, 'admin');
    real.failValidationBatches([]);
    const expected = modelStartAny(model, actor, entry.body);
    const rerun = await real.promoter.rerun(actor, entry.engineId);
    if (expected.kind === 'refused') {
      assert.ok(rerun.isErr(), `${label}: the model refuses it (${JSON.stringify(expected.error)}), the engine reran it`);
      assertSameRefusal(rerun.error, expected.error, label);
      return;
    }
    assert.ok(rerun.isOk(), `${label}: the engine refused it (${rerun.isErr() ? JSON.stringify(rerun.error) : ''})`);
    const outcome = modelRun(model.state, expected);
    assertSameOperation(await operationView(real, model, rerun.value.id), outcome, label);
    model.state = outcome.model;
    model.operations.push({
      engineId: rerun.value.id,
      body: entry.body,
      label: `rerun of ${entry.label}`,
      started: expected,
      results: outcome.results,
      result: outcome.result,
      images: new Map(outcome.images),
    });
    await assertSameWorld(real, model, label);
  }

  toString(): string {
    return this.#resolved ?? `rerun operation #${this.pick}`;
  }
}

/** Aborts the `pick`-th operation, which has finished: nothing changes (§9). */
export class AbortFinishedCommand implements ModelBasedCommand {
  #resolved: string | undefined;

  constructor(readonly pick: number) {}

  check(model: Readonly<ModelBasedModel>): boolean {
    return model.operations.length > 0;
  }

  async run(model: ModelBasedModel, real: ModelBasedReal): Promise<void> {
    const entry = nth(model.operations, this.pick) as ModelOperationEntry;
    this.#resolved = `abort finished operation ${entry.engineId} (${entry.result})`;
    const before = await operationView(real, model, entry.engineId);
    const aborted = await real.promoter.abort(actorOf(model, 'admin'), entry.engineId);
    assert.ok(aborted.isOk(), `${this.#resolved}: refused (${aborted.isErr() ? JSON.stringify(aborted.error) : ''})`);
    assert.equal(aborted.value.result, entry.result, `${this.#resolved}: result`);
    assert.deepEqual(json(await operationView(real, model, entry.engineId)), json(before), `${this.#resolved}: the operation changed`);
    await assertSameWorld(real, model, this.#resolved);
  }

  toString(): string {
    return this.#resolved ?? `abort finished operation #${this.pick}`;
  }
}

/** The operation id no run reaches: a revert of it is a 404. */
const unknownOperationId = 1_000_000;

/**
 * A revert (§16) of the `pick`-th operation (or of an operation that does not exist), run or only
 * planned, by one of the users: compared with {@link modelStartRevert} and {@link modelExecuteRevert}.
 */
export class RevertCommand implements ModelBasedCommand {
  #resolved: string | undefined;

  constructor(
    readonly pick: number | 'unknown',
    readonly actor: ActorRole,
    readonly dryRun: boolean,
    readonly failingBatches: readonly number[],
  ) {}

  check(model: Readonly<ModelBasedModel>): boolean {
    return this.pick === 'unknown' || model.operations.length > 0;
  }

  async run(model: ModelBasedModel, real: ModelBasedReal): Promise<void> {
    const entry = this.pick === 'unknown' ? undefined : (nth(model.operations, this.pick) as ModelOperationEntry);
    const body = { type: 'revert', operation_id: entry?.engineId ?? unknownOperationId };
    const target = entry === undefined ? `unknown operation ${body.operation_id}` : `operation ${entry.engineId} (${entry.result}: ${entry.label})`;
    this.#resolved = `${this.dryRun ? 'plan: ' : ''}revert ${target}${this.actor === 'admin' ? '' : ` as ${this.actor}`}${failingText(this.failingBatches)}`;
    const label = this.#resolved;
    const actor = actorOf(model, this.actor);
    real.failValidationBatches(this.failingBatches);
    const expected = modelStartRevert(model.state, actor, body, revertables(model));
    const answer = this.dryRun ? await real.promoter.plan(actor, body) : await real.promoter.run(actor, body);
    if (expected.kind === 'refused') {
      assert.ok(answer.isErr(), `${label}: the model refuses it (${JSON.stringify(expected.error)}), the engine accepted it`);
      assertSameRefusal(answer.error, expected.error, label);
      await assertSameWorld(real, model, label);
      return;
    }
    assert.ok(answer.isOk(), `${label}: the engine refused it (${answer.isErr() ? JSON.stringify(answer.error) : ''}), the model accepts it`);
    const outcome = modelRun(model.state, expected, { failBatch: failBatchAt(this.failingBatches) });
    if (this.dryRun) {
      assertSameOperation(answer.value as PlanView, outcome, label, true);
      await assertSameWorld(real, model, label);
      return;
    }
    const id = (answer.value as { id: number }).id;
    const view = await operationView(real, model, id);
    assertSameOperation(view, outcome, label);
    assert.equal(view.type, 'revert', `${label}: type`);
    assert.equal(view.reverted_operation_id, body.operation_id, `${label}: reverted_operation_id`);
    model.state = outcome.model;
    model.operations.push({
      engineId: id,
      body,
      label: `revert of ${entry?.label ?? ''}`,
      started: expected,
      results: outcome.results,
      result: outcome.result,
      images: new Map(outcome.images),
    });
    await assertSameWorld(real, model, label);
  }

  toString(): string {
    return this.#resolved ?? `${this.dryRun ? 'plan: ' : ''}revert operation #${this.pick}${this.actor === 'admin' ? '' : ` as ${this.actor}`}${failingText(this.failingBatches)}`;
  }
}

const arbFailing: fc.Arbitrary<readonly number[]> = fc.oneof({ weight: 4, arbitrary: fc.constant<readonly number[]>([]) }, { weight: 1, arbitrary: fc.subarray([0, 1]) });
const arbActor: fc.Arbitrary<ActorRole> = fc.oneof(
  { weight: 8, arbitrary: fc.constant<ActorRole>('admin') },
  { weight: 2, arbitrary: fc.constant<ActorRole>('editor') },
  { weight: 1, arbitrary: fc.constantFrom<ActorRole>('viewer', 'outsider') },
);

/** A request body of any of the four promote types for the scenario world. */
export function arbScenarioBody(scenario: ModelScenarioWorld): fc.Arbitrary<unknown> {
  return fc.oneof(
    arbQualityCheckRequest(scenario.checks),
    arbComputedFieldRequest(scenario.computedFields),
    arbComputedTableRequest(scenario.tables),
    arbComputedFileRequest(scenario.files),
  );
}

/**
 * The command arbitraries of a model-based run over `scenario`, for `fc.commands`: promotions of
 * every type (by several users; some aborted at once; some with failing validation batches), dry
 * runs, edits of either side (renames, deletes, soft deletes, status changes …), resumes, reruns,
 * aborts of finished operations, and reverts (§16) run or planned.
 */
export function modelBasedCommands(scenario: ModelScenarioWorld): fc.Arbitrary<ModelBasedCommand>[] {
  const body = arbScenarioBody(scenario);
  const promote = fc
    .tuple(body, arbActor, fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }), arbFailing)
    .map(([request, actor, abortAtOnce, failing]): ModelBasedCommand => new PromoteCommand(request, actor, abortAtOnce, failing));
  const edit = arbScenarioEdit(scenario).map((intent): ModelBasedCommand => new EditCommand(intent));
  const revert = fc
    .tuple(
      fc.oneof({ weight: 9, arbitrary: fc.nat({ max: 100 }) }, { weight: 1, arbitrary: fc.constant<'unknown'>('unknown') }),
      arbActor,
      fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
      arbFailing,
    )
    .map(([pick, actor, dryRun, failing]): ModelBasedCommand => new RevertCommand(pick, actor, dryRun, failing));
  return [
    promote,
    promote,
    promote,
    edit,
    edit,
    edit,
    fc.tuple(body, arbFailing).map(([request, failing]): ModelBasedCommand => new PlanCommand(request, failing)),
    fc.tuple(fc.nat({ max: 100 }), arbFailing).map(([pick, failing]): ModelBasedCommand => new ResumeCommand(pick, failing)),
    fc.nat({ max: 100 }).map((pick): ModelBasedCommand => new RerunCommand(pick)),
    fc.nat({ max: 100 }).map((pick): ModelBasedCommand => new AbortFinishedCommand(pick)),
    revert,
    revert,
  ];
}

/** A scenario world and a command sequence over it. */
export interface ModelBasedRun {
  readonly scenario: ModelScenarioWorld;
  readonly commands: Iterable<ModelBasedCommand>;
}

/** Scenario worlds with command sequences of at most `maxCommands` (default 12). */
export function arbModelBasedRun(arbScenario: fc.Arbitrary<ModelScenarioWorld>, options: { readonly maxCommands?: number } = {}): fc.Arbitrary<ModelBasedRun> {
  return arbScenario.chain((scenario) =>
    fc.commands(modelBasedCommands(scenario), { maxCommands: options.maxCommands ?? 12 }).map((commands) => ({ scenario, commands })),
  );
}

/**
 * Runs one command sequence: `open` gives the real system over a fresh store holding
 * `scenario.world`; the model starts from the same world. Throws at the first disagreement.
 */
export async function runModelBased(run: ModelBasedRun, open: (scenario: ModelScenarioWorld) => Promise<ModelBasedReal>): Promise<void> {
  await fc.asyncModelRun(async () => {
    const real = await open(run.scenario);
    const model: ModelBasedModel = { state: toModelWorld(run.scenario.world), users: run.scenario.users, operations: [] };
    return { model, real };
  }, run.commands);
}
