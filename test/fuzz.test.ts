// Property-based fuzzing of parse → guard → thread. test/bad-input.test.ts has the hand-picked hostile messages (50 MB,
// a MIME bomb, a 1 MB header, deep nesting, CR/LF in an encoded subject) through the whole service; this file generates
// messages from arbitrary header sets (encoded words in any charset, raw CR/LF/NUL, long lines, broken dates and
// addresses) over random MIME trees, and checks what must hold for every one of them:
//   - nothing throws out of parseBounded, decideAcknowledgement, the threading keys or processMessage;
//   - every message is handled in bounded time;
//   - the raw bytes stored are the bytes received;
//   - no header value we build from the input (Subject, In-Reply-To, References, Content-Language, the recipient)
//     contains CR or LF, and the outgoing mail nodemailer writes has no header the input smuggled in.
// Every run draws a new seed. Reproduce a failure with FUZZ_SEED=<seed printed by fast-check> (and FUZZ_PATH=<path>
// for a shrunk case); `npm run fuzz` runs FUZZ_SCALE=25 times as many cases.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import fc from 'fast-check';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { threadHeaders } from '../src/domain/message-ids.js';
import { processMessage, type ProcessDeps } from '../src/cases/process-message.js';
import type { Config } from '../src/config.js';
import { inboundMessages } from '../src/db/schema/messages.js';
import { outbox } from '../src/db/schema/outbox.js';
import { loadTemplates, renderAcknowledgement, type TemplateSet } from '../src/domain/acknowledgement.js';
import { caseReferenceIn, newCaseReference } from '../src/domain/case-reference.js';
import { decideAcknowledgement } from '../src/domain/guard.js';
import { customerText, detectLanguage } from '../src/domain/language.js';
import { parseBounded, type ParseLimits } from '../src/mail/parse.js';
import { fileRawStore } from '../src/mail/raw-store.js';
import { senderCheck } from '../src/mail/sender-check.js';
import { dedupeKeyFor, storeRawMessage } from '../src/mail/store.js';
import { syncMailboxes } from '../src/mailboxes/sync.js';
import { createLogger } from '../src/logger.js';
import { openTestDatabase, type TestDatabase } from './support/database.js';
import { fakeResolver } from './support/dns.js';
import { testConfig } from './support/service.js';

const LIMITS: ParseLimits = { maxParseBytes: 10 * 1024 * 1024, maxMimeParts: 200, maxHeaderBytes: 256 * 1024, maxHtmlBytes: 2 * 1024 * 1024, timeoutMs: 5000 };
/** Generated messages are at most a few hundred KB: anything near this is a hang, not work. */
const PURE_MS = 2500;
const FULL_MS = 6000;
const OURS = ['support@shop.test'];
const DOMAIN = 'firstreply.test';
const CR_LF = /[\r\n]/;
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
const runs = (n: number) => Math.max(1, Math.round(n * SCALE));
const budgetMs = (ms: number) => Math.round(ms * Math.max(1, SCALE));
const seedOptions = () => ({
  ...(process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : {}),
  ...(process.env.FUZZ_PATH ? { path: process.env.FUZZ_PATH } : {}),
});

// ---- generators -------------------------------------------------------------------------------------------------

const nasty = fc.constantFrom('\r', '\n', '\r\n', '\r\n ', '\n\t', '\0', '\u2028', '\u202e', '\x1b', '\x7f', '\t', ' ', '<', '>', '"', ';', ',', ':', '=?', '?=', '(', ')', '\\');
const anyText = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('Re: ', 'AW: ', 'Out of Office: ', 'Undeliverable: ', '[FR-7K3Q9X]', 'FR-ABCDEF', 'Bcc: victim@evil.test', 'X-Evil: 1', 'Привет', '你好', 'Grüße'),
);
/** Text with control characters, header syntax and line breaks mixed in. */
const spicy = fc.array(fc.oneof({ weight: 4, arbitrary: anyText }, { weight: 2, arbitrary: nasty }), { maxLength: 8 }).map((parts) => parts.join(''));

