// Admin → Mailboxes: the list, a mailbox's settings, escalation rules and SLA policies, and "test connection". Thin:
// reads from src/mailboxes/, writes through its verbs, and shows a verb's field errors beside the fields.
import { Hono, type Context } from 'hono';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { AppError } from '../../errors.js';
import type { KnowledgeBase } from '../../kb/knowledge.js';
import { testConnections } from '../../mailboxes/connection-test.js';
import { rulesErrors, rulesFormOf, rulesInputOf, type RulesFormValues } from '../../mailboxes/escalation-rules-form.js';
import { matchingFacts } from '../../mailboxes/matching-facts.js';
import { getMailbox, listMailboxes } from '../../mailboxes/queries.js';
import { setEscalationRules } from '../../mailboxes/set-escalation-rules.js';
import { setSlaPolicies } from '../../mailboxes/set-sla-policies.js';
import { mailboxRules } from '../../escalation/mailbox-rules.js';
import { settingsInputOf } from '../../mailboxes/settings-input.js';
import { slaInForce, type SlaConfig } from '../../mailboxes/sla-in-force.js';
import { updateMailboxSettings } from '../../mailboxes/update-settings.js';
import { loadPolicies } from '../../sla/timers.js';
import { formOf, render, type WebEnv } from '../env.js';
import { rulesFromForm, settingsFromForm, slaFromForm, type SlaFormValues } from '../mailbox-form.js';
import { AdminEscalationRulesPage } from '../pages/admin-escalation-rules.js';
import { AdminMailboxesPage, AdminMailboxPage } from '../pages/admin-mailboxes.js';

export type MailboxAdminConfig = Pick<Config, 'IMAP_URL' | 'SMTP_URL' | 'DATA_DIR'> & SlaConfig;

const mailboxIdOf = (c: Context) => {
  const id = c.req.param('id') ?? '';
  if (!/^\d{1,9}$/.test(id)) throw new AppError('not_found', 'no such mailbox');
  return Number(id);
};

/** A verb's refusal as field errors (path prefix dropped), or the error itself when it is something else. */
function refusal(err: unknown, prefix: string): Record<string, string> {
  if (!(err instanceof AppError) || err.code !== 'bad_request') throw err;
  const fields = (err.details?.fields ?? {}) as Record<string, string>;
  const out: Record<string, string> = {};
  for (const [path, message] of Object.entries(fields)) out[path.startsWith(`${prefix}.`) ? path.slice(prefix.length + 1).split('.')[0]! : path] ??= message;
  return out;
}

const slaValuesOf = (rows: Awaited<ReturnType<typeof loadPolicies>>): SlaFormValues => Object.fromEntries(rows.map((r) => [r.priority, {
  firstReplyMinutes: String(r.firstReplyMinutes), nextReplyMinutes: String(r.nextReplyMinutes),
  resolutionMinutes: String(r.resolutionMinutes), reminderBeforeMinutes: String(r.reminderBeforeMinutes),
}]));

type PageExtra = Partial<Parameters<typeof AdminMailboxPage>[0]>;

export function mailboxAdminRoutes(db: Db, config: MailboxAdminConfig, knowledge?: KnowledgeBase) {
  const mailboxPage = async (c: Context<WebEnv>, extra: PageExtra = {}, status: 200 | 400 = 200) => {
    const mailbox = await getMailbox(db, mailboxIdOf(c));
    const [policies, matching] = await Promise.all([loadPolicies(db, mailbox.id), knowledge ? matchingFacts(db, knowledge, mailbox.id) : undefined]);
    return render(c, <AdminMailboxPage viewer={c.get('viewer')} mailbox={mailbox} rules={mailboxRules(mailbox)} sla={slaInForce(mailbox, policies, config)}
      values={settingsInputOf(mailbox)} slaValues={slaValuesOf(policies)} matching={matching} notice={c.req.query('done')} {...extra} />, status);
  };
  const rulesPage = async (c: Context<WebEnv>, extra: { values?: RulesFormValues; errors?: Record<string, string> } = {}, status: 200 | 400 = 200) => {
    const mailbox = await getMailbox(db, mailboxIdOf(c));
    const form = rulesFormOf(mailbox.escalationRules);
    return render(c, <AdminEscalationRulesPage viewer={c.get('viewer')} mailbox={mailbox} values={extra.values ?? form} hasSecret={form.hasSecret}
      errors={extra.errors} notice={c.req.query('done')} />, status);
  };
  const ctx = (c: Context<WebEnv>) => ({ db, actor: c.get('viewer') });

  return new Hono<WebEnv>()
    .get('/', async (c) => render(c, <AdminMailboxesPage viewer={c.get('viewer')} mailboxes={await listMailboxes(db)} notice={c.req.query('done')} />))
    .get('/:id', (c) => mailboxPage(c))
    .post('/:id', async (c) => {
      const mailboxId = mailboxIdOf(c);
      const settings = settingsFromForm(await formOf(c));
      try {
        await updateMailboxSettings(ctx(c), { mailboxId, settings });
      } catch (err) {
        return mailboxPage(c, { values: settings, errors: refusal(err, 'settings') }, 400);
      }
      return c.redirect(`/app/admin/mailboxes/${mailboxId}?done=mailbox-saved`, 303);
    })
    .get('/:id/rules', (c) => rulesPage(c))
    .post('/:id/rules', async (c) => {
      const mailbox = await getMailbox(db, mailboxIdOf(c));
      const values = rulesFromForm(await formOf(c));
      try {
        await setEscalationRules(ctx(c), { mailboxId: mailbox.id, rules: rulesInputOf(values, mailbox.escalationRules) });
      } catch (err) {
        if (!(err instanceof AppError) || err.code !== 'bad_request') throw err;
        return rulesPage(c, { values: { ...values, webhookSecret: '' }, errors: rulesErrors((err.details?.fields ?? {}) as Record<string, string>) }, 400);
      }
      return c.redirect(`/app/admin/mailboxes/${mailbox.id}/rules?done=rules-saved`, 303);
    })
    .post('/:id/sla', async (c) => {
      const mailboxId = mailboxIdOf(c);
      const policies = slaFromForm(await formOf(c));
      try {
        await setSlaPolicies(ctx(c), { mailboxId, policies });
      } catch (err) {
        return mailboxPage(c, { slaValues: policies, slaErrors: refusal(err, 'policies') }, 400);
      }
      return c.redirect(`/app/admin/mailboxes/${mailboxId}?done=sla-saved`, 303);
    })
    .post('/:id/test', async (c) => {
      const mailbox = await getMailbox(db, mailboxIdOf(c));
      return mailboxPage(c, { connections: await testConnections(mailbox, config) });
    });
}
