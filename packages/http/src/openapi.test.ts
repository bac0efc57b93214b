import { describe, expect, test } from 'vitest';
import { operationRequestSchema } from '@promote/core';
import { exampleJson, testApi } from './testing/fixtures.js';

/** `/api/operations/{id}` → a concrete path for the app. */
const concrete = (path: string) => path.replace('{id}', '1');

describe('GET /api/openapi.json', () => {
  test('an OpenAPI 3.1 document, no token needed, with the request body generated from the zod schema', async () => {
    const api = testApi();
    const answer = await api.call('GET', '/api/openapi.json', { token: null });
    expect(answer.status).toBe(200);
    const document = answer.body;
    expect(document.openapi).toBe('3.1.0');
    const request = document.components.schemas.PromoteRequest;
    expect(request.oneOf).toHaveLength(5);
    expect(request.discriminator.propertyName).toBe('type');
    const qualityCheck = document.components.schemas.PromoteQualityCheckRequest;
    expect(qualityCheck.required).toEqual(['type', 'datastore_id', 'container_id', 'destination_container_id']);
    expect(qualityCheck.additionalProperties).toBe(false);
    expect(qualityCheck.properties.as_draft).toMatchObject({ type: 'boolean', default: true });
    expect(qualityCheck.properties.check_ids.description).toMatch(/^Specific quality check IDs to promote\. Mutually exclusive with `check_tags`/);
    expect(document.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  test('documents every route the app serves, and every documented route exists', async () => {
    const api = testApi();
    const document = (await api.call('GET', '/api/openapi.json')).body;
    const documented = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented).toHaveLength(21);
    for (const entry of documented) {
      const [method, path] = entry.split(' ') as [string, string];
      const answer = await api.call(method, concrete(path), { token: null });
      expect([entry, answer.status === 404 && answer.body?.detail?.startsWith('Not Found'), answer.status === 405]).toEqual([entry, false, false]);
    }
    const served = api.app.routes.filter((route) => route.method !== 'ALL').map((route) => `${route.method} ${route.path.replace(/:id\{[^/]*\}/, '{id}')}`);
    expect(new Set(served)).toEqual(new Set(documented));
  });

  test('the request examples are valid requests', async () => {
    const api = testApi();
    const document = (await api.call('GET', '/api/openapi.json')).body;
    const examples = document.paths['/api/operations/run'].post.requestBody.content['application/json'].examples;
    expect(Object.keys(examples)).toHaveLength(5);
    for (const example of Object.values(examples) as { value: unknown }[]) expect(operationRequestSchema.safeParse(example.value).success).toBe(true);
    expect(examples.quality_checks.value).toEqual(exampleJson('requests/qc-seed.json'));
  });

  test('every secured operation lists 401; query parameters come from the schemas', async () => {
    const api = testApi();
    const document = (await api.call('GET', '/api/openapi.json')).body;
    const results = document.paths['/api/operations/{id}/quality-checks'].get;
    expect(results.parameters.map((parameter: { name: string }) => parameter.name)).toEqual(['id', 'search', 'promote_result', 'page', 'size']);
    const promoteResult = results.parameters.find((parameter: { name: string }) => parameter.name === 'promote_result');
    expect(promoteResult.schema).toEqual({ type: 'array', items: { type: 'string', enum: ['created', 'updated', 'skipped', 'failed'] } });
    const container = document.paths['/api/quality-checks'].get.parameters.find((parameter: { name: string }) => parameter.name === 'container');
    expect(container.required).toBe(true);
    for (const [path, methods] of Object.entries(document.paths as Record<string, Record<string, { security: unknown[]; responses: Record<string, unknown> }>>)) {
      for (const operation of Object.values(methods)) {
        if (operation.security.length > 0) expect([path, Object.keys(operation.responses)]).toEqual([path, expect.arrayContaining(['200', '401'])]);
      }
    }
  });
});

describe('GET /api/docs', () => {
  test('a self-contained HTML reference listing every endpoint', async () => {
    const api = testApi();
    const answer = await api.call('GET', '/api/docs', { token: null });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/html/);
    expect(answer.text).toMatch(/^<!doctype html>/);
    for (const path of ['/api/operations/run', '/api/operations/{id}/quality-checks', '/api/operations/abort/{id}', '/api/computed-fields', '/api/openapi.json']) {
      expect(answer.text).toContain(`<code>${path}</code>`);
    }
    expect(answer.text).toContain('id="schema-PromoteQualityCheckRequest"');
    expect(answer.text).not.toMatch(/<script|https?:\/\/(?!json-schema)/);
  });

  test('nullable values read as "string or null", not "any"; no spec section numbers anywhere', async () => {
    const api = testApi();
    const page = (await api.call('GET', '/api/docs', { token: null })).text;
    const document = (await api.call('GET', '/api/openapi.json', { token: null })).text;
    // `end_time` of an operation is a timestamp or null.
    expect(document).toContain('"type":["string","null"]');
    expect(page).toMatch(/<code>end_time<\/code>(?:(?!<\/tr>).)*string or null/);
    expect(page).not.toMatch(/<td>any<\/td>/);
    expect(page).not.toContain('§');
    expect(document).not.toContain('§');
  });
});

describe('mounted under a prefix (createApp({ basePath }))', () => {
  test('every route, the document and the page work under the prefix, and the document names it in servers', async () => {
    const api = testApi({ app: { basePath: '/promote' } });
    const document = await api.call('GET', '/promote/api/openapi.json', { token: null });
    expect(document.status).toBe(200);
    expect(document.body.servers).toEqual([{ url: '/promote', description: 'This server' }]);
    const page = await api.call('GET', '/promote/api/docs', { token: null });
    expect(page.status).toBe(200);
    // Relative: from /promote/api/docs it resolves to /promote/api/openapi.json.
    expect(page.text).toContain('<a href="openapi.json">');
    expect(page.text).not.toContain('href="/api/');
    expect((await api.call('GET', '/promote/api/datastores')).status).toBe(200);
    expect((await api.call('GET', '/api/datastores')).status).toBe(404);
    expect((await api.call('DELETE', '/promote/api/datastores')).status).toBe(405);
    expect((await testApi().call('GET', '/api/openapi.json', { token: null })).body.servers).toEqual([{ url: '/', description: 'This server' }]);
  });

  test('a base path that is not /segment[/segment…] is refused when the app is made', () => {
    for (const basePath of ['promote', '/promote/', '/', '/a b', '/x?y']) {
      expect(() => testApi({ app: { basePath } })).toThrow(RangeError);
    }
  });
});
