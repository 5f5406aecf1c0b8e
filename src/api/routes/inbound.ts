import { Hono } from 'hono';
import type { Inbound } from '../../mail/inbound.js';
import { DEFAULT_MAILBOX_KEY } from '../../mailboxes/sync.js';
import { requireBearer } from '../auth.js';
import { boundedBody, clientIp, rateLimit, TokenBucketLimiter, type RateLimitOptions } from '../rate-limit.js';

/** Generous: a provider's webhook delivering a backlog must not be throttled, a runaway script or a token guesser is. */
export const DEFAULT_INBOUND_RATE_LIMIT: RateLimitOptions = { ratePerSecond: 50, burst: 200 };

/**
 * POST /api/inbound/raw — a raw RFC 822 message from a provider's webhook or a script. Rate-limited per client IP
 * before the token check (so guessing tokens is throttled too) and per token after it (there is one token: this caps
 * accepted messages across all addresses).
 */
export function inboundRoutes(
  inbound: Inbound,
  token: string | undefined,
  maxBytes: number,
  opts: { rateLimit?: RateLimitOptions; clientIp?: typeof clientIp } = {},
) {
  const { ratePerSecond, burst } = opts.rateLimit ?? DEFAULT_INBOUND_RATE_LIMIT;
  const perIp = new TokenBucketLimiter(ratePerSecond, burst);
  const perToken = new TokenBucketLimiter(ratePerSecond, burst);
  const ipOf = opts.clientIp ?? clientIp;
  return new Hono().post(
    '/raw',
    rateLimit(perIp, (c) => `ip:${ipOf(c)}`, 'the inbound endpoint'),
    requireBearer(token, 'the inbound endpoint'),
    rateLimit(perToken, () => 'token:inbound', 'the inbound endpoint'),
    boundedBody(maxBytes, `the message is larger than ${maxBytes} bytes`),
    async (c) => {
      const raw = Buffer.from(await c.req.arrayBuffer());
      const mailbox = inbound.mailboxByKey(c.req.query('mailbox') ?? DEFAULT_MAILBOX_KEY);
      const stored = await inbound.receive(mailbox, 'webhook', raw);
      return c.json({ id: stored.id, duplicate: stored.duplicate }, 202);
    },
  );
}
