export { openSqliteStore, defaultBusyTimeoutMs, defaultRenderThreads, maxRenderThreads, type SqliteStoreOptions, type ViewCacheOption } from './open-sqlite-store.js';
export { defaultViewCacheBytes } from './kept-views.js';
export type { SqliteStore } from './sqlite-store.js';
export { sqliteStoreMigrations, sqliteStoreMigrationProvider } from './migrations.js';
export type { Database as SqliteStoreSchema } from './schema.js';
