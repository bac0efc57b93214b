import type { Metadata, Tags } from '../domain/entities.js';
import { union } from './compare.js';

/** Tags after a promotion (§5): destination ∪ source ∪ additional, destination order first. */
export function mergedTags(destination: Tags, source: Tags, additional: Tags): Tags {
  return union(destination, source, additional);
}

/** Metadata after a promotion (§5): source keys win, destination keys are never removed. */
export function mergedMetadata(destination: Metadata, source: Metadata): Record<string, string> {
  return { ...destination, ...source };
}
