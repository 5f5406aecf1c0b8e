import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { AppError } from '../../errors.js';
import type { Inbound } from '../../mail/inbound.js';
import { DEFAULT_MAILBOX_KEY } from '../../mailboxes/sync.js';
import { requireBearer } from '../auth.js';

/** POST /api/inbound/raw — a raw RFC 822 message from a provider's webhook or a script. */
export function inboundRoutes(inbound: Inbound, token: string | undefined, maxBytes: number) {
  return new Hono().post(
    '/raw',
    requireBearer(token, 'the inbound endpoint'),
    bodyLimit({ maxSize: maxBytes, onError: () => { throw new AppError('payload_too_large', `the message is larger than ${maxBytes} bytes`); } }),
    async (c) => {
      const raw = Buffer.from(await c.req.arrayBuffer());
      const mailbox = inbound.mailboxByKey(c.req.query('mailbox') ?? DEFAULT_MAILBOX_KEY);
      const stored = await inbound.receive(mailbox, 'webhook', raw);
      return c.json({ id: stored.id, duplicate: stored.duplicate }, 202);
    },
  );
}
