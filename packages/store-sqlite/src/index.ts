export { openSqliteStore, defaultBusyTimeoutMs, defaultRenderThreads, maxRenderThreads, type SqliteStoreOptions } from './open-sqlite-store.js';
export type { SqliteStore } from './sqlite-store.js';
export { sqliteStoreMigrations, sqliteStoreMigrationProvider } from './migrations.js';
export type { Database as SqliteStoreSchema } from './schema.js';
