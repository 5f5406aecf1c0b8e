import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/child-service.js';
import { openTestDatabase, type TestDatabase } from './support/database.js';
import { customerEmail } from './support/mail.js';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink.js';

/** `firstreply import` as a user runs it: a separate process, on an .eml file, a maildir and an mbox. */
describe(`firstreply import (${process.env.TEST_DB ?? 'pglite'})`, () => {
  let db: TestDatabase;
  let sink: SmtpSink;
  let env: Record<string, string>;
  let source: string;

  beforeAll(async () => {
    db = await openTestDatabase();
    sink = await startSmtpSink();
    env = {
      SMTP_URL: sink.url, DATA_DIR: mkdtempSync(path.join(tmpdir(), 'firstreply-import-')),
      SUPPORT_ADDRESS: 'support@shop.test', ...(db.url ? { DATABASE_URL: db.url } : {}),
    };
    source = mkdtempSync(path.join(tmpdir(), 'firstreply-import-src-'));
    writeFileSync(path.join(source, 'single.eml'), customerEmail({ from: 'one@customer.test', messageId: 'import-1@customer.test' }));
    mkdirSync(path.join(source, 'maildir/cur'), { recursive: true });
    mkdirSync(path.join(source, 'maildir/new'), { recursive: true });
    mkdirSync(path.join(source, 'maildir/tmp'), { recursive: true });
    writeFileSync(path.join(source, 'maildir/new/1700000000.M1.host'), customerEmail({ from: 'two@customer.test', messageId: 'import-2@customer.test' }));
    writeFileSync(path.join(source, 'maildir/tmp/partial'), 'half-written delivery, must be ignored');
    const mbox = [
      `From three@customer.test Mon Nov 23 10:00:00 2026\n${customerEmail({ from: 'three@customer.test', messageId: 'import-3@customer.test', body: 'Line one\n>From the start, my parcel was late.' }).replace(/\r\n/g, '\n')}`,
      `From four@customer.test Mon Nov 23 10:05:00 2026\n${customerEmail({ from: 'four@customer.test', messageId: 'import-4@customer.test' }).replace(/\r\n/g, '\n')}`,
    ].join('\n');
    writeFileSync(path.join(source, 'archive.mbox'), mbox);
  });
  afterAll(async () => {
    await sink.stop();
    await db.stop();
  });

  it('stores and acknowledges every message, and a second import finds only duplicates', async () => {
    const first = await runCli(['import', source], env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout.trim().split('\n').pop()!)).toEqual({ stored: 4, duplicates: 0, failed: 0 });
    const acks = await sink.waitFor(4);
    expect(new Set(acks.map((m) => m.envelopeTo[0]))).toEqual(new Set(['one@customer.test', 'two@customer.test', 'three@customer.test', 'four@customer.test']));
    expect(acks.find((m) => m.envelopeTo[0] === 'three@customer.test')!.headers.get('in-reply-to')).toBe('<import-3@customer.test>');

    const second = await runCli(['import', source], env);
    expect(JSON.parse(second.stdout.trim().split('\n').pop()!)).toEqual({ stored: 0, duplicates: 4, failed: 0 });
    expect(sink.messages).toHaveLength(4);
  });

  it('explains a missing path with a clear error and a non-zero exit', async () => {
    const result = await runCli(['import', path.join(source, 'does-not-exist')], env);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/no such file|ENOENT/i);
  });
});
