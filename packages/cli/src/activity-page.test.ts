import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildCli, removeTempDirectories } from './testing/built-cli.js';
import { exampleWorldJson, launchBrowser, screenshotDirectory, seriousViolations, startServe } from './testing/browser.js';
import { killServes, type ServeProcess } from './testing/serve-process.js';

/*
 * The Activity page in a real browser: headless Chromium driven by playwright-core against a real
 * `promote serve` on a SQLite file, one server and one browser for the whole file.
 */

const eventChecks = 300;

/**
 * The example world plus `events` (900) and `more_events` (910), staging, with 300 checks each, and
 * empty destinations in production (901–905): promotions long enough to watch (each destination once
 * per source: a second promotion there would only skip).
 */
function testWorld() {
  const world = exampleWorldJson();
  const events = (id: number, datastore: number, name: string) => ({ id, datastore_id: datastore, name, container_type: 'table', fields: [{ name: 'id', type: 'integral' }] });
  return {
    ...world,
    containers: [...world['containers']!, events(900, 1, 'events'), events(910, 1, 'more_events'), ...[901, 902, 903, 904, 905].map((id) => events(id, 2, `events_${id}`))],
    quality_checks: [
      ...world['quality_checks']!,
      ...Array.from({ length: eventChecks }, (_, index) => ({ id: 9001 + index, container_id: 900, rule_type: 'not_null', fields: ['id'], description: `event check ${index + 1}` })),
      ...Array.from({ length: eventChecks }, (_, index) => ({ id: 19001 + index, container_id: 910, rule_type: 'unique', fields: ['id'], description: `more event check ${index + 1}` })),
    ],
  };
}

let server: ServeProcess;
let browser: Browser;
let shots: string;
const consoleErrors: string[] = [];
/** URLs the tests ask for expecting a refusal (forged requests): their status is what is under test. */
const refusedOnPurpose = new Set<string>();
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  await buildCli();
  // 1 s per validation call: a promotion of the 300 event checks (30 calls, 4 at a time) runs about
  // 8 s, long enough to see its counters move and to abort it from the page on a loaded machine.
  [server, browser] = await Promise.all([startServe(testWorld(), ['--dataplane-latency', '1000']), launchBrowser()]);
  shots = screenshotDirectory();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  killServes();
  removeTempDirectories();
});

