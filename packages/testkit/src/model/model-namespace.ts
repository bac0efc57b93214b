import type { ComputedField, Field } from '@promote/core';

/**
 * §1: the names available on a container — Fields `active`/`masked` and ComputedFields `active` —
 * keyed by lower-cased name, valued by the container's own spelling. When two entries share a name,
 * a Field wins over a ComputedField and a lower id over a higher one.
 */
export function availableNames(fields: readonly Field[], computedFields: readonly ComputedField[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const field of [...fields].sort((a, b) => a.id - b.id)) {
    if ((field.status === 'active' || field.status === 'masked') && !names.has(field.name.toLowerCase())) names.set(field.name.toLowerCase(), field.name);
  }
  for (const field of [...computedFields].sort((a, b) => a.id - b.id)) {
    if (field.status === 'active' && !names.has(field.name.toLowerCase())) names.set(field.name.toLowerCase(), field.name);
  }
  return names;
}
