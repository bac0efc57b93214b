// `@promote/http/telemetry`: pino and prom-client behind the app's and the engine's telemetry
// ports, apart from the app so that `@promote/http` itself loads neither (decision 0800).
export { createTelemetry, isLogLevel, logLevels, type Level, type LevelWithSilent, type Telemetry, type TelemetryOptions } from './create-telemetry.js';
export { createPromoteMetrics, type PromoteMetrics, type PromoteMetricsOptions } from './promote-metrics.js';
export { logEngineEvent, logRequest } from './log-lines.js';
