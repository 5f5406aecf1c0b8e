// Inbound messages (with their raw files) and the cached embeddings of their text.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { asc, eq, inArray } from 'drizzle-orm';
import { embeddingCache } from '../../db/schema/ai.js';
import { cases } from '../../db/schema/cases.js';
import { mailboxes } from '../../db/schema/mailboxes.js';
import { inboundMessages } from '../../db/schema/messages.js';
import { customerText } from '../../domain/language.js';
import { parseRawHeaders } from '../../domain/raw-headers.js';
import type { CustomerDataHandler } from '../handler.js';
import { HEADER_BYTES, readHead } from '../scope.js';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

export const inboundHandler: CustomerDataHandler = {
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

export /**
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
