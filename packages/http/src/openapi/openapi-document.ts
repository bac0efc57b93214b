import {
  operationListQuerySchema,
  promoteComputedFieldSchema,
  promoteComputedFileSchema,
  promoteComputedTableSchema,
  promoteQualityCheckSchema,
  operationRequestSchema,
  revertRequestSchema,
  resultListQuerySchema,
  containerContentQuerySchema,
  containerListQuerySchema,
  datastoreListQuerySchema,
} from '@promote/core';
import { z } from 'zod';
import {
  computedFieldSchema,
  containerWithFieldsSchema,
  datastoreSchema,
  messageErrorSchema,
  healthSchema,
  readinessSchema,
  operationSchema,
  abortedOperationSchema,
  operationSummarySchema,
  pageSchema,
  planSchema,
  promoteResultSchema,
  qualityCheckSchema,
  validationErrorSchema,
} from './response-schemas.js';

/** A JSON Schema or OpenAPI object, as plain JSON. */
export type JsonObject = { [key: string]: unknown };

/** The OpenAPI 3.1 document of the API, as served at `GET /api/openapi.json`. */
export interface OpenApiDocument extends JsonObject {
  readonly openapi: '3.1.0';
  readonly info: { readonly title: string; readonly version: string; readonly description: string };
  readonly paths: Record<string, Record<string, OpenApiOperation>>;
  readonly components: { readonly schemas: Record<string, JsonObject>; readonly securitySchemes: JsonObject };
  /** Where the paths are served: the app's base path (`/` when it is not mounted under one). */
  readonly servers: readonly { readonly url: string; readonly description: string }[];
}

/** One operation (method + path) of the {@link OpenApiDocument}. */
export interface OpenApiOperation extends JsonObject {
  readonly operationId: string;
  readonly summary: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly parameters: readonly OpenApiParameter[];
  readonly requestBody?: JsonObject;
  readonly responses: Record<string, { readonly description: string; readonly content?: JsonObject }>;
  readonly security?: readonly JsonObject[];
}

