import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeStoreConformance } from '@promote/testkit/vitest';
import { afterAll } from 'vitest';
import { openSqliteStore } from './index.js';

describeStoreConformance('sqlite store in memory', () => openSqliteStore({ filename: ':memory:' }));

// The same cases on WAL files, one new file per case.
const directory = mkdtempSync(join(tmpdir(), 'promote-store-sqlite-conformance-'));
let files = 0;
afterAll(() => rmSync(directory, { recursive: true, force: true }));
describeStoreConformance('sqlite store on a file', () => openSqliteStore({ filename: join(directory, `store-${(files += 1)}.db`) }));
