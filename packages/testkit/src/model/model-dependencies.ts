import type { ComputedField } from '@promote/core';

/** §6: identifier tokens of an expression — bare words `[A-Za-z_][A-Za-z0-9_]*` and back-quoted names. */
export function expressionIdentifiers(expression: string): string[] {
  const tokens: string[] = [];
  for (const match of expression.matchAll(/`([^`]*)`|([A-Za-z_][A-Za-z0-9_]*)/g)) {
    const token = match[1] ?? match[2];
    if (token !== undefined && token !== '') tokens.push(token);
  }
  return tokens;
}

/** The expression of a `custom_expression` computed field, `''` for other transformations. */
export function expressionOf(field: ComputedField): string {
  if (field.transformation !== 'custom_expression') return '';
  const expression = field.properties['column_expression'];
  return typeof expression === 'string' ? expression : '';
}

/** Lower-cased names that `field` mentions: its `source_fields` and the identifiers of its expression. */
function mentionedNames(field: ComputedField): Set<string> {
  return new Set([...field.source_fields, ...expressionIdentifiers(expressionOf(field))].map((name) => name.toLowerCase()));
}

/**
 * §6: the other computed fields of the same container that `field` depends on — those whose name
 * appears (case-insensitively) in its `source_fields` or as an identifier of its expression.
 * `siblings` are the computed fields of `field`'s container, any status. A field never depends on itself.
 */
export function parentsOf(field: ComputedField, siblings: readonly ComputedField[]): ComputedField[] {
  const mentioned = mentionedNames(field);
  return siblings.filter((other) => other.id !== field.id && mentioned.has(other.name.toLowerCase()));
}

/** `selected` plus every transitive parent among `siblings` (§6 closure). */
export function withTransitiveParents(selected: readonly ComputedField[], siblings: readonly ComputedField[]): ComputedField[] {
  const closed = new Map(selected.map((field) => [field.id, field]));
  const pending = [...selected];
  while (pending.length > 0) {
    const field = pending.pop() as ComputedField;
    for (const parent of parentsOf(field, siblings)) {
      if (!closed.has(parent.id)) {
        closed.set(parent.id, parent);
        pending.push(parent);
      }
    }
  }
  return [...closed.values()];
}

/** A topological order (parents first, ties by ascending id), or the cycle that prevents one. */
export type DependencyOrder = { readonly kind: 'ordered'; readonly order: readonly ComputedField[] } | { readonly kind: 'cycle'; readonly names: readonly string[] };

/**
 * Orders `fields` parents first, ties by ascending id (§6). When a cycle prevents it, names one: it
 * starts at the lowest id lying on a cycle and follows parent → child edges (lowest child id first)
 * until it returns, e.g. `a → b → c → a` (decision 0006 text).
 */
export function dependencyOrder(fields: readonly ComputedField[]): DependencyOrder {
  const parents = new Map(fields.map((field) => [field.id, parentsOf(field, fields).map((parent) => parent.id)]));
  const order: ComputedField[] = [];
  const placed = new Set<number>();
  for (;;) {
    const ready = fields
      .filter((field) => !placed.has(field.id) && (parents.get(field.id) ?? []).every((parent) => placed.has(parent)))
      .sort((a, b) => a.id - b.id);
    const next = ready[0];
    if (next === undefined) break;
    order.push(next);
    placed.add(next.id);
  }
  if (order.length === fields.length) return { kind: 'ordered', order };

  const remaining = fields.filter((field) => !placed.has(field.id));
  const childrenOf = (id: number) =>
    remaining.filter((field) => (parents.get(field.id) ?? []).includes(id)).sort((a, b) => a.id - b.id);
  const reaches = (from: number, to: number): boolean => {
    const seen = new Set<number>();
    const stack = [from];
    while (stack.length > 0) {
      const current = stack.pop() as number;
      for (const child of childrenOf(current)) {
        if (child.id === to) return true;
        if (!seen.has(child.id)) {
          seen.add(child.id);
          stack.push(child.id);
        }
      }
    }
    return false;
  };
  const onCycle = remaining.filter((field) => reaches(field.id, field.id)).sort((a, b) => a.id - b.id);
  const start = onCycle[0] as ComputedField;
  const path = (current: ComputedField, visited: readonly ComputedField[]): ComputedField[] | undefined => {
    for (const child of childrenOf(current.id)) {
      if (child.id === start.id) return [...visited, child];
      if (!visited.some((field) => field.id === child.id)) {
        const found = path(child, [...visited, child]);
        if (found !== undefined) return found;
      }
    }
    return undefined;
  };
  const cycle = path(start, [start]) ?? [start, start];
  return { kind: 'cycle', names: cycle.map((field) => field.name) };
}
