import type { CommitUnit, OperationRecord, QualityCheck } from '@promote/core';
import { checkValue } from './entity-values.js';
import { sampleIds } from './sample-world.js';

const { datastores, containers } = sampleIds;

/**
 * A running quality-check operation of {@link sampleWorld} (orders → staging orders) without id,
 * unless overridden.
 */
export function operationInput(overrides: Partial<Omit<OperationRecord, 'id'>> = {}): Omit<OperationRecord, 'id'> {
  return {
    promote_type: 'quality_check',
    result: 'running',
    start_time: '2026-03-10T14:30:00Z',
    end_time: null,
    triggered_by: 'admin@example.com',
    aborted_by: null,
    message: null,
    datastore: { id: datastores.warehouse, name: 'warehouse' },
    destination_datastore: { id: datastores.staging, name: 'staging' },
    container: { id: containers.orders, name: 'orders' },
    destination_container: { id: containers.stagingOrders, name: 'Orders' },
    as_draft: true,
    status: { total: 4, created: 0, updated: 0, skipped: 0, failed: 0 },
    request: {
      type: 'promote_quality_check',
      datastore_id: datastores.warehouse,
      container_id: containers.orders,
      destination_container_id: containers.stagingOrders,
      check_tags: ['finance'],
      as_draft: true,
    },
    selection: [20, 21, 22, 23],
    destination_scope: `container:${containers.stagingOrders}`,
    ...overrides,
  };
}

interface UnitPosition {
  readonly operationId: number;
  readonly seq: number;
  readonly sourceId: number;
  /** Destination container; default: the sample's staging orders. */
  readonly containerId?: number | undefined;
}

/** A `created` quality-check unit writing a new check (overridable) into the destination container. */
export function createdCheckUnit(position: UnitPosition, check: Partial<Omit<QualityCheck, 'id'>> = {}): CommitUnit {
  const containerId = position.containerId ?? containers.stagingOrders;
  return {
    ...unitBase(position, containerId),
    result: 'created',
    write: { kind: 'create_check', value: checkValue(containerId, { description: `Promoted from ${position.sourceId}`, ...check }) },
    destination_entity_id: null,
  };
}

/** An `updated` quality-check unit replacing `destination` by `replacement`. */
export function updatedCheckUnit(position: UnitPosition, destination: QualityCheck, replacement: QualityCheck): CommitUnit {
  return {
    ...unitBase(position, destination.container_id),
    result: 'updated',
    write: { kind: 'update_check', value: replacement },
    destination_entity_id: destination.id,
    changes: [{ path: 'description', from: destination.description, to: replacement.description }],
    before: destination,
  };
}

/** A `skipped` quality-check unit matched to `destinationId`. */
export function skippedCheckUnit(position: UnitPosition, destinationId: number): CommitUnit {
  return { ...unitBase(position, position.containerId ?? containers.stagingOrders), result: 'skipped', destination_entity_id: destinationId };
}

/** A `failed` quality-check unit with `message`. */
export function failedCheckUnit(position: UnitPosition, message = 'Validation failed: field \'id\' not found on destination container'): CommitUnit {
  return { ...unitBase(position, position.containerId ?? containers.stagingOrders), result: 'failed', destination_entity_id: null, message };
}

function unitBase(position: UnitPosition, containerId: number) {
  return {
    operation_id: position.operationId,
    seq: position.seq,
    entity_type: 'quality_check',
    source_entity_id: position.sourceId,
    destination_scope_id: containerId,
    message: null,
    changes: null,
    before: null,
    search_text: `check ${position.sourceId} not_null`,
  } as const;
}
