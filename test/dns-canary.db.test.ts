// DMARC must not fail open when DNS is broken (issue 17, item 2): a resolver answering NXDOMAIN or SERVFAIL for everything
// made every domain look like "no DMARC policy", so a forged From: security@paypal was acknowledged. With a canary
// name that must resolve, the service tells the two apart: /health raises an alert, the message says "not verified:
// DNS failed", and the mailbox's temperror action decides (withhold by default).
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { mailboxes } from '../src/db/schema/mailboxes.js';
import { inboundMessages } from '../src/db/schema/messages.js';
import type { Resolver } from '../src/mail/sender-auth.js';
import type { Service } from '../src/service.js';
import { fakeResolver } from './support/dns.js';
import { customerEmail, eventually, sendRaw } from './support/mail.js';
import { api } from './support/service.js';
import { serviceOnSink } from './support/service-on-sink.js';

const CANARY = '_dmarc.canary.test';
const canaryRecord = { [CANARY]: { TXT: ['v=DMARC1; p=reject'] } };

describe(`DMARC with broken DNS (${process.env.TEST_DB ?? 'pglite'})`, () => {
  const t = serviceOnSink();
  const q = () => t.db.database.db;
  afterEach(() => t.reset());

  const start = (resolver: Resolver) => t.start({ DNS_CANARY_NAME: CANARY }, { resolver });
  async function spoof(s: Service, messageId: string) {
    await sendRaw(s.smtpPort!, customerEmail({ from: 'PayPal Security <security@paypal.test>', subject: 'Verify your account', messageId }), { from: 'security@paypal.test', to: ['support@shop.test'] });
    return eventually(async () => {
      const [m] = await q().select().from(inboundMessages).where(eq(inboundMessages.messageId, messageId));
      return m?.status === 'processed' ? m : undefined;
    }, 15_000, 'the message processed');
  }
  const health = async (s: Service) => (await fetch(`http://127.0.0.1:${s.httpPort}/health`)).json() as Promise<{ status: string; alerts: string[] }>;

  it.each([
    ['NXDOMAIN for everything', fakeResolver({})],
    ['SERVFAIL for everything', fakeResolver({ '*': { TXT: { error: 'ESERVFAIL' }, A: { error: 'ESERVFAIL' }, MX: { error: 'ESERVFAIL' } } })],
  ])('%s: no acknowledgement, "not verified: DNS failed" on the case, an alert on /health', async (_, resolver) => {
    const s = await start(resolver);
    const m = await spoof(s, `spoof-${Math.random()}@paypal.test`);
    expect(m.senderAuth).toMatchObject({ dmarc: 'temperror', reason: expect.stringMatching(/not verified(:|,) DNS failed/) });
    const kase = await (await api(s, `/api/cases/${m.caseId}`)).json() as { events: { type: string; explanation?: string }[] };
    const suppressed = kase.events.find((e) => e.type === 'acknowledgement_suppressed');
    expect(suppressed?.explanation).toMatch(/no acknowledgement: not verified: DNS failed/);
    const h = await eventually(async () => { const r = await health(s); return r.status === 'degraded' ? r : undefined; }, 10_000, 'a degraded /health');
    expect(h.alerts).toEqual([expect.stringMatching(/^DNS looks broken: the lookup of _dmarc\.canary\.test/)]);
    expect(t.sink.messages).toHaveLength(0);
  });

  it('a mailbox that chose to acknowledge on DNS failure still does, and says why on the message', async () => {
    const s = await start(fakeResolver({}));
    await q().update(mailboxes).set({ dmarcTemperrorAction: 'acknowledge' });
    const m = await spoof(s, 'spoof-ack@paypal.test');
    expect(m.senderAuth).toMatchObject({ dmarc: 'temperror' });
    await t.sink.waitFor(1);
  });

  it('DNS working and no DMARC record: acknowledged (mailbox default), /health ok', async () => {
    const s = await start(fakeResolver(canaryRecord));
    const m = await spoof(s, 'nodmarc@paypal.test');
    expect(m.senderAuth).toMatchObject({ dmarc: 'none' });
    await t.sink.waitFor(1);
    expect(await health(s)).toMatchObject({ status: 'ok', alerts: [] });
  });

  it('a mailbox that withholds for "no DMARC policy" does so even with DNS working', async () => {
    const s = await start(fakeResolver(canaryRecord));
    await q().update(mailboxes).set({ dmarcNoneAction: 'withhold' });
    const m = await spoof(s, 'nodmarc-withheld@paypal.test');
    const kase = await (await api(s, `/api/cases/${m.caseId}`)).json() as { events: { type: string; explanation?: string }[] };
    expect(kase.events.find((e) => e.type === 'acknowledgement_suppressed')?.explanation).toMatch(/not verified: paypal\.test publishes no DMARC policy/);
  });
});
