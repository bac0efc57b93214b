import { z } from 'zod';
import { countedLists, defaultMaxListedIssues, omittedIssues } from './parse.js';

/** A positive integer id (§1). */
export const idSchema = z.number().int().positive();

/** How many issues {@link idSchema} reports for `value`, without zod (see `countedLists`). */
export function idIssueCount(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) return 1;
  if (value > Number.MAX_SAFE_INTEGER) return 1;
  // Below the safe range zod reports both the range and the sign.
  if (value < -Number.MAX_SAFE_INTEGER) return 2;
  return value > 0 ? 0 : 1;
}

/** Tags are trimmed, non-empty and de-duplicated (§2); the first spelling wins. */
export const tagSchema = z.string().trim().min(1, 'Tag must not be empty');

/** How many issues {@link tagSchema} reports for `value`, without zod (see `countedLists`). */
export function tagIssueCount(value: unknown): number {
  if (typeof value === 'string') return value.trim() === '' ? 1 : 0;
  // zod also runs the length check on anything else with a `length` (an array, `{"length": 0}`).
  const length = value === null || value === undefined ? undefined : (value as { length?: unknown }).length;
  return length !== undefined && !((length as number) >= 1) ? 2 : 1;
}

const tagList = z
  .array(tagSchema)
  .min(1, 'List must not be empty')
  .register(countedLists, { issuesOf: tagIssueCount })
  .transform((tags) => [...new Set(tags)]);

// "A list given explicitly must be non-empty" (§2) holds for additional tags too.
const additionalTags = tagList;

const idList = z
  .array(idSchema)
  .min(1, 'List must not be empty')
  .register(countedLists, { issuesOf: idIssueCount })
  .transform((ids) => [...new Set(ids)]);

function exclusive<T extends object>(a: keyof T & string, b: keyof T & string) {
  return (value: T, ctx: z.RefinementCtx) => {
    if ((value as Record<string, unknown>)[a] !== undefined && (value as Record<string, unknown>)[b] !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [b],
        message: `${a} and ${b} are mutually exclusive`,
        params: { type: 'mutually_exclusive' },
      });
    }
  };
}

/**
 * `expected_plan_fingerprint` (§15): the `plan_fingerprint` of the dry run that was reviewed. A run
 * with it does exactly that plan or nothing. A dry run accepts it too (the same body) and ignores it.
 */
export const planFingerprintSchema = z.string().min(1, 'Fingerprint must not be empty').max(200, 'Fingerprint must be at most 200 characters');

/** Body of a quality-check promotion (seed: "Promote Quality Checks"). */
export const promoteQualityCheckSchema = z
  .strictObject({
    type: z.literal('promote_quality_check'),
    expected_plan_fingerprint: planFingerprintSchema.optional(),
    datastore_id: idSchema,
    container_id: idSchema,
    destination_container_id: idSchema,
    check_ids: idList.optional(),
    check_tags: tagList.optional(),
    check_additional_tags: additionalTags.optional(),
    as_draft: z.boolean().default(true),
  })
  .superRefine(exclusive('check_ids', 'check_tags'));

/** Body of a computed-field promotion (seed: "Promote Computed Fields"). */
export const promoteComputedFieldSchema = z
  .strictObject({
    type: z.literal('promote_computed_field'),
    expected_plan_fingerprint: planFingerprintSchema.optional(),
    datastore_id: idSchema,
    container_id: idSchema,
    destination_container_id: idSchema,
    computed_field_ids: idList.optional(),
    computed_field_tags: tagList.optional(),
    computed_field_additional_tags: additionalTags.optional(),
  })
  .superRefine(exclusive('computed_field_ids', 'computed_field_tags'));

/** Body of a computed-table promotion (seed: "Promote Computed Tables"). */
export const promoteComputedTableSchema = z
  .strictObject({
    type: z.literal('promote_computed_table'),
    expected_plan_fingerprint: planFingerprintSchema.optional(),
    datastore_id: idSchema,
    destination_datastore_id: idSchema,
    container_ids: idList.optional(),
    container_tags: tagList.optional(),
    container_additional_tags: additionalTags.optional(),
  })
  .superRefine(exclusive('container_ids', 'container_tags'));

export const containerMappingSchema = z.strictObject({
  container_id: idSchema,
  destination_container_id: idSchema,
});

