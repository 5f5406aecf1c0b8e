// Admin pages: users (create, change role, disable/enable) and API tokens (create, shown once; revoke).
import { Hono, type Context } from 'hono';
import { createApiToken, listApiTokens, revokeApiToken } from '../../auth/tokens.js';
import { createUser, listUsers, setUserDisabled, setUserRole } from '../../auth/users.js';
import type { Db } from '../../db/client.js';
import type { Role } from '../../db/schema/auth.js';
import { AppError } from '../../errors.js';
import { field, fieldErrors, formOf, render, type WebEnv } from '../env.js';
import { AdminTokensPage, AdminUsersPage } from '../pages/admin.js';
import { allow } from './guards.js';

// The use cases validate the role; an unknown value is a 400, never silently some default role.
const asRole = (value: string) => value as Role;

export function adminRoutes(db: Db) {
  const usersPage = async (c: Context<WebEnv>, extra: Partial<Parameters<typeof AdminUsersPage>[0]> = {}, status: 200 | 400 | 409 = 200) =>
    render(c, <AdminUsersPage viewer={c.get('viewer')} users={await listUsers(db)} notice={c.req.query('done')} {...extra} />, status);

  /** Role changes and disabling can be refused (last admin): show why on the users page rather than an error page. */
  const userChange = (change: (id: string, form: Awaited<ReturnType<typeof formOf>>) => Promise<unknown>, done: string) => async (c: Context<WebEnv>) => {
    try {
      await change(c.req.param('id')!, await formOf(c));
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
        await createUser(db, { ...values, role: asRole(values.role), password: field(form, 'password') });
      } catch (err) {
        if (!(err instanceof AppError) || !['bad_request', 'conflict'].includes(err.code)) throw err;
        return usersPage(c, { values, errors: fieldErrors(err.details), formError: Object.keys(fieldErrors(err.details)).length ? undefined : err.message }, 400);
      }
      return c.redirect('/app/admin/users?done=user-created', 303);
    })
    .post('/users/:id/role', userChange((id, form) => setUserRole(db, id, asRole(field(form, 'role'))), 'role-changed'))
    .post('/users/:id/disable', async (c, next) => {
      // Signing yourself out for good by accident helps nobody; another admin can do it.
      if (c.req.param('id') === c.get('viewer').id) return usersPage(c, { actionError: 'You cannot disable your own account.' }, 409);
      return next();
    }, userChange((id) => setUserDisabled(db, id, true), 'disabled'))
    .post('/users/:id/enable', userChange((id) => setUserDisabled(db, id, false), 'enabled'))
    .get('/tokens', async (c) => render(c, <AdminTokensPage viewer={c.get('viewer')} tokens={await listApiTokens(db)} notice={c.req.query('done')} />))
    .post('/tokens', async (c) => {
      const form = await formOf(c);
      const values = { name: field(form, 'name'), role: field(form, 'role') };
      try {
        const created = await createApiToken(db, { name: values.name, role: asRole(values.role) });
        // Rendered, not redirected: the secret must not end up in a URL or survive a reload.
        return render(c, <AdminTokensPage viewer={c.get('viewer')} tokens={await listApiTokens(db)} created={{ token: created.token, name: values.name.trim() }} />);
      } catch (err) {
        if (!(err instanceof AppError) || err.code !== 'bad_request') throw err;
        return render(c, <AdminTokensPage viewer={c.get('viewer')} tokens={await listApiTokens(db)} values={values} errors={{ name: err.message.replace(/^name: /, '') }} />, 400);
      }
    })
    .post('/tokens/:id/revoke', async (c) => {
      const id = c.req.param('id');
      if (!/^[0-9a-f-]{36}$/i.test(id) || !(await revokeApiToken(db, id))) throw new AppError('not_found', 'no active token with that id');
      return c.redirect('/app/admin/tokens?done=revoked', 303);
    });
}
