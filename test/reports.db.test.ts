// Reports and article performance against a small fixture whose every figure was computed by hand (the comment next
// to each expectation says how). Cases sit around the end of summer time in Berlin: on 2026-10-25 the clocks go from
// 03:00 CEST back to 02:00 CET (01:00 UTC), so that local day lasts 25 hours:
//   local 2026-10-24 = [2026-10-23T22:00Z, 2026-10-24T22:00Z)   (CEST, UTC+2)
//   local 2026-10-25 = [2026-10-24T22:00Z, 2026-10-25T23:00Z)   (25 hours)
//   local 2026-10-26 = [2026-10-25T23:00Z, 2026-10-26T23:00Z)   (CET, UTC+1)
//
// Fixture (opened = the case's first message received; the case row is written 2 s later):
//   C0 shop  de billing  normal   opened 2026-10-23T21:59Z (Oct 23 23:59 local: one minute before the range)
//                                 ack sent +5 s, human reply +30 min, resolved +2 h; draft approved without citations
//   C1 shop  de billing  normal   opened 2026-10-23T22:00Z (Oct 24 00:00 local: first instant of the range; UTC says Oct 23)
//                                 ack +30 s suggesting billing-address v1; human reply +180 min; resolved +6 h;
//                                 draft cites billing-address v1, approved unchanged; match: billing 0.90 / track 0.85
//   C2 shop  en shipping high     opened 2026-10-24T22:30Z (Oct 25 00:30 CEST; UTC says Oct 24)
//                                 ack +10 s suggesting track-parcel v2; no reply at all; resolved +8 h  => deflected
//                                 draft cites track-parcel v2, superseded; match: track 0.80 / billing 0.78
//   C3 shop  de billing  normal   opened 2026-10-25T22:30Z (Oct 25 23:30 CET: the 25th hour of the long day)
//                                 ack +60 s suggesting billing-address v1; first-reply SLA breached +50 min (escalated
//                                 event at 23:20Z = Oct 26 00:20 local); human reply +60 min; waiting
//                                 draft cites billing-address v1, approved edited; match: billing 0.90 / its German
//                                 translation 0.89 (same translation group: not competitors) / returns 0.50
//   C4 b2b   en (none)   urgent   opened 2026-10-25T23:30Z (Oct 26 00:30 CET; UTC says Oct 25)
//                                 acknowledgement suppressed (rate limit), escalated, first-reply SLA breached +15 min
//                                 draft cites track-parcel v2, rejected; match: track 0.70 / billing 0.65, suggestion
//                                 track-parcel v2 never sent (no acknowledgement); subject starts with '='
//   C5 shop  en shipping normal   opened 2026-10-26T08:00Z (Oct 26 09:00 CET)
//                                 ack +20 s suggesting returns v1; auto-sent reply (system) +5 min, citing track-parcel
//                                 v2 unchanged; follow-up message +60 min; human reply +120 min; resolved +10 h
//                                 match: returns 0.60 / track 0.59
//   C6 shop  de (none)   normal   opened 2026-10-26T23:00Z (Oct 27 00:00 CET: the first instant after the range)
//                                 ack +15 s suggesting track-parcel v1 (the old version); open
//   C7 shop  en shipping low      opened 2026-10-31T23:30Z (Nov 1 00:30 CET; UTC says Oct 31); acknowledgement queued,
//                                 not sent yet; open
//   machine mail to shop at 2026-10-25T12:00Z, no case, acknowledgement suppressed (auto-reply)
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../src/db/schema/auth.js';
import { caseEvents, cases } from '../src/db/schema/cases.js';
import { articles, articleVersions } from '../src/db/schema/kb.js';
import { mailboxes } from '../src/db/schema/mailboxes.js';
import { caseMatches } from '../src/db/schema/matches.js';
import { inboundMessages } from '../src/db/schema/messages.js';
import { outbox } from '../src/db/schema/outbox.js';
import { drafts } from '../src/db/schema/review.js';
import { slaTimers } from '../src/db/schema/sla.js';
import { errorResponse } from '../src/api/errors.js';
import type { AuthEnv } from '../src/api/principal.js';
import { reportRoutes } from '../src/api/routes/reports.js';
import { articlePerformance, performanceOfArticle } from '../src/insight/article-performance.js';
import { localDateStart } from '../src/domain/time-zone.js';
import type { ReportFilter } from '../src/insight/reports/query.js';
import { responseTimes } from '../src/insight/reports/response-times.js';
import { slaAttainment } from '../src/insight/reports/sla-attainment.js';
import { volumes } from '../src/insight/reports/volumes.js';
import { createLogger } from '../src/logger.js';
import { openTestDatabase, type TestDatabase } from './support/database.js';

const BERLIN = 'Europe/Berlin';
const FROM = localDateStart('2026-10-24', BERLIN); // 2026-10-23T22:00Z
const TO = localDateStart('2026-10-27', BERLIN); // 2026-10-26T23:00Z (exclusive)
const A = 'track-parcel'; // v1 'Where is my parcel?', v2 'Track your parcel' (current)
const B = 'billing-address';
const B_DE = 'billing-address-de'; // B's German translation
const C = 'returns';
const D = 'gift-cards'; // published, never matched
const E = 'draft-only'; // never published

const at = (iso: string, plus: { s?: number; min?: number; h?: number } = {}) =>
  new Date(Date.parse(iso) + (plus.s ?? 0) * 1000 + (plus.min ?? 0) * 60_000 + (plus.h ?? 0) * 3_600_000);