/** A path or query parameter of an {@link OpenApiOperation}. */
export interface OpenApiParameter extends JsonObject {
  readonly name: string;
  readonly in: 'path' | 'query';
  readonly required: boolean;
  readonly description: string;
  readonly schema: JsonObject;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** The named schemas of `components.schemas`, generated from the zod schemas. */
function componentSchemas(): Record<string, JsonObject> {
  const registry = z.registry<{ id: string }>();
  const named: readonly (readonly [string, z.ZodType])[] = [
    ['PromoteRequest', operationRequestSchema],
    ['RevertRequest', revertRequestSchema],
    ['PromoteQualityCheckRequest', promoteQualityCheckSchema],
    ['PromoteComputedFieldRequest', promoteComputedFieldSchema],
    ['PromoteComputedTableRequest', promoteComputedTableSchema],
    ['PromoteComputedFileRequest', promoteComputedFileSchema],
    ['Operation', operationSchema],
    ['AbortedOperation', abortedOperationSchema],
    ['OperationSummary', operationSummarySchema],
    ['Plan', planSchema],
    ['PromoteResult', promoteResultSchema],
    ['PageOfPromoteResults', pageSchema(promoteResultSchema)],
    ['PageOfOperationSummaries', pageSchema(operationSummarySchema)],
    ['Datastore', datastoreSchema],
    ['PageOfDatastores', pageSchema(datastoreSchema)],
    ['PageOfContainers', pageSchema(containerWithFieldsSchema)],
    ['QualityCheck', qualityCheckSchema],
    ['PageOfQualityChecks', pageSchema(qualityCheckSchema)],
    ['ComputedField', computedFieldSchema],
    ['PageOfComputedFields', pageSchema(computedFieldSchema)],
    ['ValidationError', validationErrorSchema],
    ['MessageError', messageErrorSchema],
    ['Health', healthSchema],
    ['Readiness', readinessSchema],
  ];
  for (const [id, schema] of named) registry.add(schema, { id });
  const generated = z.toJSONSchema(registry, { io: 'input', uri: (id) => `#/components/schemas/${id}`, unrepresentable: 'any' });
  const schemas: Record<string, JsonObject> = {};
  for (const [id, schema] of Object.entries(generated.schemas)) {
    const { $schema: _dialect, $id: _id, ...rest } = schema as JsonObject;
    schemas[id] = rest;
  }
  for (const id of ['PromoteQualityCheckRequest', 'PromoteComputedFieldRequest', 'PromoteComputedTableRequest', 'PromoteComputedFileRequest', 'RevertRequest']) {
    schemas[id] = describeProperties(schemas[id] ?? {}, requestPropertyDescriptions);
  }
  schemas['PromoteRequest'] = {
    ...schemas['PromoteRequest'],
    discriminator: {
      propertyName: 'type',
      mapping: {
        promote_quality_check: '#/components/schemas/PromoteQualityCheckRequest',
        promote_computed_field: '#/components/schemas/PromoteComputedFieldRequest',
        promote_computed_table: '#/components/schemas/PromoteComputedTableRequest',
        promote_computed_file: '#/components/schemas/PromoteComputedFileRequest',
        revert: '#/components/schemas/RevertRequest',
      },
    },
  };
  return schemas;
}

/** The seed's descriptions of the request properties (the core's schemas carry none). */
const requestPropertyDescriptions: Record<string, string> = {
  type: 'Which promotion: `promote_quality_check`, `promote_computed_field`, `promote_computed_table` or `promote_computed_file`; or `revert`, which undoes an ended operation',
  operation_id: 'Revert: the ended operation to undo. Its `created` and `updated` results are reverted in reverse order: what it updated is restored, what it created retired',
  expected_plan_fingerprint: 'The `plan_fingerprint` of the reviewed dry run: the run does exactly that plan, or nothing (409 when stale at arrival, `failure` without writes when stale at its turn)',
  datastore_id: 'The source datastore ID',
  container_id: 'The source container ID',
  destination_container_id: 'The destination container ID',
  destination_datastore_id: 'The destination datastore ID (JDBC for computed tables, DFS for computed files)',
  check_ids: 'Specific quality check IDs to promote. Mutually exclusive with `check_tags`. Archived and discarded checks are always excluded',
  check_tags: 'Tags to filter quality checks for promotion (any of them). Mutually exclusive with `check_ids`. Neither: every active and draft check',
  check_additional_tags: 'Tags to add to promoted checks at the destination',
  as_draft: 'When true, promoted checks are created as Draft. When false, new checks are validated and created as Active',
  computed_field_ids: 'Specific computed field IDs to promote. Mutually exclusive with `computed_field_tags`. Neither: every computed field',
  computed_field_tags: 'Tags to filter computed fields for promotion. Mutually exclusive with `computed_field_ids`',
  computed_field_additional_tags: 'Tags to add to promoted computed fields at the destination',
  container_ids: 'Specific computed table container IDs to promote. Mutually exclusive with `container_tags`. Neither: every computed table',
  container_tags: 'Tags to filter computed tables for promotion. Mutually exclusive with `container_ids`',
  container_additional_tags: 'Tags to add to promoted computed tables or files at the destination',
  source_container_mappings: 'Mapping of each source computed file (`container_id`) to a destination file pattern (`destination_container_id`) on the destination datastore',
};

function describeProperties(schema: JsonObject, descriptions: Record<string, string>): JsonObject {
  const properties = schema['properties'] as Record<string, JsonObject> | undefined;
  if (properties === undefined) return schema;
  const described = Object.fromEntries(
    Object.entries(properties).map(([name, property]) => [name, descriptions[name] === undefined || 'description' in property ? property : { ...property, description: descriptions[name] }]),
  );
  return { ...schema, properties: described };
}

const queryDescriptions: Record<string, string> = {
  search: 'Case-insensitive substring of the source entity: description or rule type (checks), name (computed fields, tables, files)',
  promote_result: 'Only these results: created, updated, skipped, failed. Repeat the parameter or separate values with commas',
  page: 'Page number, from 1 (default 1)',
  size: 'Items per page, 1..1000 (default 50)',
  result: 'Only operations with this result: running, success, failure, aborted',
  promote_type: 'Only operations of this promote type: quality_check, computed_field, computed_table, computed_file',
  datastore: 'Only what concerns this datastore id',
  container: 'The container id (required)',
  permission: 'Only the datastores where the user holds at least this team permission: reporter (default: every readable one), viewer, drafter, author, editor (where the user may promote)',
};

function queryParameters(schema: z.ZodObject): OpenApiParameter[] {
  return Object.entries(schema.shape).map(([name, field]) => {
    const { $schema: _dialect, ...fieldSchema } = z.toJSONSchema(field as z.ZodType, { io: 'output', unrepresentable: 'any' }) as JsonObject;
    const parameter: OpenApiParameter = {
      name,
      in: 'query',
      required: !(field as z.ZodType).safeParse(undefined).success,
      description: queryDescriptions[name] ?? name,
      schema: fieldSchema,
    };
    return fieldSchema['type'] === 'array' ? { ...parameter, style: 'form', explode: true } : parameter;
  });
}

const operationIdParameter: OpenApiParameter = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'The operation id',
  schema: { type: 'integer', minimum: 0 },
};

