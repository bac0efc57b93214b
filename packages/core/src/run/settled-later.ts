import type { Result, ResultAsync } from 'neverthrow';

/**
 * A read started now and awaited later, or never: what it was read ahead for may end first (an
 * abort, a failed commit, a phase with nothing to match). A defect thrown there must not become an
 * unhandled rejection then; whoever awaits the promise still sees it.
 */
export function settledLater<T, E>(read: ResultAsync<T, E>): Promise<Result<T, E>> {
  const settled = Promise.resolve(read);
  settled.catch(() => undefined);
  return settled;
}
