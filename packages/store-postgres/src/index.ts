export {
  openPostgresStore,
  defaultConnectTimeoutMs,
  defaultMaxConnections,
  defaultMigrationLockTimeoutMs,
  defaultSchema,
  migrationLockClass,
  type PostgresStoreOptions,
} from './open-postgres-store.js';
export { writeLockClass, type PostgresStore } from './postgres-store.js';
export { postgresStoreMigrations, postgresStoreMigrationProvider } from './migrations.js';
export type { Database as PostgresStoreSchema } from './schema.js';
