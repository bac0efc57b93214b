import { promoteTypes, type PromoteType, type RequestIssue } from '@promote/core';

/** What the New promotion form holds, as the browser sent it (every value a string), so that it can be shown again. */
export interface PromotionForm {
  readonly type: PromoteType;
  /** The `type` sent when it named no promote type (the form then shows quality checks). */
  readonly unknownType?: string | undefined;
  readonly datastore_id: string;
  readonly destination_datastore_id: string;
  readonly container_id: string;
  readonly destination_container_id: string;
  /** Explicit ids, comma-separated. */
  readonly ids: string;
  /** Tags, comma-separated. */
  readonly tags: string;
  /** Additional tags, comma-separated. */
  readonly additional_tags: string;
  readonly as_draft: boolean;
  /** Computed files: source computed file id → destination file pattern id (`''`: not promoted). */
  readonly mappings: Readonly<Record<string, string>>;
}

/** Form values as Hono's `parseBody({ all: true })` or a query gives them. */
export type FormValues = Readonly<Record<string, string | File | readonly (string | File)[] | undefined>>;

const text = (values: FormValues, key: string): string => {
  const value = values[key];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first.trim() : '';
};

/** The form from submitted values; an unknown or missing `type` is `quality_check` (an unknown one is kept in `unknownType`). */
export function readPromotionForm(values: FormValues): PromotionForm {
  const type = text(values, 'type');
  const known = (promoteTypes as readonly string[]).includes(type);
  const mappings: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    const source = /^map_([0-9]{1,15})$/.exec(key)?.[1];
    if (source !== undefined && typeof value === 'string') mappings[source] = value.trim();
  }
  return {
    type: known ? (type as PromoteType) : 'quality_check',
    ...(known || type === '' ? {} : { unknownType: type }),
    datastore_id: text(values, 'datastore_id'),
    destination_datastore_id: text(values, 'destination_datastore_id'),
    container_id: text(values, 'container_id'),
    destination_container_id: text(values, 'destination_container_id'),
    ids: text(values, 'ids'),
    tags: text(values, 'tags'),
    additional_tags: text(values, 'additional_tags'),
    // A checkbox: present when ticked. A form shown for the first time has it ticked (the default of §2).
    as_draft: values['as_draft'] !== undefined || values['submitted'] === undefined,
    mappings,
  };
}

const isId = (value: string) => /^[0-9]{1,15}$/.test(value) && Number(value) >= 1;

const notAnId = (value: string, label: string) => `The ${label} must be an id (a whole number from 1), not '${value}'.`;

const unknownTypeProblem = (type: string) => `There is no promote type '${type}': choose ${promoteTypes.map((known) => `'${known}'`).join(', ')}.`;

/**
 * What is wrong with a form as an address gives it (`/new?type=…&datastore_id=…`): an unknown type,
 * an id that is not one. What it leaves out is no problem: it is chosen on the form.
 */
export function addressProblems(form: PromotionForm): string[] {
  const fields = [
    [form.datastore_id, 'source datastore'],
    [form.destination_datastore_id, 'destination datastore'],
    [form.container_id, 'source container'],
    [form.destination_container_id, 'destination container'],
  ] as const;
  return [
    ...(form.unknownType === undefined ? [] : [unknownTypeProblem(form.unknownType)]),
    ...fields.filter(([value]) => value !== '' && !isId(value)).map(([value, label]) => notAnId(value, label)),
  ];
}

/** The request body of a form, or what is wrong with it, in words (the API then checks the body as it checks any). */
export function requestOfForm(form: PromotionForm): { readonly body: Record<string, unknown> } | { readonly problems: readonly string[] } {
  const problems: string[] = form.unknownType === undefined ? [] : [unknownTypeProblem(form.unknownType)];
  const id = (value: string, label: string): number | undefined => {
    if (value === '') {
      problems.push(`Choose the ${label}.`);
      return undefined;
    }
    if (!isId(value)) {
      problems.push(notAnId(value, label));
      return undefined;
    }
    return Number(value);
  };
  const list = (value: string) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  const ids = (): number[] | undefined => {
    const items = list(form.ids);
    if (items.length === 0) return undefined;
    const bad = items.filter((item) => !isId(item));
    if (bad.length > 0) problems.push(`IDs must be whole numbers from 1, separated by commas; not ${bad.map((item) => `'${item}'`).join(', ')}.`);
    return items.map(Number);
  };
  const tags = (value: string) => {
    const items = list(value);
    return items.length === 0 ? undefined : items;
  };
  const datastore = id(form.datastore_id, 'source datastore');
  let body: Record<string, unknown>;
  switch (form.type) {
    case 'quality_check':
    case 'computed_field': {
      const prefix = form.type === 'quality_check' ? 'check' : 'computed_field';
      body = {
        type: `promote_${form.type}`,
        datastore_id: datastore,
        container_id: id(form.container_id, 'source container'),
        destination_container_id: id(form.destination_container_id, 'destination container'),
        [`${prefix}_ids`]: ids(),
        [`${prefix}_tags`]: tags(form.tags),
        [`${prefix}_additional_tags`]: tags(form.additional_tags),
        ...(form.type === 'quality_check' ? { as_draft: form.as_draft } : {}),
      };
      break;
    }
    case 'computed_table':
      body = {
        type: 'promote_computed_table',
        datastore_id: datastore,
        destination_datastore_id: id(form.destination_datastore_id, 'destination datastore'),
        container_ids: ids(),
        container_tags: tags(form.tags),
        container_additional_tags: tags(form.additional_tags),
      };
      break;
    case 'computed_file': {
      const mapped = Object.entries(form.mappings).filter(([, destination]) => destination !== '');
      if (mapped.length === 0) problems.push('Map at least one source computed file to a destination file pattern.');
      body = {
        type: 'promote_computed_file',
        datastore_id: datastore,
        destination_datastore_id: id(form.destination_datastore_id, 'destination datastore'),
        source_container_mappings: mapped.map(([source, destination]) => ({ container_id: Number(source), destination_container_id: id(destination, `file pattern for computed file ${source}`) })),
        container_additional_tags: tags(form.additional_tags),
      };
      break;
    }
  }
  if (problems.length > 0) return { problems };
  return { body: Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined)) };
}

/** A refused request's issues as sentences a person reads: `check_ids: List should have at least 1 item`. */
export function issueLines(issues: readonly RequestIssue[]): string[] {
  return issues.map((issue) => {
    const where = issue.loc.filter((part) => part !== 'body' && part !== 'query').join('.');
    return where === '' ? issue.msg : `${where}: ${issue.msg}`;
  });
}
