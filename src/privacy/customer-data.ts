// GDPR access (Art. 15/20) and erasure (Art. 17) for one customer, identified by an email address.
//
// Structure: `resolveScope` (./scope.ts) finds what belongs to the address (its cases, the messages from or to it, the
// mail we sent it), then every table with customer data has one handler in `customerDataHandlers` (./registry.ts)
// that exports its rows and erases them. A table added later (drafts, audit log, attachments, message embeddings, ...)
// gets a handler in ./handlers/; `findMentions` (./mentions.ts) shows what nothing handles yet.
import { unlink } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { customerDataHandlers } from './registry.js';
import { addressDigest, normaliseAddress, resolveScope, type DataLocations } from './scope.js';

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
