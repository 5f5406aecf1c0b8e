// "Test connection" for a mailbox: signs in to its IMAP server (an IMAP mailbox) and greets the SMTP server as
// configured (IMAP_URL, SMTP_URL), or checks the .eml outbox folder without SMTP_URL. Nothing is written.
import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import type { Mailbox } from '../db/schema/mailboxes.js';
import { parseImapUrl } from '../mail/imap-watcher.js';
import { imapMailboxKey } from './sync.js';

export interface ConnectionResult { name: string; target: string; ok: boolean; detail: string }

const withTimeout = <T>(p: Promise<T>, ms: number, what: string) =>
  new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000} s`)), ms);
    p.then((v) => { clearTimeout(t); resolve(v); }, (e) => { clearTimeout(t); reject(e); });
  });

const describe = (err: unknown) => {
  const e = err as { message?: string; responseText?: string; code?: string };
  return [e?.code, e?.responseText ?? e?.message ?? String(err)].filter(Boolean).join(': ').slice(0, 300);
};

/** Where a URL points, without its credentials. */
function targetOf(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.hostname}${u.port ? `:${u.port}` : ''}${u.protocol.startsWith('imap') ? u.pathname : ''}`;
}

/** Tests the connections a mailbox uses, as configured: its IMAP_URL (if it is an IMAP mailbox) and SMTP_URL. */
export async function testConnections(mailbox: Pick<Mailbox, 'key'>, config: { IMAP_URL: string[]; SMTP_URL?: string; DATA_DIR: string }, timeoutMs = 10_000): Promise<ConnectionResult[]> {
  const results: Promise<ConnectionResult>[] = [];
  const imapUrl = config.IMAP_URL.find((u) => imapMailboxKey(u) === mailbox.key);
  if (imapUrl) {
    results.push((async () => {
      const c = parseImapUrl(imapUrl);
      const client = new ImapFlow({ host: c.host, port: c.port, secure: c.secure, auth: { user: c.user, pass: c.pass }, logger: false, tls: { rejectUnauthorized: true }, connectionTimeout: timeoutMs, greetingTimeout: timeoutMs });
      client.on('error', () => undefined);
      try {
        await withTimeout(client.connect(), timeoutMs, 'the IMAP server');
        const status = await withTimeout(client.status(c.mailbox, { messages: true }), timeoutMs, 'the IMAP server');
        await client.logout().catch(() => undefined);
        return { name: 'IMAP', target: targetOf(imapUrl), ok: true, detail: `signed in; ${c.mailbox} holds ${(status as { messages?: number }).messages ?? "?"} messages` };
      } catch (err) {
        client.close();
        return { name: 'IMAP', target: targetOf(imapUrl), ok: false, detail: describe(err) };
      }
    })());
  }
  if (config.SMTP_URL) {
    const url = config.SMTP_URL;
    results.push((async () => {
      const transport = nodemailer.createTransport({ url, connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs } as never);
      try {
        await withTimeout(transport.verify(), timeoutMs + 1000, 'the SMTP server');
        return { name: 'SMTP (outgoing)', target: targetOf(url), ok: true, detail: 'connected and accepted our greeting' };
      } catch (err) {
        return { name: 'SMTP (outgoing)', target: targetOf(url), ok: false, detail: describe(err) };
      } finally {
        transport.close();
      }
    })());
  } else {
    results.push(outboxFolder(path.resolve(config.DATA_DIR, 'outbox')));
  }
  return Promise.all(results);
}

/** Without SMTP_URL outgoing mail is written as .eml files (the documented default): fine if the folder is writable. */
async function outboxFolder(dir: string): Promise<ConnectionResult> {
  const name = 'Outgoing mail (.eml files)';
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
    return { name, target: dir, ok: true, detail: 'SMTP_URL is not set: the outbox writes .eml files to DATA_DIR/outbox, nothing is sent; set SMTP_URL to send mail' };
  } catch (err) {
    return { name, target: dir, ok: false, detail: `the outbox cannot write .eml files to DATA_DIR/outbox: ${describe(err)}` };
  }
}
