// Issue 19 item 3: the links in escalation mail are absolute, under PUBLIC_BASE_URL, on every escalation path.
import { and, eq } from 'drizzle-orm';
import { simpleParser } from 'mailparser';
import { beforeEach, describe, expect, it } from 'vitest';
import { cases } from '../src/db/schema/cases.js';
import { mailboxes } from '../src/db/schema/mailboxes.js';
import { outbox } from '../src/db/schema/outbox.js';
import { slaTimers } from '../src/db/schema/sla.js';
import { customerEmail, eventually, sendRaw } from './support/mail.js';
import { serviceOnSink } from './support/service-on-sink.js';

const BASE = 'https://support.shop.example';

describe(`escalation notices link absolutely (${process.env.TEST_DB ?? 'pglite'})`, () => {
  const t = serviceOnSink();
  beforeEach(async () => {
    await t.reset();
    await t.start({ PUBLIC_BASE_URL: `${BASE}/` }, { kb: true });
    await t.db.database.db.update(mailboxes).set({ escalationRules: { teamAddresses: { support: 'team@shop.test' } } });
  });

  const caseOf = async (address: string, body: string) => {
    await sendRaw(t.service.smtpPort!, customerEmail({ from: `Cleo <${address}>`, subject: 'Help', body }), { from: address, to: ['support@shop.test'] });
    return eventually(async () => (await t.db.database.db.select().from(cases).where(eq(cases.customerAddress, address)))[0], 15_000, 'case');
  };
  const notices = (caseId: string) => t.db.database.db.select().from(outbox).where(and(eq(outbox.caseId, caseId), eq(outbox.kind, 'notification')));
  const expectLinked = async (caseId: string) => {
    const [notice] = await eventually(async () => {
      const rows = await notices(caseId);
      return rows.length > 0 && rows;
    }, 15_000, 'notice');
    expect(notice!.textBody).toContain(`Open the case: ${BASE}/app/cases/${caseId}\n`);
    expect(notice!.textBody).not.toMatch(/(^|\s)\/app\//);
  };

  it('the pipeline, an agent and an SLA breach all write the full URL', async () => {
    const asked = await caseOf('pat@c.test', 'I want to talk to a person, not a bot.');
    await expectLinked(asked.id);
    const delivered = await eventually(() => t.sink.messages.find((m) => m.envelopeTo.includes('team@shop.test')), 15_000, 'notice sent');
    expect((await simpleParser(delivered.raw)).text).toContain(`${BASE}/app/cases/${asked.id}`);

    const byAgent = await caseOf('agent@c.test', 'I forgot my password, how do I reset it?');
    await t.service.review.escalate(byAgent.id, { id: 'user-1', name: 'Ann Agent' }, { reason: 'needs a manager' });
    await expectLinked(byAgent.id);

    const late = await caseOf('late@c.test', 'I forgot my password, how do I reset it?');
    await t.db.database.db.update(slaTimers).set({ dueAt: new Date(Date.now() - 60_000), remindAt: null })
      .where(and(eq(slaTimers.caseId, late.id), eq(slaTimers.kind, 'first_reply')));
    await t.service.slaWorker.drain();
    await expectLinked(late.id);
  });
});
