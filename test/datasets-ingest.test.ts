import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundMessages } from '../src/db/schema/messages.js';
import { outbox } from '../src/db/schema/outbox.js';
import { DEFAULT_MAILBOX_KEY } from '../src/mailboxes/sync.js';
import type { Service } from '../src/service.js';
import { openTestDatabase, type TestDatabase } from './support/database.js';
import { api, startTestService } from './support/service.js';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink.js';

const datasets = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../shared/datasets/mail');
const filesIn = (dir: string): { name: string; raw: Buffer }[] =>
  readdirSync(path.join(datasets, dir), { withFileTypes: true })
    .filter((e) => e.name !== 'LICENSE')
    .flatMap((e) => (e.isDirectory() ? filesIn(`${dir}/${e.name}`) : [{ name: `${dir}/${e.name}`, raw: readFileSync(path.join(datasets, dir, e.name)) }]));

/** Real-world mail from the shared datasets, ingested through the same path as production mail. */
describe('public mail datasets', () => {
  let db: TestDatabase;
  let sink: SmtpSink;
  let service: Service;
  const rawById = new Map<string, Buffer>();
  const ingest = async (files: { name: string; raw: Buffer }[]) => {
    const mailbox = service.inbound.mailboxByKey(DEFAULT_MAILBOX_KEY);
    const ids = new Map<string, string>();
    for (const f of files) {
      const stored = await service.inbound.receive(mailbox, 'import', f.raw);
      ids.set(f.name, stored.id);
      if (!stored.duplicate) rawById.set(stored.id, f.raw);
    }
    await service.pipeline.drain();
    await service.outboxWorker.drain();
    return ids;
  };

  beforeAll(async () => {
    db = await openTestDatabase('pglite');
    sink = await startSmtpSink();
    service = await startTestService(db, { SMTP_URL: sink.url, MAX_ACKS_PER_SENDER_24H: '1000' });
  });
  afterAll(async () => {
    await service.stop();
    await sink.stop();
    await db.stop();
  });

  it('stores every bounce and auto-reply in sisimai/ and acknowledges none of them', async () => {
    const files = filesIn('sisimai');
    expect(files.length).toBeGreaterThan(100);
    const ids = await ingest(files);
    const stored = await db.database.db.select().from(inboundMessages).where(inArray(inboundMessages.id, [...ids.values()]));
    expect(new Set(stored.map((m) => m.id)).size).toBe(new Set(ids.values()).size);
    expect(stored.filter((m) => m.status !== 'processed').map((m) => m.id)).toEqual([]);
    const acks = await db.database.db.select().from(outbox).where(inArray(outbox.inboundMessageId, [...ids.values()]));
    expect(acks.map((a) => a.toAddress)).toEqual([]);
    expect(sink.messages).toHaveLength(0);
  });

  it.each(['mailparser', 'ruby-mail'])('keeps every message in %s/ without taking the service down', async (dir) => {
    const files = filesIn(dir);
    const ids = await ingest(files);
    for (const [name, id] of ids) {
      const [row] = await db.database.db.select().from(inboundMessages).where(inArray(inboundMessages.id, [id]));
      expect(row, name).toBeDefined();
      // Byte for byte what arrived (a file repeating an earlier Message-ID is that message).
      const kept = Buffer.from(await (await api(service, `/api/messages/${id}/raw`)).arrayBuffer());
      expect(kept.equals(rawById.get(id)!), name).toBe(true);
      // Processed, or kept as failed for a human: never silently stuck or lost.
      expect(['processed', 'failed'], name).toContain(row!.status);
    }
    const health = await fetch(`http://127.0.0.1:${service.httpPort}/health`);
    expect(health.status).toBe(200);
  });
});
