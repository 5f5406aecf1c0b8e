import { describe, expect, it } from 'vitest';
import { SignInThrottle } from './signin-throttle.js';

const setup = (max = 10) => {
  let now = 1_000_000;
  const throttle = new SignInThrottle({ maxFailures: max, windowMs: 15 * 60_000, now: () => now });
  return { throttle, advance: (ms: number) => void (now += ms) };
};

describe('SignInThrottle', () => {
  it("a stranger's failures never stop the account's owner elsewhere", () => {
    const { throttle } = setup();
    for (let i = 0; i < 50; i++) throttle.fail('203.0.113.9', 'ann@shop.test');
    expect(throttle.retryAfterMs('203.0.113.9', 'ann@shop.test')).toBeGreaterThan(0);
    expect(throttle.retryAfterMs('198.51.100.4', 'ann@shop.test')).toBe(0);
  });

  it.each([
    // failures so far -> wait after the last one (3 free failures, then 1 s doubling)
    [1, 0], [2, 0], [3, 1000], [4, 2000], [5, 4000], [6, 8000], [8, 32_000],
  ])('after %i failures of one client and account the next try waits %i ms', (failures, wait) => {
    const { throttle } = setup(100);
    for (let i = 0; i < failures; i++) throttle.fail('192.0.2.1', 'ann@shop.test');
    expect(throttle.retryAfterMs('192.0.2.1', 'ann@shop.test')).toBe(wait);
  });

  it('the delay runs out, and a success clears the streak', () => {
    const { throttle, advance } = setup(100);
    for (let i = 0; i < 5; i++) throttle.fail('192.0.2.1', 'ann@shop.test');
    advance(4000);
    expect(throttle.retryAfterMs('192.0.2.1', 'ann@shop.test')).toBe(0);
    throttle.succeed('192.0.2.1', 'ann@shop.test');
    throttle.fail('192.0.2.1', 'ann@shop.test');
    expect(throttle.retryAfterMs('192.0.2.1', 'ann@shop.test')).toBe(0);
  });

  it('one address spraying many accounts is stopped at the limit, for every account from that address only', () => {
    const { throttle } = setup(10);
    for (let i = 0; i < 10; i++) throttle.fail('192.0.2.7', `user${i}@shop.test`);
    expect(throttle.retryAfterMs('192.0.2.7', 'someone@shop.test')).toBeGreaterThan(60_000);
    expect(throttle.retryAfterMs('192.0.2.8', 'user1@shop.test')).toBe(0);
  });
});
