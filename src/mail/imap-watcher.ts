// IMAP ingestion: push via IDLE, a UID cursor per mailbox, reconnect with backoff.
// Delivery is at-least-once: the cursor advances only after onMessage resolved, and a UIDVALIDITY change
// (or a missing cursor) replays the whole mailbox from UID 1. The caller dedupes by Message-ID / content
// hash when it stores the raw message, so a re-delivery is harmless.
import { ImapFlow, type FetchMessageObject } from 'imapflow';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics.js';
import { failureKind, type ImapFailureKind } from './imap-failures.js';

export interface ImapCursor { uidValidity: string; lastUid: number }
export interface ImapCursorStore {
  get(mailboxKey: string): Promise<ImapCursor | null>;
  set(mailboxKey: string, c: ImapCursor): Promise<void>;
}
export interface ImapWatcherOptions {
  /** imap[s]://user:pass@host:port/MAILBOX (default INBOX; user and password URL-encoded) */
  url: string;
  /** Stable key under which the cursor is stored. */
  mailboxKey: string;
  cursorStore: ImapCursorStore;
  /** Must resolve only once the message is stored durably: the cursor advances after it. */
  onMessage(raw: Buffer, meta: { uid: number; uidValidity: string }): Promise<void>;
  logger: Logger;
  /** Nothing heard for this long: probe with NOOP and resync. Default 5 min. Servers drop idle connections
   * after ~30 min and some NATs silently kill them after minutes, so stay well below both. */
  idleWatchdogMs?: number;
  /** Reconnect delay, doubled per consecutive failure, with jitter. Default 1 s → 60 s. */
  backoff?: { initialMs: number; maxMs: number };
  fetchBatchSize?: number;
  /** firstreply_imap_connected and firstreply_imap_failures_total, labelled with mailboxKey */
  metrics?: Pick<Metrics, 'imapConnected' | 'imapFailures'>;
}
export interface ImapWatcherStatus {
  connected: boolean; lastError?: string; consecutiveFailures: number; lastSyncAt?: Date; mailboxKey: string;
  /** the last failure was the server refusing the login: retrying will not help until someone fixes the credentials */
  authFailed: boolean;
  /** kind of the last failure, kept like lastError */
  lastFailureKind?: ImapFailureKind;
  /** ISO time the current run of failures began; null while connected (or before the first attempt ended) */
  failingSince: string | null;
  /** ISO time of the next connection attempt while waiting out the backoff, else null */
  nextRetryAt: string | null;
}
export interface ImapUrl { secure: boolean; host: string; port: number; user: string; pass: string; mailbox: string }

export function parseImapUrl(url: string): ImapUrl {
  const u = new URL(url);
  if (u.protocol !== 'imap:' && u.protocol !== 'imaps:') throw new Error(`unsupported IMAP URL scheme: ${u.protocol}`);
  const secure = u.protocol === 'imaps:';
  const mailbox = decodeURIComponent(u.pathname.replace(/^\/+/, '')) || 'INBOX';
  if (!u.hostname) throw new Error('IMAP URL has no host');
  return {
    secure,
    host: u.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: u.port ? Number(u.port) : secure ? 993 : 143,
    user: decodeURIComponent(u.username),
    pass: decodeURIComponent(u.password),
    mailbox,
  };
}

const MAX_BATCH_BYTES = 32 * 1024 * 1024; // a batch of 200 large attachments must not land in memory at once
const errorText = (err: unknown) => {
  const e = err as { message?: string; responseText?: string };
  return [e?.message ?? String(err), e?.responseText].filter(Boolean).join(': ');
};
/** The server (or something on the way) closed the connection: a network failure. */
const connectionLost = (message: string) => Object.assign(new Error(message), { code: 'EConnectionClosed' });
const withTimeout = <T>(p: Promise<T>, ms: number, what: string) =>
  new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(Object.assign(new Error(`${what} timed out after ${ms} ms`), { code: 'ETIMEOUT' })), ms);
    p.then((v) => { clearTimeout(t); resolve(v); }, (e) => { clearTimeout(t); reject(e); });
  });

