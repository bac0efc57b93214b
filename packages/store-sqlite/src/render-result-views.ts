import type BetterSqlite3 from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';
import type { EntityType, RenderedResultViews, ResultPosition } from '@promote/core';
import { boundCount } from './statements.js';

/*
 * `Store.renderResultViews` in SQL: SQLite writes the JSON of a page of result views itself, one
 * `format` per view, joined by `group_concat` and handed over as a blob — no row, no view object
 * and no JavaScript string is built per result, which was most of the cost of serving a whole
 * operation (decision 0906). The text MUST be what `JSON.stringify` of the engine's views writes:
 *
 * - keys in the order of `PromoteResultView` and of each kind's summary (views.ts);
 * - strings through `json_quote`, which escapes as `JSON.stringify` does for every string SQLite
 *   can hold (`"`, `\`, the short escapes `\b \f \n \r \t`, other controls as `\u00XX` in lowercase
 *   hex, everything else as it is; a lone surrogate cannot be stored as UTF-8, so both read U+FFFD);
 * - integers through `%d`, `null` for a missing entity or destination id;
 * - `changes` as stored: `encodeJson` wrote it with `JSON.stringify`, whose text parses and
 *   stringifies back to itself — except a negative zero, which `encodeJson` keeps as `-0` and
 *   `JSON.stringify` writes as `0`: a page holding one is answered `undefined`, for the engine to
 *   build (`negativeZero` below);
 * - a lone surrogate (which better-sqlite3 stores as the three bytes of its code point, and reads
 *   back as it was): `json_quote` copies those bytes, `JSON.stringify` writes `\udXXX`; a page
 *   holding one is answered `undefined` too (`holdsSurrogate`, a `memchr` scan of the page);
 * - the views in `(seq, id)` order: the aggregate reads an ordered, limited subquery, which SQLite
 *   runs as a co-routine feeding rows in its order (an `order by` inside `group_concat` would sort
 *   the texts again, ≈ a quarter more time). The conformance suite checks the bytes and the order.
 *
 * As the engine does, the kind of the page's first result picks which table the summaries come
 * from; every result of an operation has the kind of its promote type.
 */

export type Kind = 'check' | 'computedField' | 'container';

/**
 * The JSON object of a summary of the entity `alias`, or `null` when there is none. Checks and
 * computed fields keep theirs in a stored generated column (migration 0007, decision 0907): a page
 * copies it rather than writing it (a third of the time of a whole operation). Containers, a few
 * per operation, are written here.
 */
const storedSummary = (a: string) => `coalesce(${a}."summary", 'null')`;
const summaries: Record<Kind, (alias: string) => string> = {
  check: storedSummary,
  computedField: storedSummary,
  container: (a) => `iif(${a}."id" is null, 'null', format('{"id":%d,"name":%s,"container_type":%s}', ${a}."id", json_quote(${a}."name"), json_quote(${a}."container_type")))`,
};

const tables: Record<Kind, string> = { check: '"quality_checks"', computedField: '"computed_fields"', container: '"containers"' };

/**
 * Whether a stored `changes` text may hold the number `-0`: a number in JSON comes after `:`, `,`
 * or `[` and ends at `,`, `]` or `}`. A string holding such text is a false alarm (the engine then
 * writes the page), never a miss. One `instr` for `-0` first: the nine run only where it is found
 * (they were a tenth of a whole operation's read). Through `iif`, not `and`: SQLite evaluates both
 * sides of an `and` in a result column (16.6 ms against 3.0 ms for the 2,500 changes of 10,000
 * results).
 */
const negativeZero = `iif(instr(r."changes", '-0') > 0, (${[':', ',', '['].flatMap((before) => [',', ']', '}'].map((after) => `instr(r."changes", '${before}-0${after}')`)).join(' + ')}) > 0, 0)`;

/** The results of `@operation_id` after `(@seq, @id)` in processing order, at most `@limit`. */
const pageOf = `from "results" r where r."operation_id" = @operation_id and (r."seq", r."id") > (@seq, @id) order by r."seq", r."id" limit ${boundCount('@limit')}`;

/**
 * The results of `@operation_id` at seq `@from` … `@to` − 1 in processing order, at most
 * `@count` + 1 (`@count` = `@to` − `@from`): one result per seq is exactly `@count` rows of as many
 * distinct seq; anything else is more rows, or fewer distinct seq (which the caller checks).
 */
const rangeOf = `from "results" r where r."operation_id" = @operation_id and r."seq" >= @from and r."seq" < @to order by r."seq", r."id" limit ${boundCount('@count')} + 1`;

