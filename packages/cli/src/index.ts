export { runCli } from './run-cli.js';
export { processIo, type CliIo, type OutputStream } from './cli-io.js';
export { exitCodes, toExitCode, describeCliError, type CliError, type ExitCode } from './cli-error.js';
export { serveDefaults } from './commands/serve.js';
export { operationReport } from './render/operation-report.js';
export { progressBar } from './render/progress-bar.js';
