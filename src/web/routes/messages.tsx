// GET /app/messages/:id/html: a customer's HTML mail, sanitised, for the case page's sandboxed iframe. Served with
// its own CSP (no scripts, inline CSS, data: images; remote images only with ?images=1) instead of the pages' one.
// GET /app/messages/:id/attachments/:n (a download) and .../:n/preview (raster images only), see ../attachments.ts.
import { Hono, type Context } from 'hono';
import type { Db } from '../../db/client.js';
import { mayUse } from '../access.js';
import type { WebEnv } from '../env.js';
import { frameCsp, frameDocument, sanitizeEmailHtml } from '../email-html.js';
import { messageHtml } from '../queries/cases.js';
import type { RawStore } from '../../mail/raw-store.js';
import { attachmentResponse } from '../attachments.js';

export function messageFrameRoutes(db: Db, rawStore: RawStore) {
  const attachment = (mode: 'download' | 'preview') => async (c: Context<WebEnv>) => {
    if (!mayUse(c.get('viewer').role, 'inbox')) return c.text('not allowed', 403);
    const index = Number(c.req.param('n'));
    const { body, headers } = await attachmentResponse(db, rawStore, c.req.param('id')!, index, mode);
    return c.body(new Uint8Array(body), 200, headers);
  };
  return new Hono<WebEnv>()
    .get('/:id/attachments/:n{[0-9]{1,4}}', attachment('download'))
    .get('/:id/attachments/:n{[0-9]{1,4}}/preview', attachment('preview'))
    .get('/:id/html', async (c) => {
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
