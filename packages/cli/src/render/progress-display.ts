import pc from 'picocolors';
import cliProgress from 'cli-progress';
import type { OperationProgress } from '@promote/core';
import type { OutputStream } from '../cli-io.js';

/** What a long command shows while it works: a phase line from the first moment, then a bar. */
export interface ProgressDisplay {
  /** A phase before the bar (`Opening promote.sqlite`, `Planning` …). */
  phase(text: string): void;
  /** The engine's progress of one operation. */
  progress(event: OperationProgress): void;
  /** Ends the display (the bar stays on the terminal, its line ended). */
  stop(): void;
}

const phaseText: Readonly<Record<Exclude<OperationProgress['phase'], 'writing'>, string>> = {
  waiting: 'Waiting for the destination (another operation holds it)',
  planning: 'Planning',
  validating: 'Validating and writing',
  taken_over: 'Continuing an operation another instance left',
};

/**
 * On a terminal: the phase on one line, redrawn in place, then a bar (cli-progress) with the
 * percentage, entities per second, the elapsed time and an estimate, redrawn at most ten times a
 * second as commits land. Elsewhere (a pipe, a log): one plain line per phase, no bar.
 */
export function progressDisplay(stream: OutputStream, options: { readonly colour: boolean; readonly label: string }): ProgressDisplay {
  const tty = stream.isTTY === true;
  let bar: cliProgress.SingleBar | undefined;
  let lastPhase: string | undefined;
  let started = 0;
  let startedAt = 0;
  let writing = false;
  const cyan = pc.createColors(options.colour).cyan;
  const show = (text: string) => {
    if (text === lastPhase) return;
    lastPhase = text;
    if (tty) stream.write(`\r\x1b[K${cyan(text)} …`);
    else stream.write(`${text} …\n`);
  };
  return {
    phase: show,
    progress(event) {
      if (event.phase !== 'writing') {
        show(phaseText[event.phase]);
        return;
      }
      if (!tty) {
        if (!writing) show(`Writing ${event.total - event.processed} of ${event.total} ${options.label}`);
        writing = true;
        return;
      }
      if (bar === undefined) {
        stream.write('\r\x1b[K');
        bar = new cliProgress.SingleBar(
          {
            stream: stream as unknown as NodeJS.WritableStream,
            format: `${cyan('Writing')} {bar} {percentage}% | {value}/{total} ${options.label} | {rate}/s | {duration_formatted} | ETA {eta_formatted}`,
            fps: 10,
            etaBuffer: 40,
            hideCursor: true,
            clearOnComplete: false,
            barsize: 24,
          },
          cliProgress.Presets.shades_classic,
        );
        started = event.processed;
        startedAt = performance.now();
        bar.start(event.total, event.processed, { rate: '–' });
        return;
      }
      const seconds = (performance.now() - startedAt) / 1000;
      bar.update(event.processed, { rate: seconds > 0 ? Math.round((event.processed - started) / seconds).toLocaleString('en-US') : '–' });
    },
    stop() {
      if (bar !== undefined) bar.stop();
      else if (tty && lastPhase !== undefined) stream.write('\r\x1b[K');
    },
  };
}

/**
 * Whether to colour a stream: `FORCE_COLOR` (not `0`) forces it, `NO_COLOR` (any value) turns it
 * off, otherwise only a terminal gets colours (https://no-color.org).
 */
export function useColour(stream: OutputStream, env: Readonly<Record<string, string | undefined>>): boolean {
  const force = env['FORCE_COLOR'];
  if (force !== undefined && force !== '' && force !== '0') return true;
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  if (force === '0') return false;
  return stream.isTTY === true;
}
