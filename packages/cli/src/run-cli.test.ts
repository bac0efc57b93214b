import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { loadWorld } from '@promote/core';
import { openSqliteStore } from '@promote/store-sqlite';
import { afterAll, describe, expect, test } from 'vitest';
import type { CliIo } from './cli-io.js';
import { progressBar } from './render/progress-bar.js';
import { runCli } from './run-cli.js';
import { removeTempDirectories, root, tempDirectory } from './testing/built-cli.js';

/** An in-process io that records what is written. */
function recordingIo(options: { readonly tty?: boolean; readonly env?: Record<string, string> } = {}) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const io: CliIo = {
    stdout: { write: (text: string) => stdout.push(text), isTTY: options.tty ?? false },
    stderr: { write: (text: string) => stderr.push(text), isTTY: options.tty ?? false },
    env: options.env ?? {},
    onSignal: () => () => undefined,
  };
  return { io, stdout: () => stdout.join(''), stderr: () => stderr.join('') };
}

async function exampleDatabase(): Promise<string> {
  const db = join(tempDirectory(), 'promote.sqlite');
  const store = await openSqliteStore({ filename: db });
  await loadWorld(store, JSON.parse(readFileSync(join(root, 'docs/examples/world.json'), 'utf8')));
  await store.close();
  return db;
}

afterAll(removeTempDirectories);

const qcAllActive = join(root, 'docs/examples/requests/qc-all-active.json');

describe('progressBar', () => {
  test('processed / total, filled in proportion', () => {
    expect(progressBar(0, 4, 8)).toBe('[░░░░░░░░] 0/4');
    expect(progressBar(2, 4, 8)).toBe('[████░░░░] 2/4');
    expect(progressBar(25, 25, 4)).toBe('[████] 25/25');
    expect(progressBar(7, 25, 4)).toBe('[█░░░]  7/25');
    expect(progressBar(0, 0, 4)).toBe('[████] 0/0');
  });
});