const charset = fc.constantFrom('utf-8', 'UTF-8', 'iso-8859-1', 'us-ascii', 'windows-1252', 'koi8-r', 'shift_jis', 'utf-7', 'utf-16', 'x-unknown', '', 'utf-8*en', 'ISO-2022-JP');
const payloadBytes = fc.oneof(spicy.map((s) => Buffer.from(s, 'utf8')), fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b)));
const encodedWord = fc.tuple(charset, fc.constantFrom('B', 'Q', 'b', 'q', 'X'), payloadBytes, fc.boolean()).map(([cs, enc, bytes, broken]) => {
  let payload = /b/i.test(enc)
    ? bytes.toString('base64')
    : [...bytes].map((b) => (b === 0x20 ? '_' : b > 0x20 && b < 0x7f && b !== 0x3d && b !== 0x3f && b !== 0x5f ? String.fromCharCode(b) : `=${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
  if (broken) payload = payload.slice(0, Math.max(0, payload.length - 3)) + '=?';
  return `=?${cs}?${enc}?${payload}?=`;
});
// Long lines, including long runs of spaces (once quadratic in the address reader).
const longLine = fc.tuple(fc.integer({ min: 990, max: 40_000 }), fc.constantFrom('a', 'xy ', '   ', '=?utf-8?B?w6k=?= ', '\u00e9', '\t.')).map(([n, unit]) => unit.repeat(Math.ceil(n / unit.length)));
const headerText = fc.oneof({ weight: 4, arbitrary: spicy }, { weight: 3, arbitrary: fc.array(fc.oneof(encodedWord, anyText), { maxLength: 4 }).map((w) => w.join(' ')) }, { weight: 1, arbitrary: longLine });

const localPart = fc.oneof(fc.constantFrom('maria', 'MAILER-DAEMON', 'no-reply', 'bounces+123', 'owner-list', 'support', 'a.b+c', '"quoted local"', ''), fc.string({ maxLength: 12 }));
const domainPart = fc.oneof(fc.domain(), fc.constantFrom('shop.test', 'firstreply.test', 'customer.test', '[127.0.0.1]', ''), fc.string({ maxLength: 12 }));
const address = fc.tuple(localPart, domainPart).map(([l, d]) => `${l}@${d}`);
const addressHeader = fc.oneof(
  address,
  fc.emailAddress(),
  fc.tuple(headerText, address).map(([n, a]) => `${n} <${a}>`),
  fc.tuple(encodedWord, fc.emailAddress()).map(([n, a]) => `${n} <${a}>`),
  fc.array(fc.oneof(address, fc.emailAddress()), { maxLength: 4 }).map((a) => a.join(', ')),
  fc.tuple(spicy, fc.array(address, { maxLength: 3 })).map(([g, a]) => `${g}: ${a.join(', ')};`),
  fc.constantFrom('<>', '@', 'a@', '@b', '(comment) maria@customer.test (more)', 'Maria <maria@customer.test', 'undisclosed-recipients:;'),
  spicy,
);
const messageIdValue = fc.oneof(
  fc.tuple(fc.string({ maxLength: 16 }), fc.domain()).map(([l, d]) => `<${l}@${d}>`),
  fc.tuple(spicy, domainPart).map(([l, d]) => `<${l}@${d}>`),
  fc.constantFrom('<ack.FR-7K3Q9X.abc@firstreply.test>', '<a\r\nBcc: victim@evil.test>', '<a\0b@c>', 'bare-id@x', '<>', '<<a@b>>', '<a b@c>'),
  spicy,
);
const referencesValue = fc.array(messageIdValue, { maxLength: 6 }).chain((ids) => fc.constantFrom(' ', '\r\n ', ',', '').map((sep) => ids.join(sep)));
const dateValue = fc.oneof(
  fc.constant(null).map(() => new Date().toUTCString()),
  fc.date({ noInvalidDate: false }).map((d) => (Number.isNaN(d.getTime()) ? 'Invalid Date' : d.toUTCString())),
  fc.constantFrom('Mon, 32 Foo 99999 25:61:61 +9999', '0', '', 'yesterday', 'Tue, 1 Jan 1980 00:00:00 GMT', '1e400'),
  spicy,
);
const contentType = fc.oneof(
  fc.constantFrom('text/plain', 'text/html', 'multipart/report; report-type=delivery-status', 'message/delivery-status', 'application/octet-stream', 'text/plain; charset="x-broken"', 'text/plain; charset=utf-16'),
  spicy,
);

const KNOWN = ['From', 'To', 'Cc', 'Subject', 'Message-ID', 'In-Reply-To', 'References', 'Reply-To', 'Date', 'Sender', 'Return-Path',
  'Content-Language', 'Auto-Submitted', 'Precedence', 'List-Id', 'X-Auto-Response-Suppress', 'X-Autoreply', 'X-Loop', 'Authentication-Results',
  'DKIM-Signature', 'X-Failed-Recipients', 'MIME-Version', 'X-Firstreply-Case'] as const;
const valueFor = new Map<string, fc.Arbitrary<string>>([
  ['from', addressHeader], ['to', addressHeader], ['cc', addressHeader], ['reply-to', addressHeader], ['sender', addressHeader],
  ['return-path', addressHeader], ['message-id', messageIdValue], ['in-reply-to', messageIdValue], ['references', referencesValue], ['date', dateValue],
]);
const headerName = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...KNOWN) }, { weight: 1, arbitrary: fc.string({ maxLength: 20 }) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) });
const header = headerName.chain((name) => fc.oneof({ weight: 3, arbitrary: valueFor.get(name.toLowerCase()) ?? headerText }, { weight: 1, arbitrary: headerText }).map((value) => [name, value] as const));

const bodyText = fc.oneof(
  spicy,
  fc.lorem({ maxCount: 40 }),
  fc.uint8Array({ maxLength: 3000 }).map((b) => Buffer.from(b).toString('latin1')),
  fc.constantFrom('<html><body><script>alert(1)</script><p onclick="x">Hi &amp; &#0; &#x110000;</p><img src=x onerror=y>', '=E9=\r\n=ZZ=', 'begin 644 x\n`\nend', '--b--'),
  longLine,
);
type Leaf = { kind: 'leaf'; type: string; cte: string | null; body: string; asBase64: boolean };
type Multi = { kind: 'multi'; subtype: string; boundary: string; children: Part[]; closed: boolean; preamble: string };
type Part = Leaf | Multi;
const leaf: fc.Arbitrary<Leaf> = fc.record({
  kind: fc.constant('leaf' as const),
  type: fc.oneof(fc.constantFrom('text/plain; charset=utf-8', 'text/html; charset=iso-8859-1', 'text/plain; charset=koi8-r', 'text/plain; charset="x-broken"', 'application/octet-stream; name="a.bin"', 'message/rfc822', 'image/png', 'text/calendar'), contentType),
  cte: fc.constantFrom(null, '7bit', '8bit', 'base64', 'quoted-printable', 'x-uuencode', 'BASE64 junk'),
  body: bodyText,
  asBase64: fc.boolean(),
});
const { part } = fc.letrec<{ part: Part; multi: Multi }>((tie) => ({
  part: fc.oneof({ maxDepth: 4, depthIdentifier: 'mime' }, leaf, tie('multi')),
  multi: fc.record({
    kind: fc.constant('multi' as const),
    subtype: fc.constantFrom('mixed', 'alternative', 'related', 'report', 'digest', 'signed', 'x-unknown'),
    boundary: fc.oneof(fc.constantFrom('b', 'frontier', '', '==', 'a b'), fc.string({ maxLength: 70 })),
    children: fc.array(tie('part'), { maxLength: 4, depthIdentifier: 'mime' }),
    closed: fc.boolean(),
    preamble: fc.oneof(fc.constant(''), spicy),
  }),
}));

function renderPart(p: Part, eol: string): { head: string[]; body: string } {
  if (p.kind === 'leaf') {
    const head = [`Content-Type: ${p.type}`];
    if (p.cte) head.push(`Content-Transfer-Encoding: ${p.cte}`);
    const body = p.cte === 'base64' && p.asBase64 ? (Buffer.from(p.body, 'latin1').toString('base64').match(/.{1,76}/g) ?? []).join(eol) : p.body;
    return { head, body };
  }
  const lines = [p.preamble];
  for (const child of p.children) {
    const r = renderPart(child, eol);
    lines.push(`--${p.boundary}`, ...r.head, '', r.body);
  }
  if (p.closed) lines.push(`--${p.boundary}--`);
  return { head: [`Content-Type: multipart/${p.subtype}; boundary="${p.boundary}"`], body: lines.join(eol) };
}

/** A whole message: headers (a From most of the time, so the pipeline gets past "no sender"), then a body or a MIME tree. */
const message: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 20, arbitrary: fc.record({
    from: fc.option(addressHeader, { freq: 5 }),
    headers: fc.array(header, { maxLength: 14 }),
    body: fc.oneof(part, bodyText),
    eol: fc.constantFrom('\r\n', '\n', '\r\n', '\r'),
    latin1: fc.boolean(),
  }).map(({ from, headers, body, eol, latin1 }) => {
    const lines = from === null ? [] : [`From: ${from}`];
    for (const [name, value] of headers) lines.push(`${name}: ${value}`);
    let text: string;
    if (typeof body === 'string') text = `${lines.join(eol)}${eol}${eol}${body}`;
    else {
      const r = renderPart(body, eol);
      text = `${[...lines, 'MIME-Version: 1.0', ...r.head].join(eol)}${eol}${eol}${r.body}${eol}`;
    }
    return Buffer.from(text, latin1 ? 'latin1' : 'utf8');
  }) },
  // Now and then no structure at all.
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 4000 }).map((b) => Buffer.from(b)) },
);

