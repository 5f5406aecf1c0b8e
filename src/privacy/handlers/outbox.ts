// Outgoing mail and its .eml copies.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { and, asc, inArray, notInArray, sql } from 'drizzle-orm';
import { outbox } from '../../db/schema/outbox.js';
import { ERASED, type CustomerDataHandler } from '../handler.js';
import type { DataLocations } from '../scope.js';

/** The file fileSender (src/mail/senders.ts) writes for an outgoing message. */
function outboxFile(locations: DataLocations, messageId: string): string {
  return path.join(locations.outboxDir, `${messageId.replace(/[^a-zA-Z0-9._@-]/g, '_')}.eml`);
}

const exists = (file: string) => stat(file).then(() => true, () => false);

export const outboxHandler: CustomerDataHandler = {
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
