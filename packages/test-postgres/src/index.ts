// Only what a test file needs: the broker and the server run in vitest's main process (global-setup.ts).
export { createTestDatabase } from './create-test-database.js';
