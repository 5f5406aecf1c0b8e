// A sending MTA in miniature, for the chaos and burst scripts: every message is retried until the listener answers
// 250 — after a 4xx answer and after connection trouble (refused, reset, timed out), with exponential backoff and
// jitter, like Postfix's deferred queue compressed to seconds. A 5xx answer is final, as it is for a real MTA.
import { performance } from 'node:perf_hooks';
import nodemailer, { type Transporter } from 'nodemailer';

export interface Delivery {
  /** the customer Message-ID, without angle brackets */
  key: string;
  raw: Buffer;
  from: string;
  to: string;
  /** performance.now() when the message was handed to the MTA (it was "offered") */
  offeredAt?: number;
  /** when the listener answered 250 */
  acceptedAt?: number;
  attempts: number;
  /** 4xx answers (451 while the database is away, 421 too many connections) */
  tempFailures: number;
  /** connection refused / reset / timed out: the listener was gone */
  connErrors: number;
  permanentError?: string;
  lastError?: string;
  gaveUp?: boolean;
}

export function delivery(key: string, raw: Buffer, from: string, to: string): Delivery {
  return { key, raw, from, to, attempts: 0, tempFailures: 0, connErrors: 0 };
}

export interface MtaOptions {
  port: number;
  /** parallel SMTP connections, pooled and reused (a new connection costs smtp-server ~100 ms) */
  connections?: number;
  backoff?: { initialMs: number; maxMs: number };
  /** stop retrying one message after this long (a real MTA keeps it for days) */
  giveUpMs?: number;
  socketTimeoutMs?: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

export class RetryingMta {
  private transport: Transporter;
  private closed = false;
  readonly counters = { attempts: 0, accepted: 0, tempFailures: 0, connErrors: 0, permanent: 0, codes: {} as Record<string, number> };

  constructor(private readonly o: MtaOptions) {
    this.transport = this.createTransport();
  }

  private createTransport(): Transporter {
    return nodemailer.createTransport({
      host: '127.0.0.1', port: this.o.port, secure: false, ignoreTLS: true,
      pool: true, maxConnections: this.o.connections ?? 4, maxMessages: Infinity,
      connectionTimeout: 5000, greetingTimeout: 5000, socketTimeout: this.o.socketTimeoutMs ?? 30_000,
    });
  }

  /** Resolves once the message was accepted (250), refused for good (5xx), or given up on. Never rejects. */
  async submit(d: Delivery): Promise<Delivery> {
    const { initialMs, maxMs } = this.o.backoff ?? { initialMs: 250, maxMs: 4000 };
    d.offeredAt ??= performance.now();
    const deadline = d.offeredAt + (this.o.giveUpMs ?? 10 * 60_000);
    for (let retry = 0; !this.closed; retry++) {
      d.attempts++;
      this.counters.attempts++;
      try {
        await this.transport.sendMail({ envelope: { from: d.from, to: [d.to] }, raw: d.raw });
        d.acceptedAt = performance.now();
        this.counters.accepted++;
        return d;
      } catch (err) {
        const e = err as { responseCode?: number; code?: string; message?: string };
        d.lastError = `${e.responseCode ?? e.code ?? ''} ${e.message ?? String(err)}`.trim().slice(0, 200);
        const label = String(e.responseCode ?? e.code ?? 'error');
        this.counters.codes[label] = (this.counters.codes[label] ?? 0) + 1;
        if (typeof e.responseCode === 'number' && e.responseCode >= 500) {
          d.permanentError = d.lastError;
          this.counters.permanent++;
          return d;
        }
        if (typeof e.responseCode === 'number' && e.responseCode >= 400) {
          d.tempFailures++;
          this.counters.tempFailures++;
        } else {
          d.connErrors++;
          this.counters.connErrors++;
        }
      }
      const wait = Math.min(maxMs, initialMs * 2 ** Math.min(retry, 20));
      if (performance.now() + wait > deadline) break;
      await sleep(wait * (0.75 + Math.random() * 0.5));
    }
    d.gaveUp = true;
    return d;
  }

  close(): void {
    this.closed = true;
    this.transport.close();
  }
}

/** Offers `items` on an absolute schedule (`perSecond`), without waiting for earlier ones: an MTA's queue fills up. */
export async function offerAtRate<T>(items: T[], perSecond: number, submit: (item: T, index: number) => Promise<unknown>, onTick?: (index: number) => void | Promise<void>): Promise<void> {
  const interval = 1000 / perSecond;
  const inflight: Promise<unknown>[] = [];
  const t0 = performance.now() + 20;
  for (let i = 0; i < items.length; i++) {
    await sleep(t0 + i * interval - performance.now());
    await onTick?.(i);
    inflight.push(submit(items[i]!, i));
  }
  await Promise.all(inflight);
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export const round = (n: number, d = 1) => (Number.isFinite(n) ? Math.round(n * 10 ** d) / 10 ** d : n);

export function summary(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  return { n: s.length, p50: round(percentile(s, 50)), p99: round(percentile(s, 99)), max: round(s[s.length - 1] ?? NaN) };
}

/** Simple `--name value` / `--name=value` / `--flag` parsing; numbers where the default is a number. */
export function parseFlags<T extends Record<string, string | number | boolean>>(defaults: T, argv = process.argv.slice(2)): T {
  const out: Record<string, string | number | boolean> = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}`);
    let [name, value] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (!(name in defaults)) throw new Error(`unknown flag --${name}; known: ${Object.keys(defaults).map((k) => `--${k}`).join(' ')}`);
    if (typeof defaults[name] === 'boolean' && value === undefined) { out[name] = true; continue; }
    value ??= argv[++i];
    if (value === undefined) throw new Error(`--${name} needs a value`);
    if (typeof defaults[name] === 'number') {
      const n = Number(value);
      if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number`);
      out[name] = n;
    } else if (typeof defaults[name] === 'boolean') out[name] = value !== 'false' && value !== '0';
    else out[name] = value;
  }
  return out as T;
}
