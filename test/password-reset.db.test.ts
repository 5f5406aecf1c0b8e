// Issue 19 item 18: a reset link mailed through the outbox (absolute, under the public base URL), stored hashed,
// single use, expiring; using it sets the password, ends the user's sessions and is audited. Nothing is written for
// an unknown or disabled address, nor for invalid input.
import { asc, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { INVALID_LINK, requestPasswordReset, resetLinkUsable, resetPassword, sendPasswordReset, type ResetContext } from '../src/auth/password-reset.js';
import { createSession } from '../src/auth/sessions.js';
import { checkCredentials, createUser, setUserDisabled } from '../src/auth/users.js';
import { outbox } from '../src/db/schema/outbox.js';
import { auditLog } from '../src/db/schema/review.js';
import { passwordResets, sessions } from '../src/db/schema/users.js';
import { AppError } from '../src/errors.js';
import { openTestDatabase, type TestDatabase } from './support/database.js';

const ADMIN = { id: 'admin-1', name: 'Ada Admin' };
const FORM = { id: 'password-reset-form', name: 'Forgot password form' };
const mail = { fromAddress: 'support@shop.test', fromName: 'Shop Support', messageIdDomain: 'shop.test', baseUrl: 'https://support.shop.test/' };

describe(`password reset links (${process.env.TEST_DB ?? 'pglite'})`, () => {
  let t: TestDatabase;
  let userId: string;
  const db = () => t.database.db;
  const ctx = (actor = FORM, now?: () => Date): ResetContext => ({ db: db(), actor, mail, now });
  const mails = () => db().select().from(outbox).orderBy(asc(outbox.createdAt));
  const audits = () => db().select().from(auditLog).where(isNull(auditLog.caseId)).orderBy(asc(auditLog.id));
  const tokenOf = (body: string) => /\/reset-password\?token=([\w-]+)/.exec(body)![1]!;
  const code = (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (e instanceof AppError ? `${e.code}: ${e.message}` : String(e)));

  beforeAll(async () => {
    t = await openTestDatabase();
  });
  beforeEach(async () => {
    await t.reset();
    userId = (await createUser(db(), { email: 'alex@shop.test', name: 'Alex Agent', role: 'agent', password: 'the old password 123' })).id;
  });
  afterAll(() => t.stop());

  it('asked for on the sign-in page: the link is mailed through the outbox, works once, ends every session, and is audited', async () => {
    await createSession(db(), userId, { ttlHours: 12 });
    await requestPasswordReset(ctx(), { email: ' Alex@Shop.test ' });
    const [message] = await mails();
    expect(message).toMatchObject({ kind: 'notification', caseId: null, toAddress: 'alex@shop.test', fromAddress: 'support@shop.test', subject: 'Reset your password', status: 'pending' });
    expect(message!.textBody).toMatch(/^https:\/\/support\.shop\.test\/reset-password\?token=[\w-]{43}$/m);
    const token = tokenOf(message!.textBody);
    // only a hash of the token is stored
    const [stored] = await db().select().from(passwordResets);
    expect(stored!.id).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(stored!.expiresAt.getTime() - stored!.createdAt.getTime()).toBe(60 * 60_000);
    expect(await resetLinkUsable(db(), token)).toBe(true);

    expect(await resetPassword(ctx(), { token, password: 'a brand new passphrase' })).toBe('alex@shop.test');
    expect(await checkCredentials(db(), 'alex@shop.test', 'a brand new passphrase')).toMatchObject({ id: userId });
    expect(await checkCredentials(db(), 'alex@shop.test', 'the old password 123')).toBeNull();
    expect(await db().select().from(sessions).where(eq(sessions.userId, userId))).toEqual([]);
    expect(await resetLinkUsable(db(), token)).toBe(false);
    // single use
    expect(await code(resetPassword(ctx(), { token, password: 'yet another passphrase' }))).toBe(`bad_request: ${INVALID_LINK}`);
    expect(await checkCredentials(db(), 'alex@shop.test', 'a brand new passphrase')).not.toBeNull();
    expect((await audits()).map((a) => [a.action, a.actorId, a.after])).toEqual([
      ['password_reset_requested', userId, { user: 'alex@shop.test', by: 'self', expiresInMinutes: 60 }],
      ['password_reset', userId, { user: 'alex@shop.test', by: 'self', sessionsEnded: 1 }],
    ]);
  });

  it('an unknown or disabled address gets the same quiet answer and nothing is written', async () => {
    await requestPasswordReset(ctx(), { email: 'nobody@shop.test' });
    await setUserDisabled(db(), userId, true);
    await requestPasswordReset(ctx(), { email: 'alex@shop.test' });
    expect(await mails()).toEqual([]);
    expect(await db().select().from(passwordResets)).toEqual([]);
    expect(await audits()).toEqual([]);
    expect(await code(requestPasswordReset(ctx(), { email: 'not an address' }))).toMatch(/^bad_request: email: expected an email address/);
  });

  it('an expired link is refused; a new request replaces the earlier link', async () => {
    const hourAndABitLater = () => new Date(Date.now() + 61 * 60_000);
    await requestPasswordReset(ctx(), { email: 'alex@shop.test' });
    const first = tokenOf((await mails())[0]!.textBody);
    expect(await resetLinkUsable(db(), first, hourAndABitLater())).toBe(false);
    expect(await code(resetPassword(ctx(FORM, hourAndABitLater), { token: first, password: 'a brand new passphrase' }))).toBe(`bad_request: ${INVALID_LINK}`);

    await requestPasswordReset(ctx(), { email: 'alex@shop.test' });
    const second = tokenOf((await mails())[1]!.textBody);
    expect(await resetLinkUsable(db(), first)).toBe(false);
    expect(await db().select().from(passwordResets)).toHaveLength(1);
    expect(await code(resetPassword(ctx(), { token: second, password: 'a brand new passphrase' }))).toBe('ok');
  });

  it('a too short password is refused and writes nothing: the link still works', async () => {
    await requestPasswordReset(ctx(), { email: 'alex@shop.test' });
    const token = tokenOf((await mails())[0]!.textBody);
    expect(await code(resetPassword(ctx(), { token, password: 'short' }))).toBe('bad_request: password: use at least 12 characters');
    expect(await resetLinkUsable(db(), token)).toBe(true);
    expect((await audits()).map((a) => a.action)).toEqual(['password_reset_requested']);
  });

  it('an admin sends the link: audited as the admin; a disabled account is refused and nothing written', async () => {
    await sendPasswordReset(ctx(ADMIN), { userId });
    const [message] = await mails();
    expect(message!.textBody).toContain('Ada Admin, an administrator, asked for a new password for your account alex@shop.test.');
    expect((await audits()).map((a) => [a.action, a.actorId, a.after])).toEqual([['password_reset_requested', 'admin-1', { user: 'alex@shop.test', by: 'admin', expiresInMinutes: 60 }]]);
    await resetPassword(ctx(), { token: tokenOf(message!.textBody), password: 'chosen by alex 2026' });
    expect((await audits())[1]).toMatchObject({ action: 'password_reset', actorId: userId, after: { by: 'admin' } });

    await setUserDisabled(db(), userId, true);
    expect(await code(sendPasswordReset(ctx(ADMIN), { userId }))).toBe("conflict: Alex Agent's account is disabled: enable it first");
    expect(await mails()).toHaveLength(1);
  });
});
