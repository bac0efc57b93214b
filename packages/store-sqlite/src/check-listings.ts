import type { QualityCheck, WorldEdit } from '@promote/core';

/**
 * What a write may change of the checks a store keeps: the containers its check creations and
 * updates write into, and the checks it updates (an update may move a check out of the container
 * it was in); or `'any'` when it deletes something (a deleted check or container does not say
 * where it was). Writes of computed fields, fields and containers change no check.
 */
export type ChecksWritten = { readonly containers: ReadonlySet<number>; readonly updated: ReadonlySet<number> } | 'any';

/** Nothing of any check: a write of other tables only. */
export const noChecksWritten: ChecksWritten = { containers: new Set(), updated: new Set() };

/** The {@link ChecksWritten} of a commit's writes. */
export function checkContainersWritten(writes: Iterable<WorldEdit | undefined>): ChecksWritten {
  const containers = new Set<number>();
  const updated = new Set<number>();
  for (const write of writes) {
    if (write === undefined) continue;
    if (write.kind === 'delete') return 'any';
    if (write.kind === 'create_check' || write.kind === 'update_check') containers.add(write.value.container_id);
    if (write.kind === 'update_check') updated.add(write.value.id);
  }
  return { containers, updated };
}

/** A container's checks, all of them, ascending id, deep-frozen, as read at `dataVersion`. */
interface Listing {
  readonly containerId: number;
  readonly dataVersion: number;
  /** Every check of the container with an id above this: `-Infinity` for a listing, 0 for a selection's (which reads from id 0 on). */
  readonly above: number;
  readonly checks: readonly QualityCheck[];
  /** Built on the first lookup by id. */
  byId?: ReadonlyMap<number, QualityCheck>;
}

/** A selection's pages read so far as whole checks (see {@link CheckListings.readsWholeChecks}). */
interface Selecting {
  readonly containerId: number;
  readonly dataVersion: number;
  readonly checks: QualityCheck[];
}

/**
 * The checks of the containers a store listed last, kept while nothing can have changed them, so
 * that a promotion does not read and decode the same checks twice: its selection reads the source
 * container's checks page by page (`Store.listCheckKeys`) and its planning reads the same checks by
 * id a moment later (`Store.getChecks`); a re-promotion of 10,000 checks read its sources twice
 * (the selection's keys, then the checks: 44–57 ms of 160–210 ms, decision 0912).
 *
 * A selection of a container of at most {@link wholeChecksLimit} checks reads whole checks rather
 * than keys and, when its last page is in, keeps them as that container's listing; past the limit it
 * reads keys only (a million checks are not held). `listChecks` keeps what it lists too. At most
 * {@link maxListings} containers are kept, the last listed first.
 *
 * A listing is dropped by any write of the store that may change its container's checks
 * ({@link forget}: the store calls it before each write transaction) and by a commit of any other
 * connection to the file (`PRAGMA data_version` moves; `dataVersion` reads it).
 */
export class CheckListings {
  /** Checks a selection reads whole at most (≈ 10–15 MB decoded, shared values aside). */
  static readonly wholeChecksLimit = 20_000;
  /** Containers kept at most: a promotion's source and destination. */
  static readonly maxListings = 2;

  private listings: Listing[] = [];
  private selecting: Selecting | undefined;

  /**
   * `dataVersion` reads `PRAGMA data_version`; `wholeChecksLimit` is {@link CheckListings.wholeChecksLimit}
   * but for tests, and 0 keeps nothing (a store on a handle its caller owns, who may write on it:
   * writes on the same connection do not move `data_version`).
   */
  constructor(
    private readonly dataVersion: () => number,
    private readonly wholeChecksLimit = CheckListings.wholeChecksLimit,
  ) {}

  /**
   * The kept checks of `containerId` with an id above `afterId` (all of them by default), if
   * nothing can have changed them since they were read; ascending id.
   */
  listed(containerId: number, afterId = -Infinity): readonly QualityCheck[] | undefined {
    // `PRAGMA data_version` is asked only when something is kept (a promotion of a million checks keeps nothing).
    if (this.listings.length === 0) return undefined;
    const version = this.dataVersion();
    return this.listings.find((listing) => listing.containerId === containerId && listing.dataVersion === version && listing.above <= afterId)?.checks;
  }

