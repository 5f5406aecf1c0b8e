import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Queryable } from '../src/db/client.js';
import { eraseCustomerData, exportCustomerData } from '../src/privacy/customer-data.js';
import { findMentions } from '../src/privacy/mentions.js';
import { dataLocations, type DataLocations } from '../src/privacy/scope.js';
import type { Service } from '../src/service.js';
import { runCli } from './support/child-service.js';
import { openTestDatabase, type TestDatabase } from './support/database.js';
import { customerEmail, eventually, sendRaw } from './support/mail.js';
import { startTestService } from './support/service.js';

const MARIA = { address: 'maria@customer.test', name: 'Maria Lopez', token: 'LAMP-ORDER-MARIA-7731' };
const TOM = { address: 'tom@other.test', name: 'Tom Berg', token: 'KETTLE-TOM-4410' };
const OUTBOX_STATUSES_DONE = `('sent', 'failed', 'uncertain')`;

async function rows<T>(q: Queryable, query: ReturnType<typeof sql>): Promise<T[]> {
  return ((await q.execute(query)) as unknown as { rows: T[] }).rows;
}

/**
 * Written independently of src/privacy on purpose: every text-like column (text, varchar, bytea, json, jsonb,
 * text[]) of every table in the schema, found through information_schema so tables added later are searched too.
 */
async function whereMentioned(q: Queryable, needle: string): Promise<string[]> {
  const columns = await rows<{ table_name: string; column_name: string; data_type: string }>(
    q,
    sql`select c.table_name, c.column_name, c.data_type from information_schema.columns c
        join information_schema.tables t using (table_schema, table_name)
        where c.table_schema = current_schema() and t.table_type = 'BASE TABLE'
          and (c.data_type in ('text', 'character varying', 'character', 'bytea', 'json', 'jsonb') or c.udt_name in ('_text', '_varchar'))`,
  );
  expect(columns.length).toBeGreaterThan(20);
  const found: string[] = [];
  for (const c of columns) {
    const col = `"${c.table_name}"."${c.column_name}"`;
    const asText = c.data_type === 'bytea' ? `encode(${col}, 'escape')` : `${col}::text`;
    const [r] = await rows<{ n: number }>(q, sql`select count(*)::int as n from ${sql.raw(`"${c.table_name}"`)} where strpos(lower(${sql.raw(asText)}), ${needle.toLowerCase()}) > 0`);
    if (Number(r!.n) > 0) found.push(`${c.table_name}.${c.column_name}`);
  }
  return found;
}

const largeBody = (token: string) => `${token}\n${'This order note is long enough to be stored as a file. '.repeat(120)}`;

