import { errAsync } from 'neverthrow';
import { describe, expect, test, vi } from 'vitest';
import { createMemoryStore } from '@promote/store-memory';
import type { Promoter, Store } from '@promote/core';
import { createApp } from './create-app.js';
import { tokenAuthenticator } from './authenticate.js';
import { exampleJson, exampleWorld, testApi, tokens } from './testing/fixtures.js';
import { toHttpError } from './to-http-error.js';

const qcSeed = exampleJson('requests/qc-seed.json');

/** No answer may carry a stack trace or a file path. */
function expectNoInternals(text: string) {
  expect(text).not.toMatch(/\bat .+:\d+:\d+|node_modules|\.ts\b|Error:/);
}

describe('authentication', () => {
  test('no token, an unknown token and another scheme are 401 with WWW-Authenticate: Bearer', async () => {
    const api = testApi();
    const attempts: Record<string, string>[] = [{}, { authorization: 'Bearer nobody-has-this' }, { authorization: 'Basic amFuZTpzZWNyZXQ=' }, { authorization: 'Bearer' }];
    for (const headers of attempts) {
      const answer = await api.call('GET', '/api/datastores', { token: null, headers });
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toBe('Bearer');
      expect(typeof answer.body.detail).toBe('string');
    }
    expect((await api.call('GET', '/api/datastores', { token: null, headers: { authorization: 'bearer jane-token' } })).status).toBe(200);
  });

  test('every endpoint but the reference needs a token', async () => {
    const api = testApi();
    const secured: [string, string][] = [
      ['POST', '/api/operations/run'],
      ['POST', '/api/operations/plan'],
      ['GET', '/api/operations'],
      ['GET', '/api/operations/1'],
      ['GET', '/api/operations/1/quality-checks'],
      ['GET', '/api/operations/1/fields'],
      ['GET', '/api/operations/1/containers'],
      ['PUT', '/api/operations/abort/1'],
      ['PUT', '/api/operations/resume/1'],
      ['POST', '/api/operations/rerun/1'],
      ['GET', '/api/datastores'],
      ['GET', '/api/containers'],
      ['GET', '/api/quality-checks?container=10'],
      ['GET', '/api/computed-fields?container=10'],
    ];
    for (const [method, path] of secured) {
      expect([method, path, (await api.call(method, path, { token: null })).status]).toEqual([method, path, 401]);
    }
    expect((await api.call('GET', '/api/openapi.json', { token: null })).status).toBe(200);
    expect((await api.call('GET', '/api/docs', { token: null })).status).toBe(200);
  });

  test('a custom authenticator decides who acts; its failure is a 503', async () => {
    const world = exampleWorld();
    const store = createMemoryStore({ world });
    const api = testApi({ store, app: { authenticate: async (token) => (token === 'let-me-in' ? store.findUser({ email: 'admin@example.com' }) : undefined) } });
    expect((await api.call('GET', '/api/datastores', { token: 'let-me-in' })).body.total).toBe(4);
    expect((await api.call('GET', '/api/datastores', { token: tokens.jane })).status).toBe(401);

    const onDefect = vi.fn();
    const failing = testApi({ app: { authenticate: () => Promise.reject(new Error('connection refused')), onDefect } });
    const answer = await failing.call('GET', '/api/datastores');
    expect(answer.status).toBe(503);
    expectNoInternals(answer.text);
    expect(onDefect).toHaveBeenCalledOnce();
  });
});

describe('request bodies', () => {
  test('malformed JSON is a 422 json_invalid issue at ["body"]', async () => {
    const api = testApi();
    const answer = await api.call('POST', '/api/operations/run', { body: '{"type": "promote_quality_check",', headers: { 'content-type': 'application/json' } });
    expect(answer.status).toBe(422);
    expect(answer.body.detail).toEqual([{ loc: ['body'], msg: expect.stringMatching(/^Invalid JSON: /), type: 'json_invalid' }]);
    expectNoInternals(answer.text);
  });

  test('a body that is not declared as JSON is a 415; a JSON media type with parameters or +json is accepted', async () => {
    const api = testApi();
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const answer = await api.call('POST', '/api/operations/run', { body: JSON.stringify(qcSeed), headers: { 'content-type': contentType } });
      expect(answer.status).toBe(415);
      expect(answer.body.detail).toContain('application/json');
    }
    expect((await api.call('POST', '/api/operations/run', { body: JSON.stringify(qcSeed) })).status).toBe(415);
    expect((await api.call('POST', '/api/operations/plan', { body: JSON.stringify(qcSeed), headers: { 'content-type': 'application/json; charset=utf-8' } })).status).toBe(200);
    expect((await api.call('POST', '/api/operations/plan', { body: JSON.stringify(qcSeed), headers: { 'content-type': 'application/vnd.promote+json' } })).status).toBe(200);
  });

  test('an empty body is a missing body (422), whatever its content type', async () => {
    const api = testApi();
    const attempts: Record<string, string>[] = [{}, { 'content-type': 'application/json' }, { 'content-type': 'text/plain' }];
    for (const headers of attempts) {
      const answer = await api.call('POST', '/api/operations/run', { headers });
      expect(answer.status).toBe(422);
      expect(answer.body.detail).toEqual([{ loc: ['body'], msg: 'Field required', type: 'missing' }]);
    }
  });

  test('JSON that is not an object is a 422 shape error', async () => {
    const api = testApi();
    for (const json of [[qcSeed], 'promote', 42, null]) {
      const answer = await api.call('POST', '/api/operations/run', { json });
      expect(answer.status).toBe(422);
      expect(Array.isArray(answer.body.detail)).toBe(true);
    }
  });

  test('a body over the limit is a 413, declared by Content-Length or streamed', async () => {
    const api = testApi({ app: { maxBodyBytes: 1000 } });
    const huge = JSON.stringify({ ...(qcSeed as object), check_additional_tags: Array.from({ length: 200 }, (_, index) => `tag-${index}`) });
    const declared = await api.call('POST', '/api/operations/run', { body: huge, headers: { 'content-type': 'application/json', 'content-length': String(huge.length) } });
    expect(declared.status).toBe(413);
    expect(declared.body.detail).toBe('Request body is larger than 1000 bytes');
    const streamed = await api.call('POST', '/api/operations/run', { body: huge, headers: { 'content-type': 'application/json' } });
    expect(streamed.status).toBe(413);
    expect((await api.call('POST', '/api/operations/plan', { json: qcSeed })).status).toBe(200);
  });

  test('the default limit is 1 MiB', async () => {
    const api = testApi();
    const body = JSON.stringify({ ...(qcSeed as object), padding: 'x'.repeat(1024 * 1024) });
    const answer = await api.call('POST', '/api/operations/run', { body, headers: { 'content-type': 'application/json' } });
    expect(answer.status).toBe(413);
    const nested = '['.repeat(200_000) + ']'.repeat(200_000);
    const deep = await api.call('POST', '/api/operations/run', { body: nested, headers: { 'content-type': 'application/json' } });
    expect(deep.status).toBe(422);
    expectNoInternals(deep.text);
  });
});

