import {
  checkStatuses,
  computedFieldStatuses,
  containerTypes,
  fieldStatuses,
  fieldTypes,
  operationResults,
  promoteResults,
  promoteTypes,
  storeTypes,
  transformations,
  type Container,
  type Datastore,
  type Field,
  type OperationView,
  type PlanView,
  type PromoteResultView,
  type QualityCheck,
  type ComputedField,
} from '@promote/core';
import { z } from 'zod';

/**
 * zod schemas of what the API answers. They exist for the OpenAPI document and for the tests, which
 * check real responses against them; the type assertions at the end keep them in step with the
 * core's types.
 */

const id = z.number().int().positive();
const timestamp = z.string().describe('ISO-8601 UTC, e.g. 2026-03-10T14:30:00Z');

/** `{id, name}` of a datastore or container. */
export const namedRefSchema = z.object({ id, name: z.string() });

/** The `status` counters of an operation. */
export const operationStatusSchema = z
  .object({
    total: z.number().int().nonnegative(),
    created: z.number().int().nonnegative(),
    updated: z.number().int().nonnegative(),
    skipped: z.number().int().nonnegative(),
    failed: z.number().int().nonnegative(),
  })
  .describe('Counters, live while the operation runs. `created + updated + skipped + failed ≤ total`.');

/** One entry of an updated result's `changes`. */
export const changeSchema = z
  .object({ path: z.string().describe('e.g. `properties.max`, `tags`'), from: z.unknown(), to: z.unknown() })
  .describe('One attribute an update changed.');

/** `source_entity` / `destination_entity` of a result. */
export const entitySummarySchema = z
  .union([
    z.object({ id, description: z.string(), rule_type: z.string(), status: z.string() }).describe('A quality check'),
    z.object({ id, name: z.string(), transformation: z.string(), status: z.string() }).describe('A computed field'),
    z.object({ id, name: z.string(), container_type: z.string() }).describe('A computed table or file'),
  ])
  .describe("The entity's current details; `null` when it no longer exists.");

/** One per-entity result. */
export const promoteResultSchema = z
  .object({
    id: id.nullable().describe('`null` in a dry run'),
    source_entity_id: id,
    source_entity: entitySummarySchema.nullable(),
    entity_type: z.enum(promoteTypes),
    result: z.enum(promoteResults),
    destination_entity_id: id.nullable(),
    destination_entity: entitySummarySchema.nullable(),
    message: z.string().nullable().describe('For people; automation reads `result`.'),
    changes: z.array(changeSchema).optional().describe('`updated` results only'),
  })
  .describe('The outcome for one source entity (seed: "Promote Result (Per Entity)").');

const operationFields = {
  id,
  type: z.enum(['promote', 'revert']).describe('`revert`: an operation that undoes another (`reverted_operation_id`)'),
  reverted_operation_id: id.optional().describe('Reverts only: the operation this one reverts'),
  promote_type: z.enum(promoteTypes).describe("A revert's is that of the operation it reverts"),
  result: z.enum(operationResults),
  start_time: timestamp,
  end_time: timestamp.nullable().describe('`null` while running'),
  triggered_by: z.string().describe("The triggering user's email"),
  aborted_by: z.string().nullable(),
  message: z.string().nullable().describe('Operation-level text, e.g. "No entities matched the selection"'),
  datastore: namedRefSchema,
  destination_datastore: namedRefSchema,
  container: namedRefSchema.nullable().describe('Checks and computed fields; `null` otherwise'),
  destination_container: namedRefSchema.nullable().describe('Checks and computed fields; `null` otherwise'),
  as_draft: z.boolean().optional().describe('Quality-check promotions only (not their reverts)'),
  status: operationStatusSchema,
};

/** An operation in `GET /api/operations`: without `results`. */
export const operationSummarySchema = z.object(operationFields).describe('A promote operation without its results (listings).');

/** `GET /api/operations/{id}`, and the answer of run, abort, resume and rerun. */
export const operationSchema = z
  .object({ ...operationFields, results: z.array(promoteResultSchema).describe('In processing order') })
  .describe('A promote operation with its results (`GET /api/operations/{id}`).');

/** The answer of `PUT /api/operations/abort/{id}`. */
export const abortedOperationSchema = z
  .object({
    ...operationFields,
    results: z.array(promoteResultSchema).describe('In processing order'),
    stopped: z.boolean().describe('`true` when this abort stopped the operation (it was running or waiting for its turn); `false` when it had already ended and nothing changed'),
  })
  .describe('The operation after an abort, and whether the abort stopped it.');

/** The answer of `POST /api/operations/plan`. */
export const planSchema = z
  .object({
    ...operationFields,
    id: z.null(),
    result: z.enum(['success', 'failure']),
    end_time: timestamp,
    results: z.array(promoteResultSchema),
    plan_fingerprint: z
      .string()
      .describe('Equal for two plans if and only if they would do the same thing; send it as `expected_plan_fingerprint` to run exactly this plan'),
  })
  .describe('What a run of the same request would do now: nothing is written, no operation is stored.');

