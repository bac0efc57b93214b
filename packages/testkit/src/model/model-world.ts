import type { ComputedField, Container, Field, LineageLink, QualityCheck, World, WorldEdit } from '@promote/core';

/** The kinds of world entity whose ids a store assigns. */
export type ModelIdKind = 'quality_check' | 'computed_field' | 'container' | 'field';

/** The largest id each kind has ever had: deletes never lower it, the next id is `1 +` it (§12 ids). */
export type HighestIds = Readonly<Record<ModelIdKind, number>>;

/**
 * The reference model's state of the world: the world itself plus the high-water mark of every id
 * kind, which a bare `World` cannot tell once something was deleted.
 */
export interface ModelWorld {
  readonly world: World;
  readonly highestIds: HighestIds;
}

const maxId = (list: readonly { readonly id: number }[]) => list.reduce((highest, entity) => Math.max(highest, entity.id), 0);

/** `world` as a model state: the high-water marks are the largest ids present (an imported world). */
export function toModelWorld(world: World | ModelWorld): ModelWorld {
  if ('highestIds' in world) return world;
  return {
    world,
    highestIds: {
      quality_check: maxId(world.quality_checks),
      computed_field: maxId(world.computed_fields),
      container: maxId(world.containers),
      field: maxId(world.fields),
    },
  };
}

const byId = <T extends { readonly id: number }>(list: readonly T[]): T[] => [...list].sort((a, b) => a.id - b.id);

/**
 * A mutable copy of a model world, for one operation or one batch of edits. Lists are kept in any
 * order while working; {@link WorldDraft.done} sorts them back to ascending id.
 */
export class WorldDraft {
  containers: Container[];
  fields: Field[];
  checks: QualityCheck[];
  computedFields: ComputedField[];
  lineage: LineageLink[];
  readonly highestIds: Record<ModelIdKind, number>;
  readonly #base: World;

  constructor(model: ModelWorld) {
    this.#base = model.world;
    this.containers = [...model.world.containers];
    this.fields = [...model.world.fields];
    this.checks = [...model.world.quality_checks];
    this.computedFields = [...model.world.computed_fields];
    this.lineage = [...model.world.lineage];
    this.highestIds = { ...model.highestIds };
  }

  get world(): World {
    return this.#base;
  }

  nextId(kind: ModelIdKind): number {
    this.highestIds[kind] += 1;
    return this.highestIds[kind];
  }

  datastore(id: number) {
    return this.#base.datastores.find((datastore) => datastore.id === id);
  }

  container(id: number): Container | undefined {
    return this.containers.find((container) => container.id === id);
  }

  check(id: number): QualityCheck | undefined {
    return this.checks.find((check) => check.id === id);
  }

  computedField(id: number): ComputedField | undefined {
    return this.computedFields.find((field) => field.id === id);
  }

  fieldsOf(containerId: number): Field[] {
    return byId(this.fields.filter((field) => field.container_id === containerId));
  }

  checksOf(containerId: number): QualityCheck[] {
    return byId(this.checks.filter((check) => check.container_id === containerId));
  }

  computedFieldsOf(containerId: number): ComputedField[] {
    return byId(this.computedFields.filter((field) => field.container_id === containerId));
  }

  containersOf(datastoreId: number): Container[] {
    return byId(this.containers.filter((container) => container.datastore_id === datastoreId));
  }

  putCheck(check: QualityCheck): void {
    this.checks = [...this.checks.filter((other) => other.id !== check.id), check];
  }

  putComputedField(field: ComputedField): void {
    this.computedFields = [...this.computedFields.filter((other) => other.id !== field.id), field];
  }

  putContainer(container: Container): void {
    this.containers = [...this.containers.filter((other) => other.id !== container.id), container];
  }

  putField(field: Field): void {
    this.fields = [...this.fields.filter((other) => other.id !== field.id), field];
  }

  done(): ModelWorld {
    return {
      world: {
        ...this.#base,
        containers: byId(this.containers),
        fields: byId(this.fields),
        quality_checks: byId(this.checks),
        computed_fields: byId(this.computedFields),
        lineage: [...this.lineage],
      },
      highestIds: { ...this.highestIds },
    };
  }
}

/** What {@link applyModelEdits} answers: the new state and the ids, or why the whole call was refused. */
export type ModelEditOutcome =
  | { readonly ok: true; readonly model: ModelWorld; readonly ids: readonly number[] }
  | { readonly ok: false; readonly reason: string };