  /**
   * Keeps `checks`, every check of `containerId` read at `dataVersion`, ascending id, deep-frozen;
   * not when they are more than {@link wholeChecksLimit} (a million checks are not held once read).
   */
  keep(containerId: number, dataVersion: number, checks: readonly QualityCheck[], above = -Infinity): void {
    if (this.wholeChecksLimit === 0 || checks.length > this.wholeChecksLimit) return;
    this.listings = [{ containerId, dataVersion, above, checks }, ...this.listings.filter((listing) => listing.containerId !== containerId)].slice(0, CheckListings.maxListings);
  }

  /**
   * The checks of `ids` that exist (ascending id, each once) when a kept listing holds every one of
   * them; `undefined` otherwise. A promotion of every check of a container asks for the listing
   * itself, in its order.
   */
  find(ids: readonly number[]): readonly QualityCheck[] | undefined {
    if (ids.length === 0) return [];
    if (this.listings.length === 0) return undefined;
    const version = this.dataVersion();
    for (const listing of this.listings) {
      if (listing.dataVersion !== version) continue;
      const { checks } = listing;
      if (ids.length === checks.length && checks.every((check, index) => check.id === ids[index])) return checks;
      // Another container's checks (a promotion's destination, when its sources are asked for) are passed over without a map.
      const first = ids[0] as number;
      if (checks.length === 0 || first < (checks[0] as QualityCheck).id || first > (checks[checks.length - 1] as QualityCheck).id) continue;
      const byId = (listing.byId ??= new Map(checks.map((check) => [check.id, check])));
      if (!ids.every((id) => byId.has(id))) continue;
      return ascendingOnce(ids).map((id) => byId.get(id) as QualityCheck);
    }
    return undefined;
  }

  /**
   * Whether the selection page of `containerId` after `afterId` of at most `limit` checks is to be
   * read as whole checks ({@link addSelectionPage}) rather than keys: the first page of a container
   * that holds at most {@link wholeChecksLimit} checks (`holdsMoreThan` asks the store), and each
   * next one while the checks read so far and the page fit the limit.
   */
  readsWholeChecks(containerId: number, afterId: number, limit: number, holdsMoreThan: (count: number) => boolean): boolean {
    if (afterId !== 0 && this.selecting === undefined) return false;
    const version = this.dataVersion();
    // A container of more checks than the limit is read as keys from its first page: reading whole
    // checks only to drop them made the first steps of a million-check promotion longer.
    const starts = afterId === 0 && this.wholeChecksLimit > 0 && !holdsMoreThan(this.wholeChecksLimit);
    const selecting = starts ? { containerId, dataVersion: version, checks: [] } : afterId === 0 ? undefined : this.selecting;
    const continues =
      selecting !== undefined &&
      selecting.containerId === containerId &&
      selecting.dataVersion === version &&
      (selecting.checks.at(-1)?.id ?? 0) === afterId &&
      selecting.checks.length + limit <= this.wholeChecksLimit;
    this.selecting = continues ? selecting : undefined;
    return continues;
  }

  /** A page read as whole checks; the last one (fewer than `limit`) makes the selection's checks the container's listing. */
  addSelectionPage(containerId: number, page: readonly QualityCheck[], limit: number): void {
    const { selecting } = this;
    if (selecting === undefined || selecting.containerId !== containerId) return;
    for (const check of page) selecting.checks.push(check);
    if (page.length < limit) {
      this.selecting = undefined;
      this.keep(containerId, selecting.dataVersion, Object.freeze(selecting.checks), 0);
    }
  }

  /** Drops what a write of `written` may make untrue: listings of the containers it writes into, and those holding a check it updates. */
  forget(written: ChecksWritten): void {
    const changes = (containerId: number, checks: readonly QualityCheck[]) =>
      written === 'any' || written.containers.has(containerId) || [...written.updated].some((id) => holds(checks, id));
    this.listings = this.listings.filter((listing) => !changes(listing.containerId, listing.checks));
    if (this.selecting !== undefined && changes(this.selecting.containerId, this.selecting.checks)) this.selecting = undefined;
  }
}

/** Whether `checks` (ascending id) holds check `id`. */
function holds(checks: readonly QualityCheck[], id: number): boolean {
  let low = 0;
  for (let high = checks.length; low < high; ) {
    const middle = (low + high) >>> 1;
    if ((checks[middle] as QualityCheck).id < id) low = middle + 1;
    else high = middle;
  }
  return checks[low]?.id === id;
}

/** `ids` ascending, each once. */
function ascendingOnce(ids: readonly number[]): readonly number[] {
  let ascending = true;
  for (let index = 1; index < ids.length && ascending; index++) ascending = (ids[index] as number) > (ids[index - 1] as number);
  return ascending ? ids : [...new Set(ids)].sort((a, b) => a - b);
}
