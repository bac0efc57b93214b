import type { CheckDefinition, ComputedField, Field } from '../domain/entities.js';
import { ruleTypeSpec } from '../domain/rule-types.js';
import type { Dataplane, ValidationItem, ValidationOutcome, ValidationTarget } from '../ports/dataplane.js';

/** One `validate` call as the reference Dataplane recorded it. */
export interface ValidationCall {
  /** Position among all calls to this dataplane, from 0, in the order they started. */
  readonly index: number;
  /** Id of the destination container the batch was validated against. */
  readonly containerId: number;
  /** Number of checks in the batch. */
  readonly itemCount: number;
  /** Source check ids of the batch, in the order given. */
  readonly sourceCheckIds: readonly number[];
  /**
   * Logical time of the start: every start and every end of a call takes the next tick of one
   * counter shared by all calls. Two calls overlapped when each started before the other ended.
   */
  readonly start: number;
  /** Logical time of the end (see `start`); `undefined` while the call is in flight. */
  readonly end: number | undefined;
  /** Calls in flight right after this one started, itself included. */
  readonly concurrentAtStart: number;
  /** The message the whole batch was rejected with; `undefined` while in flight or when it resolved. */
  readonly batchFailure: string | undefined;
}

/** What `failBatch` is shown of a call. */
export interface BatchFailureInput {
  /** The call's {@link ValidationCall.index}. */
  readonly index: number;
  readonly target: ValidationTarget;
  readonly items: readonly ValidationItem[];
}

/** Options of {@link createReferenceDataplane}; every one is optional. */
export interface ReferenceDataplaneOptions {
  /**
   * Simulated roundtrip time of each call, in milliseconds, spent in `sleep` before the batch is
   * judged. Default `0`: no timer at all, the call settles after a microtask.
   */
  readonly latencyMs?: number;
  /**
   * Waits `ms` milliseconds. Default: a `setTimeout`-based wait. Inject a clock's `sleep`
   * (`steppingClock().sleep`) or a controllable promise to keep tests free of real time.
   */
  readonly sleep?: (ms: number) => Promise<void>;
  /**
   * Decides whether a whole call fails, after the latency: a returned string rejects the call with
   * an `Error` of that message (the engine then fails every check of the batch with it).
   * Default: no call fails.
   */
  readonly failBatch?: (call: BatchFailureInput) => string | undefined;
  /**
   * An extra per-check failure, consulted only for checks that pass the built-in rules: a returned
   * string makes that check `{ valid: false, reason }`. Default: none.
   */
  readonly failCheck?: (item: ValidationItem) => string | undefined;
  /**
   * How many of the latest calls {@link ReferenceDataplane.calls} keeps. Default `Infinity`: every
   * call, for tests that inspect them. A long-lived dataplane (`promote serve`) passes `0` or a
   * small bound, or its history grows with every batch it is asked.
   */
  readonly keepCalls?: number;
}

