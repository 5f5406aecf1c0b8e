// Chaos scenario (f): firstreply facing two naive vacation responders (issue 17, item 4), for a simulated day.
//
// Both answer every mail they get, at once, with "I am on vacation" and no RFC 3834 header (no Auto-Submitted,
// Precedence or X-Autoreply): one threads its answer (In-Reply-To/References, "Re: <subject>"), the other answers with
// a subject of its own and no threading at all. Each vacationing customer first asks `questions` questions; then the
// clock moves past every SLA deadline (an SlaWorker with a clock a week ahead) so "still working on it" updates are
// due, and whatever the responders answer is processed too. Reported per responder: cases opened (all, and junk: the
// ones its own answers opened), and messages per case: everything that crossed between us and the responder on the
// case (our mail for it, and the responder's answers to that mail), the message that opened it not counted.
// Goal: at most 2 messages per case, at most 1 junk case per responder per day.
import { mkdtempSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { loadConfig } from '../../src/config.js';
import { cases } from '../../src/db/schema/cases.js';
import { inboundMessages } from '../../src/db/schema/messages.js';
import { outbox } from '../../src/db/schema/outbox.js';
import { createLogger } from '../../src/logger.js';
import { startService, type Service } from '../../src/service.js';
import { SlaWorker } from '../../src/sla/worker.js';

type Mode = 'threaded' | 'unthreaded';
const RESPONDERS: Record<Mode, string> = { threaded: 'tess@threaded.test', unthreaded: 'ulla@unthreaded.test' };
const VACATION_TEXT = 'I am on vacation until the 30th and will read your message when I am back.';

function header(raw: string, name: string): string | undefined {
  const head = raw.slice(0, raw.search(/\r?\n\r?\n/)).replace(/\r?\n[ \t]+/g, ' ');
  return new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head)?.[1]?.trim();
}

function email(o: { from: string; subject: string; body: string; headers?: Record<string, string> }): string {
  const h = {
    From: o.from, To: 'support@shop.test', Subject: o.subject, Date: new Date().toUTCString(), 'Message-ID': `<${randomUUID()}@responder.test>`,
    'MIME-Version': '1.0', 'Content-Type': 'text/plain; charset=utf-8', ...o.headers,
  };
  return `${Object.entries(h).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n${o.body}\r\n`;
}

async function deliver(port: number, raw: string, from: string) {
  const t = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
  try { await t.sendMail({ envelope: { from, to: ['support@shop.test'] }, raw }); } finally { t.close(); }
}

/** One SMTP server standing in for both customers' mail systems: it answers per recipient, as its responder would. */
async function startResponders(servicePort: () => number) {
  const answered: Record<Mode, number> = { threaded: 0, unthreaded: 0 };
  /** the Message-IDs of our mails each answer was written to */
  const answeredIds: string[] = [];
  const pending = new Set<Promise<unknown>>();
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'], logger: false, closeTimeout: 500,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      const rcpts = session.envelope.rcptTo.map((r) => r.address.toLowerCase()); // smtp-server resets it after callback()
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        callback();
        const raw = Buffer.concat(chunks).toString('utf8');
        for (const rcpt of rcpts) {
          const mode = (Object.keys(RESPONDERS) as Mode[]).find((m) => RESPONDERS[m] === rcpt);
          if (!mode) continue;
          answered[mode]++;
          const id = header(raw, 'Message-ID');
          if (id) answeredIds.push(id.replace(/^<|>$/g, ''));
          const reply = mode === 'threaded'
            ? email({ from: rcpt, subject: `Re: ${header(raw, 'Subject') ?? ''}`, body: VACATION_TEXT, headers: id ? { 'In-Reply-To': id, References: id } : {} })
            : email({ from: rcpt, subject: 'I am on vacation', body: VACATION_TEXT });
          const p = deliver(servicePort(), reply, rcpt).catch(() => undefined);
          pending.add(p);
          void p.finally(() => pending.delete(p));
        }
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  server.on('error', () => undefined);
  return {
    url: `smtp://127.0.0.1:${(server.server.address() as net.AddressInfo).port}`,
    answered,
    answeredIds,
    stop: async () => { await Promise.all(pending); await new Promise<void>((r) => server.close(() => r())); },
  };
}

