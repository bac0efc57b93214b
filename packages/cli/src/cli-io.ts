/** A stream the CLI writes to. */
export interface OutputStream {
  write(text: string): unknown;
  /** Whether it is a terminal (progress bars are drawn on terminals only). */
  readonly isTTY?: boolean | undefined;
  /** Its height in lines, when it is a terminal (a report longer than that shows its failures only). */
  readonly rows?: number | undefined;
}

/** What the CLI reads and writes besides files: injectable, so that it can run inside another program. */
export interface CliIo {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  /** Environment variables (`PORT`). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /**
   * Calls `handler` on SIGINT and SIGTERM until the returned function is called. Default (in
   * `main.ts`): the process's signals.
   */
  readonly onSignal: (handler: (signal: 'SIGINT' | 'SIGTERM') => void) => () => void;
  /** Reads standard input to its end (`--request -`). Default (in `main.ts`): the process's stdin. */
  readonly readStdin?: (() => Promise<string>) | undefined;
}

/**
 * The process's own streams, environment and signals. A reader that goes away (`promote export |
 * head -1`) ends the process quietly with exit code 0, as a closed pipe ends `cat`: no stack trace
 * (decision 0403).
 */
export function processIo(): CliIo {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(0);
      throw error;
    });
  }
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    async readStdin() {
      let text = '';
      for await (const chunk of process.stdin) text += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
      return text;
    },
    onSignal(handler) {
      const listener = (signal: NodeJS.Signals) => handler(signal === 'SIGTERM' ? 'SIGTERM' : 'SIGINT');
      process.on('SIGINT', listener);
      process.on('SIGTERM', listener);
      return () => {
        process.off('SIGINT', listener);
        process.off('SIGTERM', listener);
      };
    },
  };
}

/** Writes lines (each ended by a newline). */
export function writeLines(stream: OutputStream, lines: readonly string[]): void {
  if (lines.length > 0) stream.write(`${lines.join('\n')}\n`);
}
