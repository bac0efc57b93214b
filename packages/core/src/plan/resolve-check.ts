import type { Container, Properties, QualityCheck } from '../domain/entities.js';
import { ruleTypeSpec } from '../domain/rule-types.js';
import { pythonList, pythonString } from './compare.js';
import type { FieldNamespace } from './field-namespace.js';

/** What container references (§7) are resolved against. */
export interface ContainerReferenceContext {
  readonly sourceDatastoreId: number;
  readonly destinationDatastoreId: number;
  /** Every container of the source datastore, by id. */
  readonly sourceContainers: ReadonlyMap<number, Container>;
  /** Live containers of the destination datastore by lower-cased name (lowest id wins). */
  readonly destinationContainersByName: ReadonlyMap<string, Container>;
}

/** Builds a {@link ContainerReferenceContext} from the containers of both datastores. */
export function containerReferenceContext(
  sourceDatastoreId: number,
  destinationDatastoreId: number,
  sourceContainers: readonly Container[],
  destinationContainers: readonly Container[],
): ContainerReferenceContext {
  const byName = new Map<string, Container>();
  for (const container of [...destinationContainers].sort((a, b) => a.id - b.id)) {
    const key = container.name.toLowerCase();
    if (container.deleted_at === null && !byName.has(key)) byName.set(key, container);
  }
  return {
    sourceDatastoreId,
    destinationDatastoreId,
    sourceContainers: new Map(sourceContainers.map((container) => [container.id, container])),
    destinationContainersByName: byName,
  };
}

/** A check resolved against the destination (§7): the resolved parts and what did not resolve. */
export interface ResolvedCheck {
  /** Resolved field names in the destination's casing, in the source's order. */
  readonly fields: readonly string[];
  /** Properties with field and container references rewritten; unresolved references removed. */
  readonly properties: Properties;
  /** Source spellings of field names (fields and field references) that did not resolve, first occurrence order. */
  readonly unresolvedFields: readonly string[];
  /** Source names of referenced containers with no live namesake in the destination datastore. */
  readonly unresolvedContainers: readonly string[];
}

/** Resolves a source check's fields, field references and container references on the destination. */
export function resolveCheck(check: QualityCheck, namespace: FieldNamespace, references: ContainerReferenceContext): ResolvedCheck {
  // Allocated only when something does not resolve: most checks resolve wholly (the planner
  // resolves every source of a promotion).
  let unresolvedFields: string[] | undefined;
  const unresolvedContainers: string[] = [];
  const resolveName = (name: string): string | undefined => {
    const resolved = namespace.resolve(name);
    // Listed once, compared case-insensitively, first spelling kept (decision 0009).
    if (resolved === undefined && !(unresolvedFields ?? none).some((other) => other.toLowerCase() === name.toLowerCase())) (unresolvedFields ??= []).push(name);
    return resolved;
  };
  const fields = resolveNames(check.fields, resolveName);
  const spec = ruleTypeSpec(check.rule_type);
  const rewritesContainers = spec.containerReference && references.sourceDatastoreId !== references.destinationDatastoreId;
  // Most rule types reference nothing: their properties are used as they are, not copied.
  if (spec.fieldReferenceKeys.length === 0 && !rewritesContainers) return { fields, properties: check.properties, unresolvedFields: unresolvedFields ?? none, unresolvedContainers: none };
  const properties: Record<string, unknown> = { ...check.properties };

  for (const key of spec.fieldReferenceKeys) {
    const value = properties[key];
    if (typeof value === 'string') {
      const resolved = resolveName(value);
      if (resolved === undefined) delete properties[key];
      else properties[key] = resolved;
    } else if (Array.isArray(value)) {
      properties[key] = value.flatMap((item: unknown) => {
        if (typeof item !== 'string') return [item];
        const resolved = resolveName(item);
        return resolved === undefined ? [] : [resolved];
      });
    }
  }

  if (rewritesContainers) {
    const refContainerId = properties['ref_container_id'];
    const refDatastoreId = properties['ref_datastore_id'];
    const pointsIntoSource = refDatastoreId === undefined || refDatastoreId === references.sourceDatastoreId;
    const referenced = typeof refContainerId === 'number' ? references.sourceContainers.get(refContainerId) : undefined;
    if (referenced !== undefined && pointsIntoSource) {
      const namesake = references.destinationContainersByName.get(referenced.name.toLowerCase());
      if (namesake === undefined) {
        unresolvedContainers.push(referenced.name);
        delete properties['ref_container_id'];
        if (refDatastoreId !== undefined) delete properties['ref_datastore_id'];
      } else {
        properties['ref_container_id'] = namesake.id;
        if (refDatastoreId !== undefined) properties['ref_datastore_id'] = references.destinationDatastoreId;
      }
    } else if (refContainerId === undefined && refDatastoreId === references.sourceDatastoreId) {
      properties['ref_datastore_id'] = references.destinationDatastoreId;
    }
  }
  return { fields, properties, unresolvedFields: unresolvedFields ?? none, unresolvedContainers: unresolvedContainers.length === 0 ? none : unresolvedContainers };
}

const none: readonly string[] = Object.freeze([]);

/**
 * `names` resolved, those that do not resolve left out; `names` itself when every name resolves to
 * its own spelling (the usual case: a check promoted between containers of the same columns).
 */
function resolveNames(names: readonly string[], resolveName: (name: string) => string | undefined): readonly string[] {
  let resolvedNames: string[] | undefined;
  for (let index = 0; index < names.length; index++) {
    const name = names[index] as string;
    const resolved = resolveName(name);
    if (resolvedNames === undefined) {
      if (resolved === name) continue;
      resolvedNames = names.slice(0, index);
    }
    if (resolved !== undefined) resolvedNames.push(resolved);
  }
  return resolvedNames ?? names;
}

/** The message of a check promoted as draft because something did not resolve (§7), or `null`. */
export function unresolvedMessage(resolved: Pick<ResolvedCheck, 'unresolvedFields' | 'unresolvedContainers'>): string | null {
  // Asked for every planned check: nothing unresolved is the usual answer, found without allocating.
  if (resolved.unresolvedFields.length === 0 && resolved.unresolvedContainers.length === 0) return null;
  const parts: string[] = [];
  if (resolved.unresolvedFields.length > 0) {
    parts.push(`source fields ${pythonList(resolved.unresolvedFields)} could not be resolved on the destination`);
  }
  for (const name of resolved.unresolvedContainers) {
    parts.push(`reference container ${pythonString(name)} could not be resolved on the destination datastore`);
  }
  return parts.length === 0 ? null : `Promoted as Draft: ${parts.join('; ')}`;
}