describe('routing', () => {
  test('an unknown path is a JSON 404', async () => {
    const api = testApi();
    const answer = await api.call('GET', '/api/nothing-here');
    expect(answer).toMatchObject({ status: 404, body: { detail: 'Not Found: GET /api/nothing-here' } });
    expect((await api.call('GET', '/')).status).toBe(404);
  });

  test('a known path with another method is a 405 with Allow', async () => {
    const api = testApi();
    const run = await api.call('GET', '/api/operations/run');
    expect(run.status).toBe(405);
    expect(run.headers.get('allow')).toBe('POST');
    expect(typeof run.body.detail).toBe('string');
    const operation = await api.call('PATCH', '/api/operations/1');
    expect(operation.status).toBe(405);
    expect(operation.headers.get('allow')).toBe('GET, HEAD, DELETE');
    expect((await api.call('POST', '/api/operations/abort/1')).headers.get('allow')).toBe('PUT');
  });
});

describe('errors of the service', () => {
  test('toHttpError maps every kind once', () => {
    expect(toHttpError({ kind: 'invalid_request', issues: [{ loc: ['body'], msg: 'Field required', type: 'missing' }] })).toEqual({
      status: 422,
      body: { detail: [{ loc: ['body'], msg: 'Field required', type: 'missing' }] },
    });
    expect(toHttpError({ kind: 'unprocessable', message: 'Source and destination must be different' })).toEqual({ status: 422, body: { detail: 'Source and destination must be different' } });
    expect(toHttpError({ kind: 'not_found', entity: 'Container', id: 9, message: 'Container 9 not found' }).status).toBe(404);
    expect(toHttpError({ kind: 'forbidden', message: 'no' }).status).toBe(403);
    expect(toHttpError({ kind: 'unauthenticated', message: 'Unknown user' })).toMatchObject({ status: 401, headers: { 'WWW-Authenticate': 'Bearer' } });
    expect(toHttpError({ kind: 'conflict', message: 'running' }).status).toBe(409);
    expect(toHttpError({ kind: 'store_failure', message: 'Store failure: disk full' })).toEqual({ status: 503, body: { detail: 'Store failure: disk full' } });
  });

  test('a store that fails answers 503 with a message', async () => {
    const world = exampleWorld();
    const healthy = createMemoryStore({ world });
    const broken: Store = new Proxy(healthy, {
      get(target, key, receiver) {
        if (key === 'listDatastores' || key === 'getOperation') return () => Promise.reject(new Error('database is locked'));
        return Reflect.get(target, key, receiver);
      },
    });
    const api = testApi({ store: broken });
    const datastores = await api.call('GET', '/api/datastores');
    expect(datastores).toMatchObject({ status: 503, body: { detail: 'Store failure: database is locked' } });
    expect((await api.call('GET', '/api/operations/1')).status).toBe(503);
  });

  test('a defect is a bare 500 without a stack, reported to onDefect', async () => {
    const onDefect = vi.fn();
    const store = createMemoryStore({ world: exampleWorld() });
    const promoter = {
      streamOperation: () => {
        throw new TypeError('Cannot read properties of undefined (reading "id")');
      },
      listOperations: () => errAsync({ kind: 'conflict', message: 'unused' }),
    } as unknown as Promoter;
    const app = createApp({ promoter, onDefect, authenticate: tokenAuthenticator(store) });
    const response = await app.request('/api/operations/1', { headers: { authorization: 'Bearer jane-token' } });
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ detail: 'Internal server error' });
    expectNoInternals(text);
    expect(onDefect).toHaveBeenCalledOnce();
    expect(onDefect.mock.calls[0]?.[0]).toBeInstanceOf(TypeError);
  });
});
