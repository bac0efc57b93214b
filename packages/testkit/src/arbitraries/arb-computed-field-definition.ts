import type { Metadata, Properties, Transformation } from '@promote/core';
import fc from 'fast-check';
import { record, weighted } from './arb-helpers.js';
import { applyCasing, arbCasing, type Casing } from './casing.js';

/**
 * The recipe of one generated computed field, described as data so that counterexamples read well:
 * its transformation with the transformation's own properties, and the inputs it uses. An input is
 * picked by index when the recipe is turned into a field ({@link renderComputedField}), so that a
 * field can only use fields generated before it and the dependency graph stays acyclic.
 */
export interface ComputedFieldRecipe {
  readonly name: string;
  readonly definition: RecipeDefinition;
  readonly inputs: readonly InputRef[];
  readonly description: string;
  readonly tags: readonly string[];
  readonly additional_metadata: Metadata;
}

/** What a recipe computes; a `custom_expression` is a template with `{0}`, `{1}` for its inputs. */
export type RecipeDefinition =
  | { readonly transformation: 'cast'; readonly properties: Properties }
  | { readonly transformation: 'cleaned_entity_name'; readonly properties: Properties }
  | { readonly transformation: 'convert_formatted_numeric' }
  | { readonly transformation: 'custom_expression'; readonly template: string };

/**
 * One name a computed field uses: `computed` picks among the computed fields generated before it
 * (`pick % count`; a plain field when there is none), otherwise among the container's plain fields.
 * The name is written with `casing`, and back-quoted in an expression when `quoted`.
 */
export interface InputRef {
  readonly computed: boolean;
  readonly pick: number;
  readonly casing: Casing;
  readonly quoted: boolean;
}

/** The computed field a recipe becomes, before ids and a container are given. */
export interface RenderedComputedField {
  readonly name: string;
  readonly transformation: Transformation;
  readonly source_fields: readonly string[];
  readonly properties: Properties;
  readonly description: string;
  readonly tags: readonly string[];
  readonly additional_metadata: Metadata;
}

/** Expression templates with no, one or two inputs. Their bare words are reserved: see {@link reservedWords}. */
export const expressionTemplates = [
  'CURRENT_TIMESTAMP',
  '{0} * 2',
  'ROUND({0} * 1.2, 2)',
  'UPPER(TRIM({0}))',
  'CASE WHEN {0} > 100 THEN 1 ELSE 0 END',
  '{0} IS NOT NULL',
  "lower(substring_index({0}, '@', -1))",
  '{0} + {1}',
  'COALESCE({0}, {1})',
  "CONCAT({0}, '-', {1})",
  '{0} * (1 + {1})',
  'CASE WHEN {0} < {1} THEN {0} ELSE {1} END',
] as const;

