import type { Change } from '@promote/core';
import { sameJson } from './model-text.js';

/**
 * The `changes` of an update (§5): one entry per attribute of `keys` whose value differs, and for
 * `properties` one `properties.<key>` entry per property key that was added, removed or changed
 * (a removed key's `to` and an added key's `from` are `null`).
 */
export function changesBetween<T extends object>(before: T, after: T, keys: readonly (keyof T & string)[]): Change[] {
  const changes: Change[] = [];
  for (const key of keys) {
    const from: unknown = before[key];
    const to: unknown = after[key];
    if (sameJson(from, to)) continue;
    if (key === 'properties' && isObject(from) && isObject(to)) {
      const propertyKeys = [...new Set([...Object.keys(from), ...Object.keys(to)])].sort();
      for (const propertyKey of propertyKeys) {
        if (!sameJson(from[propertyKey], to[propertyKey])) changes.push({ path: `properties.${propertyKey}`, from: from[propertyKey] ?? null, to: to[propertyKey] ?? null });
      }
      continue;
    }
    changes.push({ path: key, from: from ?? null, to: to ?? null });
  }
  return changes;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
