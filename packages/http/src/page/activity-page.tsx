/** @jsxImportSource hono/jsx */
import { readFileSync } from 'node:fs';
import { describeError, type Actor, type Container, type PlanView, type PromoteError, type Promoter, type User } from '@promote/core';
import type { Context, Hono, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { csrf } from 'hono/csrf';
import type { JSX } from 'hono/jsx/jsx-runtime';
import { secureHeaders } from 'hono/secure-headers';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ResultAsync } from 'neverthrow';
import type { Authenticate } from '../authenticate.js';
import { queryObject } from '../query-object.js';
import { isClientDisconnect } from '../read-json-body.js';
import { toHttpError } from '../to-http-error.js';
import { Layout, Message, type SignedIn } from './layout.js';
import { renderPageError } from './page-errors.js';
import { addressProblems, issueLines, readPromotionForm, requestOfForm, type FormValues, type PromotionForm } from './request-form.js';
import { endSession, sessionToken, startSession } from './session.js';
import { NewPromotion, PlanPreview } from './views/new-promotion.js';
import { DeleteConfirmation, OperationPage } from './views/operation-page.js';
import { OperationsList } from './views/operations-list.js';
import { RevertPreview } from './views/revert-preview.js';
import { SignIn } from './views/sign-in.js';

/** What the page needs from the app that serves it. */
export interface ActivityPageContext {
  readonly promoter: Promoter;
  readonly authenticate: Authenticate;
  readonly basePath: string;
  readonly onDefect: (error: unknown, request: Request) => void;
  /** Largest accepted form body, in bytes (the API's limit); larger ones get a 413 page. */
  readonly maxBodyBytes: number;
}

/** Results per page of the operation page; the operations list shows as many. */
const pageSize = 50;

const assets: Readonly<Record<string, { readonly type: string; readonly file: string }>> = {
  'activity.css': { type: 'text/css; charset=utf-8', file: 'activity.css' },
  'activity.js': { type: 'text/javascript; charset=utf-8', file: 'activity.js' },
  'icon.svg': { type: 'image/svg+xml', file: 'icon.svg' },
};

/** Every asset is this server's: the policy forbids loading anything from elsewhere, and inline script or style. */
const headers = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'"],
    connectSrc: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
  },
  referrerPolicy: 'same-origin',
  // The server speaks plain HTTP; HTTPS is a proxy's, and so is HSTS.
  strictTransportSecurity: false,
});

/** State changes are refused unless they come from this origin's own pages (Origin / Sec-Fetch-Site). */
const sameOrigin = csrf();

const doctype = '<!doctype html>';

/**
 * Registers the Activity page (SPEC §17) on `app`: `/` (sign-in, operations list), `/operations/{id}`
 * with its actions, `/new` (New promotion, preview, promote), `/assets/…`. Every call goes through
 * the promoter with the signed-in user, so the server authorises each exactly as the API does.
 */
