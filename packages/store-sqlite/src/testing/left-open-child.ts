/**
 * A child process of render-threads.test.ts: opens two file stores and leaves them open — one
 * with its render threads started at open, one whose threads a whole-operation page started —
 * then returns. The process must exit on its own: idle threads of a store hold no reference.
 */
import { join } from 'node:path';
import { openSqliteStore } from '../index.js';

const [directory] = process.argv.slice(2) as [string];
await openSqliteStore({ filename: join(directory, 'at-open.db'), renderThreadsAtOpen: true });
const lazy = await openSqliteStore({ filename: join(directory, 'lazy.db') });
await lazy.renderResultViews!(1, undefined, 1000);
console.log('left open');