// ---- checks -----------------------------------------------------------------------------------------------------

/** The header values we would write from this message: what an acknowledgement or a reply carries. */
function outgoingHeaders(parsed: Awaited<ReturnType<typeof parseBounded>>, templates: TemplateSet): Record<string, string> {
  const text = customerText(parsed.subject, parsed.text);
  const rendered = renderAcknowledgement({
    language: detectLanguage(text).language, reference: newCaseReference(), customerName: parsed.from?.name, subject: parsed.subject,
    expectedReplyAt: new Date(), timeZone: 'Europe/Berlin', articles: [],
  }, templates);
  return {
    ...threadHeaders(parsed.messageId, parsed.references),
    Subject: rendered.subject,
    'Content-Language': rendered.language,
    To: parsed.replyTo ?? parsed.from?.address ?? '',
  };
}

const ALLOWED_OUTGOING = new Set([
  'from', 'to', 'subject', 'message-id', 'date', 'mime-version', 'content-type', 'content-transfer-encoding', 'in-reply-to', 'references',
  'auto-submitted', 'x-auto-response-suppress', 'content-language', 'x-firstreply-case',
]);

/** Writes a row as the outbox worker hands it to nodemailer and lists the header names of the result. */
async function writtenHeaderNames(row: typeof outbox.$inferSelect): Promise<string[]> {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  const info = (await transport.sendMail({
    messageId: `<${row.messageId}>`, from: { name: row.fromName, address: row.fromAddress }, to: row.toAddress, subject: row.subject, text: row.textBody, headers: row.headers,
  })) as unknown as { message: Buffer };
  const end = info.message.indexOf('\r\n\r\n');
  const head = info.message.subarray(0, end).toString('latin1');
  return head.replace(/\r\n[ \t]+/g, ' ').split('\r\n').map((l) => l.slice(0, l.indexOf(':')).toLowerCase());
}