/** The same strict RFC 4180 reader as the unit test. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (ch === '"') quoted = false; else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; } else if (ch === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i++; } else if (ch === '"' || ch === '\r' || ch === '\n') throw new Error(`bare ${JSON.stringify(ch)} at ${i}`);
    else field += ch;
  }
  if (field !== '' || row.length) throw new Error('the last record lacks its CRLF');
  return rows;
}
const csvObjects = (text: string) => {
  const [header, ...rows] = parseCsv(text);
  return rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]])));
};

describe(`reports and article performance (${process.env.TEST_DB ?? 'pglite'})`, () => {
  let t: TestDatabase;
  let shop: number;
  let b2b: number;
  const ids: Record<string, string> = {};
  const db = () => t.database.db;
  let seq = 0;

  async function message(mailboxId: number, receivedAt: Date, caseId: string | null, subject: string) {
    const [m] = await db().insert(inboundMessages).values({
      mailboxId, source: 'smtp', dedupeKey: `m-${++seq}`, size: 100, receivedAt, status: 'processed', processedAt: receivedAt,
      caseId, subject, fromAddress: 'kunde@example.test', messageId: `m${seq}@example.test`,
    }).returning();
    return m!.id;
  }

  async function openCase(spec: {
    ref: string; mailboxId: number; opened: string; language: string; category: string | null; priority: 'urgent' | 'high' | 'normal' | 'low';
    status: 'open' | 'escalated' | 'waiting' | 'resolved'; subject?: string; ackSeconds?: number; resolvedAfterHours?: number; firstHumanReplyAt?: Date;
    /** 'pending': queued but not sent yet, so not (yet) an acknowledgement the customer got */
    ackStatus?: 'sent' | 'pending';
  }) {
    const opened = at(spec.opened);
    const [kase] = await db().insert(cases).values({
      reference: spec.ref, mailboxId: spec.mailboxId, customerAddress: 'kunde@example.test', subject: spec.subject ?? `Question ${spec.ref}`,
      language: spec.language, category: spec.category, priority: spec.priority, status: spec.status,
      firstReplyDueAt: at(spec.opened, { h: 4 }), lastCustomerMessageAt: opened,
      acknowledgedAt: spec.ackSeconds !== undefined ? at(spec.opened, { s: 2 }) : null,
      firstHumanReplyAt: spec.firstHumanReplyAt ?? null,
      resolvedAt: spec.resolvedAfterHours !== undefined ? at(spec.opened, { h: spec.resolvedAfterHours }) : null,
      createdAt: at(spec.opened, { s: 2 }),
    }).returning();
    const caseId = kase!.id;
    const messageId = await message(spec.mailboxId, opened, caseId, spec.subject ?? `Question ${spec.ref}`);
    if (spec.ackSeconds !== undefined) {
      await db().insert(outbox).values({
        caseId, inboundMessageId: messageId, kind: 'acknowledgement', messageId: `ack.${spec.ref}@shop.test`, fromAddress: 'support@shop.test',
        fromName: 'Shop', toAddress: 'kunde@example.test', subject: 'We got your message', textBody: 'ack', status: spec.ackStatus ?? 'sent',
        createdAt: at(spec.opened, { s: 2 }), sentAt: spec.ackStatus === 'pending' ? null : at(spec.opened, { s: spec.ackSeconds }),
      });
      await event(caseId, messageId, 'acknowledgement_queued', at(spec.opened, { s: 2 }), { articles: 1 });
    }
    ids[spec.ref] = caseId;
    return { caseId, messageId, opened };
  }

  async function event(caseId: string | null, inboundMessageId: string | null, type: (typeof caseEvents.$inferInsert)['type'], createdAt: Date, detail: Record<string, unknown> = {}) {
    await db().insert(caseEvents).values({ caseId, inboundMessageId, type, detail, createdAt });
  }

  async function reply(caseId: string, createdAt: Date, approvedBy: string) {
    await db().insert(outbox).values({
      caseId, kind: 'reply', messageId: `reply.${++seq}@shop.test`, fromAddress: 'support@shop.test', fromName: 'Shop',
      toAddress: 'kunde@example.test', subject: 'Re', textBody: 'answer', status: 'sent', approvedBy, createdAt, sentAt: at(createdAt.toISOString(), { s: 3 }),
    });
  }

  async function draft(caseId: string, inboundMessageId: string, spec: { status: 'approved' | 'rejected' | 'superseded' | 'proposed'; cites: [string, number][]; changed?: boolean; created: Date; decided?: Date }) {
    const generated = '  Hello,\nhere is how it works.\n';
    await db().insert(drafts).values({
      caseId, inboundMessageId, status: spec.status, generator: 'offline', language: 'en', subject: 'Re',
      generatedBody: generated, body: spec.changed ? 'Hello,\nI rewrote this.' : generated.trim(),
      citations: spec.cites.map(([articleId, version]) => ({ articleId, version, title: articleId, url: null })),
      decidedAt: spec.decided ?? null, decidedBy: spec.decided ? 'Ana Agent' : null, createdAt: spec.created, updatedAt: spec.decided ?? spec.created,
    });
  }

  async function match(caseId: string, inboundMessageId: string, createdAt: Date, ranked: [string, number, number][], suggested: [string, number][]) {
    await db().insert(caseMatches).values({
      caseId, inboundMessageId, model: 'local-hash', confidence: ranked[0]?.[2] ?? 0, threshold: 0.5, escalate: false, createdAt,
      ranked: ranked.map(([articleId, version, score]) => ({ articleId, version, title: articleId, score, contributions: {} })),
      suggested: suggested.map(([articleId, version]) => ({ articleId, version })),
    });
  }

  async function timer(caseId: string, kind: 'first_reply' | 'next_reply' | 'resolution', startedAt: Date, end: { stopped?: Date; breached?: Date; paused?: Date } = {}) {
    await db().insert(slaTimers).values({
      caseId, kind, targetMinutes: 240, reminderBeforeMinutes: 0, startedAt, dueAt: at(startedAt.toISOString(), { h: 4 }),
      stoppedAt: end.stopped ?? null, breachedAt: end.breached ?? null, pausedAt: end.paused ?? null,
      remainingBusinessMinutes: end.paused ? 100 : null,
    });
  }

  async function article(id: string, versions: string[], status: 'published' | 'draft' = 'published', translationGroup: string | null = null) {
    const title = versions[versions.length - 1]!;
    await db().insert(articles).values({ id, title, body: `${title}.`, language: id.endsWith('-de') ? 'de' : 'en', status, version: versions.length, translationGroup, updatedBy: 'test' });
    await db().insert(articleVersions).values(versions.map((v, i) => ({
      articleId: id, version: i + 1, title: v, body: `${v}.`, language: 'en', tags: [], status, examples: [], translationGroup, createdBy: 'test',
    })));
  }

  beforeAll(async () => {
    t = await openTestDatabase();
    const hours = { days: [1, 2, 3, 4, 5], open: '09:00', close: '18:00', holidays: [] };
    const [m1] = await db().insert(mailboxes).values({ key: 'shop', address: 'support@shop.test', displayName: 'Shop', timeZone: BERLIN, businessHours: hours, firstReplyMinutes: 240, maxAcksPerSender24h: 5 }).returning();
    const [m2] = await db().insert(mailboxes).values({ key: 'b2b', address: 'b2b@shop.test', displayName: 'B2B', timeZone: BERLIN, businessHours: hours, firstReplyMinutes: 60, maxAcksPerSender24h: 5 }).returning();
    shop = m1!.id;
    b2b = m2!.id;

    await article(A, ['Where is my parcel?', 'Track your parcel']);
    await article(B, ['Change your billing address'], 'published', 'billing-address');
    await article(B_DE, ['Rechnungsadresse ändern'], 'published', 'billing-address');
    await article(C, ['Return a parcel']);
    await article(D, ['=HYPERLINK("http://evil.test","Gift cards")']);
    await article(E, ['Unfinished'], 'draft');

    // C0: outside the range by one minute.
    const c0 = await openCase({ ref: 'FR-C0', mailboxId: shop, opened: '2026-10-23T21:59:00Z', language: 'de', category: 'billing', priority: 'normal', status: 'resolved', ackSeconds: 5, resolvedAfterHours: 2, firstHumanReplyAt: at('2026-10-23T21:59:00Z', { min: 30 }) });
    await reply(c0.caseId, at('2026-10-23T21:59:00Z', { min: 30 }), 'Ana Agent');
    await draft(c0.caseId, c0.messageId, { status: 'approved', cites: [], created: at('2026-10-23T21:59:00Z', { min: 1 }), decided: at('2026-10-23T21:59:00Z', { min: 30 }) });
    await timer(c0.caseId, 'first_reply', c0.opened, { stopped: at('2026-10-23T21:59:00Z', { min: 30 }) });
    await timer(c0.caseId, 'resolution', c0.opened, { stopped: at('2026-10-23T21:59:00Z', { h: 2 }) });

    // C1
    const o1 = '2026-10-23T22:00:00Z';
    const c1 = await openCase({ ref: 'FR-C1', mailboxId: shop, opened: o1, language: 'de', category: 'billing', priority: 'normal', status: 'resolved', ackSeconds: 30, resolvedAfterHours: 6, firstHumanReplyAt: at(o1, { min: 180 }) });
    await match(c1.caseId, c1.messageId, at(o1, { s: 1 }), [[B, 1, 0.9], [A, 2, 0.85]], [[B, 1]]);
    await draft(c1.caseId, c1.messageId, { status: 'approved', cites: [[B, 1]], created: at(o1, { min: 1 }), decided: at(o1, { min: 180 }) });
    await reply(c1.caseId, at(o1, { min: 180 }), 'Ana Agent');
    await timer(c1.caseId, 'first_reply', c1.opened, { stopped: at(o1, { min: 180 }) });
    await timer(c1.caseId, 'resolution', c1.opened, { stopped: at(o1, { h: 6 }) });

    // C2: resolved without any reply after an acknowledgement suggesting track-parcel v2.
    const o2 = '2026-10-24T22:30:00Z';
    const c2 = await openCase({ ref: 'FR-C2', mailboxId: shop, opened: o2, language: 'en', category: 'shipping', priority: 'high', status: 'resolved', ackSeconds: 10, resolvedAfterHours: 8 });
    await match(c2.caseId, c2.messageId, at(o2, { s: 1 }), [[A, 2, 0.8], [B, 1, 0.78]], [[A, 2]]);
    await draft(c2.caseId, c2.messageId, { status: 'superseded', cites: [[A, 2]], created: at(o2, { min: 1 }) });
    await timer(c2.caseId, 'first_reply', c2.opened, { stopped: at(o2, { h: 8 }) });
    await timer(c2.caseId, 'resolution', c2.opened, { stopped: at(o2, { h: 8 }) });

    // C3: the 25th hour of the long day.
    const o3 = '2026-10-25T22:30:00Z';
    const c3 = await openCase({ ref: 'FR-C3', mailboxId: shop, opened: o3, language: 'de', category: 'billing', priority: 'normal', status: 'waiting', ackSeconds: 60, firstHumanReplyAt: at(o3, { min: 60 }) });
    await match(c3.caseId, c3.messageId, at(o3, { s: 1 }), [[B, 1, 0.9], [B_DE, 1, 0.89], [C, 1, 0.5]], [[B, 1]]);
    await event(c3.caseId, null, 'escalated', at(o3, { min: 50 }), { reasons: [{ code: 'sla_breach' }] });
    await draft(c3.caseId, c3.messageId, { status: 'approved', cites: [[B, 1]], changed: true, created: at(o3, { min: 1 }), decided: at(o3, { min: 60 }) });
    await reply(c3.caseId, at(o3, { min: 60 }), 'Ana Agent');
    await timer(c3.caseId, 'first_reply', c3.opened, { breached: at(o3, { min: 50 }), stopped: at(o3, { min: 60 }) });
    await timer(c3.caseId, 'resolution', c3.opened, { paused: at(o3, { min: 60 }) });

    // C4: other mailbox, no acknowledgement, escalated, breached and still running.
    const o4 = '2026-10-25T23:30:00Z';
    const c4 = await openCase({ ref: 'FR-C4', mailboxId: b2b, opened: o4, language: 'en', category: null, priority: 'urgent', status: 'escalated', subject: '=2+5 refund please' });
    await event(c4.caseId, c4.messageId, 'acknowledgement_suppressed', at(o4, { s: 2 }), { reasons: [{ code: 'sender_rate_limit', detail: 'limit' }] });
    await event(c4.caseId, c4.messageId, 'escalated', at(o4, { s: 2 }), { reasons: [{ code: 'legal_threat' }] });
    await match(c4.caseId, c4.messageId, at(o4, { s: 1 }), [[A, 2, 0.7], [B, 1, 0.65]], [[A, 2]]);
    await draft(c4.caseId, c4.messageId, { status: 'rejected', cites: [[A, 2]], created: at(o4, { min: 1 }), decided: at(o4, { min: 20 }) });
    await timer(c4.caseId, 'first_reply', c4.opened, { breached: at(o4, { min: 15 }) });
    await timer(c4.caseId, 'resolution', c4.opened);

    // C5: an automatic reply first (not a human one), then a human reply after the customer's follow-up.
    const o5 = '2026-10-26T08:00:00Z';
    const c5 = await openCase({ ref: 'FR-C5', mailboxId: shop, opened: o5, language: 'en', category: 'shipping', priority: 'normal', status: 'resolved', ackSeconds: 20, resolvedAfterHours: 10, firstHumanReplyAt: at(o5, { min: 5 }) });
    await match(c5.caseId, c5.messageId, at(o5, { s: 1 }), [[C, 1, 0.6], [A, 2, 0.59]], [[C, 1]]);
    await draft(c5.caseId, c5.messageId, { status: 'approved', cites: [[A, 2]], created: at(o5, { min: 1 }), decided: at(o5, { min: 5 }) });
    await reply(c5.caseId, at(o5, { min: 5 }), 'firstreply');
    const followUp = await message(shop, at(o5, { min: 60 }), c5.caseId, 'Re: Question FR-C5');
    await event(c5.caseId, followUp, 'acknowledgement_suppressed', at(o5, { min: 60, s: 2 }), { reasons: [{ code: 'case_already_acknowledged', detail: 'x' }] });
    await draft(c5.caseId, followUp, { status: 'approved', cites: [], created: at(o5, { min: 61 }), decided: at(o5, { min: 120 }) });
    await reply(c5.caseId, at(o5, { min: 120 }), 'Ana Agent');
    await timer(c5.caseId, 'first_reply', c5.opened, { stopped: at(o5, { min: 5 }) });
    await timer(c5.caseId, 'next_reply', at(o5, { min: 60 }), { stopped: at(o5, { min: 120 }) });
    await timer(c5.caseId, 'resolution', c5.opened, { stopped: at(o5, { h: 10 }) });

    // C6: the first instant after the range; suggests the old version of track-parcel.
    const o6 = '2026-10-26T23:00:00Z';
    const c6 = await openCase({ ref: 'FR-C6', mailboxId: shop, opened: o6, language: 'de', category: null, priority: 'normal', status: 'open', ackSeconds: 15 });
    await match(c6.caseId, c6.messageId, at(o6, { s: 1 }), [[A, 1, 0.9]], [[A, 1]]);
    await timer(c6.caseId, 'first_reply', c6.opened);
    await timer(c6.caseId, 'resolution', c6.opened);

    // C7: November in Berlin, October in UTC.
    await openCase({ ref: 'FR-C7', mailboxId: shop, opened: '2026-10-31T23:30:00Z', language: 'en', category: 'shipping', priority: 'low', status: 'open', ackSeconds: 40, ackStatus: 'pending' });

    // Machine mail: stored, no case, no acknowledgement.
    const machine = await message(shop, at('2026-10-25T12:00:00Z'), null, 'Automatic reply: out of office');
    await event(null, machine, 'acknowledgement_suppressed', at('2026-10-25T12:00:01Z'), { reasons: [{ code: 'autoreply_header', detail: 'x' }] });
  });
  afterAll(async () => {
    await t.stop();
  });

  const filter = (over: Partial<ReportFilter> = {}): ReportFilter => ({ from: FROM, to: TO, timeZone: BERLIN, bucket: 'day', ...over });

  describe('response times', () => {
    it('buckets by local day across the DST change, with every figure as computed by hand', async () => {
      const r = await responseTimes(db(), filter());
      expect(r.buckets.map((b) => b.start)).toEqual(['2026-10-24', '2026-10-25', '2026-10-26']);
      const [d24, d25, d26] = r.buckets;
      expect(d24).toEqual({
        start: '2026-10-24',
        cases: 1, // C1 (opened 22:00Z Oct 23 = 00:00 local); C0 one minute earlier is out
        acknowledged: 1, ackMedianSeconds: 30, ackP90Seconds: 30, // C1 acknowledged after 30 s
        firstHumanReplies: 1, firstHumanMedianMinutes: 180, firstHumanP90Minutes: 180, // C1 replied after 180 min
        resolved: 1, resolutionMedianHours: 6, // C1 resolved after 6 h
        slaMet: 2, slaBreached: 0, slaAttainment: 1, // C1 first_reply and resolution stopped in time
      });
      expect(d25).toEqual({
        start: '2026-10-25',
        cases: 2, // C2 (00:30 CEST) and C3 (23:30 CET, the 25th hour)
        acknowledged: 2, ackMedianSeconds: 35, ackP90Seconds: 55, // [10, 60]: median 35; p90 = 10 + 0.9 * 50 = 55
        firstHumanReplies: 1, firstHumanMedianMinutes: 60, firstHumanP90Minutes: 60, // only C3, after 60 min; C2 never replied
        resolved: 1, resolutionMedianHours: 8, // C2 after 8 h; C3 is waiting
        slaMet: 2, slaBreached: 1, slaAttainment: 2 / 3, // C2 first_reply + resolution met; C3 first_reply breached; C3 resolution paused = neither
      });
      expect(d26).toEqual({
        start: '2026-10-26',
        cases: 2, // C4 (00:30 CET) and C5; C6 at 00:00 Oct 27 is out
        acknowledged: 1, ackMedianSeconds: 20, ackP90Seconds: 20, // C5 after 20 s; C4 suppressed
        firstHumanReplies: 1, firstHumanMedianMinutes: 120, firstHumanP90Minutes: 120, // C5's human reply at 120 min; its auto-sent reply at 5 min does not count
        resolved: 1, resolutionMedianHours: 10, // C5 after 10 h
        slaMet: 3, slaBreached: 1, slaAttainment: 0.75, // C5 first_reply, next_reply, resolution met; C4 first_reply breached, resolution running
      });
      expect(r.total).toEqual({
        start: 'total',
        cases: 5,
        acknowledged: 4, ackMedianSeconds: 25, ackP90Seconds: 51, // [10, 20, 30, 60]: median (20+30)/2; p90 at rank 2.7 = 30 + 0.7 * 30
        firstHumanReplies: 3, firstHumanMedianMinutes: 120, firstHumanP90Minutes: 168, // [60, 120, 180]: p90 at rank 1.8 = 120 + 0.8 * 60
        resolved: 3, resolutionMedianHours: 8, // [6, 8, 10]
        slaMet: 7, slaBreached: 2, slaAttainment: 7 / 9,
      });
    });

    it('puts the same cases on other days in UTC (the DST boundary is real)', async () => {
      const r = await responseTimes(db(), filter({ timeZone: 'UTC' }));
      // UTC days of [22:00Z Oct 23, 23:00Z Oct 26): C1 Oct 23; C2 Oct 24; C3 and C4 Oct 25; C5 Oct 26
      expect(r.buckets.map((b) => [b.start, b.cases])).toEqual([['2026-10-23', 1], ['2026-10-24', 1], ['2026-10-25', 2], ['2026-10-26', 1]]);
      expect(r.total.cases).toBe(5);
    });

    it('includes empty buckets, and weeks (Monday) and months in local time', async () => {
      const days = await responseTimes(db(), filter({ from: localDateStart('2026-10-22', BERLIN) }));
      // Oct 22 is empty; Oct 23 has C0 (23:59 CEST)
      expect(days.buckets.map((b) => [b.start, b.cases, b.ackMedianSeconds])).toEqual([
        ['2026-10-22', 0, null], ['2026-10-23', 1, 5], ['2026-10-24', 1, 30], ['2026-10-25', 2, 35], ['2026-10-26', 2, 20],
      ]);
      const weeks = await responseTimes(db(), filter({ bucket: 'week', from: localDateStart('2026-10-19', BERLIN), to: localDateStart('2026-11-02', BERLIN) }));
      // week of Mon Oct 19: C0, C1, C2, C3; week of Mon Oct 26 (starts 23:00Z Oct 25): C4, C5, C6, C7 (Sun Nov 1 local)
      expect(weeks.buckets.map((b) => [b.start, b.cases])).toEqual([['2026-10-19', 4], ['2026-10-26', 4]]);
      const months = await responseTimes(db(), filter({ bucket: 'month', from: localDateStart('2026-10-01', BERLIN), to: localDateStart('2026-12-01', BERLIN) }));
      // October: C0..C6, acknowledged all but C4; November: C7 (00:30 Nov 1 CET, still October in UTC), whose
      // acknowledgement is queued but not sent: not acknowledged
      expect(months.buckets.map((b) => [b.start, b.cases, b.acknowledged])).toEqual([['2026-10-01', 7, 6], ['2026-11-01', 1, 0]]);
      // October acknowledgements [5, 30, 10, 60, 20, 15]: median (15+20)/2
      expect(months.buckets[0]!.ackMedianSeconds).toBe(17.5);
    });

    it('filters by mailbox, language, category and priority', async () => {
      const b2bOnly = await responseTimes(db(), filter({ mailboxId: b2b }));
      expect(b2bOnly.total).toMatchObject({
        cases: 1, acknowledged: 0, ackMedianSeconds: null, firstHumanReplies: 0, firstHumanMedianMinutes: null, resolved: 0, // C4 only
        slaMet: 0, slaBreached: 1, slaAttainment: 0,
      });
      expect((await responseTimes(db(), filter({ priority: 'urgent' }))).total).toEqual(b2bOnly.total);
      const german = await responseTimes(db(), filter({ language: 'de' }));
      expect(german.total).toMatchObject({
        cases: 2, // C1, C3
        acknowledged: 2, ackMedianSeconds: 45, // [30, 60]
        firstHumanReplies: 2, firstHumanMedianMinutes: 120, firstHumanP90Minutes: 168, // [60, 180]: p90 = 60 + 0.9 * 120
        resolved: 1, resolutionMedianHours: 6, slaMet: 2, slaBreached: 1, // C1 met twice; C3 first_reply breached
      });
      const shipping = await responseTimes(db(), filter({ category: 'shipping' }));
      expect(shipping.total).toMatchObject({
        cases: 2, acknowledged: 2, ackMedianSeconds: 15, // C2 10 s, C5 20 s
        firstHumanReplies: 1, firstHumanMedianMinutes: 120, resolved: 2, resolutionMedianHours: 9, // [8, 10]
        slaMet: 5, slaBreached: 0, slaAttainment: 1, // C2 two timers, C5 three
      });
      expect((await responseTimes(db(), filter({ mailboxId: shop, language: 'en' }))).total.cases).toBe(2); // C2, C5
    });

    it('refuses unusable filters', async () => {
      await expect(responseTimes(db(), filter({ timeZone: 'Mars/Olympus' }))).rejects.toMatchObject({ code: 'bad_request' });
      await expect(responseTimes(db(), filter({ timeZone: "UTC'; drop table cases; --" }))).rejects.toMatchObject({ code: 'bad_request' });
      await expect(responseTimes(db(), filter({ to: FROM }))).rejects.toMatchObject({ code: 'bad_request' });
      await expect(responseTimes(db(), filter({ bucket: 'hour' as 'day' }))).rejects.toMatchObject({ code: 'bad_request' });
    });
  });

  describe('volumes', () => {
    it('counts messages, cases, acknowledgements, suppressions, escalations and answers per local day', async () => {
      const { buckets } = await volumes(db(), filter());
      expect(buckets).toEqual([
        {
          start: '2026-10-24',
          messages: 1, // C1's message
          cases: 1, acknowledged: 1, suppressed: 0, escalated: 0,
          answeredFromKb: 1, // C1: resolved, approved draft cited billing-address
          byLanguage: { de: 1 }, byCategory: { billing: 1 },
        },
        {
          start: '2026-10-25',
          messages: 3, // C2, the machine mail, C3
          cases: 2, acknowledged: 2, // C2, C3
          suppressed: 1, // the machine mail
          escalated: 0, // C3's escalation happened at 00:20 on Oct 26 local
          answeredFromKb: 2, // C2 (resolved, acknowledgement suggested track-parcel), C3 (waiting, approved draft cited)
          byLanguage: { en: 1, de: 1 }, byCategory: { shipping: 1, billing: 1 },
        },
        {
          start: '2026-10-26',
          messages: 3, // C4, C5 and C5's follow-up
          cases: 2, acknowledged: 1, // C5
          suppressed: 1, // C4 (rate limit); C5's follow-up (case already acknowledged) is not a suppression
          escalated: 2, // C3 (23:20Z Oct 25) and C4
          answeredFromKb: 1, // C5 (C4 is escalated)
          byLanguage: { en: 2 }, byCategory: { '(none)': 1, shipping: 1 },
        },
      ]);
    });

    it('filters messages and events through their mailbox or case', async () => {
      const shopOnly = (await volumes(db(), filter({ mailboxId: shop }))).buckets;
      expect(shopOnly.map((b) => [b.messages, b.cases, b.suppressed, b.escalated])).toEqual([
        [1, 1, 0, 0], [3, 2, 1, 0], [2, 1, 0, 1], // C4 (b2b) gone: its message, suppression and escalation
      ]);
      const english = (await volumes(db(), filter({ language: 'en' }))).buckets;
      // the machine mail has no case, so a case filter leaves it out
      expect(english.map((b) => [b.messages, b.cases, b.suppressed, b.answeredFromKb])).toEqual([[0, 0, 0, 0], [1, 1, 0, 1], [3, 2, 1, 1]]);
      const months = (await volumes(db(), filter({ bucket: 'month', from: localDateStart('2026-10-01', BERLIN), to: localDateStart('2026-12-01', BERLIN) }))).buckets;
      // October answered from the KB: C1, C2, C3, C5 (C0 cited nothing, C4 escalated, C6 open); November: C7 open
      expect(months.map((b) => [b.start, b.cases, b.answeredFromKb, b.messages])).toEqual([['2026-10-01', 7, 4, 9], ['2026-11-01', 1, 0, 1]]);
    });
  });

  describe('SLA attainment', () => {
    it('reports per mailbox, priority and timer kind', async () => {
      const { rows } = await slaAttainment(db(), filter());
      expect(rows).toEqual([
        { mailboxId: shop, priority: 'high', kind: 'first_reply', met: 1, breached: 0, attainment: 1 }, // C2
        { mailboxId: shop, priority: 'high', kind: 'resolution', met: 1, breached: 0, attainment: 1 }, // C2
        { mailboxId: shop, priority: 'normal', kind: 'first_reply', met: 2, breached: 1, attainment: 2 / 3 }, // C1, C5 met; C3 breached
        { mailboxId: shop, priority: 'normal', kind: 'next_reply', met: 1, breached: 0, attainment: 1 }, // C5
        { mailboxId: shop, priority: 'normal', kind: 'resolution', met: 2, breached: 0, attainment: 1 }, // C1, C5; C3 paused
        { mailboxId: b2b, priority: 'urgent', kind: 'first_reply', met: 0, breached: 1, attainment: 0 }, // C4
        { mailboxId: b2b, priority: 'urgent', kind: 'resolution', met: 0, breached: 0, attainment: null }, // C4, still running
      ]);
      expect((await slaAttainment(db(), filter({ category: 'shipping' }))).rows.map((r) => [r.priority, r.kind, r.met])).toEqual([
        ['high', 'first_reply', 1], ['high', 'resolution', 1], ['normal', 'first_reply', 1], ['normal', 'next_reply', 1], ['normal', 'resolution', 1], // C2, C5
      ]);
    });
  });

  describe('article performance', () => {
    it('counts suggestions, citations, outcomes and deflections per article version', async () => {
      const r = await articlePerformance(db(), {});
      expect(r.articles).toEqual([
        {
          articleId: B, version: 1, title: 'Change your billing address',
          suggested: 2, // C1, C3 acknowledgements
          cited: 2, approvedUnchanged: 1, edited: 1, rejected: 0, // C1 draft unchanged, C3 draft edited
          deflected: 0, // C1 got a reply; C3 is waiting
        },
        {
          articleId: A, version: 2, title: 'Track your parcel',
          suggested: 1, // C2 (C4's match suggested it too, but C4 got no acknowledgement)
          cited: 3, // C2 superseded, C4 rejected, C5 auto-sent
          approvedUnchanged: 1, edited: 0, rejected: 1, // C5, C4
          deflected: 1, // C2: resolved, no reply ever
        },
        { articleId: C, version: 1, title: 'Return a parcel', suggested: 1, cited: 0, approvedUnchanged: 0, edited: 0, rejected: 0, deflected: 0 }, // C5 (replied)
        { articleId: A, version: 1, title: 'Where is my parcel?', suggested: 1, cited: 0, approvedUnchanged: 0, edited: 0, rejected: 0, deflected: 0 }, // C6
      ]);
      // D never appeared; the German translation only ever ranked second; the draft article cannot match
      expect(r.neverMatched).toEqual([{ articleId: B_DE, title: 'Rechnungsadresse ändern' }, { articleId: D, title: '=HYPERLINK("http://evil.test","Gift cards")' }]);
      expect(r.competing).toEqual([{
        a: B, b: A, aTitle: 'Change your billing address', bTitle: 'Track your parcel',
        sharedQuestions: 3, // C1 (0.85 vs 0.90), C2 (0.78 vs 0.80), C4 (0.65 vs 0.70): each within 10% of the winner
        example: '=2+5 refund please', exampleCaseId: ids['FR-C4'], exampleReference: 'FR-C4', // the latest of the three
      }]);
    });

    it('limits every figure to the range and tunes the competing pairs', async () => {
      const lastDay = await articlePerformance(db(), { from: localDateStart('2026-10-26', BERLIN), to: TO });
      expect(lastDay.articles).toEqual([
        { articleId: A, version: 2, title: 'Track your parcel', suggested: 0, cited: 2, approvedUnchanged: 1, edited: 0, rejected: 1, deflected: 0 }, // C4, C5 drafts
        { articleId: C, version: 1, title: 'Return a parcel', suggested: 1, cited: 0, approvedUnchanged: 0, edited: 0, rejected: 0, deflected: 0 }, // C5
        // C3's draft was written on Oct 25 (22:31Z) but approved at 23:30Z, 00:30 on Oct 26 in Berlin: its outcome counts here
        { articleId: B, version: 1, title: 'Change your billing address', suggested: 0, cited: 0, approvedUnchanged: 0, edited: 1, rejected: 0, deflected: 0 },
      ]);
      // billing-address was matched, suggested and cited on Oct 24 and 25 only (its C3 decision is not a match)
      expect(lastDay.neverMatched.map((a) => a.articleId)).toEqual([B, B_DE, D]);
      const range = await articlePerformance(db(), { from: FROM, to: TO });
      expect(range.articles.map((a) => `${a.articleId}@${a.version}`)).toEqual([`${B}@1`, `${A}@2`, `${C}@1`]); // C6 (track-parcel v1) is after the range
      const loose = await articlePerformance(db(), { minShared: 1 });
      // + returns / track-parcel from C5 (0.59 vs 0.60); billing-address and its translation (C3) are not competitors
      expect(loose.competing.map((p) => [p.a, p.b, p.sharedQuestions])).toEqual([[B, A, 3], [C, A, 1]]);
      const strict = await articlePerformance(db(), { minShared: 1, margin: 0.05 });
      // within 5%: C2 (0.78 >= 0.76) and C5 (0.59 >= 0.57); not C1 (0.85 < 0.855), not C4 (0.65 < 0.665)
      expect(strict.competing.map((p) => [p.a, p.b, p.sharedQuestions])).toEqual([[B, A, 1], [C, A, 1]]);
    });

    it('gives one article\'s figures per version, newest first, for its page', async () => {
      const all = (await articlePerformance(db(), {})).articles;
      // track-parcel: v2 (C2, C4, C5) and v1 (C6's suggestion); the other articles' rows are left out
      expect(await performanceOfArticle(db(), A)).toEqual(all.filter((r) => r.articleId === A).sort((x, y) => y.version - x.version));
      expect((await performanceOfArticle(db(), A)).map((r) => r.version)).toEqual([2, 1]);
      expect((await performanceOfArticle(db(), A, { from: localDateStart('2026-10-26', BERLIN), to: TO }))).toEqual([
        { articleId: A, version: 2, title: 'Track your parcel', suggested: 0, cited: 2, approvedUnchanged: 1, edited: 0, rejected: 1, deflected: 0 },
      ]);
      expect(await performanceOfArticle(db(), D)).toEqual([]); // never matched
    });
  });

  describe('API', () => {
    function app() {
      const auth = async (c: import('hono').Context<AuthEnv>, next: () => Promise<void>) => {
        const role = c.req.header('x-test-role') as Role | undefined;
        if (role) c.set('principal', { kind: 'token', id: role, name: role, role });
        await next();
      };
      const log = createLogger('silent');
      return new Hono().onError((err, c) => errorResponse(err, c, log)).route('/api/reports', reportRoutes(db(), auth));
    }
    const get = (path: string, role: Role | null = 'agent') => app().request(path, { headers: role ? { 'x-test-role': role } : {} });

    it('answers JSON with local-date ranges (to is inclusive), for every role, and 401 without one', async () => {
      for (const role of ['admin', 'agent', 'knowledge_manager'] as const) {
        const res = await get('/api/reports/response-times?from=2026-10-24&to=2026-10-26&tz=Europe/Berlin', role);
        expect(res.status).toBe(200);
        const body = await res.json();
        expect(body.filter).toMatchObject({ from: '2026-10-23T22:00:00.000Z', to: '2026-10-26T23:00:00.000Z', timeZone: BERLIN, bucket: 'day' });
        expect(body.total).toEqual((await responseTimes(db(), filter())).total);
      }
      for (const path of ['response-times', 'volumes', 'sla', 'articles']) {
        const res = await get(`/api/reports/${path}`, null);
        expect(res.status).toBe(401);
        expect((await res.json()).error.code).toBe('unauthorized');
      }
      // the mailbox's zone when no tz is given; instants with an offset as they are
      const sla = await (await get(`/api/reports/sla?from=2026-10-23T22:00:00Z&to=2026-10-27T00:00:00%2B01:00&mailbox=${b2b}`)).json();
      expect(sla.filter.timeZone).toBe(BERLIN);
      expect(sla.rows).toEqual((await slaAttainment(db(), filter({ mailboxId: b2b }))).rows);
      const vol = await (await get('/api/reports/volumes?from=2026-10-24&to=2026-10-26&tz=Europe/Berlin&language=en')).json();
      expect(vol.buckets.map((b: { messages: number }) => b.messages)).toEqual([0, 1, 3]);
    });

    it('downloads CSV that reads back to the JSON figures', async () => {
      const res = await get('/api/reports/response-times?from=2026-10-24&to=2026-10-26&tz=Europe/Berlin&format=csv');
      expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(res.headers.get('content-disposition')).toBe('attachment; filename="response-times_2026-10-24_2026-10-26.csv"');
      const rows = csvObjects(await res.text());
      expect(rows.map((r) => r.start)).toEqual(['2026-10-24', '2026-10-25', '2026-10-26', 'total']);
      expect(rows[3]).toMatchObject({ cases: '5', ackMedianSeconds: '25', ackP90Seconds: '51', firstHumanP90Minutes: '168', slaAttainment: String(7 / 9) });
      expect(rows[0]).toMatchObject({ slaAttainment: '1', resolutionMedianHours: '6' });

      const vol = csvObjects(await (await get('/api/reports/volumes?from=2026-10-24&to=2026-10-26&tz=Europe/Berlin&format=csv')).text());
      expect(vol.map((r) => [r.start, r.messages, r['language:de'], r['language:en'], r['category:(none)'], r['category:billing']])).toEqual([
        ['2026-10-24', '1', '1', '0', '0', '1'], ['2026-10-25', '3', '1', '1', '0', '1'], ['2026-10-26', '3', '0', '2', '1', '0'],
      ]);

      const articlesCsv = await get('/api/reports/articles?format=csv');
      expect(articlesCsv.headers.get('content-disposition')).toBe('attachment; filename="articles_start_now.csv"');
      expect(csvObjects(await articlesCsv.text())[1]).toEqual({
        articleId: A, version: '2', title: 'Track your parcel', suggested: '1', cited: '3', approvedUnchanged: '1', edited: '0', rejected: '1', deflected: '1',
      });
    });

    it('escapes formulas in CSV cells that come from customers or articles', async () => {
      const never = await (await get('/api/reports/articles?format=csv&part=never-matched', 'knowledge_manager')).text();
      expect(never).toContain(`"'=HYPERLINK(""http://evil.test"",""Gift cards"")"`);
      expect(csvObjects(never)[1]).toEqual({ articleId: D, title: `'=HYPERLINK("http://evil.test","Gift cards")` });
      const competing = csvObjects(await (await get('/api/reports/articles?format=csv&part=competing&from=2026-10-24&to=2026-10-26&tz=Europe/Berlin')).text());
      expect(competing).toEqual([{ a: B, aTitle: 'Change your billing address', b: A, bTitle: 'Track your parcel', sharedQuestions: '3', example: "'=2+5 refund please", exampleReference: 'FR-C4' }]);
    });

    it('answers 400 for bad parameters', async () => {
      for (const query of ['tz=Nowhere/City', 'tz=%2B03:00', 'bucket=hour', 'from=yesterday', 'from=2026-10-24T10:00', 'from=2026-10-27&to=2026-10-24', 'priority=meh', 'mailbox=x']) {
        const res = await get(`/api/reports/response-times?${query}`);
        expect(res.status, query).toBe(400);
        expect((await res.json()).error.code).toBe('bad_request');
      }
      expect((await get('/api/reports/articles?margin=2')).status).toBe(400);
    });
  });
});
