export { createMemoryStore, type MemoryStoreOptions } from './memory-store.js';
export { createMemoryLeases, type MemoryLeases } from './memory-leases.js';
