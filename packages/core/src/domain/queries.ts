import { z } from 'zod';
import { operationResults, permissionLevels, promoteResults, promoteTypes } from './enums.js';

const listOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .union([z.string(), z.array(z.string())])
    .transform((value) => (Array.isArray(value) ? value : [value]).flatMap((item) => item.split(',')).map((item) => item.trim()).filter((item) => item !== ''))
    .pipe(z.array(z.enum(values)));

/**
 * An integer as a query string carries it: plain decimal digits only (no `0x0A`, ` 10` or `1e3`),
 * or a number from a programmatic caller.
 */
export const queryIntegerSchema = z.preprocess(
  (value) => (typeof value === 'number' ? String(value) : value),
  z.string().regex(/^[0-9]{1,15}$/, 'Input should be a valid integer').transform(Number),
);

const page = queryIntegerSchema.pipe(z.number().min(1)).default(1);
const size = queryIntegerSchema.pipe(z.number().min(1).max(1000)).default(50);

/**
 * Query of the result listings `GET /api/operations/{id}/quality-checks | /fields | /containers`
 * (§10): `search`, `promote_result` (repeatable or comma-separated), `page` (from 1), `size` (1..1000, default 50).
 */
export const resultListQuerySchema = z.strictObject({
  search: z.string().optional(),
  promote_result: listOf(promoteResults).optional(),
  page,
  size,
});
export type ResultListQuery = z.output<typeof resultListQuerySchema>;
export type ResultListQueryInput = z.input<typeof resultListQuerySchema>;

/** Query of `GET /api/operations`: filters `result`, `promote_type`, `datastore`; paginated. */
export const operationListQuerySchema = z.strictObject({
  result: z.enum(operationResults).optional(),
  promote_type: z.enum(promoteTypes).optional(),
  datastore: queryIntegerSchema.pipe(z.number().positive()).optional(),
  page,
  size,
});
export type OperationListQuery = z.output<typeof operationListQuerySchema>;
export type OperationListQueryInput = z.input<typeof operationListQuerySchema>;

const idParameter = queryIntegerSchema.pipe(z.number().positive());

/**
 * Query of `GET /api/datastores`: `permission` (only the datastores where the user holds at least
 * this level; default `reporter`, every readable one), `page` (from 1), `size` (1..1000, default 50).
 */
export const datastoreListQuerySchema = z.strictObject({ permission: z.enum(permissionLevels).default('reporter'), page, size });

/** Query of `GET /api/containers`: `datastore` (optional: every datastore the user may read), `page`, `size`. */
export const containerListQuerySchema = z.strictObject({ datastore: idParameter.optional(), page, size });

/** Query of `GET /api/quality-checks` and `GET /api/computed-fields`: `container` (required), `page`, `size`. */
export const containerContentQuerySchema = z.strictObject({ container: idParameter, page, size });
