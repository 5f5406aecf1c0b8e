import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Queryable } from '../db/client.js';
import { inboundMessages, type messageSources, type SmtpEnvelope } from '../db/schema/messages.js';
import { insertStatement } from '../db/statement.js';
import { rowRawStore, type RawStore } from './raw-store.js';
import { extractMessageIds, firstHeader, parseRawHeaders } from '../domain/raw-headers.js';

export interface StoredMessage {
  id: string;
  duplicate: boolean;
}

/**
 * The first step of every way in: keep the raw bytes before anything can fail. Idempotent: one row per
 * Message-ID and mailbox (a content hash stands in when the Message-ID is missing), so IMAP re-syncs,
 * retried webhooks and re-imports never create a second message.
 */
export async function storeRawMessage(
  db: Queryable,
  input: { mailboxId: number; source: (typeof messageSources)[number]; raw: Buffer; envelope?: SmtpEnvelope },
  rawStore: RawStore = rowRawStore,
): Promise<StoredMessage> {
  const dedupeKey = dedupeKeyFor(input.raw);
  const kept = await rawStore.put(input.raw);
  const inserted = await insertMessage(db, { mailboxId: input.mailboxId, source: input.source, ...kept, size: input.raw.length, dedupeKey, envelope: input.envelope ?? null });
  if (inserted[0]) return { id: inserted[0].id, duplicate: false };
  const [existing] = await db
    .select({ id: inboundMessages.id })
    .from(inboundMessages)
    .where(and(eq(inboundMessages.mailboxId, input.mailboxId), eq(inboundMessages.dedupeKey, dedupeKey)));
  return { id: existing!.id, duplicate: true };
}

const insertMessage = insertStatement(inboundMessages, (insert) => insert.onConflictDoNothing().returning({ id: inboundMessages.id }));

export function dedupeKeyFor(raw: Buffer): string {
  const messageId = extractMessageIds(firstHeader(parseRawHeaders(raw), 'message-id') ?? '')[0];
  if (messageId) return `mid:${messageId}`;
  return `sha256:${createHash('sha256').update(raw).digest('hex')}`;
}
