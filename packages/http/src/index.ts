export { createApp, defaultMaxBodyBytes, defaultReadinessTimeoutMs, storeReadiness, type AppEnv, type CreateAppOptions, type Readiness } from './create-app.js';
export { createMetricsApp, type MetricsAppOptions } from './metrics-app.js';
export { operatorRoutes, type AppTelemetry, type MetricsExposition, type RequestRecord } from './app-telemetry.js';
export { bearerToken, serviceAuthenticator, tokenAuthenticator, type Authenticate } from './authenticate.js';
export { toHttpError, bearerChallenge, type ErrorBody, type ErrorStatus, type HttpError } from './to-http-error.js';
// The world-read query schemas live in core now (the service reads the world); re-exported for existing imports.
export { datastoreListQuerySchema, containerListQuerySchema, containerContentQuerySchema, type ContainerWithFields } from '@promote/core';
export { openApiDocument, requestExamples, type OpenApiDocument, type OpenApiOperation, type OpenApiParameter, type JsonObject } from './openapi/openapi-document.js';
export { renderDocsPage } from './openapi/docs-page.js';
export {
  operationSchema,
  operationSummarySchema,
  planSchema,
  promoteResultSchema,
  pageSchema,
  datastoreSchema,
  containerSchema,
  containerWithFieldsSchema,
  fieldSchema,
  qualityCheckSchema,
  computedFieldSchema,
  validationErrorSchema,
  messageErrorSchema,
  healthSchema,
  readinessSchema,
} from './openapi/response-schemas.js';
