// Issue 20 item 2: mailbox admin writes are verbs `(ctx, input)`: validated with zod before anything is written, the
// change and its audit row in one transaction (an audit that fails takes the change with it), and the escalation
// rules the pipeline uses are parsed once per batch of messages.
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mailboxes, type Mailbox } from '../src/db/schema/mailboxes.js';
import { auditLog } from '../src/db/schema/review.js';
import { slaPolicies } from '../src/db/schema/sla.js';
import { AppError } from '../src/errors.js';
import { rulesErrors, rulesFormOf, rulesInputOf } from '../src/mailboxes/escalation-rules-form.js';
import { setEscalationRules } from '../src/mailboxes/set-escalation-rules.js';
import { setSlaPolicies } from '../src/mailboxes/set-sla-policies.js';
import { MailboxSettings } from '../src/mailboxes/settings.js';
import { settingsInputOf } from '../src/mailboxes/settings-input.js';
import { updateMailboxSettings } from '../src/mailboxes/update-settings.js';
import { openTestDatabase, type TestDatabase } from './support/database.js';

const ADMIN = { id: 'admin-1', name: 'Ada Admin' };
const empty = { firstReplyMinutes: '', nextReplyMinutes: '', resolutionMinutes: '', reminderBeforeMinutes: '' };

