import { describe, expect, it } from 'vitest';
import { FailureLimiter } from './rate-limit.js';

describe('FailureLimiter', () => {
  const setup = (max = 3, windowMs = 1000) => {
    let now = 10_000;
    const limiter = new FailureLimiter(max, windowMs, () => now);
    return { limiter, advance: (ms: number) => void (now += ms) };
  };

  it('allows up to max failures, then blocks until the oldest failure leaves the window', () => {
    const { limiter, advance } = setup();
    for (let i = 0; i < 3; i++) {
      expect(limiter.retryAfterMs('ip')).toBe(0);
      limiter.fail('ip');
      advance(100);
    }
    // Failures at 10000, 10100, 10200; now 10300: the first expires at 11000.
    expect(limiter.retryAfterMs('ip')).toBe(700);
    advance(699);
    expect(limiter.retryAfterMs('ip')).toBe(1);
    advance(1);
    expect(limiter.retryAfterMs('ip')).toBe(0);
  });

  it('keeps keys apart and forgets a key on reset', () => {
    const { limiter } = setup(1);
    limiter.fail('a@example.com');
    expect(limiter.retryAfterMs('a@example.com')).toBeGreaterThan(0);
    expect(limiter.retryAfterMs('b@example.com')).toBe(0);
    limiter.reset('a@example.com');
    expect(limiter.retryAfterMs('a@example.com')).toBe(0);
  });

  it('bounds memory by dropping the oldest keys', () => {
    const limiter = new FailureLimiter(1, 60_000, () => 0, 2);
    limiter.fail('k1');
    limiter.fail('k2');
    limiter.fail('k3');
    expect(limiter.retryAfterMs('k1')).toBe(0);
    expect(limiter.retryAfterMs('k3')).toBeGreaterThan(0);
  });
});
