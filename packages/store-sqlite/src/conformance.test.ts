import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storeConformanceCases } from '@promote/testkit';
import { describeStoreConformance } from '@promote/testkit/vitest';
import { afterAll } from 'vitest';
import { openSqliteStore } from './index.js';

describeStoreConformance('sqlite store in memory', () => openSqliteStore({ filename: ':memory:' }));

// The same cases on WAL files, one new file per case; result views on the store's connection.
const directory = mkdtempSync(join(tmpdir(), 'promote-store-sqlite-conformance-'));
let files = 0;
afterAll(() => rmSync(directory, { recursive: true, force: true }));
describeStoreConformance('sqlite store on a file', () => openSqliteStore({ filename: join(directory, `store-${(files += 1)}.db`), renderThreads: 0 }));

// The cases of written result views, written by a render thread (decision 0908): started at open,
// so that every page of these cases is the thread's.
const renderCases = storeConformanceCases.filter((conformanceCase) => conformanceCase.requires === 'render-result-views' || conformanceCase.requires === 'render-result-range');
describeStoreConformance(
  'sqlite store on a file, result views written by a render thread',
  () => openSqliteStore({ filename: join(directory, `store-${(files += 1)}.db`), renderThreads: 1, renderThreadsFrom: 1, renderThreadsAtOpen: true, onRenderThreadLost: (cause) => { throw cause; } }),
  { cases: renderCases },
);
