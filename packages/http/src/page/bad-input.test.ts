import { describe, expect, test } from 'vitest';
import { exampleJson, gate, pollUntilFinished, testApi, tokens, type Answer, type TestApi } from '../testing/fixtures.js';

/*
 * Bad input on every form and page route of the Activity page (issue 13 point 7): each answer is a
 * whole HTML page with the right status and a message a person can read — never a stack trace,
 * never a blank page — and nothing is written.
 */

const seed = () => exampleJson('requests/qc-seed.json') as Record<string, unknown>;
const form = 'application/x-www-form-urlencoded';

interface BadInput {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly body?: string;
  readonly contentType?: string;
  /** No session cookie. */
  readonly signedOut?: true;
  readonly status: number;
  /** Part of the message the page shows. */
  readonly says: string;
}

/** `ended`: an operation that succeeded; `running`: one held running. */
function badInputs(ended: number, running: number): readonly BadInput[] {
  const get = (path: string, status: number, says: string): BadInput => ({ method: 'GET', path, status, says });
  const post = (path: string, body: string, status: number, says: string, contentType = form): BadInput => ({ method: 'POST', path, body, contentType, status, says });
  const promote = (request: string, fingerprint = 'not-the-plan') => `request=${encodeURIComponent(request)}&expected_plan_fingerprint=${encodeURIComponent(fingerprint)}`;
  return [
    // The operations list.
    get('/?result=sideways', 422, 'result: Invalid option'),
    get('/?promote_type=checks', 422, 'promote_type: Invalid option'),
    get('/?datastore=abc', 422, 'datastore: Input should be a valid integer'),
    get('/?page=0', 422, 'page: Too small'),
    get('/?page=abc', 422, 'page: Input should be a valid integer'),
    get('/?page=99999999999999999999', 422, 'page: Input should be a valid integer'),
    get('/?page=500', 404, 'There is no page 500 of these operations: the last is page 1.'),
    get('/?result=success&result=failure', 422, 'result: Invalid option'),
    get('/?sort=id', 422, 'sort: Extra inputs are not permitted'),
    // An operation and its results.
    get('/operations/424242', 404, 'Operation 424242 not found'),
    get('/operations/0', 404, 'Operation 0 not found'),
    get('/operations/abc', 404, 'There is no page at /operations/abc'),
    get('/operations/1234567890123456', 404, 'There is no page at /operations/1234567890123456'),
    get(`/operations/${ended}?page=abc`, 422, 'page: Input should be a valid integer'),
    get(`/operations/${ended}?page=999`, 404, 'There is no page 999 of these results: the last is page 1.'),
    get(`/operations/${ended}?promote_result=sideways`, 422, 'promote_result.0: Invalid option'),
    get(`/operations/${ended}?search=a&search=b`, 422, 'search: Invalid input'),
    get(`/operations/${ended}?sort=id`, 422, 'sort: Extra inputs are not permitted'),
    get('/operations/424242/delete', 404, 'Operation 424242 not found'),
    get(`/operations/${running}/delete`, 409, 'A running operation cannot be deleted'),
    get('/operations/424242/revert', 404, 'Operation 424242 not found'),
    get(`/operations/${running}/revert`, 409, 'only an ended operation can be reverted'),
    // New promotion, from its address.
    get('/new?type=checks', 422, "There is no promote type 'checks'"),
    get('/new?datastore_id=abc', 422, "The source datastore must be an id (a whole number from 1), not 'abc'."),
    get('/new?datastore_id=1&destination_datastore_id=-2', 422, "The destination datastore must be an id (a whole number from 1), not '-2'."),
    get('/new?type=quality_check&datastore_id=999', 404, 'Datastore 999 not found'),
    // Addresses and methods that are no page.
    get('/no/such/page', 404, 'There is no page at /no/such/page'),
    get('/assets/nothing.js', 404, 'There is no page at /assets/nothing.js'),
    get(`/operations/${ended}/abort`, 404, `There is no page at /operations/${ended}/abort`),
    { method: 'PUT', path: `/operations/${running}/abort`, status: 404, says: `There is no page at /operations/${running}/abort` },
    { method: 'DELETE', path: `/operations/${ended}`, status: 404, says: `There is no page at /operations/${ended}` },
    // Sign-in.
    post('/sign-in', 'token=', 422, 'Enter your bearer token.'),
    post('/sign-in', '', 422, 'Enter your bearer token.'),
    post('/sign-in', 'token=nobody', 401, 'No user has this token.'),
    post('/sign-in', '{"token":"jane-token"}', 422, 'Enter your bearer token.', 'application/json'),
    post('/sign-in', 'no boundary here', 400, 'This form could not be read', 'multipart/form-data; boundary=xyz'),
    post('/sign-in', `token=${'x'.repeat(1024 * 1024 + 1)}`, 413, 'This form is larger than 1048576 bytes'),
    // The actions.
    post('/operations/424242/abort', '', 404, 'Operation 424242 not found'),
    post(`/operations/${ended}/resume`, '', 409, 'only an aborted or failed operation can be resumed'),
    post(`/operations/${running}/resume`, '', 409, 'only an aborted or failed operation can be resumed'),
    post('/operations/424242/rerun', '', 404, 'Operation 424242 not found'),
    post(`/operations/${running}/delete`, '', 409, 'only an ended operation can be deleted'),
    post(`/operations/${ended}/delete`, 'broken', 400, 'This form could not be read', 'multipart/form-data; boundary=xyz'),
    post(`/operations/${ended}/delete`, `x=${'x'.repeat(1024 * 1024 + 1)}`, 413, 'This form is larger than 1048576 bytes'),
    { method: 'POST', path: `/operations/${ended}/delete`, body: '', contentType: form, signedOut: true, status: 401, says: 'Sign in first.' },
    // Preview.
    post('/new/preview', '', 422, 'Choose the source datastore.'),
    post('/new/preview', 'type=quality_check&submitted=1&datastore_id=abc&container_id=-1&destination_container_id=1.5&ids=101,x', 422, "IDs must be whole numbers from 1, separated by commas; not 'x'."),
    post('/new/preview', 'type=checks&submitted=1&datastore_id=1&container_id=10&destination_container_id=20', 422, "There is no promote type 'checks'"),
    post('/new/preview', 'type=quality_check&submitted=1&datastore_id=1&container_id=10&destination_container_id=10', 422, 'Source and destination must be different'),
    post('/new/preview', 'type=computed_table&submitted=1&datastore_id=999&destination_datastore_id=2', 404, 'Datastore 999 not found'),
    post('/new/preview', 'type=computed_file&submitted=1&datastore_id=4&destination_datastore_id=3', 422, 'Map at least one source computed file to a destination file pattern.'),
    post('/new/preview', 'type=computed_file&submitted=1&datastore_id=4&destination_datastore_id=3&map_50=abc', 422, "The file pattern for computed file 50 must be an id (a whole number from 1), not 'abc'."),
    // Promote (what the preview's form sends).
    post('/new/promote', '', 422, 'This form is incomplete: preview the promotion again, then promote.'),
    post('/new/promote', promote('not json'), 422, 'This form is incomplete'),
    post('/new/promote', promote('[]'), 422, 'This form is incomplete'),
    post('/new/promote', promote(JSON.stringify(seed()), ''), 422, 'This form is incomplete'),
    post('/new/promote', promote('{"type":"promote_everything"}'), 422, 'type: Invalid discriminator value'),
    post('/new/promote', promote(JSON.stringify({ ...seed(), dry_run: true })), 422, 'dry_run: Extra inputs are not permitted'),
    post('/new/promote', promote(JSON.stringify(seed())), 409, 'The plan changed since it was reviewed: nothing was done.'),
    post('/new/promote', promote(JSON.stringify({ type: 'revert', operation_id: 424242 })), 404, 'Operation 424242 not found'),
    post('/new/promote', promote(JSON.stringify({ type: 'revert', operation_id: running })), 409, 'only an ended operation can be reverted'),
  ];
}

