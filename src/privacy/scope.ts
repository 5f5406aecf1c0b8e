// What belongs to one customer, found by their email address: their cases, the messages from or to them (address
// headers, raw files included), the mail we sent them, and the events of all of these.
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { and, inArray, isNotNull, or, sql, type AnyColumn } from 'drizzle-orm';
import type { Queryable } from '../db/client.js';
import { caseEvents, cases } from '../db/schema/cases.js';
import { inboundMessages } from '../db/schema/messages.js';
import { outbox } from '../db/schema/outbox.js';
import { extractAddresses, parseRawHeaders } from '../domain/raw-headers.js';

/** How much of a raw message is searched for address headers (the header parser's own default bound). */
export const HEADER_BYTES = 256 * 1024;
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

export function normaliseAddress(input: string): string {
  const address = input.trim().toLowerCase();
  if (!/^[^\s@<>]+@[^\s@<>]+$/.test(address)) throw new Error(`not an email address: ${JSON.stringify(input)}`);
  return address;
}

export function addressDigest(address: string): string {
  return createHash('sha256').update(normaliseAddress(address), 'utf8').digest('hex');
}

const ciEquals = (column: AnyColumn, address: string) => sql`lower(${column}) = ${address}`;
export const anyOf = <T extends string | number>(column: AnyColumn, values: T[]) => (values.length > 0 ? inArray(column, values) : undefined);

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

export async function readHead(file: string): Promise<Buffer | null> {
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
