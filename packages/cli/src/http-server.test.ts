import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { createPromoter, createReferenceDataplane, parseWorldSnapshot, steppingClock } from '@promote/core';
import { createApp } from '@promote/http';
import { createMemoryStore } from '@promote/store-memory';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { serveDataplane } from './commands/serve.js';
import { createHttpServer } from './http-server.js';
import { promoteInProcess } from './testing/in-process-cli.js';
import { root } from './testing/built-cli.js';

const world = parseWorldSnapshot(JSON.parse(readFileSync(join(root, 'docs/examples/world.json'), 'utf8')))._unsafeUnwrap();
const defects: unknown[] = [];
let server: Server;
let port: number;

beforeAll(async () => {
  const promoter = createPromoter({ clock: steppingClock(), store: createMemoryStore({ world }), dataplane: createReferenceDataplane() });
  const app = createApp({ promoter, onDefect: (error) => defects.push(error) });
  server = createHttpServer({ fetch: app.fetch, hostname: '127.0.0.1', timeouts: { requestMs: 400, headersMs: 300, keepAliveMs: 200 } });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

interface RawAnswer {
  readonly status: number;
  readonly headers: string;
  readonly body: any;
  /** Milliseconds from connecting to the server closing the connection. */
  readonly elapsedMs: number;
}

/** Sends raw bytes and reads until the server closes the connection. */
function raw(bytes: string | Buffer): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', body = ''] = text.split('\r\n\r\n', 2);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        parsed = `not JSON: ${text}`;
      }
      resolve({ status, headers: head, body: parsed, elapsedMs: performance.now() - started });
    });
  });
}

const withJsonClose = (answer: RawAnswer) => {
  expect(answer.headers).toMatch(/^content-type: application\/json; charset=utf-8$/im);
  expect(answer.headers).toMatch(/^connection: close$/im);
  expect(typeof answer.body.detail).toBe('string');
};

describe('every answer is JSON, also what Node refuses before the app (issue 17)', () => {
  const refused: [string, string | Buffer, number][] = [
    ['a raw UTF-8 path', Buffer.concat([Buffer.from('GET /api/'), Buffer.from('dätästöres', 'utf8'), Buffer.from(' HTTP/1.1\r\nHost: x\r\n\r\n')]), 400],
    ['Transfer-Encoding and Content-Length', 'POST /api/operations/plan HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n', 400],
    ['a negative Content-Length', 'POST /api/operations/plan HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n', 400],
    ['method FOO', 'FOO /api/datastores HTTP/1.1\r\nHost: x\r\n\r\n', 501],
    ['headers over 16 KB', `GET /api/datastores HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(17_000)}\r\n\r\n`, 431],
    ['a URL over 16 KB', `GET /api/datastores?q=${'a'.repeat(17_000)} HTTP/1.1\r\nHost: x\r\n\r\n`, 431],
    ['not HTTP at all', 'hello\r\n\r\n', 501],
  ];
  for (const [name, bytes, status] of refused) {
    test(`${name}: ${status}`, async () => {
      const answer = await raw(bytes);
      expect(answer.status).toBe(status);
      withJsonClose(answer);
    });
  }

  test('an incomplete body gets a JSON 408 once the request timeout has passed, and is not a defect', async () => {
    const answer = await raw('POST /api/operations/plan HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer jane-token\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"type":');
    console.log(`incomplete body: ${answer.status} after ${answer.elapsedMs.toFixed(0)} ms`);
    expect(answer.status).toBe(408);
    withJsonClose(answer);
    expect(answer.elapsedMs).toBeLessThan(5_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(defects.map((d: any) => [String(d), d.code, d.name, d.cause])).toEqual([]);
  });

  test('incomplete headers get a JSON 408 once the header timeout has passed', async () => {
    const answer = await raw('GET /api/datastores HTTP/1.1\r\nHost: x\r\n');
    console.log(`incomplete headers: ${answer.status} after ${answer.elapsedMs.toFixed(0)} ms`);
    expect(answer.status).toBe(408);
    withJsonClose(answer);
    expect(answer.elapsedMs).toBeLessThan(5_000);
  });

  test('an idle keep-alive connection is closed after the keep-alive timeout; a good request is answered as before', async () => {
    const answer = await raw('GET /api/datastores HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer jane-token\r\n\r\n');
    expect(answer.status).toBe(200);
    expect(answer.body.total).toBe(4);
    expect(answer.elapsedMs).toBeLessThan(5_000);
  });
});

describe('promote serve: timeouts and a dataplane that holds its memory flat', () => {
  test('timeouts are checked before listening', async () => {
    const exampleWorld = join(root, 'docs/examples/world.json');
    const bad = await promoteInProcess(['serve', '--world', exampleWorld, '--db', ':memory:', '--port', '0', '--request-timeout', 'soon']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trimEnd()).toBe("promote serve: --request-timeout must be a number of seconds (0 for none), not 'soon' (see: promote serve --help)");
    const inverted = await promoteInProcess(['serve', '--world', exampleWorld, '--db', ':memory:', '--port', '0', '--headers-timeout', '20'], { env: { PROMOTE_REQUEST_TIMEOUT: '10' } });
    expect(inverted.code).toBe(2);
    expect(inverted.stderr).toContain('the headers timeout (20 s) must not exceed the request timeout (10 s)');
  });

  test("serve's dataplane keeps no call history (it grew by every batch for the server's lifetime)", async () => {
    const dataplane = serveDataplane();
    const target = { container: world.containers[0]!, fields: [], computedFields: [] };
    for (let call = 0; call < 20; call++) await dataplane.validate(target, []);
    expect(dataplane.calls).toEqual([]);
  });
});
