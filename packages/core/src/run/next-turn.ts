/**
 * Resolves once the event loop has gone round: after the I/O and timers that are due now. The long
 * steps of a promotion (selection pages, lineage passes, chunks, commits) await it between their
 * parts, so that a server on the same thread keeps answering (SPEC §19).
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