export class ImapWatcher {
  private readonly conn: ImapUrl;
  private readonly log: Logger;
  private readonly watchdogMs: number;
  private readonly backoff: { initialMs: number; maxMs: number };
  private readonly batchSize: number;
  private running: Promise<void> | null = null;
  private stopped = false;
  private client: ImapFlow | null = null;
  private connected = false;
  private lastError?: string;
  private failures = 0;
  private lastSyncAt?: Date;
  private authFailed = false;
  private lastFailureKind?: ImapFailureKind;
  private failingSince: Date | null = null;
  private nextRetryAt: Date | null = null;
  private wakePending = false;
  private wakeWaiter: (() => void) | null = null;
  private idleGen = 0;

  constructor(private readonly o: ImapWatcherOptions) {
    this.conn = parseImapUrl(o.url);
    this.log = o.logger.child({ component: 'imap-watcher', mailboxKey: o.mailboxKey });
    this.watchdogMs = o.idleWatchdogMs ?? 5 * 60_000;
    this.backoff = o.backoff ?? { initialMs: 1000, maxMs: 60_000 };
    this.batchSize = Math.max(1, o.fetchBatchSize ?? 200);
    this.setConnected(false); // the gauge exists (0) before the first connection succeeds
  }

  start(): void {
    if (this.running) return;
    this.stopped = false;
    this.running = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    // A connect or login in flight has nothing to finish; an open session logs out in its own finally.
    if (!this.connected) this.client?.close();
    await this.running;
    this.running = null;
  }

  status(): ImapWatcherStatus {
    return {
      connected: this.connected, lastError: this.lastError, consecutiveFailures: this.failures,
      lastSyncAt: this.lastSyncAt, mailboxKey: this.o.mailboxKey, authFailed: this.authFailed,
      lastFailureKind: this.lastFailureKind, failingSince: this.failingSince?.toISOString() ?? null,
      nextRetryAt: this.nextRetryAt?.toISOString() ?? null,
    };
  }

  private setConnected(connected: boolean): void {
    this.connected = connected;
    this.o.metrics?.imapConnected.set({ mailbox: this.o.mailboxKey }, connected ? 1 : 0);
  }

  /** Counts and logs one failed session. The URL (it holds the password) is never logged, only the error text. */
  private recordFailure(err: unknown): void {
    const kind = failureKind(err);
    this.failures++;
    this.failingSince ??= new Date();
    this.lastError = errorText(err);
    this.lastFailureKind = kind;
    this.authFailed = kind === 'auth';
    this.o.metrics?.imapFailures.inc({ mailbox: this.o.mailboxKey, kind });
    // A refused login never heals by itself: every one is an error. Network trouble usually does: warn at first.
    const level = this.authFailed || this.failures >= 5 ? 'error' : 'warn';
    this.log[level]({ err: this.lastError, kind, authFailed: this.authFailed, consecutiveFailures: this.failures,
      failingSince: this.failingSince.toISOString() }, 'IMAP session ended');
  }

  private wake(): void {
    this.wakePending = true;
    this.wakeWaiter?.();
  }

