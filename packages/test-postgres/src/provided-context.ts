/** The name under which the global setup provides the database broker's address to test files. */
export const brokerKey = 'promoteTestPostgresBroker';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `http://127.0.0.1:PORT`: where a test file asks for a fresh database (see `createTestDatabase`). */
    [brokerKey]: string;
  }
}
