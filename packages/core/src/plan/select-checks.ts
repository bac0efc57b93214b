import { err, ok, type Result } from 'neverthrow';
import type { QualityCheck } from '../domain/entities.js';
import { unprocessable, type UnprocessableError } from '../errors.js';
import type { CheckSelectionKey } from '../ports/store.js';
import { idListText } from './compare.js';

/** The selection part of a quality-check request (§3). */
export interface CheckSelection {
  readonly check_ids?: readonly number[] | undefined;
  readonly check_tags?: readonly string[] | undefined;
}

const promotable = (check: CheckSelectionKey) => check.status === 'active' || check.status === 'draft';

/**
 * The selection of §3 over a source container's checks read a page at a time (ascending id, each
 * check once): {@link add} each page in order, then {@link finish}. It holds the selected ids and,
 * for a request listing ids, which of them it has seen — never the checks.
 */
export class CheckSelector {
  private readonly selected: number[] = [];
  private readonly listed: ReadonlySet<number> | undefined;
  private readonly tags: ReadonlySet<string> | undefined;
  private readonly seen = new Set<number>();
  private lastId = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly selection: CheckSelection,
    private readonly sourceContainerId: number,
  ) {
    this.listed = selection.check_ids === undefined ? undefined : new Set(selection.check_ids);
    this.tags = selection.check_ids !== undefined || selection.check_tags === undefined ? undefined : new Set(selection.check_tags);
  }

  /** Takes the next page of the container's checks (ids ascending, above every earlier page's). */
  add(page: readonly CheckSelectionKey[]): void {
    for (let index = 0; index < page.length; index++) {
      const check = page[index] as CheckSelectionKey;
      if (check.id <= this.lastId) throw new Error(`defect: check keys out of order (${check.id} after ${this.lastId})`);
      this.lastId = check.id;
      if (this.listed !== undefined) {
        if (!this.listed.has(check.id)) continue;
        this.seen.add(check.id);
        if (promotable(check)) this.selected.push(check.id);
      } else if (promotable(check) && (this.tags === undefined || check.tags.some((tag) => (this.tags as ReadonlySet<string>).has(tag)))) {
        this.selected.push(check.id);
      }
    }
  }

  /**
   * The selected ids in processing order (ascending id). Listed ids that are not checks of the source
   * container are a 422 naming them; listed archived or discarded checks are silently left out (the
   * seed's exception).
   */
  finish(): Result<number[], UnprocessableError> {
    if (this.selection.check_ids !== undefined) {
      const unknown = this.selection.check_ids.filter((id) => !this.seen.has(id));
      if (unknown.length > 0) {
        return err(unprocessable(`Quality check(s) ${idListText(unknown)} are not checks of container ${this.sourceContainerId}`));
      }
    }
    return ok(this.selected);
  }
}

/**
 * Which checks of the source container a request selects (§3), in processing order (ascending id):
 * {@link CheckSelector} over the whole container at once.
 */
export function selectChecks(sourceChecks: readonly QualityCheck[], selection: CheckSelection, sourceContainerId: number): Result<QualityCheck[], UnprocessableError> {
  const sorted = [...sourceChecks].sort((a, b) => a.id - b.id);
  const selector = new CheckSelector(selection, sourceContainerId);
  selector.add(sorted);
  return selector.finish().map((ids) => {
    const chosen = new Set(ids);
    return sorted.filter((check) => chosen.has(check.id));
  });
}
