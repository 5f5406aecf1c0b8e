// Whether our DNS works at all. DMARC "none" means "this domain publishes no policy", which is also exactly what a
// resolver answering NXDOMAIN for everything (or a firewall eating DNS) produces: every domain, paypal.com included,
// would look unprotected and a forged From would be acknowledged. A name that must resolve tells the two apart: while
// it does not, DMARC results count as temperror ("not verified: DNS failed") and /health raises an alert.
import type { MailConnectionStatus } from './connection-status.js';
import type { Resolver } from './sender-auth.js';

export interface CanaryState {
  ok: boolean;
  checkedAt: Date;
  error?: string;
}

export class DnsCanary {
  private last: CanaryState | null = null;
  private failures = 0;
  private failingSince: Date | null = null;
  private running: Promise<CanaryState> | null = null;

  constructor(
    private readonly resolver: Resolver,
    readonly name: string,
    private readonly intervalMs: number,
    private readonly timeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The state no older than the interval, looked up first when it is (one lookup at a time, shared). */
  async fresh(): Promise<CanaryState> {
    if (this.last && this.now() - this.last.checkedAt.getTime() < this.intervalMs) return this.last;
    return this.check();
  }

  check(): Promise<CanaryState> {
    this.running ??= this.lookup().finally(() => { this.running = null; });
    return this.running;
  }

  private async lookup(): Promise<CanaryState> {
    let timer: NodeJS.Timeout | undefined;
    let state: CanaryState;
    try {
      const answers = await Promise.race([
        this.resolver(this.name, 'TXT'),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(Object.assign(new Error(`timed out after ${this.timeoutMs} ms`), { code: 'ETIMEOUT' })), this.timeoutMs);
          timer.unref();
        }),
      ]);
      state = answers.length > 0 ? { ok: true, checkedAt: new Date(this.now()) } : { ok: false, checkedAt: new Date(this.now()), error: 'no answer' };
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      state = { ok: false, checkedAt: new Date(this.now()), error: typeof code === 'string' ? code : err instanceof Error ? err.message : String(err) };
    } finally {
      clearTimeout(timer);
    }
    this.failures = state.ok ? 0 : this.failures + 1;
    this.failingSince = state.ok ? null : this.failingSince ?? state.checkedAt;
    this.last = state;
    return state;
  }

  /** For /health: the last state (a stale one starts a new lookup in the background); nothing before the first lookup. */
  status(): MailConnectionStatus[] {
    if (!this.last || this.now() - this.last.checkedAt.getTime() >= this.intervalMs) void this.check().catch(() => undefined);
    if (!this.last) return [];
    return [{
      name: `DNS canary ${this.name}`,
      kind: 'dns',
      connected: this.last.ok,
      consecutiveFailures: this.failures,
      failingSince: this.failingSince?.toISOString() ?? null,
      ...(this.last.error ? { lastError: this.last.error } : {}),
      ...(this.last.ok ? {} : {
        alert: `DNS looks broken: the lookup of ${this.name} (TXT), which must resolve, failed ${this.failures} time${this.failures === 1 ? '' : 's'}`
          + ` (last: ${this.last.error ?? 'no answer'}). DMARC cannot be checked, so senders count as "not verified: DNS failed";`
          + ' fix the resolver, or name a record your resolver can reach in DNS_CANARY_NAME.',
      }),
    }];
  }
}
