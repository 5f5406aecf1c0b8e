// Knowledge base → Saved replies: list (anyone who reads the knowledge base), create and delete (its curators).
import { Hono } from 'hono';
import type { Db } from '../../db/client.js';
import { AppError } from '../../errors.js';
import { createSavedReply, deleteSavedReply, listSavedReplies } from '../../review/saved-replies.js';
import { field, formOf, render, type WebEnv } from '../env.js';
import { SavedRepliesPage } from '../pages/saved-replies.js';
import { allow } from './guards.js';

export function savedReplyRoutes(db: Db) {
  const actor = (c: { get(k: 'viewer'): { id: string; name: string } }) => ({ id: c.get('viewer').id, name: c.get('viewer').name });
  return new Hono<WebEnv>()
    .get('/saved-replies', allow('kb'), async (c) =>
      render(c, <SavedRepliesPage viewer={c.get('viewer')} replies={await listSavedReplies(db)} notice={c.req.query('done')} />))
    .post('/saved-replies', allow('kbWrite'), async (c) => {
      const form = await formOf(c);
      const values = { language: field(form, 'language'), title: field(form, 'title'), body: field(form, 'body') };
      try {
        await createSavedReply(db, actor(c), values);
      } catch (err) {
        if (!(err instanceof AppError) || err.code !== 'bad_request') throw err;
        const errors = (err.details?.fields as Record<string, string> | undefined) ?? { body: err.message };
        return render(c, <SavedRepliesPage viewer={c.get('viewer')} replies={await listSavedReplies(db)} values={values} errors={errors} />, 400);
      }
      return c.redirect('/app/kb/saved-replies?done=saved-reply-saved', 303);
    })
    .post('/saved-replies/:id/delete', allow('kbWrite'), async (c) => {
      const id = c.req.param('id');
      if (!/^[0-9]{1,9}$/.test(id)) throw new AppError('not_found', 'no such saved reply');
      await deleteSavedReply(db, actor(c), Number(id));
      return c.redirect('/app/kb/saved-replies?done=saved-reply-deleted', 303);
    });
}
