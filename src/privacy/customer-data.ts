// GDPR access (Art. 15/20) and erasure (Art. 17) for one customer, identified by an email address.
//
// Structure: `resolveScope` finds what belongs to the address (its cases, the messages from or to it, the mail
// we sent it), then every table with customer data has one handler in `customerDataHandlers` that exports its
// rows and erases them. A table added later (drafts, audit log, attachments, message embeddings, ...) gets a
// handler here; `findMentions` (every text/bytea/json column of every table) shows what nothing handles yet.
import { createHash } from 'node:crypto';
import { open, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { and, asc, eq, inArray, isNotNull, notInArray, or, sql, type AnyColumn } from 'drizzle-orm';
import type { Db, Queryable, Tx } from '../db/client.js';
import { embeddingCache } from '../db/schema/ai.js';
import { caseEvents, cases } from '../db/schema/cases.js';
import { articleLearnedExamples } from '../db/schema/kb.js';
import { matchLabels } from '../db/schema/labels.js';
import { mailboxes } from '../db/schema/mailboxes.js';
import { caseMatches } from '../db/schema/matches.js';
import { caseNotes } from '../db/schema/notes.js';
import { auditLog, drafts } from '../db/schema/review.js';
import { selectRows } from '../db/rows.js';
import { gapQuestionsHandler } from '../insight/privacy.js';
import { inboundMessages } from '../db/schema/messages.js';
import { outbox } from '../db/schema/outbox.js';
import { customerText } from '../domain/language.js';
import { extractAddresses, parseRawHeaders } from '../domain/raw-headers.js';

/** What erased text, names and addresses are replaced with in the rows kept for statistics. */
export const ERASED = '[erased]';
/** How much of a raw message is searched for address headers (the header parser's own default bound). */
const HEADER_BYTES = 256 * 1024;
/** Headers that name a message's sender or recipients: a message naming the address in one of these is theirs. */
const ADDRESS_HEADERS = [
  'from', 'sender', 'reply-to', 'to', 'cc', 'bcc', 'resent-from', 'resent-sender', 'resent-to', 'resent-cc',
  'delivered-to', 'x-original-to', 'envelope-to', 'return-path', 'x-failed-recipients',
];

/** Files that belong to the data: large raw messages (embedded database) and .eml copies of outgoing mail. */
export interface DataLocations {
  rawDir: string;
  outboxDir: string;
}

/** The same layout service.ts uses under DATA_DIR. */
export function dataLocations(dataDir: string): DataLocations {
  return { rawDir: path.resolve(dataDir, 'raw'), outboxDir: path.resolve(dataDir, 'outbox') };
}

/** Everything that belongs to one address, by primary key. */
export interface Scope {
  /** lower-cased */
  address: string;
  /** cases whose customer is the address */
  caseIds: string[];
  /** inbound messages from or to the address (its address headers), and every message in its cases */
  messageIds: string[];
  /** outgoing mail to the address or in its cases */
  outboxIds: string[];
  /** case events of its cases and of its messages */
  eventIds: number[];
}

export interface EraseResult {
  deleted: number;
  anonymised: number;
  /** files to remove (`raw:NAME` or `outbox:NAME`), as the erasure's last step before its commit */
  files?: string[];
}

export interface CustomerDataHandler {
  table: string;
  exportRows(q: Queryable, scope: Scope, locations: DataLocations): Promise<unknown[]>;
  /** Runs inside the erasure transaction, in list order (so rows that reference others go first). */
  erase(tx: Tx, scope: Scope, locations: DataLocations): Promise<EraseResult>;
}

export function normaliseAddress(input: string): string {
  const address = input.trim().toLowerCase();
  if (!/^[^\s@<>]+@[^\s@<>]+$/.test(address)) throw new Error(`not an email address: ${JSON.stringify(input)}`);
  return address;
}

export function addressDigest(address: string): string {
  return createHash('sha256').update(normaliseAddress(address), 'utf8').digest('hex');
}

const ciEquals = (column: AnyColumn, address: string) => sql`lower(${column}) = ${address}`;
const anyOf = <T extends string | number>(column: AnyColumn, values: T[]) => (values.length > 0 ? inArray(column, values) : undefined);

/** Finds everything that belongs to the address. For an erasure (`lock`) its cases are locked FOR UPDATE. */
export async function resolveScope(q: Queryable, rawAddress: string, locations: DataLocations, lock = false): Promise<Scope> {
  const address = normaliseAddress(rawAddress);
  const caseQuery = q.select({ id: cases.id }).from(cases).where(ciEquals(cases.customerAddress, address));
  const caseIds = (await (lock ? caseQuery.for('update') : caseQuery)).map((r) => r.id);

  const direct = await q
    .select({ id: inboundMessages.id })
    .from(inboundMessages)
    .where(or(ciEquals(inboundMessages.fromAddress, address), ciEquals(inboundMessages.replyTo, address), anyOf(inboundMessages.caseId, caseIds)));
  const messageIds = new Set(direct.map((r) => r.id));
  // Messages not parsed yet (or never parseable), and ones that are *to* the address: read their raw headers.
  // The SQL only pre-selects rows whose header bytes contain the address somewhere; the header parser decides.
  const candidates = await q
    .select({ id: inboundMessages.id, head: sql<Buffer | Uint8Array>`substring(${inboundMessages.raw} from 1 for ${HEADER_BYTES})` })
    .from(inboundMessages)
    .where(and(isNotNull(inboundMessages.raw), sql`position(${address} in lower(encode(substring(${inboundMessages.raw} from 1 for ${HEADER_BYTES}), 'escape'))) > 0`));
  for (const c of candidates) if (!messageIds.has(c.id) && headersName(Buffer.from(c.head), address)) messageIds.add(c.id);
  const inFiles = await q.select({ id: inboundMessages.id, rawPath: inboundMessages.rawPath }).from(inboundMessages).where(isNotNull(inboundMessages.rawPath));
  for (const f of inFiles) {
    if (messageIds.has(f.id)) continue;
    const head = await readHead(path.join(locations.rawDir, path.basename(f.rawPath!)));
    if (head && head.toString('latin1').toLowerCase().includes(address) && headersName(head, address)) messageIds.add(f.id);
  }

  const ids = [...messageIds];
  const outboxRows = await q
    .select({ id: outbox.id })
    .from(outbox)
    .where(or(ciEquals(outbox.toAddress, address), anyOf(outbox.caseId, caseIds)));
  const events = await q
    .select({ id: caseEvents.id })
    .from(caseEvents)
    .where(or(anyOf(caseEvents.caseId, caseIds), anyOf(caseEvents.inboundMessageId, ids)) ?? sql`false`);
  return { address, caseIds, messageIds: ids, outboxIds: outboxRows.map((r) => r.id), eventIds: events.map((r) => r.id) };
}

function headersName(head: Buffer, address: string): boolean {
  const { headers } = parseRawHeaders(head, { maxHeaderBytes: HEADER_BYTES });
  return ADDRESS_HEADERS.some((name) => (headers.get(name) ?? []).some((value) => extractAddresses(value).includes(address)));
}

async function readHead(file: string): Promise<Buffer | null> {
  try {
    const handle = await open(file, 'r');
    try {
      const buffer = Buffer.alloc(HEADER_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, HEADER_BYTES, 0);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch {
    return null;
  }
}

/** The file fileSender (src/mail/senders.ts) writes for an outgoing message. */
function outboxFile(locations: DataLocations, messageId: string): string {
  return path.join(locations.outboxDir, `${messageId.replace(/[^a-zA-Z0-9._@-]/g, '_')}.eml`);
}

const exists = (file: string) => stat(file).then(() => true, () => false);

/**
 * Replaces every string in an event's detail (guard reasons, parse errors) with the marker, except
 * identifier-like ones (reason codes, flags), which carry no personal data and keep the statistics.
 */
export function scrubDetail(value: unknown): unknown {
  if (typeof value === 'string') return /^[a-z][a-z0-9_]{0,63}$/i.test(value) ? value : ERASED;
  if (Array.isArray(value)) return value.map(scrubDetail);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubDetail(v)]));
  return value;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

const inboundHandler: CustomerDataHandler = {
  table: 'inbound_messages',
  async exportRows(q, scope, locations) {
    if (scope.messageIds.length === 0) return [];
    const rows = await q
      .select({ message: inboundMessages, mailbox: mailboxes.key, caseReference: cases.reference })
      .from(inboundMessages)
      .innerJoin(mailboxes, eq(mailboxes.id, inboundMessages.mailboxId))
      .leftJoin(cases, eq(cases.id, inboundMessages.caseId))
      .where(inArray(inboundMessages.id, scope.messageIds))
      .orderBy(asc(inboundMessages.receivedAt));
    return Promise.all(
      rows.map(async ({ message: { raw, rawPath, ...m }, mailbox, caseReference }) => {
        const file = rawPath ? path.join(locations.rawDir, path.basename(rawPath)) : null;
        const head = raw ?? (file ? await readHead(file) : null) ?? Buffer.alloc(0);
        const { headers } = parseRawHeaders(head, { maxHeaderBytes: HEADER_BYTES });
        return {
          ...m,
          mailbox,
          caseReference,
          headers: [...headers].flatMap(([name, values]) => values.map((value) => ({ name, value }))),
          // Large messages on the embedded database are files: the export names the file instead of inlining it.
          raw: file ? { path: file, size: m.size } : { encoding: 'base64', data: (raw ?? Buffer.alloc(0)).toString('base64') },
        };
      }),
    );
  },
  async erase(tx, scope) {
    if (scope.messageIds.length === 0) return { deleted: 0, anonymised: 0 };
    const deleted = await tx
      .delete(inboundMessages)
      .where(inArray(inboundMessages.id, scope.messageIds))
      .returning({ rawPath: inboundMessages.rawPath });
    const paths = [...new Set(deleted.map((r) => r.rawPath).filter((p): p is string => !!p))];
    // Raw files are content-addressed: one still referenced by a message kept (same bytes) stays.
    const kept = paths.length > 0
      ? new Set((await tx.select({ rawPath: inboundMessages.rawPath }).from(inboundMessages).where(inArray(inboundMessages.rawPath, paths))).map((r) => r.rawPath))
      : new Set();
    return { deleted: deleted.length, anonymised: 0, files: paths.filter((p) => !kept.has(p)).map((p) => `raw:${path.basename(p)}`) };
  },
};

const casesHandler: CustomerDataHandler = {
  table: 'cases',
  async exportRows(q, scope) {
    if (scope.caseIds.length === 0) return [];
    return q
      .select({ case: cases, mailbox: mailboxes.key })
      .from(cases)
      .innerJoin(mailboxes, eq(mailboxes.id, cases.mailboxId))
      .where(inArray(cases.id, scope.caseIds))
      .orderBy(asc(cases.createdAt))
      .then((rows) => rows.map((r) => ({ ...r.case, mailbox: r.mailbox })));
  },
  // Kept as anonymised statistics (counts, timings, status, language, reference) so reports stay correct.
  async erase(tx, scope) {
    if (scope.caseIds.length === 0) return { deleted: 0, anonymised: 0 };
    const updated = await tx
      .update(cases)
      .set({ customerAddress: ERASED, customerName: ERASED, subject: ERASED })
      .where(inArray(cases.id, scope.caseIds))
      .returning({ id: cases.id });
    return { deleted: 0, anonymised: updated.length };
  },
};

const caseEventsHandler: CustomerDataHandler = {
  table: 'case_events',
  async exportRows(q, scope) {
    if (scope.eventIds.length === 0) return [];
    return q.select().from(caseEvents).where(inArray(caseEvents.id, scope.eventIds)).orderBy(asc(caseEvents.id));
  },
  // The history stays (types, times, reason codes, flags); free text in the details goes.
  async erase(tx, scope) {
    if (scope.eventIds.length === 0) return { deleted: 0, anonymised: 0 };
    const rows = await tx.select({ id: caseEvents.id, detail: caseEvents.detail }).from(caseEvents).where(inArray(caseEvents.id, scope.eventIds));
    for (const row of rows) {
      await tx.update(caseEvents).set({ detail: scrubDetail(row.detail) as Record<string, unknown> }).where(eq(caseEvents.id, row.id));
    }
    return { deleted: 0, anonymised: rows.length };
  },
};

const outboxHandler: CustomerDataHandler = {
  table: 'outbox',
  async exportRows(q, scope, locations) {
    if (scope.outboxIds.length === 0) return [];
    const rows = await q.select().from(outbox).where(inArray(outbox.id, scope.outboxIds)).orderBy(asc(outbox.createdAt));
    return Promise.all(
      rows.map(async (r) => {
        const file = outboxFile(locations, r.messageId);
        return { ...r, file: (await exists(file)) ? file : null };
      }),
    );
  },
  // Mail not yet handed to a server is cancelled (deleted); the rest stays for statistics, without content.
  // Its Message-ID is replaced too: a later reply to it must not thread into the anonymised case.
  async erase(tx, scope, locations) {
    if (scope.outboxIds.length === 0) return { deleted: 0, anonymised: 0 };
    const rows = await tx.select({ id: outbox.id, messageId: outbox.messageId }).from(outbox).where(inArray(outbox.id, scope.outboxIds));
    const files = rows.map((r) => `outbox:${path.basename(outboxFile(locations, r.messageId))}`);
    const deleted = await tx
      .delete(outbox)
      .where(and(inArray(outbox.id, scope.outboxIds), inArray(outbox.status, ['pending', 'claimed'])))
      .returning({ id: outbox.id });
    const updated = await tx
      .update(outbox)
      .set({
        messageId: sql`'erased.' || ${outbox.id}::text || '@erased.invalid'`,
        toAddress: ERASED,
        // the per-sender cap's key is the folded address (migration 0015): it goes with the address
        recipientKey: null,
        subject: ERASED,
        textBody: ERASED,
        headers: {},
        lastError: sql`case when ${outbox.lastError} is null then null else ${ERASED} end`,
      })
      .where(and(inArray(outbox.id, scope.outboxIds), notInArray(outbox.status, ['pending', 'claimed'])))
      .returning({ id: outbox.id });
    return { deleted: deleted.length, anonymised: updated.length, files };
  },
};

/**
 * Cached embeddings are keyed by the SHA-256 of the embedded text (src/ai/cached-embedder.ts). Which text of a
 * message gets embedded is decided where matching is wired in; the likely candidates are removed here.
 */
const embeddingCacheHandler: CustomerDataHandler = {
  table: 'embedding_cache',
  exportRows: async () => [],
  async erase(tx, scope) {
    if (scope.messageIds.length === 0) return { deleted: 0, anonymised: 0 };
    const texts = await tx
      .select({ subject: inboundMessages.subject, text: inboundMessages.textBody })
      .from(inboundMessages)
      .where(inArray(inboundMessages.id, scope.messageIds));
    const hashes = [...new Set(texts.flatMap((t) => [customerText(t.subject ?? '', t.text ?? ''), t.text, t.subject]).filter((t): t is string => !!t).map(sha256))];
    if (hashes.length === 0) return { deleted: 0, anonymised: 0 };
    const deleted = await tx.delete(embeddingCache).where(inArray(embeddingCache.contentHash, hashes)).returning({ h: embeddingCache.contentHash });
    return { deleted: deleted.length, anonymised: 0 };
  },
};

/**
 * Rows that hold the customer's question in their own words, per case: questions learned from agents' decisions and
 * the agents' labels. Exported, and deleted with the case's customer.
 */
function questionsOfCases(table: typeof articleLearnedExamples | typeof matchLabels, name: string): CustomerDataHandler {
  return {
    table: name,
    async exportRows(q, scope) {
      if (scope.caseIds.length === 0) return [];
      return q.select().from(table as typeof matchLabels).where(inArray(table.caseId, scope.caseIds)).orderBy(asc(table.id));
    },
    async erase(tx, scope) {
      if (scope.caseIds.length === 0) return { deleted: 0, anonymised: 0 };
      const deleted = await tx.delete(table).where(inArray(table.caseId, scope.caseIds)).returning({ id: table.id });
      return { deleted: deleted.length, anonymised: 0 };
    },
  };
}
const learnedExamplesHandler = questionsOfCases(articleLearnedExamples, 'article_learned_examples');
const matchLabelsHandler = questionsOfCases(matchLabels, 'match_labels');

/**
 * Knowledge-base matches made for their messages: exported (they are about the customer), kept on erasure —
 * they hold article ids and scores only, and the article-performance reports count them.
 */
const caseMatchesHandler: CustomerDataHandler = {
  table: 'case_matches',
  async exportRows(q, scope) {
    const where = or(anyOf(caseMatches.caseId, scope.caseIds), anyOf(caseMatches.inboundMessageId, scope.messageIds));
    if (!where) return [];
    return q.select().from(caseMatches).where(where).orderBy(asc(caseMatches.id));
  },
  erase: async () => ({ deleted: 0, anonymised: 0 }),
};

/** Drafts quote and address the customer: their text goes, status and figures stay for the reports. */
const draftsHandler: CustomerDataHandler = {
  table: 'drafts',
  async exportRows(q, scope) {
    if (scope.caseIds.length === 0) return [];
    return q.select().from(drafts).where(inArray(drafts.caseId, scope.caseIds)).orderBy(asc(drafts.createdAt));
  },
  async erase(tx, scope) {
    if (scope.caseIds.length === 0) return { deleted: 0, anonymised: 0 };
    const rows = await tx.update(drafts)
      .set({ subject: ERASED, body: ERASED, generatedBody: ERASED, sentences: [], strippedLinks: [], modelError: null, rejectReason: null })
      .where(inArray(drafts.caseId, scope.caseIds)).returning({ id: drafts.id });
    return { deleted: 0, anonymised: rows.length };
  },
};

/** Agents' internal notes talk about the customer: the text goes, who wrote a note and when stay. */
const notesHandler: CustomerDataHandler = {
  table: 'case_notes',
  async exportRows(q, scope) {
    if (scope.caseIds.length === 0) return [];
    return q.select().from(caseNotes).where(inArray(caseNotes.caseId, scope.caseIds)).orderBy(asc(caseNotes.id));
  },
  async erase(tx, scope) {
    if (scope.caseIds.length === 0) return { deleted: 0, anonymised: 0 };
    const rows = await tx.update(caseNotes).set({ body: ERASED }).where(inArray(caseNotes.caseId, scope.caseIds)).returning({ id: caseNotes.id });
    return { deleted: 0, anonymised: rows.length };
  },
};

/** The audit trail keeps who did what when; the before/after values (draft text, subjects) go. */
const auditHandler: CustomerDataHandler = {
  table: 'audit_log',
  async exportRows(q, scope) {
    if (scope.caseIds.length === 0) return [];
    return q.select().from(auditLog).where(inArray(auditLog.caseId, scope.caseIds)).orderBy(asc(auditLog.id));
  },
  async erase(tx, scope) {
    if (scope.caseIds.length === 0) return { deleted: 0, anonymised: 0 };
    const rows = await tx.update(auditLog).set({ before: { erased: true }, after: { erased: true } })
      .where(inArray(auditLog.caseId, scope.caseIds)).returning({ id: auditLog.id });
    return { deleted: 0, anonymised: rows.length };
  },
};

/**
 * Every table holding customer data, in erasure order: rows that reference others first, the tables they
 * reference last. Tables still to come must be added here (see docs/operations.md, "Privacy requests").
 */
export const customerDataHandlers: CustomerDataHandler[] = [
  embeddingCacheHandler, learnedExamplesHandler, matchLabelsHandler, caseMatchesHandler, draftsHandler, notesHandler, auditHandler, gapQuestionsHandler, outboxHandler, caseEventsHandler, inboundHandler, casesHandler,
];

export interface CustomerExport {
  format: 'firstreply.customer-data';
  version: 1;
  exportedAt: string;
  address: string;
  counts: Record<string, number>;
  data: Record<string, unknown[]>;
}

/** One JSON document with everything stored about the address, read in one consistent snapshot. */
export async function exportCustomerData(db: Db, address: string, locations: DataLocations, handlers = customerDataHandlers): Promise<CustomerExport> {
  return db.transaction(
    async (tx) => {
      const scope = await resolveScope(tx, address, locations);
      const data: Record<string, unknown[]> = {};
      for (const h of handlers) data[h.table] = await h.exportRows(tx, scope, locations);
      return {
        format: 'firstreply.customer-data',
        version: 1,
        exportedAt: new Date().toISOString(),
        address: scope.address,
        counts: Object.fromEntries(Object.entries(data).map(([t, rows]) => [t, rows.length])),
        data,
      } as const;
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}

export interface ErasureReport {
  addressSha256: string;
  tables: Record<string, { deleted: number; anonymised: number }>;
  filesRemoved: string[];
}

/** What an erasure would touch, without changing anything. */
export async function previewErasure(db: Db, address: string, locations: DataLocations) {
  const scope = await resolveScope(db, address, locations);
  return { cases: scope.caseIds.length, inbound_messages: scope.messageIds.length, outbox: scope.outboxIds.length, case_events: scope.eventIds.length };
}

/**
 * Deletes or anonymises everything of the address in one transaction, records an `erasure` audit entry that
 * holds only the SHA-256 of the address and the counts, and removes the files the deleted rows pointed at
 * (raw messages, .eml copies of outgoing mail) as its last step before the commit.
 */
export async function eraseCustomerData(db: Db, address: string, locations: DataLocations, handlers = customerDataHandlers): Promise<ErasureReport> {
  const normalised = normaliseAddress(address);
  return db.transaction(async (tx) => {
    const scope = await resolveScope(tx, normalised, locations, true);
    const tables: ErasureReport['tables'] = {};
    const files = new Set<string>();
    for (const h of handlers) {
      const r = await h.erase(tx, scope, locations);
      tables[h.table] = { deleted: r.deleted, anonymised: r.anonymised };
      for (const f of r.files ?? []) files.add(f);
    }
    await recordErasure(tx, { addressSha256: addressDigest(normalised), tables });
    // Last step before the commit: should the commit fail, the rows are still there and the erasure can simply
    // run again (missing files are fine); the other order could leave files behind that no row points at.
    const filesRemoved: string[] = [];
    for (const f of files) {
      const [kind, name] = f.split(/:(.*)/s) as [string, string];
      const file = path.join(kind === 'raw' ? locations.rawDir : locations.outboxDir, path.basename(name));
      try {
        await unlink(file);
        filesRemoved.push(file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
    return { addressSha256: addressDigest(normalised), tables, filesRemoved };
  });
}

/**
 * The audit entry. There is no audit table yet: until there is, the entry is a case event of type 'erasure'
 * with no case and no message. Move it to the audit log when that table exists.
 */
async function recordErasure(tx: Tx, detail: { addressSha256: string; tables: ErasureReport['tables'] }): Promise<void> {
  await tx.execute(sql`insert into case_events (case_id, inbound_message_id, type, detail) values (null, null, 'erasure', ${JSON.stringify(detail)}::jsonb)`);
}

export interface Mention {
  table: string;
  column: string;
  rows: number;
}

/**
 * Every column of every table (text, varchar, bytea, json, jsonb, text[]) that still contains `needle`,
 * case-insensitively. Generic on purpose: it also sees tables added after this was written.
 */
export async function findMentions(q: Queryable, needle: string): Promise<Mention[]> {
  const columns = await selectRows<{ table_name: string; column_name: string; data_type: string }>(
    q,
    sql`select c.table_name, c.column_name, c.data_type
          from information_schema.columns c
          join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
         where c.table_schema = current_schema() and t.table_type = 'BASE TABLE'
           and (c.data_type in ('text', 'character varying', 'character', 'bytea', 'json', 'jsonb')
                or (c.data_type = 'ARRAY' and c.udt_name in ('_text', '_varchar')))
         order by c.table_name, c.column_name`,
  );
  const found: Mention[] = [];
  const lowered = needle.toLowerCase();
  for (const c of columns) {
    const column = sql.raw(`"${c.table_name.replace(/"/g, '""')}"."${c.column_name.replace(/"/g, '""')}"`);
    const text = c.data_type === 'bytea' ? sql`encode(${column}, 'escape')` : c.data_type === 'text' || c.data_type.startsWith('char') ? column : sql`${column}::text`;
    const [r] = await selectRows<{ n: number }>(
      q,
      sql`select count(*)::int as n from ${sql.raw(`"${c.table_name.replace(/"/g, '""')}"`)} where position(${lowered} in lower(${text})) > 0`,
    );
    if (r && Number(r.n) > 0) found.push({ table: c.table_name, column: c.column_name, rows: Number(r.n) });
  }
  return found;
}