/** The reference Dataplane: a {@link Dataplane} that also shows what it was asked. */
export interface ReferenceDataplane extends Dataplane {
  /**
   * Every call so far (the latest `keepCalls` of them), in start order; an entry's `end` and
   * `batchFailure` fill in when it settles.
   */
  readonly calls: readonly ValidationCall[];
  /** The highest number of calls that were in flight at the same time. */
  readonly maxConcurrent: number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The reference Dataplane of §12, for simulation and tests. It judges each check by
 * {@link referenceValidationOutcome} against the destination it is given, never touches the world,
 * and can be slowed down or made to fail.
 *
 * @example
 * const dataplane = createReferenceDataplane({ latencyMs: 20, failBatch: ({ index }) => (index === 2 ? 'dataplane timed out' : undefined) });
 * const outcomes = await dataplane.validate(target, items);
 * dataplane.calls.length; // 1
 * dataplane.maxConcurrent; // 1
 */
export function createReferenceDataplane(options: ReferenceDataplaneOptions = {}): ReferenceDataplane {
  const { latencyMs = 0, sleep = defaultSleep, failBatch, failCheck, keepCalls = Infinity } = options;
  type MutableCall = { -readonly [K in keyof ValidationCall]: ValidationCall[K] };
  const calls: MutableCall[] = [];
  let callCount = 0;
  let tick = 0;
  let inFlight = 0;
  let maxConcurrent = 0;

  const abortedError = () => new Error('validation aborted');

  async function validate(target: ValidationTarget, items: readonly ValidationItem[], signal?: AbortSignal): Promise<readonly ValidationOutcome[]> {
    const call: MutableCall = {
      index: callCount++,
      containerId: target.container.id,
      itemCount: items.length,
      sourceCheckIds: items.map((item) => item.sourceCheckId),
      start: tick++,
      end: undefined,
      concurrentAtStart: ++inFlight,
      batchFailure: undefined,
    };
    calls.push(call);
    // Trimmed in steps of `keepCalls`, so that keeping the latest n costs O(1) a call on average.
    if (calls.length > 2 * keepCalls) calls.splice(0, calls.length - keepCalls);
    maxConcurrent = Math.max(maxConcurrent, inFlight);
    try {
      if (signal?.aborted) throw abortedError();
      if (latencyMs > 0) await sleep(latencyMs);
      else await Promise.resolve();
      if (signal?.aborted) throw abortedError();
      const batchFailure = failBatch?.({ index: call.index, target, items });
      if (batchFailure !== undefined) throw new Error(batchFailure);
      const available = availableOn(target);
      return items.map((item) => {
        const outcome = outcomeAgainst(available, item.check);
        if (!outcome.valid) return outcome;
        const reason = failCheck?.(item);
        return reason === undefined ? outcome : { valid: false, reason };
      });
    } catch (error) {
      call.batchFailure = error instanceof Error ? error.message : String(error);
      throw error;
    } finally {
      inFlight--;
      call.end = tick++;
    }
  }

  return {
    validate,
    get calls() {
      return calls.length > keepCalls ? calls.slice(calls.length - keepCalls) : calls;
    },
    get maxConcurrent() {
      return maxConcurrent;
    },
  };
}

type Available = { readonly kind: 'field'; readonly field: Field } | { readonly kind: 'computed'; readonly computed: ComputedField };

/**
 * How the reference Dataplane judges one check against a destination; the first failing rule gives
 * the reason:
 *
 * 1. every name of `check.fields` is available on the target (§1: a Field `active`/`masked` or a
 *    ComputedField `active`, case-insensitively) — else `field 'email' not found on destination container`;
 * 2. every field named by the rule's field-reference properties (§13 F-ref; a string or an array of
 *    strings) is available — same reason;
 * 3. for single- and multiple-field rule types, each Field's type is one the rule accepts — else
 *    `field 'amount' has type string, not accepted by rule type 'between'`; a Field of type `unknown`
 *    is accepted by no rule type;
 * 4. `matches_pattern`: a string `properties.pattern` compiles as a JavaScript regular expression —
 *    else `pattern '(' is not a valid regular expression`;
 * 5. `between`: numeric `properties.min` is not greater than numeric `properties.max` — else
 *    `min 10 is greater than max 5`.
 */
export function referenceValidationOutcome(target: ValidationTarget, check: CheckDefinition): ValidationOutcome {
  return outcomeAgainst(availableOn(target), check);
}

/**
 * The names available on a target, lower-cased. Kept per target object: the engine hands every
 * batch of an operation the same target, and building this map for each check was the largest
 * allocation of a 100,000-check plan (25,000 validated updates, one map of every field each).
 */
const availableByTarget = new WeakMap<ValidationTarget, ReadonlyMap<string, Available>>();

function availableOn(target: ValidationTarget): ReadonlyMap<string, Available> {
  const known = availableByTarget.get(target);
  if (known !== undefined) return known;
  const available = new Map<string, Available>();
  for (const computed of target.computedFields) {
    if (computed.status === 'active') available.set(computed.name.toLowerCase(), { kind: 'computed', computed });
  }
  // Set after the computed fields, so that a Field wins should both carry a name.
  for (const field of target.fields) {
    if (field.status === 'active' || field.status === 'masked') available.set(field.name.toLowerCase(), { kind: 'field', field });
  }
  availableByTarget.set(target, available);
  return available;
}

function outcomeAgainst(available: ReadonlyMap<string, Available>, check: CheckDefinition): ValidationOutcome {
  const invalid = (reason: string): ValidationOutcome => ({ valid: false, reason });
  const notFound = (name: string) => invalid(`field '${name}' not found on destination container`);

  for (const name of check.fields) {
    if (!available.has(name.toLowerCase())) return notFound(name);
  }
  const spec = ruleTypeSpec(check.rule_type);
  for (const key of spec.fieldReferenceKeys) {
    const value = check.properties[key];
    const names = typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
    for (const name of names) {
      if (!available.has(name.toLowerCase())) return notFound(name);
    }
  }
  if (spec.fieldScope === 'single' || spec.fieldScope === 'multiple') {
    for (const name of check.fields) {
      const entry = available.get(name.toLowerCase());
      // A computed field's type is only known once the dataplane evaluates its expression, so the
      // reference Dataplane accepts computed fields for every rule type rather than guess.
      if (entry?.kind === 'field' && !spec.acceptedTypes.includes(entry.field.type)) {
        return invalid(`field '${name}' has type ${entry.field.type}, not accepted by rule type '${check.rule_type}'`);
      }
    }
  }
  if (check.rule_type === 'matches_pattern') {
    const pattern = check.properties['pattern'];
    if (typeof pattern === 'string' && !isRegularExpression(pattern)) return invalid(`pattern '${pattern}' is not a valid regular expression`);
  }
  if (check.rule_type === 'between') {
    const { min, max } = check.properties;
    if (typeof min === 'number' && typeof max === 'number' && min > max) return invalid(`min ${min} is greater than max ${max}`);
  }
  return { valid: true };
}

function isRegularExpression(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}
