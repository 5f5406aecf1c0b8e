// Issue 17 item 14: admin changes write audit rows with before and after (secrets never), in the same transaction;
// API tokens can expire, and an expired token is refused.
import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenAudited, createUserAudited, revokeTokenAudited } from '../src/admin/audited.js';
import { setEscalationRules } from '../src/mailboxes/set-escalation-rules.js';
import { settingsInputOf } from '../src/mailboxes/settings-input.js';
import { updateMailboxSettings } from '../src/mailboxes/update-settings.js';
import { setUserDisabled, setUserRole } from '../src/auth/users.js';
import { apiTokens } from '../src/db/schema/auth.js';
import { mailboxes } from '../src/db/schema/mailboxes.js';
import { auditLog } from '../src/db/schema/review.js';
import type { Service } from '../src/service.js';
import { openTestDatabase, type TestDatabase } from './support/database.js';
import { api, startTestService } from './support/service.js';

const ADMIN = { id: 'admin-1', name: 'Ada Admin' };

describe(`admin changes are audited; tokens expire (${process.env.TEST_DB ?? 'pglite'})`, () => {
  let db: TestDatabase;
  let service: Service;
  const entries = async (action: string) => db.database.db.select().from(auditLog).where(and(eq(auditLog.action, action), isNull(auditLog.caseId)));

  beforeAll(async () => {
    db = await openTestDatabase();
    service = await startTestService(db);
  }, 300_000);
  afterAll(async () => {
    await service?.stop();
    await db?.stop();
  });

  it('a token with an expiry works until it expires, then is refused; creating and revoking are audited', async () => {
    const token = await createTokenAudited(db.database.db, ADMIN, { name: 'nightly sync', role: 'admin', expiresInDays: 7 });
    expect(token.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 6 * 86_400_000);
    const call = () => api(service, '/api/jobs', { headers: { authorization: `Bearer ${token.token}` } });
    expect((await call()).status).toBe(200);
    await db.database.db.update(apiTokens).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(apiTokens.id, token.id));
    expect((await call()).status).toBe(401);
    await expect(createTokenAudited(db.database.db, ADMIN, { name: 'x', role: 'agent', expiresInDays: 0 })).rejects.toThrow(/expires: expected a whole number of days/);

    expect(await revokeTokenAudited(db.database.db, ADMIN, token.id)).toBe(true);
    const [created] = await entries('token_created');
    expect(created).toMatchObject({ actorId: 'admin-1', actorName: 'Ada Admin', after: { id: token.id, name: 'nightly sync', role: 'admin', expiresAt: token.expiresAt!.toISOString() } });
    expect(JSON.stringify(created)).not.toContain(token.token);
    const [revoked] = await entries('token_revoked');
    expect(revoked).toMatchObject({ before: { id: token.id, revoked: false }, after: { id: token.id, revoked: true } });
  });

  it('users: created, role changed, disabled — each with before and after, never the password', async () => {
    const user = await createUserAudited(db.database.db, ADMIN, { email: 'bo@shop.test', name: 'Bo', role: 'agent', password: 'a long enough passphrase 42' });
    await setUserRole(db.database.db, user.id, 'knowledge_manager', ADMIN);
    await setUserDisabled(db.database.db, user.id, true, ADMIN);
    expect((await entries('user_created'))[0]).toMatchObject({ after: { email: 'bo@shop.test', role: 'agent' } });
    expect(JSON.stringify(await entries('user_created'))).not.toContain('passphrase');
    expect((await entries('user_role_changed'))[0]).toMatchObject({ before: { user: 'bo@shop.test', role: 'agent' }, after: { role: 'knowledge_manager' } });
    expect((await entries('user_disabled'))[0]).toMatchObject({ before: { disabled: false }, after: { disabled: true } });
  });

  it('mailbox settings: auto-send and escalation rules (webhook included) with before and after; the secret only as changed', async () => {
    const [mailbox] = await db.database.db.select().from(mailboxes).limit(1);
    const ctx = { db: db.database.db, actor: ADMIN };
    await updateMailboxSettings(ctx, { mailboxId: mailbox!.id, settings: { ...settingsInputOf(mailbox!), autoSendMode: 'on' } });
    await setEscalationRules(ctx, { mailboxId: mailbox!.id, rules: { webhookUrl: 'https://hooks.example.com/x', webhookSecret: 'whsec_very_secret_value_0001' } });
    const [settings, rules] = await entries('mailbox_settings_changed').then((rows) => rows.sort((a, b) => a.id - b.id));
    expect(settings).toMatchObject({ actorName: 'Ada Admin', before: { mailbox: mailbox!.key, autoSendMode: mailbox!.autoSendMode }, after: { mailbox: mailbox!.key, autoSendMode: 'on' } });
    expect(Object.keys(settings!.after!)).toEqual(['mailbox', 'autoSendMode']);
    expect(rules).toMatchObject({ before: { escalationRules: null }, after: { mailbox: mailbox!.key, escalationRules: { webhookUrl: 'https://hooks.example.com/x' } } });
    expect(JSON.stringify(rules)).not.toContain('whsec_very_secret_value_0001');
    // nothing changed: no row
    await updateMailboxSettings(ctx, { mailboxId: mailbox!.id, settings: { ...settingsInputOf(mailbox!), autoSendMode: 'on' } });
    expect(await entries('mailbox_settings_changed')).toHaveLength(2);
  });
});
