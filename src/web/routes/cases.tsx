// The agents' pages: the inbox (live over server-sent events), "take next", the case page and its actions, and
// the customer's HTML mail for the case page's sandboxed frame. Actions call the same Review use cases as the API.
import { Hono, type Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { casePriorities } from '../../db/schema/cases.js';
import { findSession } from '../../auth/sessions.js';
import { AppError } from '../../errors.js';
import type { RawStore } from '../../mail/raw-store.js';
import type { Review } from '../../review/actions.js';
import { mergeCase } from '../../review/merge-cases.js';
import { addCaseNote } from '../../review/notes.js';
import { insertSavedReply, listSavedReplies } from '../../review/saved-replies.js';
import { caseDetail, nextUnclaimed } from '../../review/inbox.js';
import { field, formOf, render, type WebEnv } from '../env.js';
import type { LiveHub } from '../live.js';
import { ATTACHMENT_PARSE_LIMIT, listAttachments, type AttachmentInfo } from '../attachments.js';
import { CasePage } from '../pages/case.js';
import { rejectReason } from '../reject-reason.js';
import { messageExtras } from '../queries/cases.js';
import { listMailboxNames } from '../../mailboxes/queries.js';
import { readSessionToken, type SessionConfig } from '../session-http.js';
import { allow } from './guards.js';

const SESSION_RECHECK_MS = 30_000;

const actor = (c: Context<WebEnv>) => ({ id: c.get('viewer').id, name: c.get('viewer').name });

async function attachmentsOf(db: Db, rawStore: RawStore, messages: { id: string; size: number }[]) {
  const out = new Map<string, AttachmentInfo[] | 'unavailable'>();
  await Promise.all(messages.map(async (m) => {
    if (m.size > ATTACHMENT_PARSE_LIMIT) return void out.set(m.id, 'unavailable');
    try {
      out.set(m.id, await listAttachments(db, rawStore, m.id));
    } catch {
      out.set(m.id, 'unavailable');
    }
  }));
  return out;
}

export function casePageRoutes(deps: { db: Db; review: Review; rawStore: RawStore; hub: LiveHub; config: SessionConfig & Pick<Config, 'SESSION_TTL_HOURS'> }) {
  const { db, review, hub } = deps;

  const casePage = async (c: Context<WebEnv>, id: string, extra: { error?: string; draftBody?: string; status?: 200 | 400 | 409 } = {}) => {
    const detail = await caseDetail(db, id);
    const now = new Date();
    const [extras, attachments, mark, names, replies] = await Promise.all([
      messageExtras(db, detail.case.id), attachmentsOf(db, deps.rawStore, detail.messages), hub.caseMark(detail.case.id), listMailboxNames(db),
      listSavedReplies(db, detail.case.language),
    ]);
    const images = new Set([c.req.query('images')].filter((v): v is string => !!v));
    return render(c, (
      <CasePage viewer={c.get('viewer')} detail={detail} extras={extras} attachments={attachments} viewers={hub.viewersOf(detail.case.id)} now={now}
        mark={mark} mailbox={names.get(detail.case.mailboxId)} notice={c.req.query('done')} error={extra.error} draftBody={extra.draftBody} remoteImages={images}
        savedReplies={replies.map((r) => ({ id: r.id, title: r.title }))} mailboxNames={names} />
    ), extra.status ?? 200);
  };

  /** Runs an action; refusals (held by someone else, nothing to approve, an empty reason) come back on the case page. */
  const action = (name: string, run: (id: string, form: Awaited<ReturnType<typeof formOf>>, c: Context<WebEnv>) => Promise<unknown>) => async (c: Context<WebEnv>) => {
    const id = c.req.param('id')!;
    const form = await formOf(c);
    try {
      await run(id, form, c);
    } catch (err) {
      if (!(err instanceof AppError) || !['conflict', 'bad_request'].includes(err.code)) throw err;
      const status = err.code === 'conflict' ? 409 : 400;
      const holder = (err.details?.holder as { name?: string } | null | undefined)?.name;
      const message = holder ? `Held by ${holder}: ${err.message}` : err.message;
      const body = field(form, 'body');
      return casePage(c, id, { error: message, draftBody: body || undefined, status });
    }
    return c.redirect(`/app/cases/${id}?done=${name}`, 303);
  };
  const reason = (form: Awaited<ReturnType<typeof formOf>>, label: string) => {
    const text = field(form, 'reason').trim();
    if (!text) throw new AppError('bad_request', `Give a reason for ${label}.`);
    return text.slice(0, 2000);
  };

  return new Hono<WebEnv>()
    .use('/inbox/*', allow('inbox'))
    .use('/inbox', allow('inbox'))
    .use('/cases/*', allow('inbox'))
    .use('/events', allow('inbox'))
    .post('/inbox/next', async (c) => {
      const next = await nextUnclaimed(db, {}, new Date());
      if (!next) return c.redirect('/app/inbox?done=queue-empty', 303);
      try {
        await review.claim(next, actor(c));
      } catch (err) {
        // Someone took it in the same instant: show the inbox again rather than an error page.
        if (err instanceof AppError && err.code === 'conflict') return c.redirect('/app/inbox?done=taken-meanwhile', 303);
        throw err;
      }
      return c.redirect(`/app/cases/${next}?done=claimed`, 303);
    })
    // Server-sent events: "changed" when anything in the queue moved, "case" when this page's case did, "viewers"
    // with who else has it open. The page embeds the signatures it was rendered from, so nothing is missed.
    .get('/events', async (c) => {
      const viewer = c.get('viewer');
      const caseId = /^[0-9a-f-]{36}$/i.test(c.req.query('case') ?? '') ? c.req.query('case') : undefined;
      const since = c.req.query('since') ?? '';
      const token = readSessionToken(c, deps.config);
      c.header('cache-control', 'no-store');
      c.header('x-accel-buffering', 'no');
      return streamSSE(c, async (stream) => {
        let closed = false;
        let caseSince = since;
        let lastMarks = caseId ? '' : since;
        const send = (event: string, data: unknown) => {
          if (!closed) stream.writeSSE({ event, data: JSON.stringify(data) }).catch(() => undefined);
        };
        const checkCase = async () => {
          if (!caseId) return;
          const mark = await hub.caseMark(caseId).catch(() => caseSince);
          if (mark !== caseSince) {
            caseSince = mark;
            send('case', { mark });
          }
        };
        const subscription = hub.subscribe({
          userId: viewer.id, name: viewer.name, caseId,
          changed: (marks) => {
            if (marks === lastMarks) return;
            lastMarks = marks;
            if (caseId) void checkCase();
            else send('changed', { marks });
          },
          viewers: () => caseId && send('viewers', { names: hub.viewersOf(caseId).filter((v) => v.id !== viewer.id).map((v) => v.name) }),
        });
        let subscribed = true;
        const unsubscribe = () => {
          if (subscribed) subscription();
          subscribed = false;
        };
        // The viewer list must shrink as soon as the page goes away, not at the next keep-alive.
        stream.onAbort(() => {
          closed = true;
          unsubscribe();
        });
        try {
          send('hello', { ok: true });
          if (caseId) send('viewers', { names: hub.viewersOf(caseId).filter((v) => v.id !== viewer.id).map((v) => v.name) });
          // Anything that changed between rendering the page and connecting.
          const now = await hub.marks();
          if (caseId) await checkCase();
          else if (now !== since) {
            lastMarks = now;
            send('changed', { marks: now });
          }
          while (!closed) {
            await stream.sleep(SESSION_RECHECK_MS);
            if (closed) break;
            // A signed-out or expired session stops receiving updates (the browser reconnects and gets 401).
            if (!token || !(await findSession(db, token, { ttlHours: deps.config.SESSION_TTL_HOURS }))) break;
            await stream.write(': keep-alive\n\n');
          }
        } finally {
          closed = true;
          unsubscribe();
        }
      });
    })
    .get('/cases/:id', (c) => casePage(c, c.req.param('id')))
    .post('/cases/:id/claim', action('claimed', (id, _f, c) => review.claim(id, actor(c))))
    .post('/cases/:id/release', action('released', (id, _f, c) => review.release(id, actor(c))))
    .post('/cases/:id/draft', action('draft-saved', (id, f, c) => {
      const body = field(f, 'body');
      if (!body.trim()) throw new AppError('bad_request', 'The reply is empty.');
      return review.editDraft(id, actor(c), { body: body.slice(0, 100_000) });
    }))
    .post('/cases/:id/approve', action('sent', (id, f, c) => {
      const body = field(f, 'body');
      return review.approve(id, actor(c), body.trim() ? { body: body.slice(0, 100_000) } : {});
    }))
    .post('/cases/:id/reject', action('draft-rejected', (id, f, c) => review.reject(id, actor(c), { reason: rejectReason(field(f, 'reasonKind'), field(f, 'reason')) })))
    .post('/cases/:id/escalate', action('escalated', (id, f, c) => {
      const team = field(f, 'team').trim().slice(0, 100);
      return review.escalate(id, actor(c), { reason: reason(f, 'escalating'), ...(team ? { team } : {}) });
    }))
    .post('/cases/:id/label', action('labelled', (id, f, c) => review.labelQuestion(id, actor(c), { articleId: field(f, 'articleId').trim() || null })))
    .post('/cases/:id/saved-reply', action('saved-reply-inserted', (id, f, c) =>
      insertSavedReply(db, review, id, actor(c), Number(field(f, 'savedReplyId')), field(f, 'body').slice(0, 100_000))))
    .post('/cases/:id/notes', action('note-added', (id, f, c) => addCaseNote(db, id, actor(c), { body: field(f, 'note') })))
    // Always the newer case into the older (the suggestion says which); redirected to the case that remains.
    .post('/cases/:id/merge', async (c) => {
      let target: string | undefined;
      const run = action('merged', async (id, f, cc) => {
        const into = field(f, 'into').trim().slice(0, 64);
        if (!into) throw new AppError('bad_request', 'Say which case to merge into (its reference, like FR-7K3Q9X).');
        target = (await mergeCase(db, { source: id, into }, actor(cc))).target.id;
      });
      const res = await run(c);
      return target ? c.redirect(`/app/cases/${target}?done=merged`, 303) : res;
    })
    .post('/cases/:id/resolve', action('resolved', (id, _f, c) => review.resolve(id, actor(c))))
    .post('/cases/:id/reopen', action('reopened', (id, _f, c) => review.reopen(id, actor(c))))
    .post('/cases/:id/triage', action('triaged', (id, f, c) => {
      const priority = field(f, 'priority');
      if (!casePriorities.includes(priority as never)) throw new AppError('bad_request', `Priority must be one of ${casePriorities.join(', ')}.`);
      const category = field(f, 'category').trim().slice(0, 100);
      return review.triage(id, actor(c), { priority: priority as (typeof casePriorities)[number], category: category || null });
    }));
}
