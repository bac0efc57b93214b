import type { ComputedField, Field } from '../domain/entities.js';

/**
 * A container's field namespace (§1): the names available on it, looked up case-insensitively,
 * giving the destination's own casing.
 */
export interface FieldNamespace {
  /** The container's spelling of `name` when it is available, else `undefined`. */
  resolve(name: string): string | undefined;
  /** Makes `name` available (a computed field created or revived earlier in the same run). */
  add(name: string): void;
}

/**
 * The namespace of a container: Fields with status `active` or `masked`, ComputedFields with status
 * `active`. When two available names differ only in case, the lowest id wins.
 */
export function fieldNamespace(fields: readonly Field[], computedFields: readonly ComputedField[]): FieldNamespace {
  const names = new Map<string, string>();
  const remember = (name: string) => {
    const key = name.toLowerCase();
    if (!names.has(key)) names.set(key, name);
  };
  [...fields].sort((a, b) => a.id - b.id).forEach((field) => (field.status === 'active' || field.status === 'masked') && remember(field.name));
  [...computedFields].sort((a, b) => a.id - b.id).forEach((computed) => computed.status === 'active' && remember(computed.name));
  return {
    resolve: (name) => names.get(name.toLowerCase()),
    add: remember,
  };
}