/** Mail from two customers, through the real SMTP listener and pipeline; Maria's includes a follow-up and a file-sized message. */
// Always on the real PostgreSQL the test run starts: the CLI, a separate process, needs a database URL.
describe('privacy export and erase', () => {
  let db: TestDatabase;
  let service: Service;
  let locations: DataLocations;
  let tomBefore: unknown;

  const snapshotOf = async (who: typeof TOM) => {
    const q = db.database.db;
    const kase = await rows<Record<string, unknown>>(q, sql`select * from cases where lower(customer_address) = ${who.address} order by id`);
    const ids = kase.map((c) => c.id as string);
    return {
      cases: kase,
      messages: await rows(q, sql`select id, status, subject, text_body, encode(raw, 'base64') as raw, raw_path from inbound_messages where lower(from_address) = ${who.address} order by id`),
      outbox: await rows(q, sql`select * from outbox where lower(to_address) = ${who.address} order by id`),
      events: ids.length ? await rows(q, sql`select * from case_events where case_id in (${sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `)}) order by id`) : [],
    };
  };

  beforeAll(async () => {
    db = await openTestDatabase('pg');
    service = await startTestService(db, { RAW_FILE_THRESHOLD_BYTES: '4096' });
    locations = dataLocations(service.config.DATA_DIR);
    let expected = 0;
    // One message at a time, each processed and acknowledged before the next, so every run builds the same cases
    // in the same order.
    const send = async (raw: string, from: string) => {
      await sendRaw(service.smtpPort!, raw, { from, to: ['support@shop.test'] });
      expected++;
      await eventually(
        async () => {
          const [r] = await rows<{ pending: number; total: number; open: number }>(
            db.database.db,
            sql`select (select count(*)::int from inbound_messages where status = 'received') as pending,
                       (select count(*)::int from inbound_messages) as total,
                       (select count(*)::int from outbox where status not in ${sql.raw(OUTBOX_STATUSES_DONE)}) as open`,
          );
          return r!.total === expected && r!.pending === 0 && r!.open === 0;
        },
        30_000,
        `message ${expected} processed and acknowledged`,
      );
    };
    await send(customerEmail({ from: `${MARIA.name} <${MARIA.address}>`, subject: 'My lamp', body: `Hello, order ${MARIA.token} has not arrived.` }), MARIA.address);
    await send(customerEmail({ from: `${TOM.name} <${TOM.address}>`, subject: 'Broken kettle', body: `Hi, the kettle ${TOM.token} leaks.` }), TOM.address);
    await send(customerEmail({ from: `${TOM.name} <${TOM.address}>`, subject: 'Kettle photos', body: largeBody(TOM.token) }), TOM.address);
    // Someone else writing *to* Maria with support in copy: a message to her address is hers too.
    await send(
      customerEmail({ from: 'Dispatch <dispatch@vendor.test>', to: `${MARIA.name} <${MARIA.address}>`, subject: 'Delivery slot', body: 'Your delivery slot is Tuesday.', headers: { Cc: 'support@shop.test' } }),
      'dispatch@vendor.test',
    );
    const [ack] = await rows<{ message_id: string }>(db.database.db, sql`select message_id from outbox where to_address = ${MARIA.address} and status = 'sent'`);
    // Her follow-up, written with her address in capitals, threads into her case; one is large enough to be a file.
    await send(customerEmail({ from: `${MARIA.name} <MARIA@Customer.TEST>`, subject: 'Re: My lamp', body: `Any news on ${MARIA.token}?`, headers: { 'In-Reply-To': `<${ack!.message_id}>` } }), MARIA.address);
    await send(customerEmail({ from: `${MARIA.name} <${MARIA.address}>`, subject: 'Re: My lamp', body: largeBody(MARIA.token), headers: { 'In-Reply-To': `<${ack!.message_id}>` } }), MARIA.address);
    tomBefore = await snapshotOf(TOM);
  });
  afterAll(async () => {
    await service?.stop();
    await db?.stop();
  });

  it('exports everything of one customer, matched case-insensitively, and nothing of anyone else', async () => {
    const doc = await exportCustomerData(db.database.db, 'Maria@CUSTOMER.test', locations);
    const json = JSON.stringify(doc);
    expect(doc.address).toBe(MARIA.address);
    expect(doc.counts).toMatchObject({ inbound_messages: 4, cases: 1 });
    expect(doc.counts.outbox).toBeGreaterThanOrEqual(1);
    expect(doc.counts.case_events).toBeGreaterThanOrEqual(4);
    expect(json).not.toContain(TOM.address);
    expect(json).not.toContain(TOM.token);
    expect(json).not.toContain(TOM.name);

    const messages = doc.data.inbound_messages as { subject: string | null; headers: { name: string; value: string }[]; raw: { path?: string; encoding?: string; data?: string } }[];
    const rawOf = (m: (typeof messages)[number]) => (m.raw.path ? readFileSync(m.raw.path) : Buffer.from(m.raw.data!, 'base64')).toString('utf8');
    expect(messages.every((m) => m.headers.some((h) => h.name === 'message-id'))).toBe(true);
    expect(messages.filter((m) => rawOf(m).includes(MARIA.token))).toHaveLength(3);
    expect(messages.some((m) => m.subject === 'Delivery slot')).toBe(true);
    if (db.mode === 'pglite') expect(messages.filter((m) => m.raw.path)).toHaveLength(1);
    const [kase] = doc.data.cases as { customerAddress: string; customerMessageCount: number; reference: string }[];
    expect(kase!.customerAddress.toLowerCase()).toBe(MARIA.address);
    expect(kase!.customerMessageCount).toBe(3);
    const mails = doc.data.outbox as { toAddress: string; file: string | null; textBody: string }[];
    expect(mails.every((m) => m.toAddress.toLowerCase() === MARIA.address)).toBe(true);
    expect(mails[0]!.file && existsSync(mails[0]!.file)).toBeTruthy();
  });

  it('erases one customer everywhere, keeps the other untouched and the case as anonymised statistics', async () => {
    const before = await exportCustomerData(db.database.db, MARIA.address, locations);
    const caseId = (before.data.cases as { id: string }[])[0]!.id;
    const rawFiles = (before.data.inbound_messages as { raw: { path?: string } }[]).flatMap((m) => (m.raw.path ? [m.raw.path] : []));
    const sentFiles = (before.data.outbox as { file: string | null }[]).flatMap((m) => (m.file ? [m.file] : []));
    expect(sentFiles.length).toBeGreaterThan(0);

    const report = await eraseCustomerData(db.database.db, 'MARIA@customer.test', locations);
    expect(report.tables.inbound_messages!.deleted).toBe(4);
    expect(report.tables.cases!.anonymised).toBe(1);

    const q = db.database.db;
    for (const needle of [MARIA.address, MARIA.token, MARIA.name]) expect(await whereMentioned(q, needle), needle).toEqual([]);
    expect(await findMentions(q, MARIA.address)).toEqual([]);
    for (const file of [...rawFiles, ...sentFiles]) expect(existsSync(file), file).toBe(false);
    if (db.mode === 'pglite') expect(rawFiles).toHaveLength(1);

    // Tom: every row and file as before.
    expect(await snapshotOf(TOM)).toEqual(tomBefore);
    expect(await whereMentioned(q, TOM.token)).toContain('inbound_messages.text_body');
    const tomFiles = (await rows<{ raw_path: string }>(q, sql`select raw_path from inbound_messages where raw_path is not null`)).map((r) => r.raw_path);
    if (db.mode === 'pglite') expect(tomFiles).toHaveLength(1);
    for (const f of tomFiles) expect(existsSync(path.join(locations.rawDir, f))).toBe(true);
    expect(readdirSync(locations.outboxDir).some((f) => readFileSync(path.join(locations.outboxDir, f), 'utf8').includes(TOM.address))).toBe(true);

    // The case is still counted, without anything personal in it.
    const [kase] = await rows<Record<string, unknown>>(q, sql`select * from cases where id = ${caseId}::uuid`);
    expect(kase).toMatchObject({ customer_address: '[erased]', customer_name: '[erased]', subject: '[erased]', customer_message_count: 3 });
    const eventsOfCase = (before.data.case_events as { caseId: string | null }[]).filter((e) => e.caseId === caseId).length;
    const [events] = await rows<{ n: number }>(q, sql`select count(*)::int as n from case_events where case_id = ${caseId}::uuid`);
    expect(Number(events!.n)).toBe(eventsOfCase);

    // The audit entry names the erasure by the address's SHA-256 only.
    const audit = await rows<{ detail: { addressSha256: string } }>(q, sql`select detail from case_events where type = 'erasure'`);
    expect(audit).toHaveLength(1);
    expect(audit[0]!.detail.addressSha256).toBe(createHash('sha256').update(MARIA.address).digest('hex'));

    // Nothing left to export, and a second erasure finds nothing.
    expect(Object.values((await exportCustomerData(q, MARIA.address, locations)).counts).every((n) => n === 0)).toBe(true);
    const again = await eraseCustomerData(q, MARIA.address, locations);
    expect(Object.values(again.tables).every((t) => t.deleted === 0 && t.anonymised === 0)).toBe(true);
  });

  it('runs as `firstreply privacy` against a database URL: export to a file, erase only with --yes', async () => {
    const env = { DATABASE_URL: db.url!, DATA_DIR: service.config.DATA_DIR, SUPPORT_ADDRESS: 'support@shop.test' };
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'firstreply-privacy-')), 'tom.json');
    const exported = await runCli(['privacy', 'export', '--email', 'TOM@other.test', '--out', out], env);
    expect(exported.stderr).toContain('wrote');
    expect(exported.code).toBe(0);
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    rmSync(path.dirname(out), { recursive: true, force: true });
    expect(doc.counts).toMatchObject({ inbound_messages: 2, cases: 2 });

    const dry = await runCli(['privacy', 'erase', '--email', TOM.address], env);
    expect(dry.code).toBe(1);
    expect(JSON.parse(dry.stdout).wouldErase).toMatchObject({ inbound_messages: 2, cases: 2 });
    expect(await snapshotOf(TOM)).toEqual(tomBefore);

    const erased = await runCli(['privacy', 'erase', '--email', TOM.address, '--yes'], env);
    expect(erased.code).toBe(0);
    expect(JSON.parse(erased.stdout).remainingMentions).toEqual([]);
    expect(await whereMentioned(db.database.db, TOM.address)).toEqual([]);
    expect(await whereMentioned(db.database.db, TOM.token)).toEqual([]);
  });
});

