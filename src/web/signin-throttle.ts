// Sign-in failures, counted where they come from. Keyed on the email alone, ten wrong passwords from anywhere lock the
// real user out from everywhere: anyone who knows an agent's address can keep them out. So failures are counted per
// client address and account together (a guesser slows down only themselves, growing delay, then a hard stop), and
// per client address over all accounts (a spray of addresses from one place). Nothing is keyed on the email alone.
import { FailureLimiter } from './rate-limit.js';

export interface SignInThrottleOptions {
  /** failures per address + account, and per address, within the window (SIGNIN_MAX_ATTEMPTS_PER_15MIN) */
  maxFailures: number;
  windowMs: number;
  /** failures of one address + account before the delay starts growing */
  freeFailures?: number;
  /** the first delay; doubled with every further failure, up to the window */
  baseDelayMs?: number;
  now?: () => number;
}

export class SignInThrottle {
  private readonly limiter: FailureLimiter;
  private readonly streaks = new Map<string, { failures: number; last: number }>();
  private readonly now: () => number;

  constructor(private readonly o: SignInThrottleOptions) {
    this.now = o.now ?? Date.now;
    this.limiter = new FailureLimiter(o.maxFailures, o.windowMs, this.now);
  }

  /** Milliseconds this client must wait before trying this account again (0: try now). */
  retryAfterMs(ip: string, email: string): number {
    const pair = pairKey(ip, email);
    return Math.max(this.limiter.retryAfterMs(`ip:${ip}`), this.limiter.retryAfterMs(pair), this.delayMs(pair));
  }

  fail(ip: string, email: string): void {
    const pair = pairKey(ip, email);
    this.limiter.fail(`ip:${ip}`);
    this.limiter.fail(pair);
    const streak = this.current(pair);
    this.streaks.delete(pair);
    this.streaks.set(pair, { failures: (streak?.failures ?? 0) + 1, last: this.now() });
    if (this.streaks.size > 100_000) this.streaks.delete(this.streaks.keys().next().value!);
  }

  /** A successful sign-in clears this client's record for the account (not the address's count over all accounts). */
  succeed(ip: string, email: string): void {
    const pair = pairKey(ip, email);
    this.limiter.reset(pair);
    this.streaks.delete(pair);
  }

  private delayMs(pair: string): number {
    const streak = this.current(pair);
    const free = this.o.freeFailures ?? 3;
    if (!streak || streak.failures < free) return 0;
    const delay = Math.min((this.o.baseDelayMs ?? 1000) * 2 ** (streak.failures - free), this.o.windowMs);
    return Math.max(0, streak.last + delay - this.now());
  }

  private current(pair: string) {
    const streak = this.streaks.get(pair);
    if (streak && this.now() - streak.last > this.o.windowMs) {
      this.streaks.delete(pair);
      return undefined;
    }
    return streak;
  }
}

const pairKey = (ip: string, email: string) => `pair:${ip}|${email}`;
