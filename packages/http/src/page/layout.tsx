/** @jsxImportSource hono/jsx */
import type { Child } from 'hono/jsx';

/** Who is signed in, as the page header shows it. */
export interface SignedIn {
  readonly email: string;
  /** Whether the user may start a promotion anywhere (editor on some datastore): the header offers "New promotion". */
  readonly canPromote: boolean;
}

/** Props of {@link Layout}. */
export interface LayoutProps {
  readonly title: string;
  readonly base: string;
  readonly user?: SignedIn | undefined;
  /** Which navigation entry is the current page. */
  readonly current?: 'operations' | 'new' | undefined;
  readonly children?: Child;
}

/** The frame of every page: header with navigation and sign-out, a main landmark, the stylesheet and the script — all served here. */
export function Layout({ title, base, user, current, children }: LayoutProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · Promote`}</title>
        <link rel="icon" href={`${base}/assets/icon.svg`} type="image/svg+xml" />
        <link rel="stylesheet" href={`${base}/assets/activity.css`} />
        <script src={`${base}/assets/activity.js`} defer></script>
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="top">
          <a class="brand" href={`${base}/`}>
            Promote <span>Activity</span>
          </a>
          {user === undefined ? null : (
            <nav aria-label="Main">
              <a href={`${base}/`} aria-current={current === 'operations' ? 'page' : undefined}>
                Operations
              </a>
              {user.canPromote ? (
                <a href={`${base}/new`} aria-current={current === 'new' ? 'page' : undefined}>
                  New promotion
                </a>
              ) : null}
            </nav>
          )}
          {user === undefined ? null : (
            <form class="session" method="post" action={`${base}/sign-out`}>
              <span class="who">{user.email}</span>
              <button type="submit" class="secondary">
                Sign out
              </button>
            </form>
          )}
        </header>
        <main id="main" tabindex={-1}>
          {children}
        </main>
      </body>
    </html>
  );
}

/** A message box: `error` for refusals and bad input (announced to screen readers), `notice` for news. */
export function Message({ kind, children }: { readonly kind: 'error' | 'notice'; readonly children?: Child }) {
  return (
    <div class={`message ${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}
