import { z } from 'zod';
import type { Inbound } from '../../mail/inbound.js';
import { DEFAULT_MAILBOX_KEY } from '../../mailboxes/sync.js';
import { requireBearer } from '../auth.js';
import { apiRoutes } from '../route-registry.js';
import { boundedBody, clientIp, createRateLimiter, MEMORY_RATE_LIMITS, rateLimit, type RateLimitOptions, type RateLimitStore } from '../rate-limit.js';

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
  opts: { rateLimit?: RateLimitOptions; clientIp?: typeof clientIp; store?: RateLimitStore } = {},
) {
  const rate = opts.rateLimit ?? DEFAULT_INBOUND_RATE_LIMIT;
  const store = opts.store ?? MEMORY_RATE_LIMITS;
  const perIp = createRateLimiter(store, 'inbound-ip', rate);
  const perToken = createRateLimiter(store, 'inbound-token', rate);
  const ipOf = opts.clientIp ?? clientIp;
  return apiRoutes({ access: 'inbound-token' }).route({
    method: 'post',
    path: '/raw',
    summary: 'Receive a raw RFC 822 message (a provider webhook or a script)',
    description: 'Rate-limited per client IP before the token check and for the token after it (429 with Retry-After).',
    query: z.object({ mailbox: z.string().optional().meta({ description: `the mailbox key; default '${DEFAULT_MAILBOX_KEY}'` }) }),
    rawBody: { contentType: 'message/rfc822', description: `the message, up to ${maxBytes} bytes` },
    responses: { 202: { description: 'stored (or a duplicate of a stored message)', schema: z.object({ id: z.string(), duplicate: z.boolean() }) } },
    middleware: [
      rateLimit(perIp, (c) => `ip:${ipOf(c)}`, 'the inbound endpoint'),
      requireBearer(token, 'the inbound endpoint'),
      rateLimit(perToken, () => 'token:inbound', 'the inbound endpoint'),
      boundedBody(maxBytes, `the message is larger than ${maxBytes} bytes`),
    ],
  }, async (c, { query }) => {
    const raw = Buffer.from(await c.req.arrayBuffer());
    const mailbox = inbound.mailboxByKey(query.mailbox ?? DEFAULT_MAILBOX_KEY);
    const stored = await inbound.receive(mailbox, 'webhook', raw);
    return c.json({ id: stored.id, duplicate: stored.duplicate }, 202);
  }).hono;
}
