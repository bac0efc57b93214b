import fc from 'fast-check';
import type { PromoteType, World } from '@promote/core';
import { arbComputedContainerWorld } from '../arbitraries/arb-computed-container-world.js';
import { arbComputedFileRequest, arbComputedTableRequest } from '../arbitraries/arb-computed-container-request.js';
import { arbComputedFieldRequest } from '../arbitraries/arb-computed-field-request.js';
import { arbComputedFieldWorld } from '../arbitraries/arb-computed-field-world.js';
import { arbPromotionWorld } from '../arbitraries/arb-promotion-world.js';
import { arbQualityCheckRequest } from '../arbitraries/arb-quality-check-request.js';

/** Who is who in a generated world: user ids by what they may do. */
export interface ScenarioUsers {
  /** Role admin: may do everything. */
  readonly admin: number;
  /** Editor on both datastores through a team. */
  readonly editor: number;
  /** A level below editor on both datastores. */
  readonly viewer: number;
  /** In no team. */
  readonly outsider: number;
}

/** A world and one valid promote request in it. */
export interface PromotionScenario {
  readonly promoteType: PromoteType;
  readonly world: World;
  readonly users: ScenarioUsers;
  readonly request: Record<string, unknown>;
}

/**
 * A generated world with a valid request of `promoteType` (or of any type), for the engine
 * properties. The request's `toString` names its type and selection, so counterexamples read well.
 */
export function arbPromotionScenario(promoteType: PromoteType | 'any' = 'any'): fc.Arbitrary<PromotionScenario> {
  if (promoteType === 'any') {
    return fc.oneof(
      arbPromotionScenario('quality_check'),
      arbPromotionScenario('computed_field'),
      arbPromotionScenario('computed_table'),
      arbPromotionScenario('computed_file'),
    );
  }
  const scenario = (world: World, users: ScenarioUsers, request: object): PromotionScenario => ({
    promoteType,
    world,
    users,
    request: request as Record<string, unknown>,
  });
  switch (promoteType) {
    case 'quality_check':
      return arbPromotionWorld().chain((pw) => arbQualityCheckRequest(pw).map((request) => scenario(pw.world, pw.users, request)));
    case 'computed_field':
      return arbComputedFieldWorld().chain((cw) => arbComputedFieldRequest(cw).map((request) => scenario(cw.world, cw.users, request)));
    case 'computed_table':
      return arbComputedContainerWorld({ kind: 'computed_table' }).chain((w) => arbComputedTableRequest(w).map((request) => scenario(w.world, w.users, request)));
    case 'computed_file':
      return arbComputedContainerWorld({ kind: 'computed_file' }).chain((w) => arbComputedFileRequest(w).map((request) => scenario(w.world, w.users, request)));
  }
}
