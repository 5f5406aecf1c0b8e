// Admin pages: users (create, change role, disable/enable, password reset link) and API tokens (create, shown once;
// revoke); mailboxes in admin-mailboxes.tsx.
import { Hono, type Context } from 'hono';
import { listApiTokens } from '../../auth/tokens.js';
import { listUsers, setUserDisabled, setUserRole } from '../../auth/users.js';
import { createTokenAudited, createUserAudited, revokeTokenAudited } from '../../admin/audited.js';
import type { Actor } from '../../audit/log.js';
import { listUncertain, settleUncertain } from '../../admin/uncertain-mail.js';
import { AdminUncertainPage } from '../pages/admin-uncertain.js';
import type { Db } from '../../db/client.js';
import type { Role } from '../../db/schema/auth.js';
import { AppError } from '../../errors.js';
import { field, fieldErrors, formOf, render, type WebEnv } from '../env.js';
import { AdminTokensPage, AdminUsersPage } from '../pages/admin.js';
import type { KnowledgeBase } from '../../kb/knowledge.js';
import { allow } from './guards.js';
import { mailboxAdminRoutes } from './admin-mailboxes.js';
import { sendPasswordReset } from '../../auth/password-reset.js';
import { messageIdDomain, publicBaseUrl, type Config } from '../../config.js';

// The use cases validate the role; an unknown value is a 400, never silently some default role.
const asRole = (value: string) => value as Role;

export function adminRoutes(db: Db, config: Config, knowledge?: KnowledgeBase) {
  const resetMail = { fromAddress: config.SUPPORT_ADDRESS, fromName: config.SUPPORT_NAME, messageIdDomain: messageIdDomain(config), baseUrl: publicBaseUrl(config) };
  const usersPage = async (c: Context<WebEnv>, extra: Partial<Parameters<typeof AdminUsersPage>[0]> = {}, status: 200 | 400 | 409 = 200) =>
    render(c, <AdminUsersPage viewer={c.get('viewer')} users={await listUsers(db)} notice={c.req.query('done')} {...extra} />, status);

  /** Role changes and disabling can be refused (last admin): show why on the users page rather than an error page. */
  const userChange = (change: (id: string, form: Awaited<ReturnType<typeof formOf>>, actor: Actor) => Promise<unknown>, done: string) => async (c: Context<WebEnv>) => {
    try {
      await change(c.req.param('id')!, await formOf(c), c.get('viewer'));
    } catch (err) {
      if (err instanceof AppError && err.code === 'conflict') return usersPage(c, { actionError: err.message }, 409);
      throw err;
    }
    return c.redirect(`/app/admin/users?done=${done}`, 303);
  };

  return new Hono<WebEnv>()
    .use('*', allow('admin'))
    .get('/', (c) => c.redirect('/app/admin/users', 303))
    .get('/users', (c) => usersPage(c))
    .post('/users', async (c) => {
      const form = await formOf(c);
      const values = { email: field(form, 'email'), name: field(form, 'name'), role: field(form, 'role') };
      try {
        await createUserAudited(db, c.get('viewer'), { ...values, role: asRole(values.role), password: field(form, 'password') });
      } catch (err) {
        if (!(err instanceof AppError) || !['bad_request', 'conflict'].includes(err.code)) throw err;
        return usersPage(c, { values, errors: fieldErrors(err.details), formError: Object.keys(fieldErrors(err.details)).length ? undefined : err.message }, 400);
      }
      return c.redirect('/app/admin/users?done=user-created', 303);
    })
    .post('/users/:id/role', userChange((id, form, actor) => setUserRole(db, id, asRole(field(form, 'role')), actor), 'role-changed'))
    .post('/users/:id/disable', async (c, next) => {
      // Signing yourself out for good by accident helps nobody; another admin can do it.
      if (c.req.param('id') === c.get('viewer').id) return usersPage(c, { actionError: 'You cannot disable your own account.' }, 409);
      return next();
    }, userChange((id, _form, actor) => setUserDisabled(db, id, true, actor), 'disabled'))
    // A link mailed to the user (through the outbox): they choose the new password; the admin never knows it.
    .post('/users/:id/reset-password', userChange((id, _form, actor) => sendPasswordReset({ db, actor, mail: resetMail }, { userId: id }), 'reset-sent'))
    .post('/users/:id/enable', userChange((id, _form, actor) => setUserDisabled(db, id, false, actor), 'enabled'))
    .route('/mailboxes', mailboxAdminRoutes(db, config, knowledge))
    .get('/tokens', async (c) => render(c, <AdminTokensPage viewer={c.get('viewer')} tokens={await listApiTokens(db)} notice={c.req.query('done')} />))
    .post('/tokens', async (c) => {
      const form = await formOf(c);
      const values = { name: field(form, 'name'), role: field(form, 'role'), expiresDays: field(form, 'expires_days') };
      try {
        const days = values.expiresDays.trim() ? Number(values.expiresDays.trim()) : null;
        const created = await createTokenAudited(db, c.get('viewer'), { name: values.name, role: asRole(values.role), expiresInDays: days });
        // Rendered, not redirected: the secret must not end up in a URL or survive a reload.
        return render(c, <AdminTokensPage viewer={c.get('viewer')} tokens={await listApiTokens(db)} created={{ token: created.token, name: values.name.trim() }} />);
      } catch (err) {
        if (!(err instanceof AppError) || err.code !== 'bad_request') throw err;
        const errors: Record<string, string> = err.message.startsWith('expires: ') ? { expires_days: err.message.replace(/^expires: /, '') } : { name: err.message.replace(/^name: /, '') };
        return render(c, <AdminTokensPage viewer={c.get('viewer')} tokens={await listApiTokens(db)} values={values} errors={errors} />, 400);
      }
    })
    .get('/uncertain', async (c) => render(c, <AdminUncertainPage viewer={c.get('viewer')} rows={await listUncertain(db)} notice={c.req.query('done')} />))
    .post('/uncertain/:id/:decision{resend|delivered}', async (c) => {
      const decision = c.req.param('decision') as 'resend' | 'delivered';
      await settleUncertain(db, c.get('viewer'), c.req.param('id'), decision);
      return c.redirect(`/app/admin/uncertain?done=${decision}`, 303);
    })
    .post('/tokens/:id/revoke', async (c) => {
      const id = c.req.param('id');
      if (!/^[0-9a-f-]{36}$/i.test(id) || !(await revokeTokenAudited(db, c.get('viewer'), id))) throw new AppError('not_found', 'no active token with that id');
      return c.redirect('/app/admin/tokens?done=revoked', 303);
    });
}
