import type { CheckDefinition } from '../domain/entities.js';
import { jsonEqual, normaliseFilter, sameNameSet } from './compare.js';

/** What overlap matching compares (§4): rule type, field set, properties, filter. */
export type OverlapAttributes = Pick<CheckDefinition, 'rule_type' | 'fields' | 'properties' | 'filter'>;

/**
 * The destination's candidate checks by their overlap attributes (§4 fallback for checks): same
 * `rule_type`, same fields (case-insensitive, order ignored), same `properties` (deep, key order
 * ignored), same filter (whitespace runs collapsed, trimmed, `null` = empty).
 *
 * Keyed by a 32-bit hash of those attributes and verified by comparing them in full, rather than
 * keyed by a text of them ({@link overlapKey}): building 200,000 key texts and hashing them in a map
 * of 100,000 strings was a third of a 100,000-check plan, and what made it grow faster than the
 * number of checks (memory traffic, garbage). Equal attributes always hash alike; unequal ones that
 * collide are told apart by the comparison.
 */
export class OverlapIndex {
  readonly #byHash = new Map<number, OverlapAttributes & { readonly id: number } | (OverlapAttributes & { readonly id: number })[]>();

  /** `candidates` in preference order (ascending id): {@link find} answers in that order. */
  constructor(candidates: Iterable<OverlapAttributes & { readonly id: number }>) {
    for (const candidate of candidates) {
      const hash = overlapHash(candidate);
      const known = this.#byHash.get(hash);
      if (known === undefined) this.#byHash.set(hash, candidate);
      else if (Array.isArray(known)) known.push(candidate);
      else this.#byHash.set(hash, [known, candidate]);
    }
  }

  /** Ids of the candidates whose overlap attributes equal `probe`'s, in preference order. */
  find(probe: OverlapAttributes): number[] {
    const known = this.#byHash.get(overlapHash(probe));
    if (known === undefined) return [];
    if (!Array.isArray(known)) return sameOverlap(probe, known) ? [known.id] : [];
    const ids: number[] = [];
    for (let index = 0; index < known.length; index++) {
      const candidate = known[index] as OverlapAttributes & { readonly id: number };
      if (sameOverlap(probe, candidate)) ids.push(candidate.id);
    }
    return ids;
  }
}

/** Whether two checks overlap (§4): the equality {@link overlapHash} is a hash of. */
export function sameOverlap(a: OverlapAttributes, b: OverlapAttributes): boolean {
  return (
    a.rule_type === b.rule_type &&
    sameNameSet(a.fields, b.fields) &&
    (a.filter === b.filter || normaliseFilter(a.filter) === normaliseFilter(b.filter)) &&
    jsonEqual(a.properties, b.properties)
  );
}

/**
 * A 32-bit hash of the overlap attributes, equal for any two checks that {@link sameOverlap}: names
 * folded to lower case and combined as a set, properties combined key by key regardless of order
 * (keys holding `undefined` left out, as `jsonEqual` does), the filter normalised.
 */
export function overlapHash(check: OverlapAttributes): number {
  let hash = hashText(check.rule_type, 0x2f0b3a49);
  hash = Math.imul(hash ^ nameSetHash(check.fields), prime);
  hash = Math.imul(hash ^ jsonHash(check.properties), prime);
  return Math.imul(hash ^ hashText(normaliseFilter(check.filter), 0x61c88647), prime) | 0;
}

const prime = 0x01000193;

/** FNV-1a over UTF-16 code units. */
function hashText(text: string, seed: number): number {
  let hash = (seed ^ text.length) | 0;
  for (let index = 0; index < text.length; index++) hash = Math.imul(hash ^ text.charCodeAt(index), prime);
  return hash | 0;
}

/** {@link hashText} of `name.toLowerCase()`, without building it when the name is ASCII. */
function lowerCaseHash(name: string): number {
  let hash = (0x5bd1e995 ^ name.length) | 0;
  for (let index = 0; index < name.length; index++) {
    let code = name.charCodeAt(index);
    // Past ASCII, lower-casing can change the length or map into ASCII: hash the lower-cased text.
    if (code > 0x7f) return hashText(name.toLowerCase(), 0x5bd1e995);
    if (code >= 0x41 && code <= 0x5a) code += 0x20;
    hash = Math.imul(hash ^ code, prime);
  }
  return hash | 0;
}

/** A hash of a case-insensitive name set: each distinct name once, in any order. */
function nameSetHash(names: readonly string[]): number {
  // One name: the same sum as below, of one term.
  if (names.length === 1) return Math.imul(lowerCaseHash(names[0] as string), 0x9e3779b1) | 0;
  const hashes: number[] = [];
  for (let index = 0; index < names.length; index++) {
    const hash = lowerCaseHash(names[index] as string);
    if (!hashes.includes(hash)) hashes.push(hash);
  }
  let sum = 0;
  for (let index = 0; index < hashes.length; index++) sum = (sum + Math.imul(hashes[index] as number, 0x9e3779b1)) | 0;
  return sum;
}

/** A hash of a JSON value under `jsonEqual`: object key order ignored, array order kept. */
function jsonHash(value: unknown): number {
  if (value === null || value === undefined) return 0x27d4eb2f;
  switch (typeof value) {
    case 'string':
      return hashText(value, 0x165667b1);
    case 'number':
      // String(-0) is "0": -0 and 0 are equal under jsonEqual (===) and hash alike.
      return hashText(String(value), 0x3c6ef372);
    case 'boolean':
      return value ? 0x7a3b1c55 : 0x1b873593;
    case 'object': {
      if (Array.isArray(value)) {
        let hash = (0x85ebca6b ^ value.length) | 0;
        for (let index = 0; index < value.length; index++) hash = Math.imul(hash ^ jsonHash(value[index]), prime);
        return hash | 0;
      }
      const record = value as Record<string, unknown>;
      let sum = 0x4cf5ad43;
      for (const key in record) {
        if (!Object.hasOwn(record, key) || record[key] === undefined) continue;
        sum = (sum + Math.imul(hashText(key, 0x6a09e667) ^ jsonHash(record[key]), 0x9e3779b1)) | 0;
      }
      return sum;
    }
    default:
      return hashText(String(value), 0x510e527f);
  }
}
