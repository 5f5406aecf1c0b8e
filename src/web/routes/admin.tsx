// Admin pages: users (create, change role, disable/enable) and API tokens (create, shown once; revoke).
import { Hono, type Context } from 'hono';
import { listApiTokens } from '../../auth/tokens.js';
import { listUsers, setUserDisabled, setUserRole } from '../../auth/users.js';
import { createTokenAudited, createUserAudited, revokeTokenAudited, updateMailboxAudited } from '../../admin/audited.js';
import type { Actor } from '../../audit/log.js';
import { listUncertain, settleUncertain } from '../../admin/uncertain-mail.js';
import { AdminUncertainPage } from '../pages/admin-uncertain.js';
import type { Db } from '../../db/client.js';
import type { Role } from '../../db/schema/auth.js';
import { AppError } from '../../errors.js';
import { field, fieldErrors, formOf, render, type WebEnv } from '../env.js';
import { AdminTokensPage, AdminUsersPage } from '../pages/admin.js';
import { AdminMailboxesPage, AdminMailboxPage } from '../pages/admin-mailboxes.js';
import { mailboxUpdate, slaRows, testConnections, valuesFromForm as valuesFromMailboxForm, valuesFromMailbox } from '../mailbox-form.js';
import { getMailbox, listMailboxes } from '../queries/cases.js';
import { mailboxes } from '../../db/schema/mailboxes.js';
import type { KnowledgeBase } from '../../kb/knowledge.js';
import { matchingFacts } from '../../mailboxes/matching-facts.js';
import { slaPolicies } from '../../db/schema/sla.js';
import type { Config } from '../../config.js';
import { and, eq, inArray } from 'drizzle-orm';
import { allow } from './guards.js';

// The use cases validate the role; an unknown value is a 400, never silently some default role.
const asRole = (value: string) => value as Role;

const mailboxId = (c: Context) => {
  const id = c.req.param('id') ?? '';
  if (!/^\d{1,9}$/.test(id)) throw new AppError('not_found', 'no such mailbox');
  return Number(id);
};

export function adminRoutes(db: Db, config: Pick<Config, 'IMAP_URL' | 'SMTP_URL' | 'DATA_DIR'>, knowledge?: KnowledgeBase) {
  const mailboxPage = async (c: Context<WebEnv>, extra: Partial<Parameters<typeof AdminMailboxPage>[0]> = {}, status: 200 | 400 = 200) => {
    const mailbox = await getMailbox(db, mailboxId(c));
    const policies = await db.select().from(slaPolicies).where(eq(slaPolicies.mailboxId, mailbox.id));
    const matching = knowledge ? await matchingFacts(db, knowledge, mailbox.id) : undefined;
    return render(c, <AdminMailboxPage viewer={c.get('viewer')} mailbox={mailbox} policies={policies} values={valuesFromMailbox(mailbox)} matching={matching} notice={c.req.query('done')} {...extra} />, status);
  };

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
    .post('/users/:id/enable', userChange((id, _form, actor) => setUserDisabled(db, id, false, actor), 'enabled'))
    .get('/mailboxes', async (c) => render(c, <AdminMailboxesPage viewer={c.get('viewer')} mailboxes={await listMailboxes(db)} notice={c.req.query('done')} />))
    .get('/mailboxes/:id', (c) => mailboxPage(c))
    .post('/mailboxes/:id', async (c) => {
      const mailbox = await getMailbox(db, mailboxId(c));
      const values = valuesFromMailboxForm(await formOf(c));
      const result = mailboxUpdate(values);
      if ('errors' in result) return mailboxPage(c, { values, errors: result.errors }, 400);
      await updateMailboxAudited(db, c.get('viewer'), mailbox.id, result.update);
      return c.redirect(`/app/admin/mailboxes/${mailbox.id}?done=mailbox-saved`, 303);
    })
    .post('/mailboxes/:id/sla', async (c) => {
      const mailbox = await getMailbox(db, mailboxId(c));
      const sla = slaRows(await formOf(c));
      if (Object.keys(sla.errors).length) return mailboxPage(c, { sla }, 400);
      await db.transaction(async (tx) => {
        if (sla.remove.length) await tx.delete(slaPolicies).where(and(eq(slaPolicies.mailboxId, mailbox.id), inArray(slaPolicies.priority, sla.remove as never[])));
        for (const row of sla.rows) {
          await tx.insert(slaPolicies).values({ ...row, mailboxId: mailbox.id })
            .onConflictDoUpdate({ target: [slaPolicies.mailboxId, slaPolicies.priority], set: { ...row, updatedAt: new Date() } });
        }
      });
      return c.redirect(`/app/admin/mailboxes/${mailbox.id}?done=sla-saved`, 303);
    })
    .post('/mailboxes/:id/test', async (c) => {
      const mailbox = await getMailbox(db, mailboxId(c));
      return mailboxPage(c, { connections: await testConnections(mailbox, config) });
    })
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
