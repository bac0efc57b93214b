/** @jsxImportSource hono/jsx */
import { Layout, Message } from '../layout.js';

/** The sign-in form: a user's bearer token, as the world gives it. */
export function SignIn({ base, error, notice }: { readonly base: string; readonly error?: string | undefined; readonly notice?: string | undefined }) {
  return (
    <Layout title="Sign in" base={base}>
      <h1>Sign in</h1>
      {notice === undefined ? null : <Message kind="notice">{notice}</Message>}
      {error === undefined ? null : <Message kind="error">{error}</Message>}
      <form class="sign-in" method="post" action={`${base}/sign-in`}>
        <label>
          Bearer token
          <input type="password" name="token" required autocomplete="current-password" autofocus />
        </label>
        <p class="hint">The token of your user, the one API clients send as <code>Authorization: Bearer …</code>.</p>
        <button type="submit">Sign in</button>
      </form>
    </Layout>
  );
}