const identifierPattern = /`([^`]+)`|([A-Za-z_][A-Za-z0-9_]*)/g;

/** Identifier tokens of an expression as §6 defines them: bare words and back-quoted names. */
export function identifierTokens(expression: string): string[] {
  return [...expression.matchAll(identifierPattern)].flatMap((match) => match[1] ?? match[2] ?? []);
}

/**
 * Lower-case words of the expression templates (`case`, `coalesce`, `substring_index` …). No
 * generated field is named like one: §6 would read the word as a use of that field, and a computed
 * field named `round` would depend on every expression that rounds.
 */
export const reservedWords: ReadonlySet<string> = new Set(
  expressionTemplates.flatMap((template) => identifierTokens(template.replace(/\{\d\}/g, ' ')).map((word) => word.toLowerCase())),
);

const castTargets = ['string', 'integral', 'fractional', 'date', 'timestamp', 'boolean'] as const;
const castFormats: Readonly<Record<string, readonly string[]>> = {
  date: ['yyyy-MM-dd', 'dd/MM/yyyy'],
  timestamp: ["yyyy-MM-dd'T'HH:mm:ss", 'yyyy-MM-dd HH:mm:ss'],
  fractional: ['#,##0.00'],
};

const arbCastProperties: fc.Arbitrary<Properties> = fc
  .tuple(fc.constantFrom(...castTargets), fc.boolean(), fc.nat())
  .map(([target, withFormat, pick]) => {
    const formats = castFormats[target] ?? [];
    const format = formats[pick % Math.max(1, formats.length)];
    return withFormat && format !== undefined ? { target_type: target, format } : { target_type: target };
  });

const arbCleanedProperties: fc.Arbitrary<Properties> = record({
  drop_from_prefix: fc.boolean(),
  drop_from_suffix: fc.boolean(),
  drop_from_interior: fc.boolean(),
  terms_to_drop: fc.subarray(['Inc', 'LLC', 'Ltd', 'Corp', 'GmbH'], { maxLength: 3 }),
  terms_to_ignore: fc.subarray(['The', 'Company', 'Group'], { maxLength: 2 }),
});

const arbDefinition: fc.Arbitrary<RecipeDefinition> = weighted<RecipeDefinition>(
  [3, arbCastProperties.map((properties) => ({ transformation: 'cast' as const, properties }))],
  [2, arbCleanedProperties.map((properties) => ({ transformation: 'cleaned_entity_name' as const, properties }))],
  [1, fc.constant({ transformation: 'convert_formatted_numeric' as const })],
  [5, fc.constantFrom(...expressionTemplates).map((template) => ({ transformation: 'custom_expression' as const, template }))],
);

const arbInputRef: fc.Arbitrary<InputRef> = record<InputRef>({
  computed: weighted([1, fc.constant(true)], [1, fc.constant(false)]),
  pick: fc.nat({ max: 1000 }),
  casing: weighted<Casing>([3, fc.constant('as-is')], [1, arbCasing]),
  quoted: weighted([3, fc.constant(false)], [1, fc.constant(true)]),
});

const arbMetadata: fc.Arbitrary<Metadata> = weighted<Metadata>(
  [3, fc.constant(null).map(() => ({}))],
  [1, fc.constantFrom('finance', 'crm', 'ops').map((owner) => ({ owner }))],
);

/**
 * Recipes named from `names` (plus random `xxx_calc`-like names), tagged from `tagPool`; names are
 * never a reserved word. Callers still drop names that collide with their plain fields.
 */
export function arbComputedFieldRecipe(names: readonly string[], tagPool: readonly string[]): fc.Arbitrary<ComputedFieldRecipe> {
  const arbName = weighted(
    [4, fc.constantFrom(...names)],
    [1, fc.stringMatching(/^[a-z]{3,8}_(calc|derived|value|flag)$/).filter((name) => !reservedWords.has(name))],
  );
  return record<ComputedFieldRecipe>({
    name: arbName,
    definition: arbDefinition,
    inputs: fc.array(arbInputRef, { minLength: 2, maxLength: 2 }),
    description: fc.lorem({ maxCount: 4 }),
    tags: fc.subarray([...tagPool], { maxLength: 2 }),
    additional_metadata: arbMetadata,
  });
}

/**
 * The computed field of `recipe`, its inputs taken from `plainNames` and `earlierComputedNames` (the
 * computed fields generated before it). With neither, an expression falls back to its no-input
 * template and other transformations use a name of no field at all.
 */
export function renderComputedField(
  recipe: ComputedFieldRecipe,
  plainNames: readonly string[],
  earlierComputedNames: readonly string[],
): RenderedComputedField {
  const inputName = (ref: InputRef): string | undefined => {
    const pool = ref.computed && earlierComputedNames.length > 0 ? earlierComputedNames : plainNames;
    const name = pool.length === 0 ? undefined : pool[ref.pick % pool.length];
    return name === undefined ? undefined : applyCasing(name, ref.casing);
  };
  const common = {
    name: recipe.name,
    description: recipe.description,
    tags: [...recipe.tags],
    additional_metadata: { ...recipe.additional_metadata },
  };
  const { definition } = recipe;
  if (definition.transformation === 'custom_expression') {
    const names = recipe.inputs.map(inputName);
    const expression = names.every((name) => name !== undefined)
      ? definition.template.replace(/\{(\d)\}/g, (_, index: string) => {
          const ref = recipe.inputs[Number(index)] as InputRef;
          const name = names[Number(index)] as string;
          return ref.quoted ? `\`${name}\`` : name;
        })
      : 'CURRENT_TIMESTAMP';
    return { ...common, transformation: 'custom_expression', source_fields: [], properties: { column_expression: expression } };
  }
  const input = recipe.inputs[0];
  const sourceField = (input === undefined ? undefined : inputName(input)) ?? 'unknown_input';
  return {
    ...common,
    transformation: definition.transformation,
    source_fields: [sourceField],
    properties: definition.transformation === 'convert_formatted_numeric' ? {} : structuredClone(definition.properties),
  };
}
