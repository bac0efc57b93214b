import { describeStoreConformance } from '@promote/testkit/vitest';
import { createMemoryStore } from './index.js';

describeStoreConformance('memory store', () => createMemoryStore());
