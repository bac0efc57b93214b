import { createHash } from 'node:crypto';
import type { EntityPlan } from './entity-plan.js';
import { canonicalJson } from './compare.js';

/** What of a definition is time: left out of a fingerprint (a plan made later does the same thing). */
const timeKeys = new Set(['created_at', 'updated_at']);

/**
 * The fingerprint of a plan (§15): equal for two plans if and only if they would do the same thing
 * — for every selected entity in processing order, its type, source id, result, destination id
 * (`null` for created), message, the definition that would be written and the destination
 * definition it was compared with. A SHA-256 of the canonical JSON (keys sorted) of exactly that,
 * with the definitions' timestamps left out (`created_at`, `updated_at`; `deleted_at` counts only as
 * whether it is set), so it does not depend on time, operation ids, the store or the process.
 *
 * @example
 * planFingerprint(plans); // 'sha256:3b1f…' (64 hex digits)
 */
export function planFingerprint(plans: readonly EntityPlan[]): string {
  const hash = createHash('sha256');
  hash.update('promote-plan/1\n');
  for (const plan of plans) {
    hash.update(
      canonicalJson([
        plan.entity_type,
        plan.source_entity_id,
        plan.result,
        plan.result === 'created' ? null : plan.destination_entity_id,
        plan.message,
        plan.write === undefined ? null : [plan.write.kind, timeless(plan.write.value)],
        timeless(plan.before),
      ]),
    );
    hash.update('\n');
  }
  return `sha256:${hash.digest('hex')}`;
}

/** A definition without its timestamps; `deleted_at` as whether it is set. */
function timeless(definition: unknown): unknown {
  if (definition === null || typeof definition !== 'object' || Array.isArray(definition)) return definition ?? null;
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(definition as Record<string, unknown>)) {
    if (timeKeys.has(key)) continue;
    kept[key] = key === 'deleted_at' ? value !== null && value !== undefined : value;
  }
  return kept;
}
