import { describe, expect, test } from 'vitest';
import { documentedRoute } from './app-telemetry.js';
import { createMetricsApp } from './metrics-app.js';
import { testApi } from './testing/fixtures.js';

describe('GET /healthz', () => {
  test('answers 200 without a token, uncached; HEAD too; another method is a 405', async () => {
    const api = testApi();
    const answer = await api.call('GET', '/healthz', { token: null });
    expect(answer).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect((await api.call('HEAD', '/healthz', { token: null })).status).toBe(200);
    const posted = await api.call('POST', '/healthz', { token: null });
    expect(posted).toMatchObject({ status: 405, body: { detail: 'Method POST not allowed; use GET, HEAD' } });
  });
});

describe('GET /readyz', () => {
  test('200 when the store answers (a memory store is always ready)', async () => {
    const answer = await testApi().call('GET', '/readyz', { token: null });
    expect(answer).toMatchObject({ status: 200, body: { status: 'ready' } });
    expect(answer.headers.get('cache-control')).toBe('no-store');
  });

  test('503 with the reason when the store fails, or is closed', async () => {
    const api = testApi();
    await api.store.close();
    const answer = await api.call('GET', '/readyz', { token: null });
    expect(answer).toMatchObject({ status: 503, body: { status: 'unavailable', reason: 'Store failure: The store is closed' } });
  });

  test('503 when the check takes longer than readinessTimeoutMs, or rejects; a given readiness replaces the store check', async () => {
    const slow = testApi({ app: { readiness: () => new Promise(() => undefined), readinessTimeoutMs: 20 } });
    expect(await slow.call('GET', '/readyz', { token: null })).toMatchObject({ status: 503, body: { reason: 'the store did not answer within 20 ms' } });
    const broken = testApi({ app: { readiness: () => Promise.reject(new Error('no route to host')) } });
    expect(await broken.call('GET', '/readyz', { token: null })).toMatchObject({ status: 503, body: { reason: 'no route to host' } });
    const draining = testApi({ app: { readiness: async () => ({ ready: false, reason: 'shutting down' }) } });
    expect(await draining.call('GET', '/readyz', { token: null })).toMatchObject({ status: 503, body: { status: 'unavailable', reason: 'shutting down' } });
  });

  test('under a base path, like every route', async () => {
    const api = testApi({ app: { basePath: '/promote' } });
    expect((await api.call('GET', '/promote/readyz', { token: null })).status).toBe(200);
    expect((await api.call('GET', '/promote/healthz', { token: null })).status).toBe(200);
    expect((await api.call('GET', '/readyz', { token: null })).status).toBe(404);
  });
});

describe('GET /metrics', () => {
  const exposition = { contentType: 'text/plain; version=0.0.4; charset=utf-8', body: 'promote_up 1\n' };
  const telemetry = { request: () => undefined, metrics: async () => exposition };

  test('answers the telemetry’s exposition without a token, with its content type', async () => {
    const answer = await testApi({ app: { telemetry } }).call('GET', '/metrics', { token: null });
    expect(answer).toMatchObject({ status: 200, text: 'promote_up 1\n' });
    expect(answer.headers.get('content-type')).toBe(exposition.contentType);
  });

  test('404 saying why without telemetry, or when served on another port', async () => {
    expect(await testApi().call('GET', '/metrics', { token: null })).toMatchObject({ status: 404, body: { detail: 'No metrics: this app was made without telemetry' } });
    expect(await testApi({ app: { telemetry, serveMetrics: false } }).call('GET', '/metrics', { token: null })).toMatchObject({
      status: 404,
      body: { detail: 'Metrics are served on another port' },
    });
  });

  test('createMetricsApp serves /metrics and nothing else', async () => {
    const app = createMetricsApp({ metrics: telemetry.metrics });
    const answer = await app.request('/metrics');
    expect([answer.status, await answer.text(), answer.headers.get('content-type')]).toEqual([200, 'promote_up 1\n', exposition.contentType]);
    const other = await app.request('/api/datastores');
    expect([other.status, await other.json()]).toEqual([404, { detail: 'Not Found: GET /api/datastores (this port serves GET /metrics only)' }]);
  });
});

describe('X-Request-Id', () => {
  test('a usable one is echoed; none, or one too long or with other characters, gets a new UUID', async () => {
    const api = testApi();
    const echoed = await api.call('GET', '/api/datastores', { headers: { 'x-request-id': 'lb-7f3a:2.1' } });
    expect(echoed.headers.get('x-request-id')).toBe('lb-7f3a:2.1');
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    for (const given of [undefined, 'x'.repeat(129), 'a b', 'id"},{"level":"fatal"']) {
      const answer = await api.call('GET', '/healthz', { token: null, headers: given === undefined ? {} : { 'x-request-id': given } });
      expect([given, answer.headers.get('x-request-id')]).toEqual([given, expect.stringMatching(uuid)]);
    }
    // On errors too: a 401, a 404, a 405, and a 413 below.
    for (const [method, path] of [['GET', '/api/datastores'], ['GET', '/nope'], ['DELETE', '/api/datastores']] as const) {
      const answer = await api.call(method, path, { token: null, headers: { 'x-request-id': 'r-1' } });
      expect([path, answer.headers.get('x-request-id')]).toEqual([path, 'r-1']);
    }
    const tooLarge = await api.call('POST', '/api/operations/run', { body: 'x'.repeat(2 * 1024 * 1024), headers: { 'content-type': 'application/json', 'x-request-id': 'r-2' } });
    expect([tooLarge.status, tooLarge.headers.get('x-request-id')]).toEqual([413, 'r-2']);
  });
});

describe('documentedRoute', () => {
  test('a registered path as documented, without the base path; a middleware pattern is unmatched', () => {
    expect(documentedRoute('/api/operations/:id{[0-9]{1,15}}/quality-checks', '')).toBe('/api/operations/{id}/quality-checks');
    expect(documentedRoute('/promote/api/operations/abort/:id{[0-9]{1,15}}', '/promote')).toBe('/api/operations/abort/{id}');
    expect(documentedRoute('/promote', '/promote')).toBe('/');
    expect(documentedRoute('/operations/:id', '')).toBe('/operations/{id}');
    expect(documentedRoute('/api/*', '')).toBe('unmatched');
    expect(documentedRoute('*', '')).toBe('unmatched');
  });
});
