// Verb: an admin saves a mailbox's SLA policies, one row per priority. A priority left empty goes back to the
// targets derived from the mailbox's first-reply setting (its row is deleted). Audited with before and after.
import { and, asc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { verb } from '../audit/verb.js';
import { casePriorities } from '../db/schema/cases.js';
import { slaPolicies } from '../db/schema/sla.js';
import { audit } from '../audit/log.js';
import { mailboxId } from './update-settings.js';
import { getMailbox } from './queries.js';

const minutes = (min: number) => z.string().trim().regex(/^\d{1,7}$/).transform(Number).refine((n) => n >= min);
const ROW_MESSAGE = 'fill every field with whole minutes (above 0; the reminder may be 0), or leave the row empty for the defaults';

/** One priority's four fields as typed: all empty, or all whole minutes. */
const policyRow = z
  .object({ firstReplyMinutes: z.string(), nextReplyMinutes: z.string(), resolutionMinutes: z.string(), reminderBeforeMinutes: z.string() })
  .transform((v, ctx) => {
    if (Object.values(v).every((x) => x.trim() === '')) return null;
    const row = z.object({ firstReplyMinutes: minutes(1), nextReplyMinutes: minutes(1), resolutionMinutes: minutes(1), reminderBeforeMinutes: minutes(0) }).safeParse(v);
    if (row.success) return row.data;
    ctx.addIssue({ code: 'custom', message: ROW_MESSAGE });
    return z.NEVER;
  });

export type SlaPolicyInput = z.input<typeof policyRow>;

export const setSlaPolicies = verb(
  z.object({ mailboxId, policies: z.partialRecord(z.enum(casePriorities), policyRow) }),
  async (tx, input, ctx) => {
    const mailbox = await getMailbox(tx, input.mailboxId);
    const current = () => tx.select().from(slaPolicies).where(eq(slaPolicies.mailboxId, mailbox.id)).orderBy(asc(slaPolicies.priority));
    const view = (rows: Awaited<ReturnType<typeof current>>) =>
      Object.fromEntries(rows.map(({ priority, firstReplyMinutes, nextReplyMinutes, resolutionMinutes, reminderBeforeMinutes }) =>
        [priority, { firstReplyMinutes, nextReplyMinutes, resolutionMinutes, reminderBeforeMinutes }]));
    const before = view(await current());
    const entries = Object.entries(input.policies) as [(typeof casePriorities)[number], z.output<typeof policyRow>][];
    const remove = entries.filter(([, row]) => row === null).map(([priority]) => priority);
    if (remove.length) await tx.delete(slaPolicies).where(and(eq(slaPolicies.mailboxId, mailbox.id), inArray(slaPolicies.priority, remove)));
    for (const [priority, row] of entries) {
      if (!row) continue;
      await tx.insert(slaPolicies).values({ ...row, priority, mailboxId: mailbox.id })
        .onConflictDoUpdate({ target: [slaPolicies.mailboxId, slaPolicies.priority], set: { ...row, updatedAt: new Date() } });
    }
    const after = view(await current());
    if (JSON.stringify(before) === JSON.stringify(after)) return;
    await audit(tx, { caseId: null, actor: ctx.actor, action: 'sla_policies_changed', before: { mailbox: mailbox.key, policies: before }, after: { mailbox: mailbox.key, policies: after } });
  },
);
