import { describeError, type OperationView, type PlanView, type PromoteError } from '@promote/core';
import { toHttpError, type ErrorBody } from '@promote/http';
import { exitCodes, type ExitCode } from '../cli-error.js';
import { operationReport, refusalReport, type ReportOptions } from '../render/operation-report.js';

/** What became of one request: its finished operation or plan, or its refusal as the HTTP API would answer it. */
export type RequestOutcome =
  | { readonly kind: 'done'; readonly view: OperationView | PlanView }
  | { readonly kind: 'refused'; readonly label: string; readonly error: PromoteError };

/** The `--json` element of an outcome: the operation, or `{"status", "detail"}`. */
export function outcomeJson(outcome: RequestOutcome): OperationView | PlanView | ({ readonly status: number } & ErrorBody) {
  if (outcome.kind === 'done') return outcome.view;
  const { status, body } = toHttpError(outcome.error);
  return { status, detail: body.detail };
}

/** The readable lines of an outcome. */
export function outcomeReport(outcome: RequestOutcome, options: ReportOptions = {}): string[] {
  return outcome.kind === 'done' ? operationReport(outcome.view, options) : refusalReport(outcome.label, toHttpError(outcome.error).status, describeError(outcome.error));
}

/**
 * 2 when a request was refused, else 1 when an operation ended in `failure` or was aborted, else 0.
 * A refusal wins over a failure: it means the input needs fixing.
 */
export function outcomesExitCode(outcomes: readonly RequestOutcome[]): ExitCode {
  if (outcomes.some((outcome) => outcome.kind === 'refused')) return exitCodes.refused;
  if (outcomes.some((outcome) => outcome.kind === 'done' && (outcome.view.result === 'failure' || outcome.view.result === 'aborted'))) return exitCodes.failure;
  return exitCodes.success;
}
