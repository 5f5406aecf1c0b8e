// Web app accounts: create, list, change role, disable/enable, and check a password. Free of HTTP.
import { and, asc, count, eq, isNull, ne } from 'drizzle-orm';
import { audit, type Actor } from '../audit/log.js';
import { z } from 'zod';
import type { Config } from '../config.js';
import type { Db, Queryable } from '../db/client.js';
import { roles, type Role } from '../db/schema/auth.js';
import { sessions, users, type User } from '../db/schema/users.js';
import { AppError } from '../errors.js';
import { parseInput } from '../validation.js';
import { hashPassword, passwordProblem, verifyAgainstDummy, verifyPassword } from './passwords.js';

export type PublicUser = Omit<User, 'passwordHash'>;
// The hash never leaves this module.
const publicColumns = {
  id: users.id, email: users.email, name: users.name, role: users.role, createdAt: users.createdAt, disabledAt: users.disabledAt,
};

export const newUserSchema = z.object({
  email: z.string().trim().toLowerCase().max(254).email('expected an email address'),
  name: z.string().trim().min(1, 'must not be empty').max(200),
  role: z.enum(roles),
  password: z.string().superRefine((v, ctx) => {
    const problem = passwordProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
});
export type NewUser = z.input<typeof newUserSchema>;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function createUser(db: Queryable, input: NewUser): Promise<PublicUser> {
  const { password, ...fields } = parseInput(newUserSchema, input);
  const passwordHash = await hashPassword(password);
  const [row] = await db.insert(users).values({ ...fields, passwordHash }).onConflictDoNothing().returning(publicColumns);
  if (!row) throw new AppError('conflict', `a user with the email ${fields.email} already exists`, false, { fields: { email: 'already in use' } });
  return row;
}

export async function listUsers(db: Queryable): Promise<PublicUser[]> {
  return db.select(publicColumns).from(users).orderBy(asc(users.email));
}

export async function countUsers(db: Queryable): Promise<number> {
  const [row] = await db.select({ n: count() }).from(users);
  return row!.n;
}

/**
 * The password check behind sign-in. Unknown, disabled and wrong-password all return null after the same amount
 * of hashing work, so neither the answer nor its timing tells which emails have accounts.
 */
export async function checkCredentials(db: Queryable, email: string, password: string): Promise<PublicUser | null> {
  const [row] = await db.select().from(users).where(eq(users.email, normalizeEmail(email)));
  if (!row || row.disabledAt) return verifyAgainstDummy(password).then(() => null);
  if (!(await verifyPassword(password, row.passwordHash))) return null;
  const { passwordHash: _ignored, ...user } = row;
  return user;
}

/** Sets a new password (CLI reset) and ends the user's sessions, so an old session cannot outlive the reset. */
export async function setUserPassword(db: Db, email: string, password: string): Promise<PublicUser> {
  const problem = passwordProblem(password);
  if (problem) throw new AppError('bad_request', `password: ${problem}`, false, { fields: { password: problem } });
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    const [row] = await tx.update(users).set({ passwordHash }).where(eq(users.email, normalizeEmail(email))).returning(publicColumns);
    if (!row) throw new AppError('not_found', `no user with the email ${normalizeEmail(email)}`);
    await tx.delete(sessions).where(eq(sessions.userId, row.id));
    return row;
  });
}

/** Changes that could leave nobody able to administer the install are refused. */
async function assertAnotherActiveAdmin(tx: Queryable, userId: string): Promise<void> {
  const [row] = await tx.select({ n: count() }).from(users).where(and(eq(users.role, 'admin'), isNull(users.disabledAt), ne(users.id, userId)));
  if (row!.n === 0) throw new AppError('conflict', 'this is the last active admin: make someone else admin first');
}

/** `actor`: who changes it, for the audit row written in the same transaction. */
export async function setUserRole(db: Db, userId: string, role: Role, actor?: Actor): Promise<PublicUser> {
  if (!roles.includes(role)) throw new AppError('bad_request', `role: expected one of ${roles.join(', ')}`);
  return db.transaction(async (tx) => {
    const current = await lockUser(tx, userId);
    if (current.role === 'admin' && role !== 'admin' && !current.disabledAt) await assertAnotherActiveAdmin(tx, userId);
    const [row] = await tx.update(users).set({ role }).where(eq(users.id, userId)).returning(publicColumns);
    if (actor) await audit(tx, { caseId: null, actor, action: 'user_role_changed', before: { user: current.email, role: current.role }, after: { user: current.email, role } });
    return row!;
  });
}

/** Disabling also ends every session of that user at once. */
export async function setUserDisabled(db: Db, userId: string, disabled: boolean, actor?: Actor): Promise<PublicUser> {
  return db.transaction(async (tx) => {
    const current = await lockUser(tx, userId);
    if (disabled && current.role === 'admin' && !current.disabledAt) await assertAnotherActiveAdmin(tx, userId);
    const [row] = await tx.update(users).set({ disabledAt: disabled ? (current.disabledAt ?? new Date()) : null }).where(eq(users.id, userId)).returning(publicColumns);
    if (disabled) await tx.delete(sessions).where(eq(sessions.userId, userId));
    if (actor) {
      await audit(tx, { caseId: null, actor, action: disabled ? 'user_disabled' : 'user_enabled', before: { user: current.email, disabled: current.disabledAt !== null }, after: { user: current.email, disabled } });
    }
    return row!;
  });
}

async function lockUser(tx: Queryable, userId: string) {
  if (!/^[0-9a-f-]{36}$/i.test(userId)) throw new AppError('not_found', 'no such user');
  const [row] = await tx.select(publicColumns).from(users).where(eq(users.id, userId)).for('update');
  if (!row) throw new AppError('not_found', 'no such user');
  return row;
}

/**
 * First start: with no user at all and ADMIN_EMAIL/ADMIN_PASSWORD set, create that admin. Once any user exists
 * this does nothing, so changing the variables later never resets a password or adds a second admin behind
 * anyone's back. Returns the email of the admin it created, if any.
 */
export async function ensureBootstrapAdmin(db: Db, config: Pick<Config, 'ADMIN_EMAIL' | 'ADMIN_PASSWORD'>): Promise<string | null> {
  if (!config.ADMIN_EMAIL || !config.ADMIN_PASSWORD) return null;
  if ((await countUsers(db)) > 0) return null;
  const email = normalizeEmail(config.ADMIN_EMAIL);
  try {
    await createUser(db, { email, name: 'Administrator', role: 'admin', password: config.ADMIN_PASSWORD });
  } catch (err) {
    // Two processes starting at once: the other one created it.
    if (err instanceof AppError && err.code === 'conflict') return null;
    throw err;
  }
  return email;
}
