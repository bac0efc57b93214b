import { describe, expect, test } from 'vitest';
import { testApi } from './testing/fixtures.js';

/** A body that breaks off as Node's IncomingMessage does when the client closes mid-body. */
function abortedBody(): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('{"type":'));
      controller.error(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
    },
  });
}

describe('a client that closes mid-body is not a defect (issue 17)', () => {
  for (const path of ['/api/operations/run', '/api/operations/plan']) {
    test(`${path}: a 400 nobody reads, and nothing for onDefect`, async () => {
      const defects: unknown[] = [];
      const api = testApi({ app: { onDefect: (error) => defects.push(error) } });
      const response = await api.app.request(path, {
        method: 'POST',
        headers: { authorization: 'Bearer jane-token', 'content-type': 'application/json' },
        body: abortedBody(),
        duplex: 'half',
      } as RequestInit);
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ detail: 'The client closed the connection before the request arrived' });
      expect(defects).toEqual([]);
    });
  }

  test('another failure while reading the body still is a defect', async () => {
    const defects: unknown[] = [];
    const api = testApi({ app: { onDefect: (error) => defects.push(error) } });
    const body = new ReadableStream({ start: (controller) => controller.error(new Error('disk on fire')) });
    const response = await api.app.request('/api/operations/plan', {
      method: 'POST',
      headers: { authorization: 'Bearer jane-token', 'content-type': 'application/json' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(500);
    expect(defects.map(String)).toEqual(['Error: disk on fire']);
  });
});
