// "Forgot password?" (ask for a reset link by email) and the reset link's page (choose a new password).
import { PASSWORD_HINT } from '../../auth/passwords.js';
import { ErrorSummary, Field } from '../components.js';
import { Layout } from '../layout.js';

/** The same words whether or not the address has an account: the form must not reveal who has one. */
export const RESET_REQUESTED = 'If that address belongs to an active account, a link to choose a new password is on its way. It works once, within an hour.';

export function ForgotPasswordPage(p: { email?: string; error?: string; errors?: Record<string, string>; sent?: boolean }) {
  return (
    <Layout title="Forgot password">
      <section class="narrow card">
        <h1>Forgot your password?</h1>
        {p.sent && <p class="notice" role="status" tabindex={-1} data-focus-on-load>{RESET_REQUESTED}</p>}
        <ErrorSummary errors={p.errors ?? {}} message={p.error} />
        <p>Enter the email address you sign in with. We mail you a link to choose a new password.</p>
        <form method="post" action="/signin/forgot" class="stack">
          <Field name="email" label="Email" type="email" value={p.email} error={p.errors?.email} required autocomplete="username" spellcheck={false} />
          <button type="submit" class="primary">Send reset link</button>
        </form>
        <p><a href="/signin">Back to sign in</a></p>
      </section>
    </Layout>
  );
}

export function ResetPasswordPage(p: { token: string; usable: boolean; errors?: Record<string, string>; error?: string }) {
  return (
    <Layout title="Choose a new password">
      <section class="narrow card">
        <h1>Choose a new password</h1>
        <ErrorSummary errors={p.errors ?? {}} message={p.error} />
        {p.usable ? (
          <form method="post" action="/reset-password" class="stack">
            <input type="hidden" name="token" value={p.token} />
            <Field name="password" label="New password" type="password" error={p.errors?.password} required autocomplete="new-password" hint={PASSWORD_HINT} />
            <Field name="confirm" label="New password again" type="password" error={p.errors?.confirm} required autocomplete="new-password" />
            <button type="submit" class="primary">Set new password</button>
          </form>
        ) : (
          <p><a href="/signin/forgot">Ask for a new link</a></p>
        )}
        <p><a href="/signin">Back to sign in</a></p>
      </section>
    </Layout>
  );
}
