// Password reset links: asked for on the sign-in page ("Forgot password?") or sent by an admin, mailed through the
// outbox, stored only as a hash, single use, expiring after an hour. Using one sets the new password, ends every
// session of the user and is audited; asking for one for an unknown or disabled address writes nothing at all.
import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { verb, type VerbContext } from '../audit/verb.js';
import { newMessageId } from '../domain/message-ids.js';
import type { Tx } from '../db/client.js';
import { outbox } from '../db/schema/outbox.js';
import { passwordResets, sessions, users, type User } from '../db/schema/users.js';
import { absoluteUrl } from '../escalation/notify.js';
import { AppError } from '../errors.js';
import { parseInput } from '../validation.js';
import { audit, type Actor } from '../audit/log.js';
import { hashPassword, passwordProblem } from './passwords.js';

export const RESET_LINK_MINUTES = 60;
export const RESET_PATH = '/reset-password';
export const INVALID_LINK = 'This reset link has expired or was already used. Ask for a new one.';

/** Where reset mail comes from and the public base URL its link is built on (PUBLIC_BASE_URL, like escalation notices). */
export interface ResetMail { fromAddress: string; fromName: string; messageIdDomain: string; baseUrl: string }
export type ResetContext = VerbContext & { mail: ResetMail; now?: () => Date };

const tokenId = (token: string) => createHash('sha256').update(token).digest('hex');

export function resetLink(baseUrl: string, token: string): string {
  return absoluteUrl(baseUrl, `${RESET_PATH}?token=${encodeURIComponent(token)}`);
}

/** One link per user at a time: a new one replaces any earlier unused link. The outbox row carries the token once. */
async function issueLink(tx: Tx, ctx: ResetContext, user: Pick<User, 'id' | 'email' | 'name'>, actor: Actor, byAdmin: boolean): Promise<void> {
  const token = randomBytes(32).toString('base64url');
  const now = ctx.now?.() ?? new Date();
  await tx.delete(passwordResets).where(and(eq(passwordResets.userId, user.id), isNull(passwordResets.usedAt)));
  await tx.insert(passwordResets).values({
    id: tokenId(token), userId: user.id, requestedBy: byAdmin ? actor.id : 'self', createdAt: now, expiresAt: new Date(now.getTime() + RESET_LINK_MINUTES * 60_000),
  });
  const who = byAdmin ? `${actor.name}, an administrator,` : 'Someone, hopefully you,';
  await tx.insert(outbox).values({
    kind: 'notification', caseId: null, messageId: newMessageId('pwreset', 'account', ctx.mail.messageIdDomain),
    fromAddress: ctx.mail.fromAddress, fromName: ctx.mail.fromName, toAddress: user.email,
    subject: 'Reset your password',
    textBody: [
      `Hello ${user.name},`, '',
      `${who} asked for a new password for your account ${user.email}.`, '',
      `Choose a new password here within ${RESET_LINK_MINUTES} minutes:`, resetLink(ctx.mail.baseUrl, token), '',
      'The link works once. Setting the password signs you out everywhere.',
      'If you did not expect this mail, ignore it: your password stays as it is.', '',
      '-- ', 'Sent automatically by firstreply.', '',
    ].join('\n'),
    headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All', 'Content-Language': 'en' },
  });
  await audit(tx, { caseId: null, actor, action: 'password_reset_requested', after: { user: user.email, by: byAdmin ? 'admin' : 'self', expiresInMinutes: RESET_LINK_MINUTES } });
}

const email = z.string().trim().toLowerCase().max(254).pipe(z.email('expected an email address'));

/** "Forgot password?": the same quiet success whether or not the address has an (active) account. */
export const requestPasswordReset = verb(z.object({ email }), async (tx, { email: address }, ctx: ResetContext) => {
  const [user] = await tx.select().from(users).where(and(eq(users.email, address), isNull(users.disabledAt)));
  if (user) await issueLink(tx, ctx, user, { id: user.id, name: user.name }, false);
});

/** An admin sends a user a reset link: the user chooses the new password themselves. */
export const sendPasswordReset = verb(z.object({ userId: z.uuid('no such user') }), async (tx, { userId }, ctx: ResetContext) => {
  const [user] = await tx.select().from(users).where(eq(users.id, userId));
  if (!user) throw new AppError('not_found', 'no such user');
  if (user.disabledAt) throw new AppError('conflict', `${user.name}'s account is disabled: enable it first`);
  await issueLink(tx, ctx, user, ctx.actor, true);
  return user.email;
});

const resetInput = z.object({
  token: z.string().min(20, INVALID_LINK).max(100, INVALID_LINK),
  password: z.string().superRefine((v, c) => {
    const problem = passwordProblem(v);
    if (problem) c.addIssue({ code: 'custom', message: problem });
  }),
});

/** Whether a link can still be used (the page shows the form, or says to ask again). */
export async function resetLinkUsable(db: VerbContext['db'], token: string, now = new Date()): Promise<boolean> {
  if (!token || token.length > 100) return false;
  const [row] = await db.select({ id: passwordResets.id }).from(passwordResets)
    .innerJoin(users, eq(users.id, passwordResets.userId))
    .where(and(eq(passwordResets.id, tokenId(token)), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, now), isNull(users.disabledAt)));
  return Boolean(row);
}

/** Sets the new password with a link: once, before it expires; ends the user's sessions; audited. Returns the email. */
export async function resetPassword(ctx: Pick<ResetContext, 'db' | 'now'>, input: z.input<typeof resetInput>): Promise<string> {
  const { token, password } = parseInput(resetInput, input);
  // scrypt before the transaction: no row lock held while hashing
  const passwordHash = await hashPassword(password);
  return ctx.db.transaction(async (tx) => {
    const now = ctx.now?.() ?? new Date();
    const [link] = await tx.select().from(passwordResets).where(eq(passwordResets.id, tokenId(token))).for('update');
    const [user] = link ? await tx.select().from(users).where(eq(users.id, link.userId)) : [];
    if (!link || !user || link.usedAt || link.expiresAt <= now || user.disabledAt) {
      throw new AppError('bad_request', INVALID_LINK, false, { fields: { token: INVALID_LINK } });
    }
    await tx.update(passwordResets).set({ usedAt: now }).where(eq(passwordResets.id, link.id));
    await tx.update(users).set({ passwordHash }).where(eq(users.id, user.id));
    const ended = await tx.delete(sessions).where(eq(sessions.userId, user.id)).returning({ id: sessions.id });
    await audit(tx, {
      caseId: null, actor: { id: user.id, name: user.name }, action: 'password_reset',
      after: { user: user.email, by: link.requestedBy === 'self' ? 'self' : 'admin', sessionsEnded: ended.length },
    });
    return user.email;
  });
}