/**
 * The model of `Store.applyEdits`: edits in order, all or none. Refused (nothing applied) when an
 * update or delete names a missing entity, a write goes into a missing container or datastore, a
 * computed file's source container is missing, or a deleted container is still some computed
 * file's source. Deleting a container deletes its fields, checks and computed fields; lineage is
 * kept. Created entities get `1 +` the kind's high-water mark.
 */
export function applyModelEdits(model: ModelWorld | World, edits: readonly WorldEdit[]): ModelEditOutcome {
  const draft = new WorldDraft(toModelWorld(model));
  const ids: number[] = [];
  const refuse = (reason: string): ModelEditOutcome => ({ ok: false, reason });
  for (const edit of edits) {
    switch (edit.kind) {
      case 'create_check':
      case 'update_check': {
        if (draft.container(edit.value.container_id) === undefined) return refuse(`container ${edit.value.container_id} does not exist`);
        if (edit.kind === 'update_check' && draft.check(edit.value.id) === undefined) return refuse(`quality check ${edit.value.id} does not exist`);
        const id = edit.kind === 'create_check' ? draft.nextId('quality_check') : edit.value.id;
        draft.putCheck({ ...edit.value, id });
        ids.push(id);
        break;
      }
      case 'create_computed_field':
      case 'update_computed_field': {
        if (draft.container(edit.value.container_id) === undefined) return refuse(`container ${edit.value.container_id} does not exist`);
        if (edit.kind === 'update_computed_field' && draft.computedField(edit.value.id) === undefined) return refuse(`computed field ${edit.value.id} does not exist`);
        const id = edit.kind === 'create_computed_field' ? draft.nextId('computed_field') : edit.value.id;
        draft.putComputedField({ ...edit.value, id });
        ids.push(id);
        break;
      }
      case 'create_field':
      case 'update_field': {
        if (draft.container(edit.value.container_id) === undefined) return refuse(`container ${edit.value.container_id} does not exist`);
        if (edit.kind === 'update_field' && !draft.fields.some((field) => field.id === edit.value.id)) return refuse(`field ${edit.value.id} does not exist`);
        const id = edit.kind === 'create_field' ? draft.nextId('field') : edit.value.id;
        draft.putField({ ...edit.value, id });
        ids.push(id);
        break;
      }
      case 'create_container':
      case 'update_container': {
        if (draft.datastore(edit.value.datastore_id) === undefined) return refuse(`datastore ${edit.value.datastore_id} does not exist`);
        if (edit.value.container_type === 'computed_file' && draft.container(edit.value.source_container_id) === undefined) {
          return refuse(`container ${edit.value.source_container_id} does not exist`);
        }
        if (edit.kind === 'update_container' && draft.container(edit.value.id) === undefined) return refuse(`container ${edit.value.id} does not exist`);
        const id = edit.kind === 'create_container' ? draft.nextId('container') : edit.value.id;
        draft.putContainer({ ...edit.value, id } as Container);
        ids.push(id);
        break;
      }
      case 'delete': {
        const { id } = edit;
        switch (edit.entity) {
          case 'quality_check':
            if (draft.check(id) === undefined) return refuse(`quality check ${id} does not exist`);
            draft.checks = draft.checks.filter((check) => check.id !== id);
            break;
          case 'computed_field':
            if (draft.computedField(id) === undefined) return refuse(`computed field ${id} does not exist`);
            draft.computedFields = draft.computedFields.filter((field) => field.id !== id);
            break;
          case 'field':
            if (!draft.fields.some((field) => field.id === id)) return refuse(`field ${id} does not exist`);
            draft.fields = draft.fields.filter((field) => field.id !== id);
            break;
          case 'container':
            if (draft.container(id) === undefined) return refuse(`container ${id} does not exist`);
            if (draft.containers.some((container) => container.container_type === 'computed_file' && container.source_container_id === id && container.id !== id)) {
              return refuse(`container ${id} is the source of a computed file`);
            }
            draft.containers = draft.containers.filter((container) => container.id !== id);
            draft.fields = draft.fields.filter((field) => field.container_id !== id);
            draft.checks = draft.checks.filter((check) => check.container_id !== id);
            draft.computedFields = draft.computedFields.filter((field) => field.container_id !== id);
            break;
        }
        ids.push(id);
        break;
      }
    }
  }
  return { ok: true, model: draft.done(), ids };
}
