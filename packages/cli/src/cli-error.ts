import { assertNever, describeError, type PromoteError, type WorldProblem } from '@promote/core';

/** Exit codes of `promote` (docs/cli.md). */
export const exitCodes = {
  /** Everything asked for was done; no operation ended in `failure`. */
  success: 0,
  /** An operation ended in `failure` (or was aborted), or the engine failed while running (store, network). */
  failure: 1,
  /** A request was refused (the HTTP API would answer 4xx), or the command could not start: usage, files, world, user. */
  refused: 2,
} as const;

/** An exit code of `promote`. */
export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];

/** Everything that stops a command before or outside an operation: each is one clear message, never a stack trace. */
export type CliError =
  | { readonly kind: 'usage'; readonly message: string; readonly command?: string | undefined }
  | { readonly kind: 'file_not_found'; readonly path: string; readonly what: string }
  | { readonly kind: 'file_unreadable'; readonly path: string; readonly reason: string }
  | { readonly kind: 'file_unwritable'; readonly path: string; readonly reason: string }
  | { readonly kind: 'invalid_json'; readonly path: string; readonly reason: string }
  | { readonly kind: 'invalid_world'; readonly path: string; readonly problems: readonly WorldProblem[] }
  | { readonly kind: 'unknown_user'; readonly email: string; readonly known: readonly string[] }
  | { readonly kind: 'database'; readonly path: string; readonly reason: string }
  | { readonly kind: 'empty_database'; readonly path: string; readonly missing?: boolean | undefined }
  | { readonly kind: 'listen'; readonly address: string; readonly reason: string }
  | { readonly kind: 'engine'; readonly error: PromoteError };

/** The exit code of a {@link CliError}. */
export function toExitCode(error: CliError): ExitCode {
  switch (error.kind) {
    case 'usage':
    case 'file_not_found':
    case 'file_unreadable':
    case 'file_unwritable':
    case 'invalid_json':
    case 'invalid_world':
    case 'unknown_user':
    case 'database':
    case 'empty_database':
      return exitCodes.refused;
    case 'listen':
      return exitCodes.failure;
    case 'engine':
      return error.error.kind === 'store_failure' ? exitCodes.failure : exitCodes.refused;
    default:
      return assertNever(error);
  }
}

/**
 * The lines that explain a {@link CliError}: one line, except an invalid world, which gets a line
 * per problem after its first.
 */
export function describeCliError(error: CliError): string[] {
  switch (error.kind) {
    case 'usage':
      return [`${error.message} (see: promote ${error.command === undefined ? '' : `${error.command} `}--help)`];
    case 'file_not_found':
      return [`${error.what} not found: ${error.path}`];
    case 'file_unreadable':
      return [`cannot read ${error.path}: ${error.reason}`];
    case 'file_unwritable':
      return [`cannot write ${error.path}: ${error.reason}`];
    case 'invalid_json':
      return [`${error.path} is not valid JSON: ${error.reason}`];
    case 'invalid_world':
      return [
        `invalid world ${error.path}: ${error.problems.length} problem${error.problems.length === 1 ? '' : 's'}, nothing was loaded`,
        ...error.problems.map((problem) => `  ${problem.path}: ${problem.message}`),
      ];
    case 'unknown_user':
      return [`unknown user ${error.email}${error.known.length === 0 ? ': the world has no users' : ` (users of this world: ${error.known.join(', ')})`}`];
    case 'database':
      return [`cannot open database ${error.path}: ${error.reason}`];
    case 'empty_database':
      return error.missing === true
        ? [`the database ${error.path} does not exist: give --world FILE to create it from a world`]
        : [`the database ${error.path} holds no world yet: give --world FILE to load one`];
    case 'listen':
      return [`cannot listen on ${error.address}: ${error.reason}`];
    case 'engine':
      return [describeError(error.error)];
    default:
      return assertNever(error);
  }
}