/** How many issues {@link containerMappingSchema} reports for `value`, unknown keys one each, without zod (see `countedLists`). */
export function containerMappingIssueCount(value: unknown): number {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 1;
  const mapping = value as Record<string, unknown>;
  let issues = idIssueCount(mapping['container_id']) + idIssueCount(mapping['destination_container_id']);
  for (const key of Object.keys(mapping)) if (key !== 'container_id' && key !== 'destination_container_id') issues++;
  return issues;
}

/** Body of a computed-file promotion (seed: "Promote Computed Files"). */
export const promoteComputedFileSchema = z
  .strictObject({
    type: z.literal('promote_computed_file'),
    expected_plan_fingerprint: planFingerprintSchema.optional(),
    datastore_id: idSchema,
    destination_datastore_id: idSchema,
    source_container_mappings: z
      .array(containerMappingSchema)
      .min(1, 'List must not be empty')
      .register(countedLists, { issuesOf: containerMappingIssueCount }),
    container_additional_tags: additionalTags.optional(),
  })
  .superRefine((value, ctx) => {
    const seen = new Map<number, number>();
    // One more than a 422 lists, so that it says there are more; the rest are only counted.
    const listedDuplicates = defaultMaxListedIssues + 1;
    let duplicates = 0;
    value.source_container_mappings.forEach((mapping, index) => {
      const first = seen.get(mapping.container_id);
      if (first !== undefined) {
        if (++duplicates > listedDuplicates) return;
        ctx.addIssue({
          code: 'custom',
          path: ['source_container_mappings', index, 'container_id'],
          message: `Source container ${mapping.container_id} is mapped more than once`,
          params: { type: 'duplicate_mapping' },
        });
      } else {
        seen.set(mapping.container_id, index);
      }
    });
    if (duplicates > listedDuplicates) ctx.addIssue(omittedIssues(duplicates - listedDuplicates));
  });

/** The body of `POST /api/operations/run` and `/plan`: one of the four promote types (§2). */
export const promoteRequestSchema = z.discriminatedUnion('type', [
  promoteQualityCheckSchema,
  promoteComputedFieldSchema,
  promoteComputedTableSchema,
  promoteComputedFileSchema,
]);

/**
 * Body of a revert (§16): undo what operation `operation_id` wrote, from what it recorded. Strict
 * like every body; through the same entry points as a promotion (`run`, `plan`).
 */
export const revertRequestSchema = z.strictObject({
  type: z.literal('revert'),
  expected_plan_fingerprint: planFingerprintSchema.optional(),
  operation_id: idSchema,
});

/** Every body `POST /api/operations/run` and `/plan` accept: a promotion of one of the four types (§2), or a revert (§16). */
export const operationRequestSchema = z.discriminatedUnion('type', [
  promoteQualityCheckSchema,
  promoteComputedFieldSchema,
  promoteComputedTableSchema,
  promoteComputedFileSchema,
  revertRequestSchema,
]);

export type PromoteQualityCheckRequest = z.output<typeof promoteQualityCheckSchema>;
export type PromoteComputedFieldRequest = z.output<typeof promoteComputedFieldSchema>;
export type PromoteComputedTableRequest = z.output<typeof promoteComputedTableSchema>;
export type PromoteComputedFileRequest = z.output<typeof promoteComputedFileSchema>;
export type ContainerMapping = z.output<typeof containerMappingSchema>;
/** A parsed, normalised promote request. */
export type PromoteRequest = z.output<typeof promoteRequestSchema>;
/** What a caller may send: defaults not yet applied. */
export type PromoteRequestInput = z.input<typeof promoteRequestSchema>;
/** A parsed revert request (§16). */
export type RevertRequest = z.output<typeof revertRequestSchema>;
/** What an operation is started from: a promotion or a revert. */
export type OperationRequest = z.output<typeof operationRequestSchema>;
/** What a caller may send to `run` or `plan`. */
export type OperationRequestInput = z.input<typeof operationRequestSchema>;

/** The `type` of a request → the `promote_type` of its operation. */
export function promoteTypeOf(request: PromoteRequest) {
  switch (request.type) {
    case 'promote_quality_check':
      return 'quality_check' as const;
    case 'promote_computed_field':
      return 'computed_field' as const;
    case 'promote_computed_table':
      return 'computed_table' as const;
    case 'promote_computed_file':
      return 'computed_file' as const;
  }
}
