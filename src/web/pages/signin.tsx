import { ErrorSummary, Field, Notice } from '../components.js';
import { Layout } from '../layout.js';

export function SignInPage(p: { email?: string; next?: string | null; error?: string; notice?: string }) {
  return (
    <Layout title="Sign in">
      <section class="narrow card">
        <h1>Sign in</h1>
        <Notice code={p.notice} />
        <ErrorSummary errors={{}} message={p.error} />
        <form method="post" action="/signin" class="stack">
          {p.next && <input type="hidden" name="next" value={p.next} />}
          <Field name="email" label="Email" type="email" value={p.email} required autocomplete="username" spellcheck={false} />
          <Field name="password" label="Password" type="password" required autocomplete="current-password" />
          <button type="submit" class="primary">Sign in</button>
        </form>
        <p><a href="/signin/forgot">Forgot password?</a></p>
      </section>
    </Layout>
  );
}
