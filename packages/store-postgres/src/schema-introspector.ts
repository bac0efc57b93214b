import { PostgresDialect, sql, type DatabaseIntrospector, type DatabaseMetadata, type DatabaseMetadataOptions, type Kysely, type PostgresDialectConfig, type SchemaMetadata, type TableMetadata } from 'kysely';

/**
 * kysely's Postgres dialect, whose introspection sees one schema only. kysely's `Migrator` asks
 * the introspector whether its own tables exist, and the stock one reads every table and column
 * of the whole database each time: on a database that holds many schemas (one per test case,
 * or other products' tables) that was most of the time of opening a store.
 */
export class SchemaPostgresDialect extends PostgresDialect {
  readonly #schema: string;

  constructor(config: PostgresDialectConfig, schema: string) {
    super(config);
    this.#schema = schema;
  }

  override createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new SchemaIntrospector(db, this.#schema);
  }
}

/** The tables and views of one schema, with their columns; kysely's internal tables only when asked. */
class SchemaIntrospector implements DatabaseIntrospector {
  readonly #db: Kysely<any>;
  readonly #schema: string;

  constructor(db: Kysely<any>, schema: string) {
    this.#db = db;
    this.#schema = schema;
  }

  async getSchemas(): Promise<SchemaMetadata[]> {
    const { rows } = await sql<SchemaMetadata>`select "nspname" as "name" from "pg_catalog"."pg_namespace" where "nspname" = ${this.#schema}`.execute(this.#db);
    return rows;
  }

  async getTables(options: DatabaseMetadataOptions = { withInternalKyselyTables: false }): Promise<TableMetadata[]> {
    const { rows } = await sql<{ table: string; view: boolean; column: string | null; type: string | null; type_schema: string | null; nullable: boolean | null; defaulted: boolean | null; identity: boolean | null }>`
      select "class"."relname" as "table", "class"."relkind" = 'v' as "view", "attribute"."attname" as "column", "type"."typname" as "type",
        "type_namespace"."nspname" as "type_schema", not "attribute"."attnotnull" as "nullable", "attribute"."atthasdef" as "defaulted",
        "attribute"."attidentity" <> '' as "identity"
      from "pg_catalog"."pg_class" as "class"
      join "pg_catalog"."pg_namespace" as "namespace" on "namespace"."oid" = "class"."relnamespace"
      left join "pg_catalog"."pg_attribute" as "attribute" on "attribute"."attrelid" = "class"."oid" and "attribute"."attnum" > 0 and not "attribute"."attisdropped"
      left join "pg_catalog"."pg_type" as "type" on "type"."oid" = "attribute"."atttypid"
      left join "pg_catalog"."pg_namespace" as "type_namespace" on "type_namespace"."oid" = "type"."typnamespace"
      where "namespace"."nspname" = ${this.#schema} and "class"."relkind" in ('r', 'p', 'v')
      order by "class"."relname", "attribute"."attnum"`.execute(this.#db);
    const tables = new Map<string, TableMetadata>();
    for (const row of rows) {
      if (!options.withInternalKyselyTables && row.table.startsWith('kysely_')) continue;
      let table = tables.get(row.table);
      if (table === undefined) tables.set(row.table, (table = { name: row.table, isView: row.view, schema: this.#schema, columns: [] }));
      if (row.column !== null) {
        table.columns.push({
          name: row.column,
          dataType: row.type ?? '',
          ...(row.type_schema === null ? {} : { dataTypeSchema: row.type_schema }),
          isNullable: row.nullable === true,
          hasDefaultValue: row.defaulted === true,
          isAutoIncrementing: row.identity === true,
        });
      }
    }
    return [...tables.values()];
  }

  async getMetadata(options?: DatabaseMetadataOptions): Promise<DatabaseMetadata> {
    return { tables: await this.getTables(options) };
  }
}
