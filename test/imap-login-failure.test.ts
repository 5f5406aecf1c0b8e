// A mailbox whose password was rotated on the server: the watcher keeps retrying with growing delays, and the
// failure is visible (status, /health alerts, Prometheus) until the password matches again; nothing logs the secret.
import net from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ImapWatcher, type ImapCursor, type ImapCursorStore } from '../src/mail/imap-watcher.js';
import { createMetrics } from '../src/metrics.js';
import type { Service } from '../src/service.js';
import { openTestDatabase, type TestDatabase } from './support/database.js';
import { startDovecot, type DovecotServer } from './support/dovecot.js';
import { customerEmail, eventually } from './support/mail.js';
import { startTestService } from './support/service.js';

const ORIGINAL_PASSWORD = 'secret-pass';
const ROTATED_PASSWORD = 'rotated-app-password-7781';

class MemoryCursorStore implements ImapCursorStore {
  private readonly cursors = new Map<string, ImapCursor>();
  async get(key: string) { return this.cursors.get(key) ?? null; }
  async set(key: string, c: ImapCursor) { this.cursors.set(key, { ...c }); }
}

/** TCP relay to Dovecot that records when each connection attempt arrives. */
async function attemptRecorder(targetPort: number) {
  const attempts: number[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((down) => {
    attempts.push(Date.now());
    const up = net.connect(targetPort, '127.0.0.1');
    down.pipe(up).pipe(down);
    for (const s of [down, up]) {
      sockets.add(s);
      s.on('error', () => undefined).on('close', () => { sockets.delete(s); down.destroy(); up.destroy(); });
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    attempts,
    port: (server.address() as net.AddressInfo).port,
    close: () => { for (const s of sockets) s.destroy(); return new Promise<void>((r) => server.close(() => r())); },
  };
}

function capturedLog() {
  const lines: { level: number; msg: string; time: number; raw: string }[] = [];
  const logger = pino({ level: 'debug' }, new Writable({
    write(chunk, _enc, cb) {
      for (const raw of String(chunk).split('\n').filter(Boolean)) lines.push({ ...JSON.parse(raw), raw });
      cb();
    },
  }));
  return { logger, lines };
}

const withPassword = (url: string, password: string) => url.replace(/:[^:@/]*@/, `:${encodeURIComponent(password)}@`);

let dovecot: DovecotServer;
beforeAll(async () => { dovecot = await startDovecot({ password: ORIGINAL_PASSWORD }); });
afterAll(async () => { await dovecot?.stop(); });
beforeEach(async () => { await dovecot.setPassword(ORIGINAL_PASSWORD); });

describe('ImapWatcher with a refused login', () => {
  let watcher: ImapWatcher | undefined;
  let relay: Awaited<ReturnType<typeof attemptRecorder>> | undefined;
  afterEach(async () => { await watcher?.stop(); await relay?.close(); });

  it('backs off exponentially, reports authFailed and the next attempt, counts auth failures, recovers once the password matches', async () => {
    relay = await attemptRecorder(dovecot.port);
    const metrics = createMetrics();
    const { logger, lines } = capturedLog();
    const received: number[] = [];
    const url = withPassword(dovecot.url(), ROTATED_PASSWORD).replace(`:${dovecot.port}/`, `:${relay.port}/`);
    watcher = new ImapWatcher({
      url, mailboxKey: 'support-inbox', cursorStore: new MemoryCursorStore(), logger, metrics,
      backoff: { initialMs: 100, maxMs: 3200 },
      onMessage: async (_raw, meta) => void received.push(meta.uid),
    });
    watcher.start();

    // Right after the 4th failure the watcher is waiting out its backoff: the next attempt lies in the future.
    const waiting = await eventually(() => {
      const s = watcher!.status();
      return s.consecutiveFailures >= 4 && s.nextRetryAt ? { s, seenAt: Date.now() } : undefined;
    }, 15_000, 'a 4th refused login');
    expect(Date.parse(waiting.s.nextRetryAt!)).toBeGreaterThan(waiting.seenAt);
    expect(waiting.s).toMatchObject({ connected: false, authFailed: true, lastFailureKind: 'auth' });

    await eventually(() => relay!.attempts.length >= 6, 20_000, 'six login attempts');
    // The wait from each refused login (its log line) to the next connection: the first login alone may take
    // half a second while Dovecot starts its auth processes, so attempt-to-attempt gaps would measure that too.
    const refusedAt = lines.filter((l) => l.msg === 'IMAP session ended').map((l) => l.time);
    const waits = relay.attempts.slice(1, 6).map((t, k) => t - refusedAt[k]!);
    // After failure k+1 the watcher waits between half and all of initialMs * 2^k (jitter): the delays double.
    waits.forEach((wait, k) => expect(wait, `wait ${k} of ${waits.join(', ')} ms`).toBeGreaterThanOrEqual(50 * 2 ** k - 5));
    expect(waits[4]).toBeGreaterThan(3 * waits[0]!);

    const failing = watcher.status();
    expect(failing.consecutiveFailures).toBeGreaterThanOrEqual(5);
    expect(failing.lastError).toMatch(/auth/i);
    expect(Date.parse(failing.failingSince!)).toBeLessThanOrEqual(relay.attempts[1]!);
    const text = await metrics.registry.metrics();
    const authCount = Number(/firstreply_imap_failures_total\{mailbox="support-inbox",kind="auth"\} (\d+)/.exec(text)?.[1]);
    expect(authCount).toBeGreaterThanOrEqual(5);
    expect(text).toContain('firstreply_imap_connected{mailbox="support-inbox"} 0');
    expect(text).not.toMatch(/kind="(network|other)"/);

    // Every refused login is an error-level line; neither the password nor the URL holding it is ever logged.
    const ended = lines.filter((l) => l.msg === 'IMAP session ended');
    expect(ended.length).toBeGreaterThanOrEqual(5);
    expect(ended.every((l) => l.level === 50)).toBe(true);
    for (const l of lines) {
      expect(l.raw).not.toContain(ROTATED_PASSWORD);
      expect(l.raw).not.toContain('imap://');
    }

    await dovecot.setPassword(ROTATED_PASSWORD);
    await eventually(() => watcher!.status().connected, 15_000, 'connected with the matching password');
    expect(watcher.status()).toMatchObject({ connected: true, authFailed: false, consecutiveFailures: 0, failingSince: null, nextRetryAt: null });
    expect(await metrics.registry.metrics()).toContain('firstreply_imap_connected{mailbox="support-inbox"} 1');
    await dovecot.append(customerEmail({ to: dovecot.user }));
    await eventually(() => received.length === 1, 15_000, 'the first message after recovery');
  });
});

describe('/health and /metrics of a service whose IMAP login is refused', () => {
  let db: TestDatabase;
  let service: Service | undefined;
  beforeAll(async () => { db = await openTestDatabase('pglite'); });
  afterAll(async () => { await service?.stop(); await db.stop(); });

  const health = async () => {
    const res = await fetch(`http://127.0.0.1:${service!.httpPort}/health`);
    return { httpStatus: res.status, ...(await res.json()) as { status: string; alerts: string[]; mail: Record<string, unknown>[] } };
  };
  const metricsText = async () => (await fetch(`http://127.0.0.1:${service!.httpPort}/metrics`)).text();

  it("reports 'degraded' with an alert sentence until the password matches, then 'ok'", async () => {
    const url = withPassword(dovecot.url(), ROTATED_PASSWORD);
    service = await startTestService(db, { IMAP_URL: url, INBOUND_SMTP_ENABLED: 'false' });
    const key = `imap:${dovecot.user}@127.0.0.1:${dovecot.port}/INBOX`;

    const degraded = await eventually(async () => {
      const h = await health();
      return Number(h.mail[0]?.consecutiveFailures) >= 2 && h.mail[0]?.nextRetryAt ? { h, seenAt: Date.now() } : undefined;
    }, 20_000, 'two refused logins in /health');
    const { h } = degraded;
    expect(h.httpStatus).toBe(200);
    expect(h.status).toBe('degraded');
    expect(h.mail[0]).toMatchObject({ name: key, kind: 'imap', connected: false, authFailed: true });
    expect(Date.parse(String(h.mail[0]!.nextRetryAt))).toBeGreaterThan(degraded.seenAt - 1000);
    expect(h.alerts).toHaveLength(1);
    expect(h.alerts[0]).toMatch(new RegExp(
      `^IMAP mailbox ${key.replace(/[.]/g, '\\.')}: login refused \\d+ times since \\d\\d:\\d\\d UTC \\(check the user name and password\\); next attempt at \\d\\d:\\d\\d:\\d\\d UTC$`,
    ));
    expect(JSON.stringify(h)).not.toContain(ROTATED_PASSWORD);

    const text = await metricsText();
    expect(text).toMatch(new RegExp(`firstreply_imap_failures_total\\{mailbox="${key.replace(/[.]/g, '\\.')}",kind="auth"\\} [2-9]`));
    expect(text).toContain(`firstreply_imap_connected{mailbox="${key}"} 0`);

    await dovecot.setPassword(ROTATED_PASSWORD);
    const ok = await eventually(async () => { const x = await health(); return x.status === 'ok' ? x : undefined; }, 20_000, "'ok' after the password matches");
    expect(ok.alerts).toEqual([]);
    expect(ok.mail[0]).toMatchObject({ connected: true, authFailed: false, consecutiveFailures: 0, nextRetryAt: null });
    expect(await metricsText()).toContain(`firstreply_imap_connected{mailbox="${key}"} 1`);
  });
});
