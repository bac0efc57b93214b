import { describeStoreConformance } from '@promote/testkit';
import { createMemoryStore } from './index.js';

describeStoreConformance('memory store', () => createMemoryStore());
