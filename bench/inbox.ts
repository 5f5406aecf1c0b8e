// npm run bench:inbox [-- --sizes 10000,50000] [--runs 20]
//
// Issue 19, the inbox page's database work at 10k / 50k cases in PGlite (in this process): the list with a search
// (ILIKE on subject, customer address and name, reference: a sequential scan, no trigram index) inside a view, and
// every view's count (6 built-in + 3 personal) in its one query. Cases are synthetic: a subject from a small
// vocabulary, a customer address, a quarter escalated or resolved, a tenth with a proposed draft.
// Output: a table on stderr, one JSON summary on stdout.
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { randomUUID } from 'node:crypto';
import { createUser } from '../src/auth/users.js';
import { wrapPglite } from '../src/db/client.js';
import { cases } from '../src/db/schema/cases.js';
import { mailboxes } from '../src/db/schema/mailboxes.js';
import { drafts } from '../src/db/schema/review.js';
import { saveInboxView, listInboxViews } from '../src/inbox/view-store.js';
import { inboxFilter, viewCounts } from '../src/inbox/views.js';
import { reviewQueue } from '../src/review/inbox.js';
import { rng } from './support/corpus.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const sizes = arg('sizes', '10000,50000').split(',').map(Number);
const runs = Number(arg('runs', '20'));
/** unique and well-formed (random ones collide at 50k: about 1e9 values) */
const referenceOf = (n: number) => `FR-${[...n.toString(32).padStart(6, '0')].map((d) => '0123456789ABCDEFGHJKMNPQRSTVWXYZ'[parseInt(d, 32)]).join('')}`;
const words = ['refund', 'parcel', 'invoice', 'password', 'lamp', 'broken', 'delivery', 'discount', 'account', 'address', 'order', 'late'];

async function timeIt(fn: () => Promise<unknown>) {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { p50: +ms[Math.floor(runs / 2)]!.toFixed(1), p95: +ms[Math.min(runs - 1, Math.floor(runs * 0.95))]!.toFixed(1) };
}

const results = [];
for (const size of sizes) {
  const database = wrapPglite(await PGlite.create('memory://', { extensions: { vector } }));
  await database.migrate();
  const db = database.db;
  const random = rng(size);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  const [mailbox] = await db.insert(mailboxes).values({
    key: 'default', address: 'support@shop.test', displayName: 'Shop', timeZone: 'UTC',
    businessHours: { days: [1, 2, 3, 4, 5], open: '09:00', close: '18:00', holidays: [] }, firstReplyMinutes: 240, maxAcksPerSender24h: 5,
  }).returning();
  const agent = await createUser(db, { email: 'ana@shop.test', name: 'Ana', role: 'agent', password: 'bench-password-123' });
  const now = new Date();
  for (let done = 0; done < size; done += 1000) {
    const rows = await db.insert(cases).values(Array.from({ length: Math.min(1000, size - done) }, (_, i) => {
      const r = random();
      return {
        reference: referenceOf(done + i), mailboxId: mailbox!.id, customerAddress: `c${done + i}@customer${i % 97}.test`, customerName: random() < 0.5 ? `Customer ${done + i}` : null,
        subject: `${pick(words)} ${pick(words)} ${pick(words)} #${done + i}`, language: 'en',
        status: (r < 0.15 ? 'escalated' : r < 0.25 ? 'resolved' : 'open') as 'open', firstReplyDueAt: new Date(now.getTime() + (random() * 48 - 8) * 3_600_000),
        lastCustomerMessageAt: now, ...(random() < 0.05 ? { assigneeId: agent.id, assigneeName: 'Ana', claimExpiresAt: new Date(now.getTime() + 1_800_000) } : {}),
      };
    })).returning({ id: cases.id });
    await db.insert(drafts).values(rows.filter(() => random() < 0.1).map((k) => ({ caseId: k.id, inboundMessageId: randomUUID(), status: 'proposed' as const, confidence: 0.8 })));
  }
  await database.execute('analyze');
  for (const [name, filters] of [['Refunds', { q: 'refund' }], ['Mine, late', { view: 'mine', q: 'late' }], ['Escalated lamps', { status: 'escalated', q: 'lamp broken' }]] as const) {
    await saveInboxView(db, agent.id, { name, filters });
  }
  const viewer = { id: agent.id };
  const personal = await listInboxViews(db, agent.id);
  const list = await timeIt(() => reviewQueue(db, { ...inboxFilter({ view: 'unassigned', q: 'refund parcel' }, viewer, now), limit: 200 }));
  const listPlain = await timeIt(() => reviewQueue(db, { ...inboxFilter({}, viewer, now), limit: 200 }));
  const counts = await timeIt(() => viewCounts(db, viewer, now, personal));
  results.push({ cases: size, listWithSearchMs: list, listWithoutSearchMs: listPlain, allViewCountsMs: counts });
  console.error(`${size} cases: list+search p50 ${list.p50} ms p95 ${list.p95} | list p50 ${listPlain.p50} ms | 9 view counts (1 query) p50 ${counts.p50} ms p95 ${counts.p95}`);
  await database.close();
}
console.log(JSON.stringify({ runs, results }));
