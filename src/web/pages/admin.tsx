import type { Child } from 'hono/jsx';
import type { listApiTokens } from '../../auth/tokens.js';
import type { PublicUser } from '../../auth/users.js';
import { roles } from '../../db/schema/auth.js';
import { roleLabels } from '../access.js';
import { ButtonForm, CsrfField, ErrorSummary, Field, Notice, Select, TableWrap, Time } from '../components.js';
import type { Viewer } from '../env.js';
import { Layout } from '../layout.js';

const roleOptions = roles.map((r) => ({ value: r, label: roleLabels[r] }));

export function AdminLayout({ viewer, title, current, children }: { viewer: Viewer; title: string; current: 'users' | 'tokens' | 'mailboxes' | 'uncertain'; children?: Child }) {
  return (
    <Layout title={title} viewer={viewer} area="admin">
      <nav class="tabs" aria-label="Admin sections">
        <a href="/app/admin/users" aria-current={current === 'users' ? 'page' : undefined}>Users</a>
        <a href="/app/admin/tokens" aria-current={current === 'tokens' ? 'page' : undefined}>API tokens</a>
        <a href="/app/admin/mailboxes" aria-current={current === 'mailboxes' ? 'page' : undefined}>Mailboxes</a>
        <a href="/app/admin/uncertain" aria-current={current === 'uncertain' ? 'page' : undefined}>Uncertain mail</a>
      </nav>
      {children}
    </Layout>
  );
}

export interface NewUserValues { email: string; name: string; role: string }

export function AdminUsersPage(p: {
  viewer: Viewer; users: PublicUser[]; values?: NewUserValues; errors?: Record<string, string>; formError?: string; notice?: string;
  /** Why a role change or disabling was refused. */
  actionError?: string;
}) {
  const v = p.values ?? { email: '', name: '', role: 'agent' };
  const e = p.errors ?? {};
  return (
    <AdminLayout viewer={p.viewer} title="Users" current="users">
      <h1>Users</h1>
      <Notice code={p.notice} />
      <ErrorSummary errors={{}} message={p.actionError} />
      <TableWrap label="Users">
        <table class="list">
          <thead><tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Status</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
          <tbody>
            {p.users.map((u) => (
              <tr class={u.disabledAt ? 'disabled' : undefined}>
                <td>{u.name}{u.id === p.viewer.id && <span class="muted"> (you)</span>}</td>
                <td>{u.email}</td>
                <td>
                  <form method="post" action={`/app/admin/users/${u.id}/role`} class="inline">
                    <CsrfField viewer={p.viewer} />
                    <Select name="role" id={`role-${u.id}`} label={`Role of ${u.name}`} hideLabel value={u.role} options={roleOptions} />
                    <button type="submit">Change role</button>
                  </form>
                </td>
                <td>{u.disabledAt ? <>Disabled <Time value={u.disabledAt} /></> : 'Active'}</td>
                <td>
                  {!u.disabledAt && (
                    <ButtonForm viewer={p.viewer} action={`/app/admin/users/${u.id}/reset-password`} label="Send reset link" what={`to ${u.name}`}
                      confirm={`Mail ${u.name} a link to choose a new password? Their current password keeps working until they use it.`} />
                  )}
                  {u.id !== p.viewer.id && (
                    <ButtonForm viewer={p.viewer} action={`/app/admin/users/${u.id}/${u.disabledAt ? 'enable' : 'disable'}`} label={u.disabledAt ? 'Enable' : 'Disable'} what={u.name}
                      confirm={u.disabledAt ? undefined : `Disable ${u.name}? They are signed out everywhere at once.`} danger={!u.disabledAt} />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      <section aria-labelledby="new-user-h" class="card">
        <h2 id="new-user-h">Add a user</h2>
        <ErrorSummary errors={e} message={p.formError} />
        <form method="post" action="/app/admin/users" class="stack">
          <CsrfField viewer={p.viewer} />
          <div class="grid-2">
            <Field name="name" label="Name" value={v.name} error={e.name} required maxlength={200} autocomplete="off" />
            <Field name="email" label="Email" type="email" value={v.email} error={e.email} required autocomplete="off" spellcheck={false} />
            <Select name="role" label="Role" value={v.role} options={roleOptions} />
            <Field name="password" label="Initial password" type="password" error={e.password} required autocomplete="new-password"
              hint="At least 12 characters. Pass it on over a safe channel." />
          </div>
          <div><button type="submit" class="primary">Add user</button></div>
        </form>
      </section>
    </AdminLayout>
  );
}

type TokenRow = Awaited<ReturnType<typeof listApiTokens>>[number];

export function AdminTokensPage(p: {
  viewer: Viewer; tokens: TokenRow[]; created?: { token: string; name: string }; values?: { name: string; role: string; expiresDays?: string };
  errors?: Record<string, string>; notice?: string;
}) {
  const e = p.errors ?? {};
  return (
    <AdminLayout viewer={p.viewer} title="API tokens" current="tokens">
      <h1>API tokens</h1>
      <Notice code={p.notice} />
      {p.created && (
        <section class="card created-token" role="status" aria-labelledby="created-h" tabindex={-1} data-focus-on-load>
          <h2 id="created-h">Token “{p.created.name}” created</h2>
          <p>Copy it now: it is shown only this once and cannot be recovered.</p>
          <div class="copy-row">
            <label for="new-token" class="visually-hidden">New token</label>
            <input id="new-token" class="token" readonly value={p.created.token} spellcheck={false} />
            <button type="button" data-copy="new-token">Copy</button>
          </div>
        </section>
      )}
      <TableWrap label="API tokens">
        <table class="list">
          <thead><tr><th scope="col">Name</th><th scope="col">Role</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">Status</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
          <tbody>
            {p.tokens.length === 0 && <tr><td colspan={6} class="muted">No tokens yet.</td></tr>}
            {p.tokens.map((t) => (
              <tr class={t.revokedAt ? 'disabled' : undefined}>
                <td>{t.name}</td>
                <td>{roleLabels[t.role]}</td>
                <td><Time value={t.createdAt} /></td>
                <td><Time value={t.lastUsedAt} /></td>
                <td>{t.revokedAt ? <>Revoked <Time value={t.revokedAt} /></> : t.expiresAt && t.expiresAt <= new Date() ? <>Expired <Time value={t.expiresAt} /></> : t.expiresAt ? <>Active, expires <Time value={t.expiresAt} /></> : 'Active'}</td>
                <td>
                  {!t.revokedAt && (
                    <ButtonForm viewer={p.viewer} action={`/app/admin/tokens/${t.id}/revoke`} label="Revoke" what={t.name} danger
                      confirm={`Revoke ${t.name}? Scripts using it stop working at once.`} />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      <section aria-labelledby="new-token-h" class="card">
        <h2 id="new-token-h">Create a token</h2>
        <ErrorSummary errors={e} />
        <form method="post" action="/app/admin/tokens" class="stack">
          <CsrfField viewer={p.viewer} />
          <div class="grid-2">
            <Field name="name" label="Name" value={p.values?.name} error={e.name} required maxlength={200} hint="What uses it, e.g. “helpdesk sync”." />
            <Select name="role" label="Role" value={p.values?.role ?? 'agent'} options={roleOptions} />
            <Field name="expires_days" label="Expires after (days)" value={p.values?.expiresDays} error={e.expires_days} maxlength={4} hint="Empty: until revoked." />
          </div>
          <div><button type="submit" class="primary">Create token</button></div>
        </form>
      </section>
    </AdminLayout>
  );
}
