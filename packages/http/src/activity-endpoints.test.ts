import { systemClock } from '@promote/core';
import { describe, expect, test } from 'vitest';
import { exampleJson, gate, pollUntilFinished, testApi, tokens } from './testing/fixtures.js';

const seed = () => exampleJson('requests/qc-seed.json');
/** The seed's request as active checks: validated, so the gated Dataplane holds it running. */
const heldSeed = () => ({ ...(seed() as object), as_draft: false });

/** Reads a whole `text/event-stream` body into its events. */
function parseEvents(text: string): { event: string; id: string; data: any }[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const fields = Object.fromEntries(block.split('\n').map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]));
      return { event: fields['event'] ?? '', id: fields['id'] ?? '', data: JSON.parse(fields['data'] ?? 'null') };
    });
}

describe('DELETE /api/operations/{id}', () => {
  test('an ended operation: 200 with it as it was; then 404; what it wrote stays', async () => {
    const api = testApi();
    const started = await api.call('POST', '/api/operations/run', { json: seed() });
    await pollUntilFinished(api, started.body.id);
    const checksBefore = await api.call('GET', '/api/quality-checks?container=20&size=1000');
    expect((await api.call('DELETE', `/api/operations/${started.body.id}`, { token: tokens.viewer })).status).toBe(403);
    const deleted = await api.call('DELETE', `/api/operations/${started.body.id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ id: started.body.id, result: 'success', status: { total: 5 } });
    expect(deleted.body.results).toBeUndefined();
    expect((await api.call('GET', `/api/operations/${started.body.id}`)).status).toBe(404);
    expect((await api.call('DELETE', `/api/operations/${started.body.id}`)).body).toEqual({ detail: `Operation ${started.body.id} not found` });
    expect((await api.call('GET', '/api/quality-checks?container=20&size=1000')).body).toEqual(checksBefore.body);
    expect((await api.call('DELETE', `/api/operations/${started.body.id}?force=true`)).status).toBe(422);
  });

  test('409 while it runs', async () => {
    const hold = gate();
    let calls = 0;
    const api = testApi({ dataplane: { latencyMs: 1, sleep: () => (calls++ === 0 ? Promise.resolve() : hold.opened) }, promoter: { concurrency: 1 } });
    const started = await api.call('POST', '/api/operations/run', { json: heldSeed() });
    const refused = await api.call('DELETE', `/api/operations/${started.body.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toContain('running');
    hold.open();
    await pollUntilFinished(api, started.body.id);
  });
});

describe('GET /api/operations/{id}/events', () => {
  test('an ended operation: one end event with the envelope, then the stream closes', async () => {
    const api = testApi();
    const started = await api.call('POST', '/api/operations/run', { json: seed() });
    const ended = await pollUntilFinished(api, started.body.id);
    const answer = await api.call('GET', `/api/operations/${started.body.id}/events`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/event-stream');
    const { results: _results, ...envelope } = ended.body;
    expect(parseEvents(answer.text)).toEqual([{ event: 'end', id: '1', data: envelope }]);
  });

  test('a running operation: progress at once, end when it has ended; authorised like a read', async () => {
    const hold = gate();
    let calls = 0;
    // The wall clock: the stream looks at the operation every 250 ms of the engine's clock, and a
    // stepping clock's sleeps end at once.
    const api = testApi({ dataplane: { latencyMs: 1, sleep: () => (calls++ === 0 ? Promise.resolve() : hold.opened) }, promoter: { concurrency: 1, clock: systemClock } });
    const started = await api.call('POST', '/api/operations/run', { json: heldSeed() });
    expect((await api.call('GET', `/api/operations/${started.body.id}/events`, { token: tokens.noTeam })).status).toBe(403);
    expect((await api.call('GET', `/api/operations/${started.body.id}/events`, { token: null })).status).toBe(401);
    expect((await api.call('GET', '/api/operations/999/events')).status).toBe(404);
    const response = await api.app.request(`/api/operations/${started.body.id}/events`, { headers: { authorization: `Bearer ${tokens.viewer}` } });
    const reader = response.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(parseEvents(first)).toEqual([{ event: 'progress', id: '1', data: expect.objectContaining({ id: started.body.id, result: 'running' }) }]);
    hold.open();
    let rest = '';
    for (let chunk = await reader.read(); chunk.done !== true; chunk = await reader.read()) rest += new TextDecoder().decode(chunk.value);
    const events = parseEvents(rest);
    expect(events.at(-1)).toMatchObject({ event: 'end', data: { result: 'success', status: { total: 5 } } });
    expect(events.slice(0, -1).every((event) => event.event === 'progress')).toBe(true);
  });
});

describe('GET /api/datastores?permission=', () => {
  test('only the datastores where the user holds the level; a level that does not exist is a 422', async () => {
    const api = testApi();
    const ids = async (token: string, query = '') => (await api.call('GET', `/api/datastores${query}`, { token })).body.items.map((datastore: { id: number }) => datastore.id);
    expect(await ids(tokens.staging)).toEqual([1, 2, 3, 4]);
    expect(await ids(tokens.staging, '?permission=editor')).toEqual([1, 4]);
    expect(await ids(tokens.viewer, '?permission=editor')).toEqual([]);
    expect(await ids(tokens.viewer, '?permission=viewer')).toEqual([1, 2, 3, 4]);
    expect((await api.call('GET', '/api/datastores?permission=owner')).status).toBe(422);
  });
});

describe('the session cookie of the Activity page', () => {
  test('authenticates the API’s GET requests only, and only when the page is served', async () => {
    const cookie = { cookie: `promote_session=${tokens.jane}` };
    const withPage = testApi({ app: { activityPage: true } });
    expect((await withPage.call('GET', '/api/datastores', { token: null, headers: cookie })).status).toBe(200);
    expect((await withPage.call('POST', '/api/operations/run', { token: null, headers: cookie, json: seed() })).status).toBe(401);
    expect((await testApi().call('GET', '/api/datastores', { token: null, headers: cookie })).status).toBe(401);
  });

  test('sign-in sets it HttpOnly and SameSite=Strict; a cross-site form post is refused with a page that says so', async () => {
    const api = testApi({ app: { activityPage: true } });
    const origin = 'http://localhost';
    const signIn = await api.call('POST', '/sign-in', { token: null, body: 'token=jane-token', headers: { 'content-type': 'application/x-www-form-urlencoded', origin } });
    expect(signIn.status).toBe(303);
    expect(signIn.headers.get('set-cookie')).toBe('promote_session=jane-token; Path=/; HttpOnly; SameSite=Strict');
    const wrong = await api.call('POST', '/sign-in', { token: null, body: 'token=nope', headers: { 'content-type': 'application/x-www-form-urlencoded', origin } });
    expect([wrong.status, wrong.text.includes('No user has this token.')]).toEqual([401, true]);
    const forged = await api.call('POST', '/sign-in', { token: null, body: 'token=jane-token', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://evil.example' } });
    expect(forged.status).toBe(403);
    expect(forged.headers.get('content-type')).toMatch(/^text\/html/);
    expect(forged.text).toContain('cross-site request forgery');
    expect(forged.headers.get('set-cookie')).toBeNull();
  });

  test('pages answer HTML with a strict content security policy; unknown pages are a 404 page, the API stays JSON', async () => {
    const api = testApi({ app: { activityPage: true } });
    const page = await api.call('GET', '/', { token: null });
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/^<!doctype html>/);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'; script-src 'self'");
    const missing = await api.call('GET', '/nothing/here', { token: null });
    expect([missing.status, missing.headers.get('content-type')?.startsWith('text/html')]).toEqual([404, true]);
    expect((await api.call('GET', '/api/nothing', { token: null })).body).toEqual({ detail: 'Not Found: GET /api/nothing' });
    for (const asset of ['/assets/activity.css', '/assets/activity.js', '/assets/icon.svg']) expect((await api.call('GET', asset, { token: null })).status).toBe(200);
  });
});
