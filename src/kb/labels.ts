// Every agent decision about a case's question is a label for the matcher (issue 16): an approved reply citing an
// article, an agent naming the right article ("the right article is X" — it becomes an example question of X), "no
// article answers this" (a knowledge-gap candidate), a rejected draft. The latest decision on a case is its label.
// Once a mailbox has enough labels its escalation threshold is re-fitted from them (label-threshold.ts), after the
// label's transaction committed, in the background (label-refit.ts): the confidences are the ones recorded when each
// message was matched, so no labelled question is scored by a model that has since learned it.
import { desc, eq, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { cases } from '../db/schema/cases.js';
import { articleLearnedExamples, articles } from '../db/schema/kb.js';
import { mailboxCalibrations, matchLabels, type MatchLabelSource } from '../db/schema/labels.js';
import { caseMatches } from '../db/schema/matches.js';
import { inboundMessages } from '../db/schema/messages.js';
import { selectRows } from '../db/rows.js';
import { customerText } from '../domain/language.js';
import { AppError } from '../errors.js';
import { audit, type Actor } from '../audit/log.js';
import { fitLabelThreshold, type LabelFit, type LabelSample } from './matching/label-threshold.js';

export interface LabelInput {
  caseId: string;
  /** the article that answers the question; null = no article does */
  articleId: string | null;
  source: MatchLabelSource;
  actor: Actor;
}

export interface LabelResult {
  /** the article the question was learned as an example of (agent_pick only) */
  learned: string | null;
  /** the case's mailbox, whose threshold is to be re-fitted once the label is committed (LabelRefitter) */
  mailboxId: number;
  question: string;
  /** the case's language */
  language: string;
}

/** Records the label, teaches the article (agent_pick) and audits; the caller re-fits the threshold after commit. */
export async function labelCaseQuestion(tx: Tx, input: LabelInput): Promise<LabelResult> {
  const [kase] = await tx.select({ id: cases.id, mailboxId: cases.mailboxId, language: cases.language }).from(cases).where(eq(cases.id, input.caseId));
  if (!kase) throw new AppError('not_found', 'no such case');
  const question = await caseQuestion(tx, kase.id);
  if (!question) throw new AppError('conflict', 'this case has no customer question to label');
  if (input.articleId) {
    const [article] = await tx.select({ id: articles.id, status: articles.status }).from(articles).where(eq(articles.id, input.articleId));
    if (!article || article.status !== 'published') throw new AppError('bad_request', `article ${input.articleId} is not published`);
  }
  const [before] = await tx.select().from(matchLabels).where(eq(matchLabels.caseId, kase.id));
  const values = { mailboxId: kase.mailboxId, caseId: kase.id, question, language: kase.language, articleId: input.articleId, source: input.source, createdBy: input.actor.name };
  await tx.insert(matchLabels).values(values).onConflictDoUpdate({ target: matchLabels.caseId, set: { ...values, createdAt: sql`now()` } });
  let learned: string | null = null;
  if (input.articleId && input.source === 'agent_pick') {
    const rows = await tx.insert(articleLearnedExamples)
      .values({ articleId: input.articleId, text: question.slice(0, 2000), source: 'agent_pick', caseId: kase.id, createdBy: input.actor.name })
      .onConflictDoNothing().returning({ articleId: articleLearnedExamples.articleId });
    learned = rows[0]?.articleId ?? null;
  }
  await audit(tx, {
    caseId: kase.id, actor: input.actor, action: 'match_labelled',
    before: before ? { articleId: before.articleId, source: before.source } : {},
    after: { articleId: input.articleId, source: input.source, learnedExample: learned },
  });
  return { learned, mailboxId: kase.mailboxId, question, language: kase.language };
}

/** The question the case's latest match was made for: the customer's own words of that message. */
async function caseQuestion(tx: Tx, caseId: string): Promise<string | null> {
  const [row] = await tx.select({ subject: inboundMessages.subject, textBody: inboundMessages.textBody })
    .from(caseMatches).innerJoin(inboundMessages, eq(inboundMessages.id, caseMatches.inboundMessageId))
    .where(eq(caseMatches.caseId, caseId)).orderBy(desc(caseMatches.createdAt)).limit(1);
  const [first] = row ? [row] : await tx.select({ subject: inboundMessages.subject, textBody: inboundMessages.textBody })
    .from(inboundMessages).where(eq(inboundMessages.caseId, caseId)).orderBy(desc(inboundMessages.receivedAt)).limit(1);
  const text = first ? customerText(first.subject ?? '', first.textBody ?? '') : '';
  return text || null;
}

const LABELS_FITTED = 1000;

/** Each label beside the confidence and top article its case's latest match had (the right article's translation counts). */
async function labelSamples(tx: Tx, mailboxId: number): Promise<LabelSample[]> {
  const rows = await selectRows<{ confidence: number; answerable: boolean; top_was_right: boolean }>(tx, sql`
    SELECT m.confidence, l.article_id IS NOT NULL AS answerable,
      coalesce(l.article_id = top.id OR (a.translation_group IS NOT NULL AND a.translation_group = top.translation_group), false) AS top_was_right
    FROM (SELECT * FROM match_labels WHERE mailbox_id = ${mailboxId} ORDER BY created_at DESC LIMIT ${LABELS_FITTED}) l
    JOIN LATERAL (SELECT confidence, ranked FROM case_matches WHERE case_id = l.case_id ORDER BY created_at DESC LIMIT 1) m ON true
    LEFT JOIN articles a ON a.id = l.article_id
    LEFT JOIN articles top ON top.id = m.ranked->0->>'articleId'`);
  return rows.map((r) => ({ confidence: Number(r.confidence), answerable: r.answerable, topWasRight: r.top_was_right }));
}

/** Fits the mailbox's threshold from its labels; without enough labels any earlier fit is dropped (the prior rules). */
export async function refitMailboxThreshold(tx: Tx, mailboxId: number): Promise<LabelFit | null> {
  const fit = fitLabelThreshold(await labelSamples(tx, mailboxId));
  if (!fit) {
    await tx.delete(mailboxCalibrations).where(eq(mailboxCalibrations.mailboxId, mailboxId));
    return null;
  }
  const values = { mailboxId, threshold: fit.threshold, labels: fit.answerable + fit.unanswerable, answerable: fit.answerable, unanswerable: fit.unanswerable, curve: fit.curve, chosen: fit.chosen };
  await tx.insert(mailboxCalibrations).values(values).onConflictDoUpdate({ target: mailboxCalibrations.mailboxId, set: { ...values, fittedAt: sql`now()` } });
  return fit;
}