/** The views of the results `rows` selects (a limited, ordered subquery), with the columns `extra` adds to each, as a select of their aggregate `columns`. */
function viewsSql(kind: Kind, rows: string, extra: string, columns: string): string {
  const view = `format('{"id":%d,"source_entity_id":%d,"source_entity":%s,"entity_type":%s,"result":%s,"destination_entity_id":%s,"destination_entity":%s,"message":%s%s}',
    r."id", r."source_entity_id", ${summaries[kind]('s')}, json_quote(r."entity_type"), json_quote(r."result"), coalesce(r."destination_entity_id", 'null'),
    ${summaries[kind]('d')}, json_quote(r."message"), iif(r."result" = 'updated' and r."changes" is not null, ',"changes":' || r."changes", ''))`;
  return `select cast(group_concat("view", ',') as blob), count(*), coalesce(max("negative_zero"), 0)${columns} from (
    select ${view} as "view", iif(r."result" = 'updated' and r."changes" is not null, ${negativeZero}, 0) as "negative_zero"${extra}
    from (select r."id", r."seq", r."entity_type", r."source_entity_id", r."result", r."destination_entity_id", r."message", r."changes" ${rows}) r
    left join ${tables[kind]} s on s."id" = r."source_entity_id"
    left join ${tables[kind]} d on d."id" = r."destination_entity_id"
  )`;
}

const renderPageSql = (kind: Kind) => viewsSql(kind, pageOf, '', '');

/** Also how many distinct seq the range holds, and how many of its results are of another kind than `@entity_type`. */
const renderRangeSql = (kind: Kind) =>
  viewsSql(kind, rangeOf, `, r."seq" as "seq", r."entity_type" <> @entity_type as "other_kind"`, `, count(distinct "seq"), coalesce(sum("other_kind"), 0)`);

interface Position {
  readonly operation_id: number;
  readonly seq: number;
  readonly id: number;
}

interface RangeParameters {
  readonly operation_id: number;
  readonly entity_type: EntityType;
  readonly from: number;
  readonly to: number;
  readonly count: number;
}

export interface RenderStatements {
  readonly firstKind: Statement<[Position], string | undefined>;
  readonly render: Record<Kind, Statement<[Position & { readonly limit: number }], readonly [Buffer | null, number, number]>>;
  readonly renderRange: Record<Kind, Statement<[RangeParameters], readonly [Buffer | null, number, number, number, number]>>;
  /** The position of the result `@offset` places after `(@seq, @id)`: the last of a page of `@offset` + 1. */
  readonly positionAfter: Statement<[Position & { readonly offset: number }], readonly [number, number]>;
  /** What a kept page is checked against (decision 0910): the view generation and the operation's results, when it is not running. */
  readonly stamp: Statement<[{ readonly operation_id: number }], readonly [number, number]>;
}

/** The SQL texts of {@link RenderStatements}: what a render thread prepares on its own connection (render-threads.ts). */
export interface RenderSql {
  readonly firstKind: string;
  readonly render: Readonly<Record<Kind, string>>;
  readonly renderRange: Readonly<Record<Kind, string>>;
  readonly positionAfter: string;
  readonly stamp: string;
}

export const renderSql: RenderSql = {
  firstKind: `select r."entity_type" ${pageOf.replace('@limit', '1')}`,
  render: { check: renderPageSql('check'), computedField: renderPageSql('computedField'), container: renderPageSql('container') },
  renderRange: { check: renderRangeSql('check'), computedField: renderRangeSql('computedField'), container: renderRangeSql('container') },
  positionAfter: `select "seq", "id" from "results" where "operation_id" = @operation_id and ("seq", "id") > (@seq, @id) order by "seq", "id" limit 1 offset ${boundCount('@offset')}`,
  stamp: `select g."n", o."created" + o."updated" + o."skipped" + o."failed" from "view_generation" g, "operations" o where o."id" = @operation_id and o."result" <> 'running'`,
};

/*
 * `prepareRenderStatements`, `renderResultViews`, `renderFrom`, `renderResultRange` and
 * `holdsSurrogate` refer to nothing but their arguments, each other, `kindOf` and `nothing`: a render
 * thread runs their very text (render-threads.ts), so that a page written there is written by the
 * same code as one written on the store's connection. Keep them so (no imports, no inner functions).
 */

