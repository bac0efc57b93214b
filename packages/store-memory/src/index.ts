export { createMemoryStore, type MemoryStoreOptions } from './memory-store.js';
export { createMemoryLeases } from './memory-leases.js';
