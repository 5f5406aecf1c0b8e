// GET/POST /signin/forgot (ask for a reset link) and GET/POST /reset-password (use it). Throttled like sign-in, per
// client address and per client address + account; the answer is the same whether or not the address has an account.
import { Hono, type Context } from 'hono';
import { INVALID_LINK, requestPasswordReset, resetLinkUsable, resetPassword, type ResetContext } from '../../auth/password-reset.js';
import { messageIdDomain, publicBaseUrl, type Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { AppError } from '../../errors.js';
import { field, fieldErrors, formOf, render } from '../env.js';
import { ErrorPage } from '../pages/error.js';
import { ForgotPasswordPage, ResetPasswordPage } from '../pages/password-reset.js';
import { originAllowed } from '../session-http.js';
import { SignInThrottle } from '../signin-throttle.js';
import { clientIp, waitText, WINDOW_MS } from './auth.js';

/** The reset form is nobody's session: the audit row names the user, found by address inside the verb. */
const FORM_ACTOR = { id: 'password-reset-form', name: 'Forgot password form' };

export function passwordResetRoutes(db: Db, config: Config) {
  // Every request counts (a reset request is never a "success" that clears the count): SIGNIN_MAX_ATTEMPTS_PER_15MIN
  // per client address and account, with the growing delay after three, and per client address over all accounts.
  const throttle = new SignInThrottle({ maxFailures: config.SIGNIN_MAX_ATTEMPTS_PER_15MIN, windowMs: WINDOW_MS });
  const ctx: ResetContext = {
    db, actor: FORM_ACTOR,
    mail: { fromAddress: config.SUPPORT_ADDRESS, fromName: config.SUPPORT_NAME, messageIdDomain: messageIdDomain(config), baseUrl: publicBaseUrl(config) },
  };
  const refused = (c: Context) => render(c, <ErrorPage status={403} message="This form came from another site." />, 403);
  const tooMany = (c: Context, ms: number) => {
    c.header('retry-after', String(Math.ceil(ms / 1000)));
    return `Too many attempts. Try again in ${waitText(ms)}.`;
  };

  return new Hono()
    .get('/signin/forgot', (c) => render(c, <ForgotPasswordPage />))
    .post('/signin/forgot', async (c) => {
      if (!(await originAllowed(c))) return refused(c);
      const email = field(await formOf(c), 'email').trim().toLowerCase().slice(0, 254);
      const ip = clientIp(c);
      const waitMs = throttle.retryAfterMs(ip, email);
      if (waitMs > 0) return render(c, <ForgotPasswordPage email={email} error={tooMany(c, waitMs)} />, 429);
      throttle.fail(ip, email);
      try {
        await requestPasswordReset(ctx, { email });
      } catch (err) {
        if (!(err instanceof AppError) || err.code !== 'bad_request') throw err;
        return render(c, <ForgotPasswordPage email={email} errors={fieldErrors(err.details)} />, 400);
      }
      return render(c, <ForgotPasswordPage sent />);
    })
    .get('/reset-password', async (c) => {
      const token = c.req.query('token') ?? '';
      const usable = await resetLinkUsable(db, token);
      return render(c, <ResetPasswordPage token={token} usable={usable} error={usable ? undefined : INVALID_LINK} />, usable ? 200 : 410);
    })
    .post('/reset-password', async (c) => {
      if (!(await originAllowed(c))) return refused(c);
      const form = await formOf(c);
      const token = field(form, 'token');
      const password = field(form, 'password');
      const ip = clientIp(c);
      const waitMs = throttle.retryAfterMs(ip, 'reset-link');
      if (waitMs > 0) return render(c, <ResetPasswordPage token={token} usable error={tooMany(c, waitMs)} />, 429);
      if (password !== field(form, 'confirm')) {
        return render(c, <ResetPasswordPage token={token} usable errors={{ confirm: 'the two passwords differ' }} />, 400);
      }
      try {
        await resetPassword(ctx, { token, password });
      } catch (err) {
        if (!(err instanceof AppError) || err.code !== 'bad_request') throw err;
        const errors = fieldErrors(err.details);
        if (errors.token) {
          throttle.fail(ip, 'reset-link');
          return render(c, <ResetPasswordPage token={token} usable={false} error={INVALID_LINK} />, 410);
        }
        return render(c, <ResetPasswordPage token={token} usable errors={errors} />, 400);
      }
      return c.redirect('/signin?done=password-reset', 303);
    });
}