/** Quiet: every stored message processed, no mail waiting to go out, and nothing new for `quietMs`. */
async function settle(service: Service, quietMs = 3000, timeoutMs = 120_000) {
  const db = service.database.db;
  const deadline = Date.now() + timeoutMs;
  let last = '';
  let since = Date.now();
  for (;;) {
    const inbound = await db.select({ status: inboundMessages.status }).from(inboundMessages);
    const out = await db.select({ status: outbox.status }).from(outbox);
    const busy = inbound.some((m) => m.status === 'received') || out.some((o) => ['pending', 'claimed', 'sending'].includes(o.status));
    const key = `${inbound.length}/${out.length}`;
    if (key !== last || busy) [last, since] = [key, Date.now()];
    if (!busy && Date.now() - since >= quietMs) return;
    if (Date.now() > deadline) throw new Error(`mail did not settle (last ${key})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function scenarioNaiveResponders(opts: { questions: number }) {
  let service: Service | undefined;
  const responders = await startResponders(() => service!.smtpPort!);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'firstreply-chaos-naive-'));
  try {
    const config = loadConfig({
      DATA_DIR: dataDir, PORT: '0', INBOUND_SMTP_PORT: '0', SMTP_URL: responders.url, SUPPORT_ADDRESS: 'support@shop.test',
      MESSAGE_ID_DOMAIN: 'firstreply.test', SENDER_AUTH: 'off', LOG_LEVEL: 'silent', OUTBOX_RETRY_BASE_MS: '200',
    }, '/nonexistent');
    service = await startService(config);
    for (let i = 1; i <= opts.questions; i++) {
      for (const mode of Object.keys(RESPONDERS) as Mode[]) {
        await deliver(service.smtpPort!, email({ from: RESPONDERS[mode], subject: `Question ${i} about order ${1000 + i}`, body: `Hello, where is parcel ${1000 + i}?` }), RESPONDERS[mode]);
      }
    }
    await settle(service);
    // A week later by the SLA clock: every first-reply deadline has passed; updates due go out, responders answer them.
    const sla = new SlaWorker({ db: service.database.db, log: createLogger('silent'), messageIdDomain: 'firstreply.test', appUrl: 'http://127.0.0.1', now: () => new Date(Date.now() + 7 * 24 * 3600_000) });
    const breaches = await sla.drain();
    await service.outboxWorker.drain();
    await settle(service);
    const again = await sla.drain(); // deadlines the responders' answers started
    await settle(service);

    const db = service.database.db;
    const [allCases, messages, mails] = await Promise.all([
      db.select({ id: cases.id, customer: cases.customerAddress }).from(cases),
      db.select({ caseId: inboundMessages.caseId, from: inboundMessages.fromAddress, receivedAt: inboundMessages.receivedAt, subject: inboundMessages.subject }).from(inboundMessages),
      db.select({ caseId: outbox.caseId, kind: outbox.kind, to: outbox.toAddress, status: outbox.status, error: outbox.lastError, messageId: outbox.messageId }).from(outbox),
    ]);
    const report: Record<string, unknown> = {};
    let pass = true;
    for (const mode of Object.keys(RESPONDERS) as Mode[]) {
      const address = RESPONDERS[mode];
      const theirCases = allCases.filter((c) => c.customer === address);
      // Messages per case: our mails for the case and the responder's answers to them (an unthreaded answer is stored
      // on whatever case it joins, but it answers the mail that provoked it), as the issue counted "4 per case".
      const perCase = theirCases.map((c) => {
        const opener = messages.filter((m) => m.caseId === c.id).sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime())[0];
        const ours = mails.filter((o) => o.caseId === c.id);
        const answers = ours.filter((o) => responders.answeredIds.includes(o.messageId)).length;
        return { crossing: ours.length + answers, junk: opener?.subject?.startsWith('Question') !== true };
      });
      const maxPerCase = Math.max(0, ...perCase.map((p) => p.crossing));
      const junk = perCase.filter((p) => p.junk).length;
      report[mode] = {
        cases: theirCases.length, junkCases: junk, maxMessagesPerCase: maxPerCase,
        messagesPerCase: perCase.map((p) => p.crossing), ourMailsToResponder: mails.filter((o) => o.to === address).length,
        responderAnswers: responders.answered[mode], simulatedDays: 1,
      };
      if (maxPerCase > 2 || junk > 1) pass = false;
    }
    return {
      scenario: 'f-naive-responders', pass, questionsPerCustomer: opts.questions,
      outbox: Object.fromEntries([...new Set(mails.map((o) => o.status))].map((st) => [st, mails.filter((o) => o.status === st).length])),
      lastError: mails.find((o) => o.error)?.error ?? null,
      slaBreaches: breaches.breaches + again.breaches, slaUpdatesSent: breaches.updates + again.updates, ...report,
    };
  } finally {
    await service?.stop();
    await responders.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