/** A page of a listing. */
export const pageSchema = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    total: z.number().int().nonnegative().describe('Matching items on every page'),
    page: z.number().int().positive(),
    size: z.number().int().positive(),
  });

/** An item of `GET /api/datastores`. */
export const datastoreSchema = z.object({ id, name: z.string(), store_type: z.enum(storeTypes) });

/** A plain field of a container. */
export const fieldSchema = z.object({ id, container_id: id, name: z.string(), type: z.enum(fieldTypes), status: z.enum(fieldStatuses) });

const metadata = z.record(z.string(), z.string());
const containerBase = {
  id,
  datastore_id: id,
  name: z.string(),
  description: z.string(),
  tags: z.array(z.string()),
  additional_metadata: metadata,
  deleted_at: timestamp.nullable().describe('Soft-deleted when set'),
  profiled: z.boolean(),
};

/** A container, by type. */
export const containerSchema = z
  .discriminatedUnion('container_type', [
    z.object({ ...containerBase, container_type: z.enum(['table', 'view', 'file_pattern']) }),
    z.object({
      ...containerBase,
      container_type: z.literal('computed_table'),
      query: z.string(),
      incremental_field_name: z.string().nullable(),
      group_by_fields: z.array(z.string()),
      volumetric_tracking: z.boolean(),
      freshness_tracking: z.boolean(),
    }),
    z.object({
      ...containerBase,
      container_type: z.literal('computed_file'),
      source_container_id: id,
      select_clause: z.string(),
      where_clause: z.string().nullable(),
      group_by_clause: z.string().nullable(),
    }),
  ])
  .describe(`A container: ${containerTypes.join(', ')}.`);

/** A container as `GET /api/containers` shows it: with its plain fields. */
export const containerWithFieldsSchema = z.intersection(containerSchema, z.object({ fields: z.array(fieldSchema) }));

/** An item of `GET /api/quality-checks`. */
export const qualityCheckSchema = z.object({
  id,
  container_id: id,
  rule_type: z.string(),
  description: z.string(),
  fields: z.array(z.string()),
  coverage: z.number().nullable(),
  filter: z.string().nullable(),
  properties: z.record(z.string(), z.unknown()),
  tags: z.array(z.string()),
  additional_metadata: metadata,
  status: z.enum(checkStatuses),
  inferred: z.boolean(),
  created_at: timestamp,
  updated_at: timestamp,
});

/** An item of `GET /api/computed-fields`. */
export const computedFieldSchema = z.object({
  id,
  container_id: id,
  name: z.string(),
  transformation: z.enum(transformations),
  source_fields: z.array(z.string()),
  properties: z.record(z.string(), z.unknown()),
  description: z.string(),
  tags: z.array(z.string()),
  additional_metadata: metadata,
  status: z.enum(computedFieldStatuses),
});

const issueSchema = z.object({
  loc: z.array(z.union([z.string(), z.number()])).describe('Where: `["body", "check_ids", 0]`, `["query", "size"]`'),
  msg: z.string(),
  type: z.string().describe('e.g. `missing`, `extra_forbidden`, `json_invalid`'),
});

/** A 422 for a request of the wrong shape. */
export const validationErrorSchema = z.object({ detail: z.array(issueSchema) }).describe('The request does not have the expected shape: every issue is listed.');

/** Every other error. */
export const messageErrorSchema = z.object({ detail: z.string() }).describe('An error with a human-readable message.');

/** `GET /healthz`. */
export const healthSchema = z.object({ status: z.literal('ok') }).describe('The process is up and answering.');

/** `GET /readyz`: ready, or not with a short reason. */
export const readinessSchema = z
  .object({ status: z.enum(['ready', 'unavailable']), reason: z.string().optional().describe('Why not, when `unavailable`: e.g. `Store failure: connect ECONNREFUSED 10.0.0.5:5432`') })
  .describe('Whether this instance can serve: its database answers and is migrated.');

/** `A` is assignable to (a read-only) `B`: fails to compile when the schemas stop describing the core's values. */
type Accepts<B, A extends DeepReadonly<B>> = A;
type DeepReadonly<T> = T extends readonly (infer U)[] ? readonly DeepReadonly<U>[] : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;
/** Compile-time checks that the schemas accept every value of the core's types. */
export type SchemaChecks = [
  Accepts<z.input<typeof operationSchema>, OperationView>,
  Accepts<z.input<typeof promoteResultSchema>, PromoteResultView>,
  Accepts<z.input<typeof planSchema>, PlanView>,
  Accepts<z.input<typeof datastoreSchema>, Datastore>,
  Accepts<z.input<typeof containerSchema>, Container>,
  Accepts<z.input<typeof fieldSchema>, Field>,
  Accepts<z.input<typeof qualityCheckSchema>, QualityCheck>,
  Accepts<z.input<typeof computedFieldSchema>, ComputedField>,
];
