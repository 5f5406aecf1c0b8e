import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import pino from 'pino';
import { ImapFlow } from 'imapflow';
import { ImapWatcher, parseImapUrl, type ImapCursor, type ImapCursorStore, type ImapWatcherOptions } from '../src/mail/imap-watcher.js';
import { startDovecot, type DovecotServer } from './support/dovecot.js';

const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

class MemoryCursorStore implements ImapCursorStore {
  readonly cursors = new Map<string, ImapCursor>();
  async get(key: string) { return this.cursors.get(key) ?? null; }
  async set(key: string, c: ImapCursor) { this.cursors.set(key, { ...c }); }
}

interface Received { uid: number; uidValidity: string; messageId: string }

const message = (id: string) =>
  `From: Customer <customer@example.test>\r\nTo: support@example.test\r\nSubject: Help ${id}\r\n` +
  `Message-ID: <${id}@example.test>\r\nDate: Mon, 3 Mar 2025 10:00:00 +0000\r\n\r\nMy order ${id} is late.\r\n`;

async function until(cond: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** TCP relay to Dovecot that can silently drop existing connections, like a NAT that forgot them. */
async function startRelay(targetPort: number) {
  const live = new Set<{ dead: boolean; destroy(): void }>();
  const server = net.createServer((downstream) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    const conn = { dead: false, destroy: () => { downstream.destroy(); upstream.destroy(); } };
    live.add(conn);
    downstream.on('data', (d) => { if (!conn.dead) upstream.write(d); });
    upstream.on('data', (d) => { if (!conn.dead) downstream.write(d); });
    for (const s of [downstream, upstream]) {
      s.on('error', () => undefined);
      s.on('close', () => { conn.destroy(); live.delete(conn); });
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    blackholeExisting: () => { for (const c of live) c.dead = true; },
    close: () => { for (const c of live) c.destroy(); return new Promise<void>((r) => server.close(() => r())); },
  };
}

let dovecot: DovecotServer;
const watchers: ImapWatcher[] = [];

function watch(store: ImapCursorStore, received: Received[], over: Partial<ImapWatcherOptions> = {}): ImapWatcher {
  const w = new ImapWatcher({
    url: dovecot.url(),
    mailboxKey: 'support-inbox',
    cursorStore: store,
    logger,
    backoff: { initialMs: 100, maxMs: 1000 },
    async onMessage(raw, meta) {
      const messageId = /^Message-ID: <([^@>]+)@/im.exec(raw.toString())?.[1] ?? '?';
      received.push({ ...meta, messageId });
    },
    ...over,
  });
  watchers.push(w);
  w.start();
  return w;
}

const ids = (r: Received[]) => r.map((m) => m.messageId);

beforeAll(async () => { dovecot = await startDovecot(); });
afterAll(async () => { await dovecot?.stop(); });
afterEach(async () => {
  await Promise.all(watchers.splice(0).map((w) => w.stop()));
  await dovecot.recreateMailbox(); // every test starts from an empty INBOX
});

describe('parseImapUrl', () => {
  it('decodes credentials and mailbox, defaults port and INBOX', () => {
    expect(parseImapUrl('imaps://me%40corp.test:p%3Ass@mail.corp.test/Support%20Queue')).toEqual({
      secure: true, host: 'mail.corp.test', port: 993, user: 'me@corp.test', pass: 'p:ss', mailbox: 'Support Queue',
    });
    expect(parseImapUrl('imap://u:p@127.0.0.1:1143')).toMatchObject({ secure: false, port: 1143, mailbox: 'INBOX' });
    expect(() => parseImapUrl('http://x')).toThrow(/scheme/);
  });
});

describe('ImapWatcher against Dovecot', () => {
  it('delivers existing messages once, then new ones pushed via IDLE', async () => {
    await dovecot.append(message('a1'));
    await dovecot.append(message('a2'));
    const store = new MemoryCursorStore();
    const got: Received[] = [];
    const w = watch(store, got);
    await until(() => got.length >= 2, 'two existing messages');
    expect(ids(got)).toEqual(['a1', 'a2']);
    expect(w.status()).toMatchObject({ connected: true, consecutiveFailures: 0, mailboxKey: 'support-inbox' });
    expect(w.status().lastSyncAt).toBeInstanceOf(Date);

    await dovecot.append(message('a3'));
    await until(() => got.length >= 3, 'message appended while idling');
    expect(ids(got)).toEqual(['a1', 'a2', 'a3']);
    expect(store.cursors.get('support-inbox')?.lastUid).toBe(got[2].uid);

    // Read-only ingestion: \Seen stays the agents' business.
    const c = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, logger: false,
      auth: { user: dovecot.user, pass: dovecot.password } });
    await c.connect();
    await c.mailboxOpen('INBOX');
    const flags = await c.fetchAll('1:*', { flags: true });
    await c.logout();
    expect(flags.map((m) => m.flags?.has('\\Seen'))).toEqual([false, false, false]);
  });

  it('a new watcher resumes from the stored cursor', async () => {
    const store = new MemoryCursorStore();
    const first: Received[] = [];
    await dovecot.append(message('b1'));
    const w1 = watch(store, first);
    await until(() => first.length === 1, 'first message');
    await w1.stop();
    expect(w1.status().connected).toBe(false);

    for (const id of ['b2', 'b3', 'b4']) await dovecot.append(message(id));
    const second: Received[] = [];
    watch(store, second);
    await until(() => second.length >= 3, 'three messages after restart');
    await dovecot.append(message('b5')); // proves it went on to IDLE, and nothing else trickles in
    await until(() => second.length >= 4, 'message after resume');
    expect(ids(second)).toEqual(['b2', 'b3', 'b4', 'b5']);
  });

  it('reconnects after the server restarts while idling', async () => {
    const got: Received[] = [];
    const w = watch(new MemoryCursorStore(), got);
    await until(() => w.status().connected, 'connected');
    await dovecot.restart();
    await dovecot.append(message('c1'));
    await until(() => got.length >= 1, 'message after server restart');
    expect(ids(got)).toEqual(['c1']);
    await until(() => w.status().connected, 'reconnected');
  });

  it('resyncs from UID 1 when UIDVALIDITY changes', async () => {
    const store = new MemoryCursorStore();
    const got: Received[] = [];
    await dovecot.append(message('d1'));
    await dovecot.append(message('d2'));
    watch(store, got);
    await until(() => got.length >= 2, 'initial messages');
    const before = store.cursors.get('support-inbox')!;

    await dovecot.recreateMailbox();
    await dovecot.append(message('e1'));
    await until(() => got.length >= 3, 'message in the recreated mailbox');
    expect(ids(got)).toEqual(['d1', 'd2', 'e1']);
    const after = store.cursors.get('support-inbox')!;
    expect(after.uidValidity).not.toBe(before.uidValidity);
    expect(got[2]).toMatchObject({ uid: 1, uidValidity: after.uidValidity });
  });

  it('idle watchdog detects a silently dead connection and reconnects', async () => {
    const relay = await startRelay(dovecot.port);
    try {
      const got: Received[] = [];
      const url = dovecot.url().replace(`:${dovecot.port}/`, `:${relay.port}/`);
      const w = watch(new MemoryCursorStore(), got, { url, idleWatchdogMs: 400 });
      await dovecot.append(message('f1'));
      await until(() => got.length >= 1, 'message through the relay');
      const syncedAt = w.status().lastSyncAt!;
      await until(() => w.status().lastSyncAt! > syncedAt, 'watchdog resync on a healthy connection');

      relay.blackholeExisting();
      await dovecot.append(message('f2'));
      await until(() => got.length >= 2, 'message after the watchdog reconnected');
      expect(ids(got)).toEqual(['f1', 'f2']);
      expect(w.status().lastError).toMatch(/NOOP timed out/);
    } finally {
      await relay.close();
    }
  });

  it('survives a wrong password and reports it in status()', async () => {
    const url = dovecot.url().replace(`:${encodeURIComponent(dovecot.password)}@`, ':wrong@');
    const got: Received[] = [];
    const w = watch(new MemoryCursorStore(), got, { url, backoff: { initialMs: 50, maxMs: 200 } });
    await until(() => w.status().consecutiveFailures >= 2, 'repeated login failures');
    expect(w.status()).toMatchObject({ connected: false });
    expect(w.status().lastError).toMatch(/auth/i);
    await w.stop();
    expect(got).toEqual([]);
  });
});
