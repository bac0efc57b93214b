import type { Change } from '../domain/operation.js';
import { jsonEqual } from './compare.js';

/** How one attribute is diffed: as a whole (with an equality), or key by key (`properties.max`). */
export type AttributeDiff =
  | { readonly path: string; readonly kind: 'whole'; readonly equal?: (a: unknown, b: unknown) => boolean }
  | { readonly path: string; readonly kind: 'keys' };

/**
 * The `changes` of an update (§5): one `{ path, from, to }` per attribute (or object key) whose value
 * differs between `before` and `after`. Absent keys show as `null`.
 */
export function diffAttributes(before: Readonly<Record<string, unknown>>, after: Readonly<Record<string, unknown>>, attributes: readonly AttributeDiff[]): Change[] {
  const changes: Change[] = [];
  for (const attribute of attributes) {
    const from = before[attribute.path];
    const to = after[attribute.path];
    if (attribute.kind === 'whole') {
      if (!(attribute.equal ?? jsonEqual)(from, to)) changes.push({ path: attribute.path, from: from ?? null, to: to ?? null });
      continue;
    }
    const fromObject = (from ?? {}) as Record<string, unknown>;
    const toObject = (to ?? {}) as Record<string, unknown>;
    // The keys of `from`, then those only `to` has; loops rather than merged key lists, since every
    // check of a promotion is diffed.
    for (const key in fromObject) {
      if (Object.hasOwn(fromObject, key)) diffKey(changes, attribute.path, key, fromObject[key], toObject[key]);
    }
    for (const key in toObject) {
      if (Object.hasOwn(toObject, key) && !Object.hasOwn(fromObject, key)) diffKey(changes, attribute.path, key, undefined, toObject[key]);
    }
  }
  return changes;
}

function diffKey(changes: Change[], path: string, key: string, from: unknown, to: unknown): void {
  if (!jsonEqual(from, to)) changes.push({ path: `${path}.${key}`, from: from ?? null, to: to ?? null });
}
