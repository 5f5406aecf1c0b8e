import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Service } from '../src/service.js';
import { startService } from '../src/service.js';
import { runCli } from './support/child-service.js';
import { customerEmail, eventually, sendRaw } from './support/mail.js';
import { api, testConfig } from './support/service.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * The embedded setup as an operator runs it: a service on its own DATA_DIR (database on the worker thread, large
 * messages as files, acknowledgements as .eml files), `firstreply backup` and `firstreply restore` as separate
 * processes, then a service started on the restored DATA_DIR finds every case and message.
 */
describe('firstreply backup and restore (embedded)', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'firstreply-backup-'));
  const original = path.join(root, 'data');
  const restored = path.join(root, 'restored');
  const archive = path.join(root, 'backups', 'firstreply.tar.gz');
  const overrides = { RAW_FILE_THRESHOLD_BYTES: '4096' };
  let service: Service | undefined;
  let before: { cases: { id: string; reference: string; subject: string }[]; messages: { id: string; sha: string }[]; outbox: string[]; rawFiles: string[] };

  beforeAll(async () => {
    service = await startService(testConfig({ ...overrides, DATA_DIR: original }));
    const s = service;
    const mails = [
      customerEmail({ from: 'ana@customer.test', subject: 'Order 1001', body: 'Where is order 1001?' }),
      customerEmail({ from: 'ben@customer.test', subject: 'Refund', body: `Please refund me.\n${'Details of the return. '.repeat(400)}` }),
      customerEmail({ from: 'chloe@customer.test', subject: 'Größe', body: 'Kann ich die Größe tauschen?' }),
    ];
    for (const raw of mails) await sendRaw(s.smtpPort!, raw, { from: 'sender@customer.test', to: ['support@shop.test'] });
    await eventually(async () => {
      const r = (await s.database.db.execute(
        sql`select (select count(*)::int from inbound_messages where status = 'processed') as done,
                   (select count(*)::int from outbox where status = 'sent') as sent`,
      )) as unknown as { rows: { done: number; sent: number }[] };
      return r.rows[0]!.done === 3 && r.rows[0]!.sent === 3;
    }, 30_000, 'three messages processed and acknowledged');
    const cases = ((await s.database.db.execute(sql`select id, reference, subject from cases order by reference`)) as unknown as { rows: { id: string; reference: string; subject: string }[] }).rows;
    const ids = ((await s.database.db.execute(sql`select id from inbound_messages order by id`)) as unknown as { rows: { id: string }[] }).rows;
    const messages = [];
    for (const { id } of ids) {
      const res = await api(s, `/api/messages/${id}/raw`);
      messages.push({ id, sha: sha256(Buffer.from(await res.arrayBuffer())) });
    }
    before = { cases, messages, outbox: readdirSync(path.join(original, 'outbox')).sort(), rawFiles: readdirSync(path.join(original, 'raw')).sort() };
  });
  afterAll(async () => {
    await service?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('refuses to back up while the service has the database open', async () => {
    expect(before.cases).toHaveLength(3);
    expect(before.rawFiles).toHaveLength(1);
    expect(before.outbox).toHaveLength(3);
    const result = await runCli(['backup', '--out', archive], { DATA_DIR: original });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/in use .*Stop the service first/s);
    expect(existsSync(archive)).toBe(false);
  });

  it('backs up the stopped service and restores into a fresh DATA_DIR, where a new service finds everything', async () => {
    await service!.stop();
    service = undefined;
    const backup = await runCli(['backup', '--out', archive], { DATA_DIR: original });
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    expect(JSON.parse(backup.stdout).rows).toMatchObject({ cases: 3, inbound_messages: 3, outbox: 3 });

    const restore = await runCli(['restore', '--from', archive], { DATA_DIR: restored });
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    expect(readdirSync(path.join(restored, 'raw')).sort()).toEqual(before.rawFiles);
    expect(readdirSync(path.join(restored, 'outbox')).sort()).toEqual(before.outbox);
    for (const f of before.outbox) expect(readFileSync(path.join(restored, 'outbox', f))).toEqual(readFileSync(path.join(original, 'outbox', f)));

    // The original is gone: everything must come from the backup.
    rmSync(original, { recursive: true, force: true });
    service = await startService(testConfig({ ...overrides, DATA_DIR: restored }));
    const listed = (await (await api(service, '/api/cases?limit=500')).json()) as { cases: { reference: string }[] };
    expect(listed.cases.map((c) => c.reference).sort()).toEqual(before.cases.map((c) => c.reference).sort());
    for (const c of before.cases) {
      const detail = (await (await api(service, `/api/cases/${c.reference}`)).json()) as { case: { id: string; subject: string }; messages: unknown[]; outbox: unknown[] };
      expect(detail.case).toMatchObject({ id: c.id, subject: c.subject });
      expect(detail.messages).toHaveLength(1);
      expect(detail.outbox).toHaveLength(1);
    }
    for (const m of before.messages) {
      const res = await api(service, `/api/messages/${m.id}/raw`);
      expect(res.status).toBe(200);
      expect(sha256(Buffer.from(await res.arrayBuffer()))).toBe(m.sha);
    }
    // And it keeps working: new mail is stored and acknowledged on the restored database.
    await sendRaw(service.smtpPort!, customerEmail({ from: 'dan@customer.test', subject: 'After the restore' }), { from: 'dan@customer.test', to: ['support@shop.test'] });
    await eventually(async () => ((await (await api(service!, '/api/cases?limit=500')).json()) as { cases: unknown[] }).cases.length === 4, 30_000, 'a new case');
  }, 180_000);

  it('restores only into an empty DATA_DIR and rejects a damaged archive', { timeout: 120_000 }, async () => {
    const busy = await runCli(['restore', '--from', archive], { DATA_DIR: restored });
    expect(busy.code).not.toBe(0);
    expect(busy.stderr).toMatch(/not empty/);

    const damaged = path.join(root, 'damaged.tar.gz');
    const bytes = readFileSync(archive);
    writeFileSync(damaged, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const target = path.join(root, 'from-damaged');
    mkdirSync(target);
    const result = await runCli(['restore', '--from', damaged], { DATA_DIR: target });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/unexpected end|truncated|damaged|incomplete/i);
    expect(readdirSync(target)).toEqual([]);
    expect(readdirSync(root).filter((n) => n.includes('.restore-'))).toEqual([]);
  });
});