const jsonContent = (schema: JsonObject, extra: JsonObject = {}) => ({ 'application/json': { schema, ...extra } });

const errorResponses = {
  401: { description: 'No bearer token, or a token nobody has', content: jsonContent(ref('MessageError')) },
  403: { description: 'The user lacks the team permission the call needs; nothing was written', content: jsonContent(ref('MessageError')) },
  404: { description: 'An id names nothing: `"<Entity> <id> not found"`', content: jsonContent(ref('MessageError')) },
  409: { description: 'The call does not fit the operation\'s state', content: jsonContent(ref('MessageError')) },
  413: { description: 'The body is larger than the limit (1 MiB by default)', content: jsonContent(ref('MessageError')) },
  415: { description: 'A body that is not declared as `application/json`', content: jsonContent(ref('MessageError')) },
  422: {
    description: 'The request has the wrong shape (every `{loc, msg, type}` listed, also for JSON that does not parse), or cannot be carried out (a message)',
    content: jsonContent({ oneOf: [ref('ValidationError'), ref('MessageError')] }),
  },
  503: { description: 'The store failed; try again', content: jsonContent(ref('MessageError')) },
} as const;

type ErrorCode = keyof typeof errorResponses;

const errors = (...codes: ErrorCode[]) => Object.fromEntries(codes.map((code) => [String(code), errorResponses[code]]));

/** The seed's example bodies (the computed-file one names a DFS source, see docs/decisions/0002-example-world.md). */
export const requestExamples = {
  revert: {
    summary: 'Revert operation 1 (undo what it wrote)',
    value: { type: 'revert', operation_id: 1 },
  },
  quality_checks: {
    summary: 'Promote quality checks (the seed\'s example)',
    value: {
      type: 'promote_quality_check',
      datastore_id: 1,
      container_id: 10,
      destination_container_id: 20,
      check_tags: ['pii-checks'],
      check_additional_tags: ['promoted-from-staging'],
      as_draft: true,
    },
  },
  computed_fields: {
    summary: 'Promote computed fields',
    value: { type: 'promote_computed_field', datastore_id: 1, container_id: 10, destination_container_id: 30, computed_field_ids: [101, 102, 103] },
  },
  computed_tables: {
    summary: 'Promote computed tables',
    value: { type: 'promote_computed_table', datastore_id: 1, destination_datastore_id: 2, container_tags: ['analytics'], container_additional_tags: ['promoted'] },
  },
  computed_files: {
    summary: 'Promote computed files',
    value: {
      type: 'promote_computed_file',
      datastore_id: 4,
      destination_datastore_id: 3,
      source_container_mappings: [
        { container_id: 50, destination_container_id: 60 },
        { container_id: 51, destination_container_id: 61 },
      ],
      container_additional_tags: ['promoted'],
    },
  },
} as const;

const promoteBody = {
  required: true,
  description: 'One of the four promote requests, told apart by `type`. Unknown properties are refused (422).',
  content: jsonContent(ref('PromoteRequest'), { examples: requestExamples }),
};

const secured = [{ bearerAuth: [] }];