/** A fresh browser context (its own cookies) with a page whose console errors are collected. */
async function newPage(viewport = { width: 1280, height: 800 }): Promise<Page> {
  const context = await browser.newContext({ viewport, baseURL: server.base });
  contexts.push(context);
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    // The browser reports the status of a page the test asks for on purpose (a 404, a refusal) or of
    // its own refused fetch: those are the answers under test. A script's error or a failed asset is not.
    const status = /^Failed to load resource: the server responded with a status of 4\d\d/.test(message.text());
    if (status && (message.location().url === page.url() || refusedOnPurpose.has(new URL(message.location().url).pathname))) return;
    consoleErrors.push(`${page.url()}: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => consoleErrors.push(`${page.url()}: ${error.message}`));
  return page;
}

async function signIn(page: Page, token: string): Promise<void> {
  await page.goto('/');
  await page.getByLabel('Bearer token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Operations' }).waitFor();
}

/** Calls the API with a bearer token. */
async function api(method: string, path: string, token = 'jane-token', body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${server.base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}

async function finished(id: number): Promise<any> {
  for (;;) {
    const operation = await api('GET', `/api/operations/${id}`);
    if (operation.body.result !== 'running') return operation.body;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const seedRequest = { type: 'promote_quality_check', datastore_id: 1, container_id: 10, destination_container_id: 20, check_tags: ['pii-checks'], check_additional_tags: ['promoted-from-staging'], as_draft: true };
const eventsRequest = (destination: number, source = 900) => ({ type: 'promote_quality_check', datastore_id: 1, container_id: source, destination_container_id: destination, as_draft: false });

/** Screenshots of the page at 1280×800 and 390×844, named `<name>-desktop.png` and `<name>-phone.png`. */
async function screenshots(page: Page, name: string): Promise<void> {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: join(shots, `${name}-desktop.png`) });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: join(shots, `${name}-phone.png`) });
  // Nothing of the page is wider than a phone: tables scroll inside their own region.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.setViewportSize({ width: 1280, height: 800 });
}

let seedOperation: number;
let tableOperation: number;

describe('the Activity page in Chromium', () => {
  test('sign in with a token (HttpOnly, SameSite=Strict session cookie), a wrong token is told, sign out ends it', async () => {
    const page = await newPage();
    await page.goto('/');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshots(page, 'sign-in');
    await page.getByLabel('Bearer token').fill('not-a-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('No user has this token.');

    await signIn(page, 'jane-token');
    const [cookie] = await page.context().cookies();
    expect(cookie).toMatchObject({ name: 'promote_session', httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(await page.evaluate(() => document.cookie)).toBe('');
    expect(await page.locator('.who').textContent()).toBe('jane@example.com');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.context().cookies()).toEqual([]);
    await page.goto('/');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  });

  test('the operations list: newest first, badges, counters with the entity label, filters by result, type and datastore, pages', async () => {
    seedOperation = (await api('POST', '/api/operations/run', 'jane-token', seedRequest)).body.id;
    await finished(seedOperation);
    tableOperation = (await api('POST', '/api/operations/run', 'jane-token', { type: 'promote_computed_table', datastore_id: 1, destination_datastore_id: 2, container_tags: ['analytics'], container_additional_tags: ['promoted'] })).body.id;
    await finished(tableOperation);
    const page = await newPage();
    await signIn(page, 'jane-token');
    const rows = page.locator('table.operations tbody tr');
    expect(await rows.locator('th').allTextContents()).toEqual([`#${tableOperation}`, `#${seedOperation}`]);
    const tableRow = rows.nth(0);
    expect(await tableRow.locator('[data-field="status"]').textContent()).toBe('Success');
    expect(await tableRow.locator('[data-field="progress"]').textContent()).toMatch(/^\d+ \/ \d+ Computed Tables$/);
    expect(await rows.nth(1).locator('[data-field="progress"]').textContent()).toBe('5 / 5 Quality Checks');
    expect(await rows.nth(1).textContent()).toContain('Staging Warehouse › orders → Production Warehouse › orders');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshots(page, 'operations');

    await page.getByLabel('Promote type').selectOption('computed_table');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/promote_type=computed_table/);
    expect(await rows.locator('th').allTextContents()).toEqual([`#${tableOperation}`]);
    await page.getByLabel('Promote type').selectOption('');
    await page.getByLabel('Result').selectOption('failure');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByText('No operations match these filters.').waitFor();
    await page.goto('/?datastore=4');
    await page.getByText('No operations match these filters.').waitFor();
    await page.goto('/?datastore=1');
    expect(await rows.count()).toBe(2);
    await page.goto('/?result=sideways');
    expect(await page.getByRole('alert').textContent()).toContain('result');

    // Pages of 50: 50 more small promotions push the seed's operation to page 2.
    for (let index = 0; index < 50; index++) await api('POST', '/api/operations/run', 'jane-token', { ...seedRequest, check_tags: undefined, check_ids: [101] });
    await page.goto('/');
    expect(await rows.count()).toBe(50);
    expect(await page.locator('.pager').textContent()).toContain('Page 1 of 2');
    await page.getByRole('link', { name: 'Next →' }).click();
    await page.waitForURL(/page=2/);
    expect(await rows.locator('th').allTextContents()).toEqual([`#${tableOperation}`, `#${seedOperation}`]);
  });

  test('a running operation’s counter and badge move without a reload, in the list and on its page, until it ends', async () => {
    const page = await newPage();
    await signIn(page, 'jane-token');
    const id = (await api('POST', '/api/operations/run', 'jane-token', eventsRequest(901))).body.id;
    await page.goto('/');
    await page.evaluate(() => ((window as unknown as { loadedOnce: boolean }).loadedOnce = true));
    const progress = page.locator(`tr[data-operation="${id}"] [data-field="progress"]`);
    const first = await progress.textContent();
    expect(first).toMatch(/^\d+ \/ 300 Quality Checks$/);
    await page.waitForFunction(([selector, before]) => document.querySelector(selector)?.textContent !== before, [`tr[data-operation="${id}"] [data-field="progress"]`, first] as const);
    await page.waitForFunction((selector) => document.querySelector(selector)?.textContent === 'Success', `tr[data-operation="${id}"] [data-field="status"]`, { timeout: 30_000 });
    expect(await progress.textContent()).toBe('300 / 300 Quality Checks');
    expect(await page.evaluate(() => (window as unknown as { loadedOnce?: boolean }).loadedOnce)).toBe(true);

    const second = (await api('POST', '/api/operations/run', 'jane-token', eventsRequest(902))).body.id;
    await page.goto(`/operations/${second}`);
    const created = page.locator('.overview [data-count="created"]');
    const before = Number(await created.textContent());
    expect(before).toBeLessThan(300);
    await page.waitForFunction(([value]) => Number(document.querySelector('.overview [data-count="created"]')?.textContent) > value, [before] as const);
    expect(await page.locator('h1 .badge').textContent()).toBe('Running');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshots(page, 'operation-running');
    // At the end the page reads itself again: every result and the actions that fit now.
    await page.locator('h1 .badge', { hasText: 'Success' }).waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Rerun' }).waitFor();
    expect(await page.locator('.overview [data-count="created"]').textContent()).toBe('300');
  });

  test('results: search, result filters, pages of 50 and the diff of an update on demand', async () => {
    const page = await newPage();
    await signIn(page, 'jane-token');
    await page.goto(`/operations/${seedOperation}`);
    const rows = page.locator('table.results > tbody > tr');
    expect(await rows.count()).toBe(5);
    await page.getByRole('checkbox', { name: 'Updated' }).check();
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/promote_result=updated/);
    expect(await rows.count()).toBe(1);
    const diff = page.locator('details.changes');
    expect(await diff.locator('table').isVisible()).toBe(false);
    await diff.locator('summary').click();
    const change = diff.locator('tbody tr').first();
    await change.waitFor();
    expect(await change.locator('td').allTextContents()).toEqual([expect.any(String), expect.any(String), expect.any(String)]);
    const api1 = await api('GET', `/api/operations/${seedOperation}/quality-checks?promote_result=updated`);
    const [expected] = api1.body.items[0].changes;
    expect(await change.locator('code').textContent()).toBe(expected.path);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshots(page, 'operation');

    await page.goto(`/operations/${seedOperation}`);
    await page.getByLabel('Search').fill('email');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/search=email/);
    const searched = await api('GET', `/api/operations/${seedOperation}/quality-checks?search=email`);
    expect(await rows.count()).toBe(searched.body.total);
    await page.goto(`/operations/${seedOperation}?promote_result=sideways`);
    expect(await page.getByRole('alert').textContent()).toContain('promote_result');

    const big = (await api('GET', '/api/operations?promote_type=quality_check&size=100')).body.items.find((operation: any) => operation.status.total === eventChecks);
    await page.goto(`/operations/${big.id}`);
    expect(await rows.count()).toBe(50);
    await page.getByRole('link', { name: 'Next →' }).click();
    await page.waitForURL(/page=2/);
    expect(await rows.first().locator('td').first().textContent()).toBe('51');
    expect(await page.locator('.pager').textContent()).toContain(`Page 2 of 6 · ${eventChecks} results`);
  });

  // Retried, as a safety net on a loaded machine (its notice was once lost when the page reloaded
  // itself at the operation's end over the answer to Abort; activity.js no longer does that once a
  // form is sent). Each attempt on a destination of its own (903, 904, 905): on one already
  // promoted to, its runs would only skip, end at once, and leave nothing to abort.
  let abortAttempt = 0;
  test('abort, resume, rerun and delete from the operation page', { retry: 2, timeout: 120_000 }, async () => {
    const destination = 903 + abortAttempt++;
    const page = await newPage();
    await signIn(page, 'jane-token');
    // A first run holds the destination's scope for its ≈ 8 s of Dataplane calls, and the run under
    // test waits behind it, then makes its own ≈ 8 s of calls (other checks: `unique`, where the
    // first run's are `not_null`, so that none matches them and skips). The abort finds it running,
    // queued or under way, for ≈ 16 s (on a loaded machine a run that only waited had ended before
    // the click: "It had ended already").
    const first = (await api('POST', '/api/operations/run', 'jane-token', eventsRequest(destination))).body.id;
    const id = (await api('POST', '/api/operations/run', 'jane-token', eventsRequest(destination, 910))).body.id;
    expect(id).toBeGreaterThan(first);
    await page.goto(`/operations/${id}`);
    await page.getByRole('button', { name: 'Abort' }).click();
    // Whatever message the answer shows, so that a failure says what the page said instead of
    // timing out on the one expected (the flaky runs of this test never showed which it was).
    await page.waitForURL(/[?&]done=|\/abort/);
    expect(`${page.url()} ${(await page.locator('.message').allTextContents()).join(' | ')}`).toContain('Aborted: what was processed keeps its result.');
    expect(await page.locator('h1 .badge').textContent()).toBe('Aborted');
    const aborted = await api('GET', `/api/operations/${id}`);
    expect(aborted.body).toMatchObject({ result: 'aborted', aborted_by: 'jane@example.com' });

    await page.getByRole('button', { name: 'Resume' }).click();
    await page.getByText('Resumed: it processes what has no result yet.').waitFor();
    await page.locator('h1 .badge', { hasText: 'Success' }).waitFor({ timeout: 30_000 });
    expect((await finished(id)).status.skipped + (await finished(id)).status.created).toBe(eventChecks);

    await page.getByRole('button', { name: 'Rerun' }).click();
    await page.getByText(`A rerun of operation #${id}.`).waitFor();
    const rerun = Number(/\/operations\/(\d+)/.exec(page.url())?.[1]);
    expect(rerun).toBeGreaterThan(id);
    await finished(rerun);
    // The page of a running operation loads itself again when it ends (activity.js): wait for the
    // page of the ended rerun, so that this reload does not interrupt the next navigation.
    await page.locator('section.overview:not([data-live-operation])').waitFor({ timeout: 30_000 });

    await page.goto(`/operations/${id}`);
    await page.getByRole('link', { name: 'Delete…' }).click();
    await page.getByRole('heading', { name: `Delete operation #${id}?` }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshots(page, 'delete');
    await page.getByRole('button', { name: `Delete operation #${id}` }).click();
    await page.getByText(`Operation #${id} was deleted; what it wrote stays.`).waitFor();
    expect((await api('GET', `/api/operations/${id}`)).status).toBe(404);
    expect((await api('GET', `/api/operations/${rerun}`)).status).toBe(200);
  });

  test('revert: the revert’s plan first (the API’s dry run), run with its fingerprint; a plan gone stale is shown again; the list says Revert of #N', async () => {
    const page = await newPage();
    await signIn(page, 'jane-token');
    const revertRequest = { type: 'revert', operation_id: seedOperation };
    await page.goto(`/operations/${seedOperation}`);
    await page.getByRole('link', { name: 'Revert…' }).click();
    await page.getByRole('heading', { name: `Revert operation #${seedOperation}?` }).waitFor();
    const reviewed = (await api('POST', '/api/operations/plan', 'jane-token', revertRequest)).body;
    const preview = page.locator('.preview');
    const shownCounts = async () => Object.fromEntries(await Promise.all((['created', 'updated', 'skipped', 'failed', 'total'] as const).map(async (key) => [key, Number(await preview.locator(`[data-count="${key}"]`).textContent())])));
    expect(await shownCounts()).toEqual(reviewed.status);
    expect(reviewed.status.updated).toBeGreaterThan(0);
    expect(await preview.locator('input[name="expected_plan_fingerprint"]').inputValue()).toBe(reviewed.plan_fingerprint);
    expect(await preview.getByRole('heading').textContent()).toContain(`Revert of #${seedOperation} · Quality Checks`);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshots(page, 'revert');

    // Someone reverts it through the API meanwhile: the reviewed plan is stale, and nothing runs.
    const elsewhere = (await api('POST', '/api/operations/run', 'jane-token', revertRequest)).body.id;
    expect((await finished(elsewhere)).status).toEqual(reviewed.status);
    const operationsBefore = (await api('GET', '/api/operations?size=1')).body.total;
    await page.getByRole('button', { name: `Revert operation #${seedOperation}` }).click();
    await page.getByRole('heading', { name: 'Review again' }).waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('The plan changed since it was reviewed');
    expect((await api('GET', '/api/operations?size=1')).body.total).toBe(operationsBefore);
    const now = (await api('POST', '/api/operations/plan', 'jane-token', revertRequest)).body;
    expect(now.plan_fingerprint).not.toBe(reviewed.plan_fingerprint);
    expect(await shownCounts()).toEqual(now.status);
    expect(await preview.locator('input[name="expected_plan_fingerprint"]').inputValue()).toBe(now.plan_fingerprint);

    await page.getByRole('button', { name: `Revert operation #${seedOperation}` }).click();
    await page.waitForURL(/\/operations\/\d+$/);
    const id = Number(/\/operations\/(\d+)$/.exec(page.url())?.[1]);
    expect(await finished(id)).toMatchObject({ type: 'revert', reverted_operation_id: seedOperation, status: now.status, triggered_by: 'jane@example.com' });
    expect(await page.locator('.overview [data-field="kind"]').textContent()).toBe(`Revert of #${seedOperation} · Quality Checks`);
    await page.goto('/');
    expect(await page.locator(`tr[data-operation="${id}"] [data-field="kind"]`).textContent()).toBe(`Revert of #${seedOperation} · Quality Checks`);
    expect(await page.locator(`tr[data-operation="${elsewhere}"] [data-field="kind"]`).textContent()).toBe(`Revert of #${seedOperation} · Quality Checks`);
    expect(await page.locator('table.operations [data-field="kind"]', { hasText: /^Promote · Quality Checks$/ }).count()).toBeGreaterThan(0);
  });

  test('a viewer sees no action and no New promotion; a forged POST from their own session is refused and changes nothing', async () => {
    const page = await newPage();
    await signIn(page, 'viewer-token');
    expect(await page.getByRole('link', { name: 'New promotion' }).count()).toBe(0);
    await page.goto(`/operations/${seedOperation}`);
    expect(await page.locator('.actions').count()).toBe(0);
    for (const path of [`/operations/${seedOperation}/delete`, `/operations/${seedOperation}/rerun`, `/api/operations/${seedOperation}`, '/new/promote', `/operations/${seedOperation}/revert`]) refusedOnPurpose.add(path);
    expect(await page.getByRole('button', { name: /Abort|Resume|Rerun/ }).count()).toBe(0);
    expect(await page.getByRole('link', { name: /Revert|Delete/ }).count()).toBe(0);
    const forged = await page.evaluate(async (path) => {
      const response = await fetch(path, { method: 'POST', body: new URLSearchParams({}) });
      return { status: response.status, text: await response.text() };
    }, `/operations/${seedOperation}/delete`);
    expect(forged.status).toBe(403);
    expect(forged.text).toContain('needs editor permission');
    expect(forged.text).not.toMatch(/\n\s+at |\.ts:\d+/);
    const rerun = await page.evaluate(async (path) => (await fetch(path, { method: 'POST', body: new URLSearchParams({}) })).status, `/operations/${seedOperation}/rerun`);
    expect(rerun).toBe(403);
    const operationsBefore = (await api('GET', '/api/operations?size=1')).body.total;
    const revert = await page.evaluate(async (body) => {
      const response = await fetch('/new/promote', { method: 'POST', body: new URLSearchParams(body) });
      return { status: response.status, text: await response.text() };
    }, { request: JSON.stringify({ type: 'revert', operation_id: seedOperation }), expected_plan_fingerprint: 'x' });
    expect([revert.status, revert.text.includes('editor')]).toEqual([403, true]);
    expect((await api('GET', '/api/operations?size=1')).body.total).toBe(operationsBefore);
    // The API takes the session for reads only: a state change needs the bearer header.
    const viaApi = await page.evaluate(async (path) => (await fetch(path, { method: 'DELETE' })).status, `/api/operations/${seedOperation}`);
    expect(viaApi).toBe(401);
    expect((await api('GET', `/api/operations/${seedOperation}`)).status).toBe(200);
    await page.goto('/new');
    expect(await page.getByText('You are editor on no datastore').count()).toBe(1);
    await page.goto(`/operations/${seedOperation}/revert`);
    expect(await page.getByRole('alert').textContent()).toContain('editor');
    await page.goto(`/operations/${seedOperation}/delete`);
    expect(await page.getByRole('alert').textContent()).toContain('You may not delete this operation');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshots(page, 'refused');
  });

  test('a cross-site form post is refused: another site’s page cannot delete an operation of a signed-in user', async () => {
    const page = await newPage();
    await signIn(page, 'jane-token');
    const target = `${server.base}/operations/${seedOperation}/delete`;
    const attacker: Server = createServer((_request, response) => {
      response.setHeader('content-type', 'text/html');
      response.end(`<!doctype html><title>Win a prize</title><form id="f" method="post" action="${target}"></form><script>document.getElementById('f').submit()</script>`);
    });
    attacker.listen(0, 'localhost');
    await once(attacker, 'listening');
    try {
      const { port } = attacker.address() as AddressInfo;
      const answer = page.waitForResponse((response) => response.url() === target);
      await page.goto(`http://localhost:${port}/`);
      expect((await answer).status()).toBeGreaterThanOrEqual(400);
    } finally {
      attacker.close();
    }
    expect((await api('GET', `/api/operations/${seedOperation}`)).status).toBe(200);
    // Even with the session cookie, a form post whose origin is another site is refused.
    const [cookie] = await page.context().cookies();
    const forged = await fetch(target, { method: 'POST', headers: { cookie: `${cookie!.name}=${cookie!.value}`, origin: 'http://evil.example', 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
    expect(forged.status).toBe(403);
    expect(await forged.text()).toContain('cross-site request forgery');
    expect((await api('GET', `/api/operations/${seedOperation}`)).status).toBe(200);
  });

  test('New promotion: the preview equals the API’s dry run, and Promote creates exactly that operation', async () => {
    const page = await newPage();
    await signIn(page, 'jane-token');
    await page.getByRole('link', { name: 'New promotion' }).click();
    await page.getByLabel('Source datastore').selectOption('1');
    await page.getByLabel('Destination datastore').selectOption('2');
    await page.getByRole('button', { name: 'Show containers' }).click();
    await page.getByLabel('Source container').selectOption('10');
    await page.getByLabel('Destination container').selectOption('21');
    await page.getByLabel('Or tags, comma-separated').fill('pii-checks');
    await page.getByLabel('Additional tags, comma-separated').fill('reviewed');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshots(page, 'new-promotion');
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.getByRole('heading', { name: /^Preview:/ }).waitFor();

    const body = { type: 'promote_quality_check', datastore_id: 1, container_id: 10, destination_container_id: 21, check_tags: ['pii-checks'], check_additional_tags: ['reviewed'], as_draft: true };
    const plan = (await api('POST', '/api/operations/plan', 'jane-token', body)).body;
    const preview = page.locator('.preview');
    for (const key of ['created', 'updated', 'skipped', 'failed', 'total'] as const) {
      expect([key, Number(await preview.locator(`[data-count="${key}"]`).textContent())]).toEqual([key, plan.status[key]]);
    }
    const shown = await preview.locator('table.results > tbody > tr').evaluateAll((rows) =>
      rows.map((row) => [row.children[1]?.textContent?.match(/^#(\d+)/)?.[1], row.querySelector('.badge')?.textContent, row.children[4]?.textContent]),
    );
    expect(shown).toEqual(plan.results.map((result: any) => [String(result.source_entity_id), result.result[0].toUpperCase() + result.result.slice(1), result.message ?? '']));
    expect(await preview.locator('input[name="expected_plan_fingerprint"]').inputValue()).toBe(plan.plan_fingerprint);
    expect(await seriousViolations(page)).toEqual([]);
    await page.locator('#preview').scrollIntoViewIfNeeded();
    await screenshots(page, 'preview');

    await page.getByRole('button', { name: 'Promote' }).click();
    await page.waitForURL(/\/operations\/\d+$/);
    const id = Number(/\/operations\/(\d+)$/.exec(page.url())?.[1]);
    const operation = await finished(id);
    expect(operation.status).toEqual(plan.status);
    expect(operation.results.map((result: any) => [result.source_entity_id, result.result, result.message])).toEqual(
      plan.results.map((result: any) => [result.source_entity_id, result.result, result.message]),
    );
    expect((await api('GET', `/api/operations?size=1`)).body.items[0]).toMatchObject({ id, triggered_by: 'jane@example.com', destination_container: { id: 21 } });
    // The request it ran is the previewed one, with the plan's fingerprint.
    expect(JSON.parse((await page.locator('pre.request').textContent()) ?? '')).toEqual({ ...body, expected_plan_fingerprint: plan.plan_fingerprint });
  });

  test('New promotion for computed fields, tables and files previews each; bad input is told on the page and writes nothing', async () => {
    const page = await newPage();
    await signIn(page, 'jane-token');
    const before = (await api('GET', '/api/operations?size=1')).body.total;

    await page.goto('/new?type=computed_field&datastore_id=1&destination_datastore_id=2');
    await page.getByLabel('Source container').selectOption('10');
    await page.getByLabel('Destination container').selectOption('30');
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.getByRole('heading', { name: /^Preview: Computed Fields/ }).waitFor();

    await page.goto('/new?type=computed_table&datastore_id=1&destination_datastore_id=2');
    await page.getByLabel('Or tags, comma-separated').fill('analytics');
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.getByRole('heading', { name: /^Preview: Computed Tables/ }).waitFor();

    await page.goto('/new?type=computed_file&datastore_id=4&destination_datastore_id=3');
    await page.getByLabel('large_orders (#50) →').selectOption('60');
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.getByRole('heading', { name: /^Preview: Computed Files/ }).waitFor();
    const plan = (await api('POST', '/api/operations/plan', 'jane-token', { type: 'promote_computed_file', datastore_id: 4, destination_datastore_id: 3, source_container_mappings: [{ container_id: 50, destination_container_id: 60 }] })).body;
    expect(Number(await page.locator('.preview [data-count="total"]').textContent())).toBe(plan.status.total);

    await page.goto('/new?type=quality_check&datastore_id=1&destination_datastore_id=1');
    await page.getByLabel('Source container').selectOption('10');
    await page.getByLabel('Destination container').selectOption('10');
    await page.getByLabel('Quality check IDs, comma-separated').fill('101, x');
    await page.getByRole('button', { name: 'Preview' }).click();
    expect(await page.getByRole('alert').textContent()).toContain("not 'x'");
    await page.getByLabel('Quality check IDs, comma-separated').fill('101');
    await page.getByRole('button', { name: 'Preview' }).click();
    expect(await page.getByRole('alert').textContent()).toContain('Source and destination must be different');
    await page.goto('/new?type=quality_check&datastore_id=999');
    expect(await page.getByRole('alert').textContent()).toContain('Datastore 999 not found');
    await page.goto('/operations/424242');
    expect(await page.getByRole('alert').textContent()).toContain('Operation 424242 not found');
    await page.goto('/no/such/page');
    expect(await page.getByRole('heading', { name: 'Not found' }).count()).toBe(1);
    expect(await page.content()).not.toMatch(/\n\s+at |\.ts:\d+/);
    expect((await api('GET', '/api/operations?size=1')).body.total).toBe(before);
  });

  test('keyboard only: sign in, filter the list, open an operation, search its results, open a diff, sign out', async () => {
    const page = await newPage();
    const focused = () => page.evaluate(() => ({ tag: document.activeElement?.tagName ?? '', name: (document.activeElement as HTMLInputElement | null)?.name ?? '', text: document.activeElement?.textContent?.trim() ?? '' }));
    const tabTo = async (wanted: (element: { tag: string; name: string; text: string }) => boolean, key = 'Tab') => {
      for (let tab = 0; tab < 80 && !wanted(await focused()); tab++) await page.keyboard.press(key);
      expect(wanted(await focused())).toBe(true);
    };
    await page.goto('/');
    // The token field has the focus when the page opens — once Chromium has applied `autofocus`, at
    // its next rendering step, which can come after the load on a busy machine (keys typed before
    // it went nowhere, and Enter sent an empty token).
    await page.waitForFunction(() => document.activeElement?.getAttribute('name') === 'token');
    await page.keyboard.type('jane-token');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Operations' }).waitFor();
    await tabTo((element) => element.name === 'promote_type');
    await page.keyboard.type('Computed Tables');
    await tabTo((element) => element.text === 'Filter');
    await page.keyboard.press('Enter');
    await page.waitForURL(/promote_type=computed_table/);
    await tabTo((element) => element.text === `#${tableOperation}`);
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/operations/${tableOperation}$`));

    await page.goto(`/operations/${seedOperation}`);
    await tabTo((element) => element.name === 'search');
    await page.keyboard.type('min_length');
    await page.keyboard.press('Enter');
    await page.waitForURL(/search=min_length/);
    expect(await page.locator('table.results > tbody > tr').count()).toBe(1);
    await tabTo((element) => element.tag === 'SUMMARY');
    await page.keyboard.press('Enter');
    expect(await page.locator('details.changes').getAttribute('open')).not.toBeNull();
    await tabTo((element) => element.text === 'Sign out', 'Shift+Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  });

  test('no console errors on any page, and no request to another host', async () => {
    const page = await newPage();
    const hosts = new Set<string>();
    page.on('request', (request) => hosts.add(new URL(request.url()).host));
    await signIn(page, 'admin-token');
    for (const path of ['/', `/operations/${seedOperation}`, `/operations/${seedOperation}/revert`, '/new', '/new?type=computed_file&datastore_id=4&destination_datastore_id=3', `/operations/${tableOperation}/delete`]) {
      await page.goto(path);
      await page.waitForLoadState('networkidle');
    }
    expect([...hosts]).toEqual([new URL(server.base).host]);
    for (const context of contexts) await context.close();
    expect(consoleErrors).toEqual([]);
  });
});