  /** Resolves on wake() or after ms; true when woken. */
  private waitWake(ms: number): Promise<boolean> {
    if (this.wakePending) { this.wakePending = false; return Promise.resolve(true); }
    return new Promise((resolve) => {
      const timer = setTimeout(() => { this.wakeWaiter = null; resolve(false); }, ms);
      this.wakeWaiter = () => { clearTimeout(timer); this.wakeWaiter = null; this.wakePending = false; resolve(true); };
    });
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        const closedBy = await this.session();
        if (this.stopped) break;
        throw closedBy ?? connectionLost('connection closed by server');
      } catch (err) {
        if (this.stopped) break;
        this.recordFailure(err);
      }
      this.wakePending = false; // the dying connection's close event must not cut the backoff short
      if (this.stopped) break;
      const exp = Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** Math.min(this.failures - 1, 30));
      const delay = exp / 2 + Math.random() * (exp / 2); // jitter spreads reconnect storms
      this.nextRetryAt = new Date(Date.now() + delay);
      await this.waitWake(delay);
      this.nextRetryAt = null;
    }
    this.nextRetryAt = null;
    this.setConnected(false);
  }

  /** Runs one connection until it closes (resolving with the error that closed it, if any) or fails. */
  private async session(): Promise<unknown> {
    const { host, port, secure, user, pass, mailbox } = this.conn;
    const client = new ImapFlow({ host, port, secure, auth: { user, pass }, logger: false, disableAutoIdle: true });
    this.client = client;
    let closed = false;
    let connectionError: unknown;
    client.on('error', (err: unknown) => { connectionError = err; this.log.debug({ err: errorText(err) }, 'IMAP error'); });
    const wakeIfCurrent = () => { if (this.client === client) this.wake(); };
    client.on('close', () => { closed = true; wakeIfCurrent(); });
    client.on('exists', wakeIfCurrent);
    try {
      await client.connect();
      // EXAMINE (read-only): fetching never sets \Seen, so flags stay the humans' business.
      const box = await client.mailboxOpen(mailbox, { readOnly: true });
      const uidValidity = String(box.uidValidity);
      let cursor = await this.o.cursorStore.get(this.o.mailboxKey);
      if (!cursor || cursor.uidValidity !== uidValidity) {
        this.log.info({ previous: cursor?.uidValidity ?? null, uidValidity }, 'UIDVALIDITY changed or no cursor: resyncing from UID 1');
        cursor = { uidValidity, lastUid: 0 };
        await this.o.cursorStore.set(this.o.mailboxKey, cursor);
      }
      this.setConnected(true);
      // lastError is kept: "connected, last error X" is what an operator wants to see
      this.failures = 0;
      this.failingSince = null;
      this.authFailed = false;
      this.log.info({ uidValidity, lastUid: cursor.lastUid }, 'IMAP mailbox open');
      this.wakePending = false;
      for (;;) {
        if (client.mailbox && String(client.mailbox.uidValidity) !== uidValidity) throw new Error('UIDVALIDITY changed while open');
        await this.sync(client, cursor);
        if (this.stopped || closed || !client.usable) return connectionError;
        if (this.wakePending) { this.wakePending = false; continue; }
        // imapflow only auto-IDLEs after 15 s and never with a lock held: enter IDLE explicitly. When IDLE
        // ends on its own (server or imapflow's keepalive broke it) wake up and resync so we re-enter it.
        const gen = ++this.idleGen;
        client.idle().catch(() => undefined).then(() => { if (gen === this.idleGen) this.wake(); });
        const woken = await this.waitWake(this.watchdogMs);
        this.idleGen++;
        if (this.stopped || closed) return connectionError;
        if (!woken) {
          // Nothing heard for a while: prove the connection is alive (NOOP breaks IDLE), then resync.
          this.log.debug('IDLE watchdog: probing with NOOP');
          await withTimeout(client.noop(), Math.min(this.watchdogMs, 30_000), 'NOOP');
        }
      }
    } finally {
      if (this.connected) this.setConnected(false);
      this.client = null;
      // Log out politely only on stop(); after a failure the connection may be a black hole.
      if (this.stopped && client.usable) await withTimeout(client.logout(), 2000, 'LOGOUT').catch(() => client.close());
      else client.close();
    }
  }

  /** Delivers every message above the cursor in UID order. Commands are never issued inside a fetch loop. */
  private async sync(client: ImapFlow, cursor: ImapCursor): Promise<void> {
    const index = await client.fetchAll(`${cursor.lastUid + 1}:*`, { uid: true, size: true }, { uid: true });
    // "N:*" also matches the highest UID when it is below N, hence the filter.
    const pending = index.filter((m) => m.uid > cursor.lastUid).sort((a, b) => a.uid - b.uid);
    if (pending.length) this.log.info({ count: pending.length, fromUid: pending[0].uid }, 'IMAP messages to ingest');
    for (const batch of batches(pending, this.batchSize)) {
      const fetched = await client.fetchAll(batch.map((m) => m.uid).join(','), { uid: true, source: true }, { uid: true });
      const byUid = new Map(fetched.map((m) => [m.uid, m] as const));
      for (const { uid } of batch) {
        const msg = byUid.get(uid);
        // Expunged between the index and the fetch: nothing to deliver.
        if (msg?.source) await this.o.onMessage(msg.source, { uid, uidValidity: cursor.uidValidity });
        cursor.lastUid = uid;
        await this.o.cursorStore.set(this.o.mailboxKey, { ...cursor });
        if (this.stopped) return;
      }
    }
    this.lastSyncAt = new Date();
  }
}

function* batches(msgs: FetchMessageObject[], maxCount: number): Generator<FetchMessageObject[]> {
  let batch: FetchMessageObject[] = [];
  let bytes = 0;
  for (const m of msgs) {
    if (batch.length && (batch.length >= maxCount || bytes + (m.size ?? 0) > MAX_BATCH_BYTES)) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(m);
    bytes += m.size ?? 0;
  }
  if (batch.length) yield batch;
}