export function prepareRenderStatements(handle: BetterSqlite3.Database, sql: RenderSql): RenderStatements {
  return {
    firstKind: handle.prepare<[Position], string | undefined>(sql.firstKind).pluck(true),
    render: {
      check: handle.prepare<[Position & { readonly limit: number }], readonly [Buffer | null, number, number]>(sql.render.check).raw(true),
      computedField: handle.prepare<[Position & { readonly limit: number }], readonly [Buffer | null, number, number]>(sql.render.computedField).raw(true),
      container: handle.prepare<[Position & { readonly limit: number }], readonly [Buffer | null, number, number]>(sql.render.container).raw(true),
    },
    renderRange: {
      check: handle.prepare<[RangeParameters], readonly [Buffer | null, number, number, number, number]>(sql.renderRange.check).raw(true),
      computedField: handle.prepare<[RangeParameters], readonly [Buffer | null, number, number, number, number]>(sql.renderRange.computedField).raw(true),
      container: handle.prepare<[RangeParameters], readonly [Buffer | null, number, number, number, number]>(sql.renderRange.container).raw(true),
    },
    positionAfter: handle.prepare<[Position & { readonly offset: number }], readonly [number, number]>(sql.positionAfter).raw(true),
    stamp: handle.prepare<[{ readonly operation_id: number }], readonly [number, number]>(sql.stamp).raw(true),
  };
}

export const kindOf: Record<EntityType, Kind> = { quality_check: 'check', computed_field: 'computedField', computed_table: 'container', computed_file: 'container' };

/** The answer for no results. */
export const nothing: RenderedResultViews = { json: new Uint8Array(0), count: 0, last: undefined };

/**
 * A written page, with what it can be kept under (decision 0910) when its operation is not running:
 * the view generation and the operation's number of results, from the same snapshot as the page.
 */
export interface StampedResultViews extends RenderedResultViews {
  readonly generation?: number | undefined;
  readonly processed?: number | undefined;
}

/**
 * A page of result views as JSON (see `Store.renderResultViews`), or `undefined` when its text
 * would not be `JSON.stringify`'s (a negative zero in `changes`). Synchronous: the caller runs it
 * in one read transaction, so its statements see one snapshot.
 */
export function renderResultViews(statements: RenderStatements, operationId: number, after: ResultPosition | undefined, limit: number): StampedResultViews | undefined {
  // The first page starts below every result, whatever its seq (a store's seq is any whole number).
  const from: Position = after === undefined ? { operation_id: operationId, seq: Number.MIN_SAFE_INTEGER, id: -1 } : { operation_id: operationId, ...after };
  const kind = statements.firstKind.get(from);
  const page = kind === undefined ? nothing : renderFrom(statements, from, kind as EntityType, limit);
  if (page === undefined || page.count === 0) return page;
  const stamp = statements.stamp.get({ operation_id: operationId });
  return stamp === undefined ? page : { json: page.json, count: page.count, last: page.last, generation: stamp[0], processed: stamp[1] };
}

export function renderFrom(statements: RenderStatements, from: Position, entityType: EntityType, limit: number): RenderedResultViews | undefined {
  const row = statements.render[kindOf[entityType]].get({ ...from, limit });
  if (row === undefined || row[0] === null || row[1] === 0) return nothing;
  const [json, count, negative] = row;
  if (negative !== 0 || holdsSurrogate(json)) return undefined;
  const last = statements.positionAfter.get({ ...from, offset: count - 1 });
  if (last === undefined) throw new Error(`results of operation ${from.operation_id} changed while a page of them was written`);
  return { json, count, last: { seq: last[0], id: last[1] } };
}

/**
 * The JSON of the views of the results at seq `from` … `from + count − 1` (see
 * `Store.renderResultRange`), or `undefined` unless each of those seq holds exactly one result of
 * `entityType` and the text is `JSON.stringify`'s. One statement: it needs no read transaction.
 */
export function renderResultRange(statements: RenderStatements, operationId: number, entityType: EntityType, from: number, count: number): Uint8Array | undefined {
  const row = statements.renderRange[kindOf[entityType]].get({ operation_id: operationId, entity_type: entityType, from, to: from + count, count });
  if (row === undefined || row[0] === null) return undefined;
  const [json, rows, negative, distinct, otherKind] = row;
  if (rows !== count || distinct !== count || otherKind !== 0 || negative !== 0 || holdsSurrogate(json)) return undefined;
  return json;
}

/**
 * Whether UTF-8-like bytes hold a UTF-16 surrogate code point (`ED A0`–`ED BF` …), which valid
 * UTF-8 never does: how a lone surrogate of a JavaScript string is stored.
 */
export function holdsSurrogate(bytes: Uint8Array): boolean {
  for (let at = bytes.indexOf(0xed); at !== -1; at = bytes.indexOf(0xed, at + 1)) {
    if ((bytes[at + 1] ?? 0) >= 0xa0) return true;
  }
  return false;
}