describe('promote run: the progress bar', () => {
  test('on a terminal: the phases from the first moment, then a bar with percentage, count, rate, elapsed and estimate, ending at the total', async () => {
    const db = await exampleDatabase();
    const { io, stdout, stderr } = recordingIo({ tty: true });
    expect(await runCli(['run', '--db', db, '--as', 'jane@example.com', '--request', qcAllActive], io)).toBe(0);
    // Colours on (a terminal); the checks below read the text without them.
    expect(stderr()).toContain('\x1b[36mOpening');
    const drawn = stderr().replace(/\x1b\[\d+m/g, '');
    expect(drawn.startsWith(`\r\x1b[KOpening ${db} …`)).toBe(true);
    for (const phase of ['Recovering interrupted operations', 'Selecting', 'Planning', 'Validating and writing']) expect(drawn).toContain(`${phase} …`);
    // The last frame cli-progress draws: full, 100 %, 25/25, a rate, the elapsed time and the estimate.
    const frames = drawn.split(/\r|\x1b\[\d*G/).filter((frame) => frame.includes('Writing'));
    expect(frames.at(-1)).toMatch(/Writing █{24} 100% \| 25\/25 entities \| [\d,–]+\/s \| \d+s \| ETA 0s/);
    expect(stdout()).toContain('25 total: 19 created, 2 updated, 1 skipped, 3 failed');
    expect(stdout()).not.toContain('█');
  });

  test('Ctrl+C aborts; the summary says how many entities were never processed and how to resume them', async () => {
    const db = await exampleDatabase();
    const out: string[] = [];
    let interrupt: ((signal: 'SIGINT' | 'SIGTERM') => void) | undefined;
    const io: CliIo = {
      stdout: { write: (text: string) => out.push(text) },
      // Ctrl+C as soon as the engine starts planning.
      stderr: { write: (text: string) => (text.startsWith('Planning') ? interrupt?.('SIGINT') : undefined) },
      env: {},
      onSignal: (handler) => {
        interrupt = handler;
        return () => (interrupt = undefined);
      },
    };
    expect(await runCli(['run', '--db', db, '--as', 'jane@example.com', '--request', qcAllActive], io)).toBe(1);
    const report = out.join('');
    const summary = /Aborted: (\d+) of 25 entities processed, (\d+) never processed\.\nResume them with: promote resume 1 --db (\S+) --as jane@example\.com\n$/.exec(report);
    expect(summary).not.toBeNull();
    expect(Number(summary![1]) + Number(summary![2])).toBe(25);
    expect(Number(summary![2])).toBeGreaterThan(0);
    expect(summary![3]).toBe(db);
  });

  test('elsewhere: one plain line per phase on stderr, no bar, no escape codes', async () => {
    const db = await exampleDatabase();
    const { io, stderr } = recordingIo({ tty: false });
    expect(await runCli(['run', '--db', db, '--as', 'jane@example.com', '--request', qcAllActive], io)).toBe(0);
    expect(stderr()).not.toMatch(/\x1b|█/);
    expect(stderr().split('\n').filter((line) => line !== '')).toEqual([
      `Opening ${db} …`,
      'Recovering interrupted operations …',
      'Selecting …',
      'Waiting for the destination (another operation holds it) …',
      'Planning …',
      'Validating and writing …',
      'Writing 25 of 25 entities …',
    ]);
  });

  test('colours: on a terminal, never with NO_COLOR, always with FORCE_COLOR; --results failed shows the failures and how many others', async () => {
    const db = await exampleDatabase();
    const coloured = recordingIo({ tty: false, env: { FORCE_COLOR: '1' } });
    expect(await runCli(['run', '--db', db, '--as', 'jane@example.com', '--request', qcAllActive, '--results', 'failed'], coloured.io)).toBe(0);
    expect(coloured.stdout()).toContain('\x1b[32msuccess\x1b[39m');
    expect(coloured.stdout()).toContain('(22 results that did not fail not shown: --results all shows every one)');
    expect(coloured.stdout().split('\n').filter((line) => /\s(created|updated|skipped)\s/.test(line))).toEqual([]);
    const plain = recordingIo({ tty: true, env: { NO_COLOR: '1' } });
    expect(await runCli(['run', '--db', await exampleDatabase(), '--as', 'jane@example.com', '--request', qcAllActive, '--summary'], plain.io)).toBe(0);
    expect(plain.stdout()).not.toContain('\x1b[');
    const bad = recordingIo();
    expect(await runCli(['run', '--db', db, '--as', 'jane@example.com', '--request', qcAllActive, '--results', 'some'], bad.io)).toBe(2);
    expect(bad.stderr()).toContain("--results takes all, failed or none, not 'some'");
  });
});

describe('runCli in process', () => {
  test('user errors are one line on stderr, prefixed by the command', async () => {
    const { io, stdout, stderr } = recordingIo();
    expect(await runCli(['export'], io)).toBe(2);
    expect(stderr()).toBe('promote export: missing --db (see: promote export --help)\n');
    expect(stdout()).toBe('');
  });

  test('an option that takes one value, given twice, is a usage error', async () => {
    const { io, stderr } = recordingIo();
    expect(await runCli(['export', '--db', 'a.sqlite', '--db', 'b.sqlite'], io)).toBe(2);
    expect(stderr()).toBe('promote export: option --db given more than once (see: promote export --help)\n');
  });

  test('a defect is one line, exit 1, no stack', async () => {
    const { io, stderr } = recordingIo();
    const exploding: CliIo = { ...io, stdout: { write: () => { throw new Error('EPIPE: broken pipe\n    at Socket.write (node:net:1:1)'); } } };
    const db = await exampleDatabase();
    expect(await runCli(['export', '--db', db], exploding)).toBe(1);
    expect(stderr()).toBe('promote export: internal error: EPIPE: broken pipe\n');
  });
});

describe('help texts', () => {
  test('speak for themselves: no spec section numbers, no paths into a repository an installed package does not have', async () => {
    const texts: string[] = [];
    for (const args of [['--help'], ['run', '--help'], ['serve', '--help'], ['simulate', '--help'], ['plan', '--help'], ['export', '--help'], ['init', '--help'], ['list', '--help'], ['abort', '--help'], ['completion', '--help']]) {
      const { io, stdout, stderr } = recordingIo();
      expect(await runCli(args, io)).toBe(0);
      texts.push(stdout() + stderr());
    }
    for (const text of texts) {
      expect(text).toMatch(/^Usage: promote/m);
      expect(text).not.toMatch(/§|docs\//);
    }
  });
});

describe('did you mean, and shell completion', () => {
  test('a mistyped command or option is answered with the name that was probably meant', async () => {
    const command = recordingIo();
    expect(await runCli(['simulat', '--world', 'w.json'], command.io)).toBe(2);
    expect(command.stderr()).toMatch(/^promote: unknown command 'simulat' — did you mean 'simulate'\?/);
    const option = recordingIo();
    expect(await runCli(['simulate', '--wrold', 'w.json'], option.io)).toBe(2);
    expect(option.stderr()).toMatch(/^promote simulate: unknown option --wrold; did you mean --world\?/);
    const far = recordingIo();
    expect(await runCli(['deploy'], far.io)).toBe(2);
    expect(far.stderr()).not.toContain('did you mean');
  });

  test('promote completion bash completes commands and each command\'s options in a real bash', async () => {
    const { io, stdout } = recordingIo();
    expect(await runCli(['completion', 'bash'], io)).toBe(0);
    const script = stdout();
    const complete = (words: readonly string[]) =>
      execFileSync('bash', ['-c', `${script}\nCOMP_WORDS=(${words.map((word) => `'${word}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _promote; printf '%s\\n' "\${COMPREPLY[@]}"`], { encoding: 'utf8' })
        .trim()
        .split('\n');
    expect(complete(['promote', 'si'])).toEqual(['simulate']);
    expect(complete(['promote', 'serve', '--w'])).toEqual(['--world']);
    expect(complete(['promote', 'run', '--'])).toEqual(expect.arrayContaining(['--db', '--as', '--request', '--json', '--help']));
    const zsh = recordingIo();
    expect(await runCli(['completion', 'zsh'], zsh.io)).toBe(0);
    expect(zsh.stdout()).toContain('bashcompinit');
    const wrong = recordingIo();
    expect(await runCli(['completion', 'fish'], wrong.io)).toBe(2);
    expect(wrong.stderr()).toContain("no completion for 'fish'");
  });
});
