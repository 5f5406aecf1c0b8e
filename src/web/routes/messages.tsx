// GET /app/messages/:id/html: a customer's HTML mail, sanitised, for the case page's sandboxed iframe. Served with
// its own CSP (no scripts, inline CSS, data: images; remote images only with ?images=1) instead of the pages' one.
import { Hono } from 'hono';
import type { Db } from '../../db/client.js';
import { mayUse } from '../access.js';
import type { WebEnv } from '../env.js';
import { frameCsp, frameDocument, sanitizeEmailHtml } from '../email-html.js';
import { messageHtml } from '../queries/cases.js';

export function messageFrameRoutes(db: Db) {
  return new Hono<WebEnv>().get('/:id/html', async (c) => {
    const headers = {
      'content-security-policy': frameCsp(c.req.query('images') === '1'),
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
      'cross-origin-resource-policy': 'same-origin',
    };
    if (!mayUse(c.get('viewer').role, 'inbox')) return c.text('not allowed', 403, headers);
    const { html } = await messageHtml(db, c.req.param('id'));
    return c.html(frameDocument(sanitizeEmailHtml(html ?? '')), 200, headers);
  });
}
