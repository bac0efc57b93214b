import { err, ok, type Result } from 'neverthrow';
import type { ComputedField } from '../domain/entities.js';

const identifierPattern = /`([^`]+)`|([A-Za-z_][A-Za-z0-9_]*)/g;

/** Identifier tokens of an expression (§6): bare `[A-Za-z_][A-Za-z0-9_]*` words and back-quoted names. */
export function expressionIdentifiers(expression: string): string[] {
  const names: string[] = [];
  for (const match of expression.matchAll(identifierPattern)) {
    const name = match[1] ?? match[2];
    if (name !== undefined && !names.includes(name)) names.push(name);
  }
  return names;
}

/** The names a computed field uses: its `source_fields`, and for `custom_expression` its expression's identifiers. */
export function namesUsedBy(field: Pick<ComputedField, 'transformation' | 'source_fields' | 'properties'>): string[] {
  const names = [...field.source_fields];
  const expression = field.properties['column_expression'];
  if (field.transformation === 'custom_expression' && typeof expression === 'string') {
    for (const name of expressionIdentifiers(expression)) if (!names.includes(name)) names.push(name);
  }
  return names;
}

/**
 * Parents of every computed field of one container (§6): the *other* computed fields of the same
 * container whose name (case-insensitive) it uses. id → parent ids.
 */
export function computedFieldParents(fields: readonly ComputedField[]): Map<number, number[]> {
  const byName = new Map<string, number>();
  for (const field of [...fields].sort((a, b) => a.id - b.id)) {
    const key = field.name.toLowerCase();
    if (!byName.has(key)) byName.set(key, field.id);
  }
  const parents = new Map<number, number[]>();
  for (const field of fields) {
    const ids = namesUsedBy(field).flatMap((name) => {
      const parent = byName.get(name.toLowerCase());
      return parent === undefined || parent === field.id ? [] : [parent];
    });
    parents.set(field.id, [...new Set(ids)].sort((a, b) => a - b));
  }
  return parents;
}

/** `selected` plus every transitive parent. */
export function closeOverParents(selected: readonly number[], parents: ReadonlyMap<number, readonly number[]>): Set<number> {
  const closed = new Set<number>();
  const stack = [...selected];
  while (stack.length > 0) {
    const id = stack.pop() as number;
    if (closed.has(id)) continue;
    closed.add(id);
    for (const parent of parents.get(id) ?? []) stack.push(parent);
  }
  return closed;
}

/**
 * Topological order of `ids` (parents first, ties by ascending id), or the ids of one dependency
 * cycle, parents first, starting at its lowest id and closed (`[a, b, a]`).
 */
export function topologicalOrder(ids: ReadonlySet<number>, parents: ReadonlyMap<number, readonly number[]>): Result<number[], number[]> {
  const pending = new Map<number, number>();
  const children = new Map<number, number[]>();
  for (const id of ids) {
    const inside = (parents.get(id) ?? []).filter((parent) => ids.has(parent));
    pending.set(id, inside.length);
    for (const parent of inside) children.set(parent, [...(children.get(parent) ?? []), id]);
  }
  const ready = [...ids].filter((id) => pending.get(id) === 0).sort((a, b) => a - b);
  const order: number[] = [];
  while (ready.length > 0) {
    const id = ready.shift() as number;
    order.push(id);
    for (const child of children.get(id) ?? []) {
      const left = (pending.get(child) as number) - 1;
      pending.set(child, left);
      if (left === 0) {
        const at = ready.findIndex((other) => other > child);
        ready.splice(at === -1 ? ready.length : at, 0, child);
      }
    }
  }
  if (order.length === ids.size) return ok(order);
  return err(findCycle(new Set([...ids].filter((id) => (pending.get(id) ?? 0) > 0)), parents));
}

function findCycle(stuck: ReadonlySet<number>, parents: ReadonlyMap<number, readonly number[]>): number[] {
  // Every stuck node has a stuck parent: walking parents from the smallest id must revisit a node.
  const start = smallest(stuck);
  const path: number[] = [];
  const seen = new Map<number, number>();
  let current = start;
  while (!seen.has(current)) {
    seen.set(current, path.length);
    path.push(current);
    current = (parents.get(current) ?? []).find((parent) => stuck.has(parent)) as number;
  }
  const cycle = path.slice(seen.get(current));
  // Parents first (the walk went child → parent), starting at the lowest id, loop closed.
  const ordered = cycle.reverse();
  const first = ordered.indexOf(smallest(ordered));
  const rotated = [...ordered.slice(first), ...ordered.slice(0, first)];
  return [...rotated, rotated[0] as number];
}

/** The smallest of non-empty `values`: a loop, since spreading 150,000 arguments into Math.min overflows the stack. */
function smallest(values: Iterable<number>): number {
  let least = Number.POSITIVE_INFINITY;
  for (const value of values) if (value < least) least = value;
  return least;
}