/** Everything a request could have written: every operation with its results, and the world. */
async function everything(api: TestApi) {
  const operations = await api.store.listOperations({ page: 1, size: 1000 });
  const results = await Promise.all(operations.items.map((operation) => api.store.listResults(operation.id)));
  return { operations, results, world: await api.store.exportWorld() };
}

/** The text of the page's alert, tags and entities undone. */
function alertText(html: string): string | undefined {
  const alert = /<div class="message error" role="alert">([\s\S]*?)<\/div>/.exec(html)?.[1];
  return alert
    ?.replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

describe('bad input on the Activity page', () => {
  test('every form and page route answers a readable page with the right status, and writes nothing', async () => {
    const hold = gate();
    let calls = 0;
    // The first validation call passes at once, every later one waits: the active promotion stays running.
    const api = testApi({ app: { activityPage: true }, dataplane: { latencyMs: 1, sleep: () => (calls++ === 0 ? Promise.resolve() : hold.opened) }, promoter: { concurrency: 1 } });
    const ended = (await api.call('POST', '/api/operations/run', { json: seed() })).body.id as number;
    await pollUntilFinished(api, ended);
    const running = (await api.call('POST', '/api/operations/run', { json: { ...seed(), destination_container_id: 21, as_draft: false } })).body.id as number;
    expect((await api.call('GET', `/api/operations/${running}`)).body.result).toBe('running');

    const before = await everything(api);
    const answers: { readonly input: string; readonly status: number; readonly says: string | undefined; readonly type: string | null; readonly trace: boolean }[] = [];
    const expected: typeof answers = [];
    for (const input of badInputs(ended, running)) {
      const headers: Record<string, string> = { origin: 'http://localhost', ...(input.signedOut === true ? {} : { cookie: `promote_session=${tokens.jane}` }) };
      if (input.contentType !== undefined) headers['content-type'] = input.contentType;
      const answer: Answer = await api.call(input.method, input.path, { token: null, headers, ...(input.body === undefined ? {} : { body: input.body }) });
      const says = alertText(answer.text);
      const label = `${input.method} ${input.path.slice(0, 100)} ${input.body?.slice(0, 60) ?? ''}`;
      answers.push({ input: label, status: answer.status, says: says?.includes(input.says) === true ? input.says : says, type: answer.headers.get('content-type'), trace: /\n\s+at |\.tsx?:\d+|\[object Object\]|undefined/.test(answer.text) });
      expected.push({ input: label, status: input.status, says: input.says, type: 'text/html; charset=UTF-8', trace: false });
      expect(answer.text.startsWith('<!doctype html>'), label).toBe(true);
      expect(answer.headers.get('set-cookie'), label).toBeNull();
    }
    expect(answers).toEqual(expected);
    expect(await everything(api)).toEqual(before);
    hold.open();
    await pollUntilFinished(api, running);
  });
});
