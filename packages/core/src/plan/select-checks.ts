import { err, ok, type Result } from 'neverthrow';
import type { QualityCheck } from '../domain/entities.js';
import { unprocessable, type UnprocessableError } from '../errors.js';
import { idListText } from './compare.js';

/** The selection part of a quality-check request (§3). */
export interface CheckSelection {
  readonly check_ids?: readonly number[] | undefined;
  readonly check_tags?: readonly string[] | undefined;
}

const promotable = (check: QualityCheck) => check.status === 'active' || check.status === 'draft';

/**
 * Which checks of the source container a request selects (§3), in processing order (ascending id).
 * Listed ids that are not checks of the source container are a 422 naming them; listed archived or
 * discarded checks are silently left out (the seed's exception).
 */
export function selectChecks(sourceChecks: readonly QualityCheck[], selection: CheckSelection, sourceContainerId: number): Result<QualityCheck[], UnprocessableError> {
  const sorted = [...sourceChecks].sort((a, b) => a.id - b.id);
  if (selection.check_ids !== undefined) {
    const byId = new Map(sorted.map((check) => [check.id, check]));
    const unknown = selection.check_ids.filter((id) => !byId.has(id));
    if (unknown.length > 0) {
      return err(unprocessable(`Quality check(s) ${idListText(unknown)} are not checks of container ${sourceContainerId}`));
    }
    const listed = new Set(selection.check_ids);
    return ok(sorted.filter((check) => listed.has(check.id) && promotable(check)));
  }
  if (selection.check_tags !== undefined) {
    const tags = new Set(selection.check_tags);
    return ok(sorted.filter((check) => promotable(check) && check.tags.some((tag) => tags.has(tag))));
  }
  return ok(sorted.filter(promotable));
}