/** What each path's entry gives; `public` ones need no token. */
interface OperationInput {
  readonly public?: boolean;
  readonly operationId: string;
  readonly summary: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly parameters: readonly OpenApiParameter[];
  readonly requestBody?: JsonObject;
  readonly responses: OpenApiOperation['responses'];
}

function paths(): OpenApiDocument['paths'] {
  const operation = ({ public: isPublic, ...rest }: OperationInput): OpenApiOperation => ({ ...rest, security: isPublic === true ? [] : secured });
  return {
    '/api/operations/run': {
      post: operation({
        operationId: 'runPromote',
        summary: 'Run a promote operation',
        description:
          'Checks the request (shape, existence, permission: editor on both datastores, semantics), creates the operation in `running` and answers **at once** with it (200, `results` still empty). The work goes on in the background: poll `GET /api/operations/{id}`. With `expected_plan_fingerprint` (the `plan_fingerprint` of a reviewed dry run) it runs exactly that plan: 409 when the plan is already different, and the operation ends `failure` without results or writes when it changed before the operation\'s turn.',
        tags: ['Operations'],
        parameters: [],
        requestBody: promoteBody,
        responses: { 200: { description: 'The operation, running', content: jsonContent(ref('Operation')) }, ...errors(401, 403, 404, 409, 413, 415, 422, 503) },
      }),
    },
    '/api/operations/plan': {
      post: operation({
        operationId: 'planPromote',
        summary: 'Dry run: what a run would do now',
        description: 'The same checks, selection, matching and validation calls as a run; nothing is written and no operation is stored (`id` is null). Answers when the plan is complete.',
        tags: ['Operations'],
        parameters: [],
        requestBody: promoteBody,
        responses: { 200: { description: 'The planned outcome per entity', content: jsonContent(ref('Plan')) }, ...errors(401, 403, 404, 413, 415, 422, 503) },
      }),
    },
    '/api/operations': {
      get: operation({
        operationId: 'listOperations',
        summary: 'List operations',
        description: 'Promote operations the user may read (reporter on both datastores), newest first, without their results.',
        tags: ['Operations'],
        parameters: queryParameters(operationListQuerySchema),
        responses: { 200: { description: 'A page of operations', content: jsonContent(ref('PageOfOperationSummaries')) }, ...errors(401, 422, 503) },
      }),
    },
    '/api/operations/{id}': {
      get: operation({
        operationId: 'getOperation',
        summary: 'Get an operation with its results',
        description: 'The operation and every per-entity result, in processing order. `status` counters are live while it runs.',
        tags: ['Operations'],
        parameters: [operationIdParameter],
        responses: { 200: { description: 'The operation', content: jsonContent(ref('Operation')) }, ...errors(401, 403, 404, 503) },
      }),
      delete: operation({
        operationId: 'deleteOperation',
        summary: 'Delete an ended operation',
        description:
          'Removes the operation\'s record and its results; never what it wrote at the destination, and the lineage links that later promotions match by stay. Only an ended operation: 409 while it runs (abort it first). Needs what abort needs: editor on the destination datastore.',
        tags: ['Operations'],
        parameters: [operationIdParameter],
        responses: { 200: { description: 'The operation as it was, without its results', content: jsonContent(ref('OperationSummary')) }, ...errors(401, 403, 404, 409, 503) },
      }),
    },
    '/api/operations/{id}/events': {
      get: operation({
        operationId: 'operationEvents',
        summary: 'Follow an operation as it runs (Server-Sent Events)',
        description:
          'A `text/event-stream`: a `progress` event at once and whenever the counts or the result change (looked at four times a second at most), then one `end` event when the operation has ended, and the stream closes. Each event\'s `data` is the operation without its results (as `GET /api/operations` lists it); an `error` event (`{"detail": …}`) ends the stream when the operation can no longer be read (it was deleted). An ended operation gives its `end` event at once. Needs what reading the operation needs (reporter on both datastores).',
        tags: ['Operations'],
        parameters: [operationIdParameter],
        responses: {
          200: { description: 'The event stream: `event: progress|end|error`, `id`, `data` (JSON)', content: { 'text/event-stream': { schema: { type: 'string' }, 'x-event-data': ref('OperationSummary') } } },
          ...errors(401, 403, 404, 422, 503),
        },
      }),
    },
    ...Object.fromEntries(
      (
        [
          ['quality-checks', 'listQualityCheckResults', 'Quality check results', 'quality_check promotions'],
          ['fields', 'listComputedFieldResults', 'Computed field results', 'computed_field promotions'],
          ['containers', 'listContainerResults', 'Computed table / file results', 'computed_table and computed_file promotions'],
        ] as const
      ).map(([segment, operationId, summary, kind]) => [
        `/api/operations/{id}/${segment}`,
        {
          get: operation({
            operationId,
            summary: `${summary}, filtered`,
            description: `Results of ${kind}, filtered by \`search\` and \`promote_result\`, in processing order. An operation of another promote type has none here (an empty page).`,
            tags: ['Results'],
            parameters: [operationIdParameter, ...queryParameters(resultListQuerySchema)],
            responses: { 200: { description: 'A page of results', content: jsonContent(ref('PageOfPromoteResults')) }, ...errors(401, 403, 404, 422, 503) },
          }),
        },
      ]),
    ),
    '/api/operations/abort/{id}': {
      put: operation({
        operationId: 'abortOperation',
        summary: 'Abort a running operation',
        description: 'Stops between units: what was processed keeps its result, the rest gets none; `result` becomes `aborted`. Aborting a finished operation changes nothing. Needs editor on the destination datastore.',
        tags: ['Operations'],
        parameters: [operationIdParameter],
        responses: { 200: { description: 'The operation after the abort, with `stopped`: whether this abort stopped it', content: jsonContent(ref('AbortedOperation')) }, ...errors(401, 403, 404, 503) },
      }),
    },
    '/api/operations/resume/{id}': {
      put: operation({
        operationId: 'resumeOperation',
        summary: 'Resume an aborted or failed operation',
        description: 'The same operation goes back to `running` and processes the selected entities that have no result yet. Needs editor on the destination datastore; 409 when the operation is running or succeeded.',
        tags: ['Operations'],
        parameters: [operationIdParameter],
        responses: { 200: { description: 'The operation, running again', content: jsonContent(ref('Operation')) }, ...errors(401, 403, 404, 409, 503) },
      }),
    },
    '/api/operations/rerun/{id}': {
      post: operation({
        operationId: 'rerunOperation',
        summary: 'Run the same request again',
        description: 'A new operation with the request of operation `{id}`, triggered by the caller and checked like a new run. Answers at once, like `POST /api/operations/run`.',
        tags: ['Operations'],
        parameters: [operationIdParameter],
        responses: { 200: { description: 'The new operation, running', content: jsonContent(ref('Operation')) }, ...errors(401, 403, 404, 422, 503) },
      }),
    },
    '/api/datastores': {
      get: operation({
        operationId: 'listDatastores',
        summary: 'List datastores',
        description: 'The datastores the user may read (at least reporter), or those where they hold `permission`, ascending id.',
        tags: ['World'],
        parameters: queryParameters(datastoreListQuerySchema),
        responses: { 200: { description: 'A page of datastores', content: jsonContent(ref('PageOfDatastores')) }, ...errors(401, 422, 503) },
      }),
    },
    '/api/containers': {
      get: operation({
        operationId: 'listContainers',
        summary: 'List containers with their fields',
        description: 'Containers of `datastore` (or of every datastore the user may read), soft-deleted ones included, each with its plain fields; ascending id.',
        tags: ['World'],
        parameters: queryParameters(containerListQuerySchema),
        responses: { 200: { description: 'A page of containers', content: jsonContent(ref('PageOfContainers')) }, ...errors(401, 403, 404, 422, 503) },
      }),
    },
    '/api/quality-checks': {
      get: operation({
        operationId: 'listQualityChecks',
        summary: 'List the quality checks of a container',
        description: 'Every check of `container`, every status, ascending id.',
        tags: ['World'],
        parameters: queryParameters(containerContentQuerySchema),
        responses: { 200: { description: 'A page of quality checks', content: jsonContent(ref('PageOfQualityChecks')) }, ...errors(401, 403, 404, 422, 503) },
      }),
    },
    '/api/computed-fields': {
      get: operation({
        operationId: 'listComputedFields',
        summary: 'List the computed fields of a container',
        description: 'Every computed field of `container`, every status, ascending id.',
        tags: ['World'],
        parameters: queryParameters(containerContentQuerySchema),
        responses: { 200: { description: 'A page of computed fields', content: jsonContent(ref('PageOfComputedFields')) }, ...errors(401, 403, 404, 422, 503) },
      }),
    },
    '/api/openapi.json': {
      get: operation({
        public: true,
        operationId: 'openApiDocument',
        summary: 'This OpenAPI document',
        description: 'Generated from the zod schemas that validate requests. No token needed.',
        tags: ['Reference'],
        parameters: [],
        responses: { 200: { description: 'OpenAPI 3.1', content: jsonContent({ type: 'object' }) } },
      }),
    },
    '/api/docs': {
      get: operation({
        public: true,
        operationId: 'apiDocs',
        summary: 'Human-readable API reference',
        description: 'This document rendered as one HTML page. No token needed.',
        tags: ['Reference'],
        parameters: [],
        responses: { 200: { description: 'HTML', content: { 'text/html': { schema: { type: 'string' } } } } },
      }),
    },
    '/healthz': {
      get: operation({
        public: true,
        operationId: 'healthz',
        summary: 'Liveness: the process is up',
        description: 'Always 200 while the process answers at all; it asks nothing of the database. For a liveness probe. No token needed.',
        tags: ['Operators'],
        parameters: [],
        responses: { 200: { description: 'Up', content: jsonContent(ref('Health')) } },
      }),
    },
    '/readyz': {
      get: operation({
        public: true,
        operationId: 'readyz',
        summary: 'Readiness: the database answers and is migrated',
        description: 'For a load balancer or a readiness probe: 200 when this instance can serve, 503 with a short reason when its database cannot be reached, is not migrated (or migrated by a newer version), or does not answer within 2 s. No token needed.',
        tags: ['Operators'],
        parameters: [],
        responses: {
          200: { description: 'Ready', content: jsonContent(ref('Readiness')) },
          503: { description: 'Not ready, and why', content: jsonContent(ref('Readiness')) },
        },
      }),
    },
    '/metrics': {
      get: operation({
        public: true,
        operationId: 'metrics',
        summary: 'Prometheus metrics',
        description:
          'The Prometheus text format (0.0.4): operations started and ended, in flight, entities by result, commit and Dataplane call durations, lease takeovers, HTTP requests. 404 when the app has no telemetry, or serves its metrics on another port (`promote serve --metrics-port`). No token needed.',
        tags: ['Operators'],
        parameters: [],
        responses: {
          200: { description: 'The metrics', content: { 'text/plain; version=0.0.4; charset=utf-8': { schema: { type: 'string' } } } },
          404: { description: 'No metrics on this port', content: jsonContent(ref('MessageError')) },
        },
      }),
    },
  };
}

let cached: Pick<OpenApiDocument, 'openapi' | 'info' | 'paths' | 'components'> | undefined;

/**
 * The OpenAPI 3.1 document of the API. Request bodies and query parameters are generated from the
 * core's zod schemas (`promoteRequestSchema`, `resultListQuerySchema` …), responses from this
 * package's response schemas. Built once, then shared (treat it as read-only); `servers` names
 * `basePath`, the prefix the app is mounted under (`createApp({ basePath })`).
 */
export function openApiDocument(basePath = ''): OpenApiDocument {
  cached ??= {
    openapi: '3.1.0',
    info: {
      title: 'Promote API',
      version: '0.1.0',
      description:
        'Promote quality checks, computed fields, computed tables and computed files from one container or datastore to another, and read the per-entity results. Authenticate with `Authorization: Bearer <token>`. Errors are `{"detail": …}`.',
    },
    paths: paths(),
    components: {
      schemas: componentSchemas(),
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: "A user's token, as the world snapshot gives it (`jane-token` in the example world)" } },
    },
  };
  return { ...cached, servers: [{ url: basePath === '' ? '/' : basePath, description: 'This server' }] };
}