describe('fuzzing parse → guard → thread', () => {
  let templates: TemplateSet;
  beforeAll(async () => {
    templates = await loadTemplates();
  });

  it('pure steps: never throw, finish in bounded time, and build no header value with CR/LF', async () => {
    await fc.assert(
      fc.asyncProperty(message, async (raw) => {
        const started = performance.now();
        const parsed = await parseBounded(raw, LIMITS);
        const decision = decideAcknowledgement({
          headers: parsed.headers, ourAddresses: OURS, ourMessageIdDomain: DOMAIN, caseAlreadyAcknowledged: false,
          acknowledgementsToSenderLast24h: 0, maxAcknowledgementsPerSender24h: 5, parseFailed: parsed.parseFailed,
          ageHours: parsed.date ? (Date.now() - parsed.date.getTime()) / 3_600_000 : null, maxAgeHours: 168, senderAuth: null,
        });
        expect(decision.acknowledge).toBe(decision.reasons.length === 0);
        // Threading keys: ids without whitespace (so without CR/LF), a reference in its one canonical form.
        for (const id of [parsed.messageId, parsed.inReplyTo, ...parsed.references]) if (id !== null) expect(id).not.toMatch(/\s/);
        const reference = caseReferenceIn(parsed.subject);
        if (reference !== null) expect(reference).toMatch(/^FR-[0-9A-HJKMNP-TV-Z]{6}$/);
        for (const [name, value] of Object.entries(outgoingHeaders(parsed, templates))) expect(value, name).not.toMatch(CR_LF);
        expect(performance.now() - started).toBeLessThan(PURE_MS);
      }),
      { numRuns: runs(700), ...seedOptions() },
    );
  }, budgetMs(60_000));

  describe('through processMessage on an in-memory database', () => {
    let t: TestDatabase;
    let config: Config;
    let deps: ProcessDeps;
    let mailboxId: number;

    beforeAll(async () => {
      t = await openTestDatabase('pglite');
      config = testConfig({ MAX_ACKS_PER_SENDER_24H: '1000000' });
      const [mailbox] = await syncMailboxes(t.database.db, config);
      mailboxId = mailbox!.id;
      deps = {
        db: t.database.db,
        // Small threshold: raw bytes go both to the row and to files.
        rawStore: fileRawStore(path.join(config.DATA_DIR, 'raw'), 2048),
        maxMessageAgeHours: 168,
        templates,
        parseLimits: LIMITS,
        ourAddresses: OURS,
        messageIdDomain: DOMAIN, appUrl: 'https://support.shop.test',
        // Real SPF/DKIM/DMARC code on the hostile headers, over an empty fake DNS.
        checkSender: senderCheck({ SENDER_AUTH: 'verify', AUTHSERV_ID: undefined, DNS_TIMEOUT_MS: 200 }, fakeResolver({})),
        log: createLogger('silent'),
        matchKnowledge: async () => ({ match: null, suggestions: [] }),
      };
    });
    afterAll(async () => {
      await t.stop();
      rmSync(config.DATA_DIR, { recursive: true, force: true });
    });

    it('stores the bytes received, processes without throwing, and queues mail with clean headers', async () => {
      const db = t.database.db;
      await fc.assert(
        fc.asyncProperty(message, async (raw) => {
          const stored = await storeRawMessage(db, { mailboxId, source: 'import', raw }, deps.rawStore);
          const [row] = await db.select().from(inboundMessages).where(eq(inboundMessages.id, stored.id));
          // A repeated Message-ID keeps the first message (dedupe); a new one keeps exactly these bytes.
          if (stored.duplicate) expect(row!.dedupeKey).toBe(dedupeKeyFor(raw));
          else expect((await deps.rawStore.load(row!)).equals(raw)).toBe(true);

          const started = performance.now();
          const outcome = await processMessage(deps, stored.id);
          expect(performance.now() - started).toBeLessThan(FULL_MS);
          if (!stored.duplicate) expect(outcome.status).toBe('processed');

          for (const mail of await db.select().from(outbox).where(eq(outbox.inboundMessageId, stored.id))) {
            for (const [name, value] of Object.entries(mail.headers)) expect(value, name).not.toMatch(CR_LF);
            expect(mail.subject).not.toMatch(CR_LF);
            expect(mail.toAddress).not.toMatch(CR_LF);
            const names = await writtenHeaderNames(mail);
            expect(names.filter((n) => !ALLOWED_OUTGOING.has(n))).toEqual([]);
            for (const once of ['from', 'to', 'subject', 'in-reply-to', 'references']) expect(names.filter((n) => n === once).length, once).toBeLessThanOrEqual(1);
          }
        }),
        { numRuns: runs(120), ...seedOptions() },
      );
      // The generator reached the interesting paths, not only "no sender".
      const outcomes = await db.select({ caseId: inboundMessages.caseId, status: inboundMessages.status }).from(inboundMessages);
      expect(outcomes.filter((o) => o.status !== 'processed')).toEqual([]);
      expect(outcomes.filter((o) => o.caseId !== null).length).toBeGreaterThan(0);
      expect((await db.select({ id: outbox.id }).from(outbox)).length).toBeGreaterThan(0);
    }, budgetMs(60_000));

    // Regressions for the bugs this fuzzer found (NUL bytes reaching text and JSON columns, dates past 9999).
    const processes = async (raw: string) => {
      const stored = await storeRawMessage(t.database.db, { mailboxId, source: 'import', raw: Buffer.from(raw) }, deps.rawStore);
      return processMessage(deps, stored.id);
    };
    const base = (headers: string) => `From: maria@customer.test\r\nSubject: Hello\r\nDate: ${new Date().toUTCString()}\r\n${headers}\r\n\r\nWhere is my order?\r\n`;

    it('a NUL in the Message-ID must not stop the message being stored (src/mail/store.ts dedupeKeyFor)', async () => {
      await storeRawMessage(t.database.db, { mailboxId, source: 'import', raw: Buffer.from(base('Message-ID: <a\0b@customer.test>')) }, deps.rawStore);
    });
    it('a NUL in In-Reply-To must not fail processing (src/mail/parse.ts / raw-headers extractMessageIds)', async () => {
      expect(await processes(base('Message-ID: <thread-nul@customer.test>\r\nIn-Reply-To: <x\0y@shop.test>'))).toMatchObject({ status: 'processed' });
    });
    it('a NUL in a header must not fail processing (guard reason details into case_events.detail)', async () => {
      expect(await processes(base('Message-ID: <jsonb-nul@customer.test>\r\nAuto-Submitted: auto-replied\0'))).toMatchObject({ status: 'processed' });
    });
    it('a Date after year 9999 must not fail processing (parse.ts date → sent_at)', async () => {
      const raw = base('Message-ID: <date-range@customer.test>').replace(/^Date: .*$/m, 'Date: Sat, 01 Jan 10000 00:00:00 GMT');
      expect(await processes(raw)).toMatchObject({ status: 'processed' });
    });
  });

  it('an address header with a long run of spaces is read in linear time (raw-headers extractMailboxTokens)', async () => {
    // 40k spaces took ~2 s (69k: ~6 s, a 256 KiB header: minutes) before the reader became linear.
    const raw = Buffer.from(`From: a${' '.repeat(40_000)}b\r\nSubject: x\r\n\r\nx\r\n`);
    const started = performance.now();
    await parseBounded(raw, LIMITS);
    expect(performance.now() - started).toBeLessThan(300);
  });
});