describe(`mailbox admin verbs (${process.env.TEST_DB ?? 'pglite'})`, () => {
  let t: TestDatabase;
  let mailbox: Mailbox;
  const db = () => t.database.db;
  const ctx = () => ({ db: db(), actor: ADMIN });
  const audits = () => db().select().from(auditLog).where(isNull(auditLog.caseId)).orderBy(asc(auditLog.id));
  const row = async () => (await db().select().from(mailboxes).where(eq(mailboxes.id, mailbox.id)))[0]!;
  const refusal = async (p: Promise<unknown>) => {
    const err = await p.then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('bad_request');
    return (err as AppError).details!.fields as Record<string, string>;
  };

  beforeAll(async () => {
    t = await openTestDatabase();
  });
  beforeEach(async () => {
    await t.reset();
    [mailbox] = await db().insert(mailboxes).values({
      key: 'default', address: 'support@shop.test', displayName: 'Shop Support', timeZone: 'Europe/Berlin',
      businessHours: { days: [1, 2, 3, 4, 5], open: '09:00', close: '18:00', holidays: [] }, firstReplyMinutes: 240, maxAcksPerSender24h: 5,
    }).returning() as [Mailbox];
  });
  afterAll(() => t.stop());

  it('settings: saved with an audit row of the changed fields; invalid input names each field and writes nothing', async () => {
    await updateMailboxSettings(ctx(), { mailboxId: mailbox.id, settings: { ...settingsInputOf(mailbox), matchThreshold: '0.5', days: ['1', '2'] } });
    expect(await row()).toMatchObject({ matchThreshold: 0.5, businessHours: { days: [1, 2] } });
    const [entry] = await audits();
    expect(entry).toMatchObject({ actorId: 'admin-1', action: 'mailbox_settings_changed', before: { matchThreshold: null }, after: { matchThreshold: 0.5 } });

    const fields = await refusal(updateMailboxSettings(ctx(), { mailboxId: mailbox.id, settings: { ...settingsInputOf(mailbox), timeZone: 'Mars/Olympus', open: '25:00', matchThreshold: '0.7' } }));
    expect(Object.keys(fields).sort()).toEqual(['settings.open', 'settings.timeZone']);
    expect((await row()).matchThreshold).toBe(0.5);
    expect(await audits()).toHaveLength(1);
  });

  it('escalation rules from the form: stored as written (defaults absent), read back into the form, parsed once per batch', async () => {
    const form = { ...rulesFormOf(null), vipDomains: 'BigCustomer.example', teamAddresses: 'legal = legal@shop.test', maxCustomerMessages: '5',
      enabled: rulesFormOf(null).enabled.filter((c) => c !== 'negative_sentiment'), extraPhrases: { complaint: 'de: unverschämt\nridiculous' } };
    const batch = new MailboxSettings(db());
    const before = (await batch.get(mailbox.id))!;
    await setEscalationRules(ctx(), { mailboxId: mailbox.id, rules: rulesInputOf(form, null) });
    expect((await row()).escalationRules).toEqual({
      enabled: { negative_sentiment: false }, vipDomains: ['BigCustomer.example'], teamAddresses: { legal: 'legal@shop.test' }, maxCustomerMessages: 5,
      extraPhrases: { complaint: { de: ['unverschämt'], '*': ['ridiculous'] } },
    });
    expect(rulesFormOf((await row()).escalationRules)).toMatchObject({ vipDomains: 'BigCustomer.example', maxCustomerMessages: '5', extraPhrases: { complaint: expect.stringMatching(/^(ridiculous\nde: unverschämt|de: unverschämt\nridiculous)$/) } });
    // the batch that read the settings keeps its parsed rules (the same object every message); the next batch sees the change
    expect((await batch.get(mailbox.id))!.rules).toBe(before.rules);
    expect(before.rules.maxCustomerMessages).toBe(3);
    const next = (await new MailboxSettings(db()).get(mailbox.id))!.rules;
    expect(next).toMatchObject({ maxCustomerMessages: 5, vipDomains: ['bigcustomer.example'], enabled: { negative_sentiment: false, complaint: true }, teamByReason: { legal_threat: 'legal' } });
    expect((await audits()).map((a) => a.action)).toEqual(['mailbox_settings_changed']);
  });

  it('escalation rules: each wrong value is named on its field (with its line), nothing is written', async () => {
    const form = { ...rulesFormOf(null), vipAddresses: 'boss@big.example\nnot-an-address', teamByReason: { complaint: '!!' },
      maxCustomerMessages: 'many' };
    const fields = await refusal(setEscalationRules(ctx(), { mailboxId: mailbox.id, rules: rulesInputOf(form, null) }));
    expect(rulesErrors(fields)).toEqual({
      vipAddresses: 'line 2: expected an email address', 'team-complaint': 'expected a team name like "support"',
      maxCustomerMessages: 'expected a whole number from 2 to 1000',
    });
    // the rule across fields once each field is right
    const secretless = await refusal(setEscalationRules(ctx(), { mailboxId: mailbox.id, rules: rulesInputOf({ ...rulesFormOf(null), webhookUrl: 'https://hooks.shop.test/x' }, null) }));
    expect(rulesErrors(secretless)).toEqual({ webhookSecret: 'a webhookUrl needs a webhookSecret to sign its calls' });
    expect((await row()).escalationRules).toBeNull();
    expect(await audits()).toEqual([]);
  });

  it('a stored webhook secret is kept when the form leaves it empty, and never reaches the audit', async () => {
    const form = { ...rulesFormOf(null), webhookUrl: 'https://hooks.shop.test/x', webhookSecret: 'whsec_very_secret_value_0001' };
    await setEscalationRules(ctx(), { mailboxId: mailbox.id, rules: rulesInputOf(form, null) });
    const stored = (await row()).escalationRules;
    await setEscalationRules(ctx(), { mailboxId: mailbox.id, rules: rulesInputOf({ ...rulesFormOf(stored), defaultTeam: 'care' }, stored) });
    expect((await row()).escalationRules).toMatchObject({ webhookSecret: 'whsec_very_secret_value_0001', defaultTeam: 'care' });
    expect(JSON.stringify(await audits())).not.toContain('whsec_very_secret_value_0001');
  });

  it('SLA policies: a row saved, then emptied back to the default, each audited with before and after; a half-filled row writes nothing', async () => {
    await setSlaPolicies(ctx(), { mailboxId: mailbox.id, policies: { urgent: { firstReplyMinutes: '30', nextReplyMinutes: '60', resolutionMinutes: '480', reminderBeforeMinutes: '10' }, low: empty } });
    expect(await db().select({ p: slaPolicies.priority, f: slaPolicies.firstReplyMinutes }).from(slaPolicies)).toEqual([{ p: 'urgent', f: 30 }]);
    const fields = await refusal(setSlaPolicies(ctx(), { mailboxId: mailbox.id, policies: { urgent: empty, high: { ...empty, firstReplyMinutes: '20' } } }));
    expect(Object.keys(fields)).toEqual(['policies.high']);
    expect(await db().select({ p: slaPolicies.priority }).from(slaPolicies)).toEqual([{ p: 'urgent' }]);
    await setSlaPolicies(ctx(), { mailboxId: mailbox.id, policies: { urgent: empty } });
    expect(await db().select().from(slaPolicies)).toEqual([]);
    const entries = await audits();
    expect(entries.map((a) => [a.action, a.before, a.after])).toEqual([
      ['sla_policies_changed', { mailbox: 'default', policies: {} }, { mailbox: 'default', policies: { urgent: { firstReplyMinutes: 30, nextReplyMinutes: 60, resolutionMinutes: 480, reminderBeforeMinutes: 10 } } }],
      ['sla_policies_changed', { mailbox: 'default', policies: { urgent: { firstReplyMinutes: 30, nextReplyMinutes: 60, resolutionMinutes: 480, reminderBeforeMinutes: 10 } } }, { mailbox: 'default', policies: {} }],
    ]);
  });

  it('the change and its audit row are one transaction: when the audit insert fails, the change is gone too', async () => {
    await db().execute(sql`create function refuse_audit() returns trigger language plpgsql as $$ begin raise exception 'audit refused'; end $$`);
    await db().execute(sql`create trigger refuse_audit before insert on audit_log for each row execute function refuse_audit()`);
    try {
      await expect(updateMailboxSettings(ctx(), { mailboxId: mailbox.id, settings: { ...settingsInputOf(mailbox), autoSendMode: 'on' } })).rejects.toThrow();
      await expect(setEscalationRules(ctx(), { mailboxId: mailbox.id, rules: { defaultTeam: 'care' } })).rejects.toThrow();
      await expect(setSlaPolicies(ctx(), { mailboxId: mailbox.id, policies: { urgent: { firstReplyMinutes: '30', nextReplyMinutes: '60', resolutionMinutes: '480', reminderBeforeMinutes: '10' } } })).rejects.toThrow();
    } finally {
      await db().execute(sql`drop trigger refuse_audit on audit_log`);
      await db().execute(sql`drop function refuse_audit()`);
    }
    expect(await row()).toMatchObject({ autoSendMode: 'off', escalationRules: null });
    expect(await db().select().from(slaPolicies).where(and(eq(slaPolicies.mailboxId, mailbox.id)))).toEqual([]);
  });
});
