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
  test('is drawn on a terminal, on stderr, and ends at processed / total', async () => {
    const db = await exampleDatabase();
    const { io, stdout, stderr } = recordingIo({ tty: true });
    expect(await runCli(['run', '--db', db, '--as', 'jane@example.com', '--request', qcAllActive], io)).toBe(0);
    expect(stderr()).toMatch(/\r\[█{30}\] 25\/25\x1b\[K\n$/);
    expect(stdout()).toContain('25 total: 19 created, 2 updated, 1 skipped, 3 failed');
    expect(stdout()).not.toContain('█');
  });

  test('is not drawn when stderr is not a terminal', async () => {
    const db = await exampleDatabase();
    const { io, stderr } = recordingIo({ tty: false });
    expect(await runCli(['run', '--db', db, '--as', 'jane@example.com', '--request', qcAllActive], io)).toBe(0);
    expect(stderr()).toBe('');
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
