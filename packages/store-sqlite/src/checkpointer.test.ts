import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { startCheckpointer } from './checkpointer.js';

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'promote-checkpointer-'));
});
afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

describe('the checkpoint thread (decision 0904)', () => {
  test('a thread that cannot open its file is reported lost, once, and stop() still resolves', async () => {
    const causes: unknown[] = [];
    let reported: () => void = () => undefined;
    const lost = new Promise<void>((resolve) => (reported = resolve));
    const checkpointer = startCheckpointer(join(directory, 'missing.db'), (cause) => {
      causes.push(cause);
      reported();
    });
    await lost;
    await checkpointer.stop();
    // Once, though the thread both fails and exits.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(causes).toHaveLength(1);
    expect(causes[0]).toBeDefined();
  });

  test('a thread stopped on request is not reported lost', async () => {
    const causes: unknown[] = [];
    const checkpointer = startCheckpointer(join(directory, 'missing.db'), (cause) => causes.push(cause));
    await checkpointer.stop();
    expect(causes).toEqual([]);
  });
});
