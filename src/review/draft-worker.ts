// Writes the drafts the pipeline queued (status 'pending'): gathers the customer's words, the matched articles
// (in the customer's language where a translation exists) and composes. With a chat model configured and
// unavailable, the offline draft stands and the model is tried again later on drafts nobody touched yet.
import { and, desc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { cases } from '../db/schema/cases.js';
import { articles } from '../db/schema/kb.js';
import { caseMatches } from '../db/schema/matches.js';
import { inboundMessages } from '../db/schema/messages.js';
import { drafts } from '../db/schema/review.js';
import type { Draft, DraftArticle, DraftInput } from '../drafts/draft.js';
import { customerText, templateLanguage } from '../domain/language.js';
import { errorMessage } from '../errors.js';
import { sameLanguage } from '../kb/language-models.js';
import { WakingWorker } from '../runtime/waker.js';
import type { Logger } from '../logger.js';

export type ComposeInput = DraftInput;
export type ComposedDraft = Draft;

export type Composer = (input: ComposeInput, opts: { useModel: boolean }) => Promise<{ draft: ComposedDraft; modelError?: { retryable: boolean; message: string } }>;

const LEASE_SECONDS = 120;
const MAX_ATTEMPTS = 5;
const MODEL_RETRY_MS = [60_000, 5 * 60_000, 30 * 60_000];

export class DraftWorker extends WakingWorker {
  constructor(
    private readonly deps: {
      db: Db; compose: Composer; modelConfigured: boolean; log: Logger; onDrafted?(caseId: string, draftId: string): Promise<unknown> | void;
      /** acknowledgements come first: while this says so, drafting waits (the embedded database is one session) */
      shouldYield?(): boolean;
    },
    pollMs = 2000,
  ) {
    super(pollMs, deps.log);
  }

  async drain(): Promise<number> {
    let done = 0;
    for (;;) {
      if (this.deps.shouldYield?.()) return done;
      const batch = await this.claim();
      if (batch.length === 0 || this.waker.stopping) return done;
      for (const row of batch) {
        try {
          await this.write(row.id, row.retry);
          done++;
        } catch (err) {
          this.deps.log.error({ err: errorMessage(err), draft: row.id }, 'could not write a draft');
          await this.deps.db.update(drafts).set({ modelError: errorMessage(err).slice(0, 500), leaseUntil: sql`now() + interval '30 seconds'` }).where(eq(drafts.id, row.id));
        }
      }
    }
  }

  /** Pending drafts, and offline drafts due for another model attempt; leased so two workers never write one. */
  private async claim(): Promise<{ id: string; retry: boolean }[]> {
    const rows = await this.deps.db.execute(sql`
      UPDATE drafts SET lease_until = now() + make_interval(secs => ${LEASE_SECONDS}), attempts = attempts + 1
      WHERE id IN (
        SELECT id FROM drafts
        WHERE attempts < ${MAX_ATTEMPTS} AND (lease_until IS NULL OR lease_until < now())
          AND (status = 'pending' OR (${this.deps.modelConfigured} AND status = 'proposed' AND model_retry_at <= now()))
        ORDER BY created_at LIMIT 10 FOR UPDATE SKIP LOCKED)
      RETURNING id, status`);
    return (rows as unknown as { rows: { id: string; status: string }[] }).rows.map((r) => ({ id: r.id, retry: r.status !== 'pending' }));
  }

  private async write(draftId: string, retry: boolean): Promise<void> {
    const { db } = this.deps;
    const [row] = await db
      .select({ draft: drafts, kase: cases, message: { subject: inboundMessages.subject, textBody: inboundMessages.textBody, fromName: inboundMessages.fromName } })
      .from(drafts).innerJoin(cases, eq(cases.id, drafts.caseId)).innerJoin(inboundMessages, eq(inboundMessages.id, drafts.inboundMessageId))
      .where(eq(drafts.id, draftId));
    if (!row) return;
    const [match] = await db.select().from(caseMatches)
      .where(and(eq(caseMatches.caseId, row.kase.id), eq(caseMatches.inboundMessageId, row.draft.inboundMessageId)))
      .orderBy(desc(caseMatches.id)).limit(1);
    // The draft is written in the template language of the customer's (templateLanguage): it cites articles in that
    // language only, so it never mixes languages (a fallback-language article is suggested, not quoted).
    const grounded = match && !match.escalate ? await articlesFor(db, match.ranked.slice(0, 3).map((r) => r.articleId), templateLanguage(row.kase.language)) : [];
    const { draft, modelError } = await this.deps.compose({
      customerName: row.kase.customerName ?? row.message.fromName,
      customerText: customerText(row.message.subject ?? '', row.message.textBody ?? ''),
      subject: row.kase.subject,
      language: row.kase.language,
      articles: grounded,
      confidence: match?.confidence ?? 0,
      caseReference: row.kase.reference,
    }, { useModel: this.deps.modelConfigured });
    if (retry && draft.generator !== 'model') {
      // the model is still unavailable: keep the offline draft, try later
      await db.update(drafts).set(retryLater(row.draft.attempts, modelError)).where(eq(drafts.id, draftId));
      return;
    }
    const expectedStatus = retry ? 'proposed' : 'pending';
    const updated = await db.update(drafts).set({
      status: 'proposed', generator: draft.generator, promptVersion: draft.promptVersion, language: draft.language,
      subject: draft.subject, body: draft.body, generatedBody: draft.body, sentences: draft.sentences, citations: draft.citations,
      confidence: draft.confidence, unsupportedSentences: draft.unsupportedSentences, injectionSuspected: draft.injectionSuspected,
      strippedLinks: draft.strippedLinks, updatedAt: new Date(), leaseUntil: null,
      ...(modelError?.retryable ? retryLater(row.draft.attempts, modelError) : { modelRetryAt: null, modelError: modelError?.message ?? null }),
    }).where(and(eq(drafts.id, draftId), eq(drafts.status, expectedStatus))).returning({ id: drafts.id });
    // An agent may have edited the offline draft meanwhile: their text wins over a late model draft.
    if (updated.length) await this.deps.onDrafted?.(row.kase.id, draftId);
  }
}

function retryLater(attempts: number, err: { message: string } | undefined) {
  const delay = MODEL_RETRY_MS[Math.min(attempts - 1, MODEL_RETRY_MS.length - 1)] ?? MODEL_RETRY_MS[0]!;
  return { modelRetryAt: new Date(Date.now() + delay), modelError: err?.message ?? 'model unavailable', leaseUntil: null };
}

/** The matched articles in `language`: each replaced by its published translation in it, dropped when it has none. */
async function articlesFor(db: Db, ids: string[], language: string): Promise<DraftArticle[]> {
  if (ids.length === 0) return [];
  const cols = { id: articles.id, version: articles.version, title: articles.title, body: articles.body, url: articles.url, language: articles.language, group: articles.translationGroup };
  const found = await db.select(cols).from(articles).where(and(inArray(articles.id, ids), eq(articles.status, 'published')));
  const groups = found.map((a) => a.group).filter((g): g is string => g !== null);
  const translations = groups.length
    ? await db.select(cols).from(articles).where(and(inArray(articles.translationGroup, groups), eq(articles.status, 'published'), isNotNull(articles.translationGroup)))
    : [];
  const same = (a: string) => sameLanguage(a, language);
  return ids.flatMap((id) => {
    const a = found.find((f) => f.id === id);
    if (!a) return [];
    const pick = same(a.language) ? a : translations.find((t) => t.group === a.group && same(t.language));
    if (!pick) return [];
    const { group: _g, ...article } = pick;
    return [article];
  });
}