export function registerActivityPage(app: Hono<any>, context: ActivityPageContext): void {
  const { promoter, authenticate, basePath: base } = context;
  const id = ':id{[0-9]{1,15}}';
  const files = Object.fromEntries(Object.entries(assets).map(([name, asset]) => [name, readFileSync(new URL(`../../assets/${asset.file}`, import.meta.url))]));

  const render = (c: Context, element: JSX.Element, status: ContentfulStatusCode = 200) => c.html(doctype + String(element), status);

  const problemOf = (error: PromoteError): { readonly status: ContentfulStatusCode; readonly lines: string[] } => ({
    status: toHttpError(error).status as ContentfulStatusCode,
    lines: error.kind === 'invalid_request' ? issueLines(error.issues) : [describeError(error)],
  });

  /** The signed-in user (`c.get('pageUser')`), or the sign-in page. */
  const signedIn: MiddlewareHandler = async (c, next) => {
    const token = sessionToken(c);
    const user = token === undefined ? undefined : await ResultAsync.fromPromise((async () => authenticate(token))(), (cause) => cause);
    if (user?.isErr() === true) {
      context.onDefect(user.error, c.req.raw);
      return renderPageError(c, base, 503, 'Signing in is unavailable: the store failed. Try again in a moment.');
    }
    const found = user?.isOk() === true ? user.value : undefined;
    if (found === undefined) {
      if (token !== undefined) endSession(c, base);
      const ended = token === undefined ? undefined : 'Your session has ended (the token is no longer valid): sign in again.';
      return render(c, <SignIn base={base} error={c.req.method === 'GET' ? ended : (ended ?? 'Sign in first.')} />, c.req.method === 'GET' && token === undefined ? 200 : 401);
    }
    c.set('pageUser', found);
    await next();
    return undefined;
  };

  const actorOf = (c: Context): Actor => ({ user: c.get('pageUser') as User });

  /** The header's view of the user: email, and whether New promotion is offered. */
  const header = async (c: Context): Promise<SignedIn> => {
    const user = c.get('pageUser') as User;
    const editable = await promoter.listDatastores(actorOf(c), { permission: 'editor', size: 1 });
    return { email: user.email, canPromote: editable.isOk() && editable.value.total > 0 };
  };

  const refuse = (c: Context, error: PromoteError) => {
    const problem = problemOf(error);
    return renderPageError(c, base, problem.status, problem.lines.join(' '));
  };

  /**
   * Every page POST: no larger than the API accepts, and a form the server can read (its values in
   * `c.get('form')`), else a page that says so — before anything else looks at it.
   */
  const form: MiddlewareHandler[] = [
    bodyLimit({ maxSize: context.maxBodyBytes, onError: (c) => renderPageError(c, base, 413, `This form is larger than ${context.maxBodyBytes} bytes, which the server does not accept. Nothing was changed.`) }),
    async (c, next) => {
      const values = await ResultAsync.fromPromise(c.req.parseBody({ all: true }), (cause) => cause);
      if (values.isErr()) {
        if (isClientDisconnect(values.error)) throw values.error;
        return renderPageError(c, base, 400, 'This form could not be read (its body is not a form the page sends). Send it again from the page. Nothing was changed.');
      }
      c.set('form', values.value);
      await next();
      return undefined;
    },
  ];

  const formValues = (c: Context): FormValues => c.get('form') as FormValues;

  /** A page past the last one of a list: a message instead of an empty page. */
  const pastTheEnd = (page: { readonly items: readonly unknown[]; readonly total: number; readonly page: number; readonly size: number }, noun: string): string | undefined =>
    page.items.length === 0 && page.page > 1 ? `There is no page ${page.page} of these ${noun}: the last is page ${Math.max(1, Math.ceil(page.total / page.size))}.` : undefined;

  for (const [name, asset] of Object.entries(assets)) {
    app.get(`/assets/${name}`, headers, (c) => c.body(files[name]!, 200, { 'content-type': asset.type, 'cache-control': 'no-cache' }));
  }

  app.get('/', headers, signedIn, async (c) => {
    const { deleted: deletedId, ...query } = c.req.queries() as Record<string, string[]>;
    const filters = { result: query['result']?.[0], promote_type: query['promote_type']?.[0], datastore: query['datastore']?.[0] };
    // The filter form sends "Any" as an empty value: no filter.
    const single = Object.fromEntries(
      Object.entries(query)
        .map(([key, values]) => [key, values.filter((value) => value !== '')] as const)
        .filter(([, values]) => values.length > 0)
        .map(([key, values]) => [key, values.length === 1 ? values[0] : values]),
    );
    const [user, operations, datastores] = await Promise.all([
      header(c),
      promoter.listOperations(actorOf(c), { ...single, size: String(pageSize) } as never),
      promoter.listDatastores(actorOf(c), { size: 1000 }),
    ]);
    const deleted = deletedId?.[0];
    const notice = deleted !== undefined && /^[0-9]{1,15}$/.test(deleted) ? `Operation #${deleted} was deleted; what it wrote stays.` : undefined;
    const beyond = operations.isOk() ? pastTheEnd(operations.value, 'operations') : undefined;
    const problem = operations.isErr() ? problemOf(operations.error) : beyond === undefined ? undefined : { status: 404 as const, lines: [beyond] };
    return render(
      c,
      <OperationsList
        base={base}
        user={user}
        filters={filters}
        operations={operations.isOk() && problem === undefined ? operations.value : undefined}
        datastores={datastores.isOk() ? datastores.value.items : []}
        error={problem?.lines}
        notice={notice}
      />,
      problem?.status ?? 200,
    );
  });

  app.post('/sign-in', headers, sameOrigin, ...form, async (c) => {
    const token = formValues(c)['token'];
    if (typeof token !== 'string' || token.trim() === '') return render(c, <SignIn base={base} error="Enter your bearer token." />, 422);
    const user = await ResultAsync.fromPromise((async () => authenticate(token.trim()))(), (cause) => cause);
    if (user.isErr()) {
      context.onDefect(user.error, c.req.raw);
      return renderPageError(c, base, 503, 'Signing in is unavailable: the store failed. Try again in a moment.');
    }
    if (user.value === undefined) return render(c, <SignIn base={base} error="No user has this token." />, 401);
    startSession(c, base, token.trim());
    return c.redirect(`${base}/`, 303);
  });

  app.post('/sign-out', headers, sameOrigin, ...form, (c) => {
    endSession(c, base);
    return render(c, <SignIn base={base} notice="You are signed out." />);
  });

  app.get(`/operations/${id}`, headers, signedIn, async (c) => {
    const operationId = Number(c.req.param('id'));
    const details = await promoter.describeOperation(actorOf(c), operationId);
    if (details.isErr()) return refuse(c, details.error);
    // `done` and `of` name the notice of an action just taken; every other parameter is the results
    // query's, checked as the API checks it (an unknown one is refused, as on the list).
    const { done: _done, of: _of, ...query } = queryObject(c);
    const search = typeof query['search'] === 'string' ? query['search'] : '';
    const promoteResult = [query['promote_result'] ?? []].flat();
    const [user, results] = await Promise.all([
      header(c),
      promoter.listResults(actorOf(c), operationId, { ...query, size: String(pageSize) }, details.value.operation.promote_type),
    ]);
    const beyond = results.isOk() ? pastTheEnd(results.value, 'results') : undefined;
    const problem = results.isErr() ? problemOf(results.error) : beyond === undefined ? undefined : { status: 404 as const, lines: [beyond] };
    return render(
      c,
      <OperationPage
        base={base}
        user={user}
        details={details.value}
        filters={{ search, promote_result: promoteResult }}
        results={results.isOk() && problem === undefined ? results.value : undefined}
        error={problem?.lines}
        notice={doneNotice(c.req.query('done'), c.req.query('of'))}
      />,
      problem?.status ?? 200,
    );
  });

  app.post(`/operations/${id}/abort`, headers, sameOrigin, ...form, signedIn, async (c) => {
    const operationId = Number(c.req.param('id'));
    const aborted = await promoter.abort(actorOf(c), operationId);
    if (aborted.isErr()) return refuse(c, aborted.error);
    return c.redirect(`${base}/operations/${operationId}?done=${aborted.value.stopped ? 'aborted' : 'ended'}`, 303);
  });

  app.post(`/operations/${id}/resume`, headers, sameOrigin, ...form, signedIn, async (c) => {
    const operationId = Number(c.req.param('id'));
    const resumed = await promoter.resume(actorOf(c), operationId);
    if (resumed.isErr()) return refuse(c, resumed.error);
    return c.redirect(`${base}/operations/${operationId}?done=resumed`, 303);
  });

  app.post(`/operations/${id}/rerun`, headers, sameOrigin, ...form, signedIn, async (c) => {
    const operationId = Number(c.req.param('id'));
    const rerun = await promoter.rerun(actorOf(c), operationId);
    if (rerun.isErr()) return refuse(c, rerun.error);
    return c.redirect(`${base}/operations/${rerun.value.id}?done=rerun&of=${operationId}`, 303);
  });

  app.get(`/operations/${id}/delete`, headers, signedIn, async (c) => {
    const details = await promoter.describeOperation(actorOf(c), Number(c.req.param('id')));
    if (details.isErr()) return refuse(c, details.error);
    if (!details.value.actions.delete) {
      const running = details.value.operation.result === 'running';
      return renderPageError(c, base, running ? 409 : 403, running ? 'A running operation cannot be deleted: abort it first.' : 'You may not delete this operation: it needs editor permission on its destination datastore.');
    }
    return render(c, <DeleteConfirmation base={base} user={await header(c)} details={details.value} />);
  });

  app.post(`/operations/${id}/delete`, headers, sameOrigin, ...form, signedIn, async (c) => {
    const operationId = Number(c.req.param('id'));
    const deleted = await promoter.deleteOperation(actorOf(c), operationId);
    if (deleted.isErr()) return refuse(c, deleted.error);
    return c.redirect(`${base}/?deleted=${operationId}`, 303);
  });

  // Revert (§16) shows the revert's plan first; its button runs that plan with its fingerprint (`/new/promote`).
  app.get(`/operations/${id}/revert`, headers, signedIn, async (c) => {
    const operationId = Number(c.req.param('id'));
    const body = { type: 'revert', operation_id: operationId };
    const plan = await promoter.plan(actorOf(c), body);
    if (plan.isErr()) return refuse(c, plan.error);
    return render(c, <RevertPreview base={base} user={await header(c)} operationId={operationId} plan={plan.value} body={body} />);
  });

  /** The New promotion page for a form: the datastores the user may promote, and the chosen ones' containers. */
  const promotionPage = async (c: Context, form: PromotionForm, extra: { readonly problems?: string[]; readonly preview?: { readonly plan: PlanView; readonly body: unknown } } = {}, status: ContentfulStatusCode = 200) => {
    const actor = actorOf(c);
    const problems = [...(extra.problems ?? [])];
    // A datastore the form names that cannot be read (unknown, not the user's) is bad input too.
    let readStatus: ContentfulStatusCode | undefined;
    const containersOf = async (datastore: string): Promise<Container[]> => {
      if (!/^[0-9]{1,15}$/.test(datastore)) return [];
      const listed = await promoter.listContainers(actor, { datastore, size: 1000 });
      if (listed.isErr()) {
        const problem = problemOf(listed.error);
        problems.push(...problem.lines);
        readStatus ??= problem.status;
        return [];
      }
      return listed.value.items.filter((container) => container.deleted_at === null);
    };
    const [user, datastores, sourceContainers, destinationContainers] = await Promise.all([
      header(c),
      promoter.listDatastores(actor, { permission: 'editor', size: 1000 }),
      containersOf(form.datastore_id),
      containersOf(form.destination_datastore_id),
    ]);
    if (datastores.isErr()) problems.push(...problemOf(datastores.error).lines);
    return render(
      c,
      <NewPromotion
        base={base}
        user={user}
        form={form}
        datastores={datastores.isOk() ? datastores.value.items : []}
        sourceContainers={sourceContainers}
        destinationContainers={destinationContainers}
        problems={problems.length === 0 ? undefined : [...new Set(problems)]}
        preview={extra.preview}
      />,
      status === 200 ? (readStatus ?? 200) : status,
    );
  };

  app.get('/new', headers, signedIn, (c) => {
    const promotion = readPromotionForm(c.req.query() as FormValues);
    // What the address gives must make sense; what it leaves out is chosen on the form.
    const problems = addressProblems(promotion);
    return promotionPage(c, promotion, { problems }, problems.length === 0 ? 200 : 422);
  });

  app.post('/new/preview', headers, sameOrigin, ...form, signedIn, async (c) => {
    const promotion = readPromotionForm(formValues(c));
    const request = requestOfForm(promotion);
    if ('problems' in request) return promotionPage(c, promotion, { problems: [...request.problems] }, 422);
    const plan = await promoter.plan(actorOf(c), request.body);
    if (plan.isErr()) {
      const problem = problemOf(plan.error);
      return promotionPage(c, promotion, { problems: problem.lines }, problem.status);
    }
    return promotionPage(c, promotion, { preview: { plan: plan.value, body: request.body } });
  });

  app.post('/new/promote', headers, sameOrigin, ...form, signedIn, async (c) => {
    const values = formValues(c);
    const fingerprint = values['expected_plan_fingerprint'];
    let request: unknown;
    try {
      request = JSON.parse(typeof values['request'] === 'string' ? values['request'] : '');
    } catch {
      request = undefined;
    }
    if (typeof request !== 'object' || request === null || Array.isArray(request) || typeof fingerprint !== 'string' || fingerprint === '') {
      return renderPageError(c, base, 422, 'This form is incomplete: preview the promotion again, then promote.');
    }
    const started = await promoter.run(actorOf(c), { ...request, expected_plan_fingerprint: fingerprint });
    if (started.isOk()) return c.redirect(`${base}/operations/${started.value.id}`, 303);
    if (started.error.kind !== 'conflict') return refuse(c, started.error);
    // The world changed since the preview: show what would happen now, to review again.
    const plan = await promoter.plan(actorOf(c), request);
    if (plan.isErr()) return refuse(c, plan.error);
    return render(
      c,
      <Layout title="Review again" base={base} user={await header(c)}>
        <h1>Review again</h1>
        <Message kind="error">{started.error.message}: nothing was done. This is what it would do now.</Message>
        <PlanPreview base={base} plan={plan.value} body={request} action={plan.value.type === 'revert' ? `Revert operation #${plan.value.reverted_operation_id}` : 'Promote'} />
      </Layout>,
      409,
    );
  });
}

function doneNotice(done: string | undefined, of: string | undefined): string | undefined {
  switch (done) {
    case 'aborted':
      return 'Aborted: what was processed keeps its result.';
    case 'ended':
      return 'It had ended already: nothing changed.';
    case 'resumed':
      return 'Resumed: it processes what has no result yet.';
    case 'rerun':
      return of !== undefined && /^[0-9]{1,15}$/.test(of) ? `A rerun of operation #${of}.` : 'A rerun.';
    default:
      return undefined;
  }
}
