// What agents do to a case: claim, edit the draft, approve and send, reject, escalate, resolve, reopen, re-triage.
// Each action locks the case row, checks the claim, changes state and writes the audit entry in one transaction.
import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Db, Queryable, Tx } from '../db/client.js';
import { articleLearnedExamples, articles } from '../db/schema/kb.js';
import { caseEvents, cases, casePriorities, type Case } from '../db/schema/cases.js';
import { mailboxes, type Mailbox } from '../db/schema/mailboxes.js';
import { inboundMessages } from '../db/schema/messages.js';
import { outbox } from '../db/schema/outbox.js';
import { drafts, type Draft } from '../db/schema/review.js';
import { caseMatches } from '../db/schema/matches.js';
import { customerText } from '../domain/language.js';
import { NON_KNOWLEDGE_REASON_CODES } from '../domain/escalation-rules.js';
import { AppError } from '../errors.js';
import { audit, changedFields, SYSTEM_ACTOR, type Actor } from '../audit/log.js';
import { decideAutoSend, type AutoSendVerdict } from '../domain/auto-send.js';
import { unsupportedCommitments } from '../domain/commitments.js';
import { replyOutboxRow } from './reply.js';
import { escalateCase } from '../escalation/escalate-case.js';
import { labelCaseQuestion, type LabelResult } from '../kb/labels.js';

export const CLAIM_MINUTES = 30;
const OPEN_DRAFT = ['proposed', 'edited'] as const;

/**
 * Line breaks as the drafter writes them: a browser submits a textarea with CRLF, and a reply sent as generated must
 * compare equal to the generated body (audit's `unchanged`, article performance's "approved unchanged").
 */
const unixLines = (text: string) => text.replace(/\r\n?/g, '\n');

export interface ReviewDeps {
  db: Db;
  messageIdDomain: string;
  /** the web app's public base URL (publicBaseUrl(config)): links in escalation notices */
  appUrl: string;
  /** called after commit: a reply was queued (kick the outbox worker) */
  onReplyQueued?(): void;
  /** called after commit: a label was recorded for a case of this mailbox (re-fit its threshold, kb/label-refit.ts) */
  onLabelled?(mailboxId: number): void;
  /** called after commit: articles gained examples from an approved reply (re-index and retrain) */
  onExamplesLearned?(): void;
  /** called after commit: an agent said no article answers the case's question (a knowledge-gap candidate) */
  onNoArticle?(question: { caseId: string; text: string; language: string }): Promise<void> | void;
  /** called after commit: an agent rejected a knowledge case's draft, saying why (the question joins the knowledge gaps) */
  onDraftRejected?(rejection: { caseId: string; inboundMessageId: string; question: string; language: string; reason: string; customerName: string | null }): void;
  /** called after commit: an agent's reply was queued (knowledge-gap tracking looks at uncited or rewritten replies) */
  onAgentReply?(reply: { caseId: string; inboundMessageId: string; question: string | null; language: string; generatedBody: string | null; sentBody: string; citations: number }): void;
  /** called after commit: the case was escalated by an agent, its notice and webhook queued (kick the outbox worker) */
  onEscalated?(kase: Case, reasons: { code: string; detail: string }[]): Promise<void> | void;
  /** SLA hooks, inside the action's transaction */
  sla?: {
    onAgentReplied(tx: Tx, kase: Case, mailbox: Mailbox, now: Date): Promise<void>;
    onStatusChanged(tx: Tx, kase: Case, mailbox: Mailbox, status: Case['status'], now: Date): Promise<void>;
    onPriorityChanged(tx: Tx, kase: Case, mailbox: Mailbox, now: Date): Promise<void>;
  };
  now?(): Date;
}

async function lockCase(tx: Tx, caseId: string): Promise<Case> {
  if (!/^[0-9a-f-]{36}$/i.test(caseId)) throw new AppError('not_found', 'no such case');
  const [kase] = await tx.select().from(cases).where(eq(cases.id, caseId)).for('update');
  if (!kase) throw new AppError('not_found', 'no such case');
  return kase;
}

function heldByOther(kase: Case, actor: Actor, now: Date): boolean {
  return kase.assigneeId !== null && kase.assigneeId !== actor.id && kase.claimExpiresAt !== null && kase.claimExpiresAt > now;
}

export function refuseIfHeld(kase: Case, actor: Actor, now: Date): void {
  if (heldByOther(kase, actor, now)) {
    throw new AppError('conflict', `${kase.assigneeName} is working on this case (claimed until ${kase.claimExpiresAt!.toISOString()})`, false, {
      holder: { id: kase.assigneeId, name: kase.assigneeName, until: kase.claimExpiresAt },
    });
  }
}

function requireClaim(kase: Case, actor: Actor, now: Date): void {
  refuseIfHeld(kase, actor, now);
  if (kase.assigneeId !== actor.id || !kase.claimExpiresAt || kase.claimExpiresAt <= now) {
    throw new AppError('conflict', 'claim the case before changing its draft', false, { holder: null });
  }
}

async function currentDraft(tx: Tx, caseId: string): Promise<Draft | undefined> {
  const [draft] = await tx.select().from(drafts)
    .where(and(eq(drafts.caseId, caseId), inArray(drafts.status, [...OPEN_DRAFT])))
    .orderBy(desc(drafts.createdAt)).limit(1);
  return draft;
}

/** Read in the action's transaction: admins change mailbox settings while the service runs. */
async function mailboxOf(tx: Queryable, kase: Case): Promise<Mailbox> {
  const [mailbox] = await tx.select().from(mailboxes).where(eq(mailboxes.id, kase.mailboxId));
  if (!mailbox) throw new Error(`case ${kase.id} belongs to an unknown mailbox`);
  return mailbox;
}

export class Review {
  constructor(private readonly deps: ReviewDeps) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  private inCase<T>(caseId: string, fn: (tx: Tx, kase: Case, now: Date) => Promise<T>): Promise<T> {
    return this.deps.db.transaction(async (tx) => {
      const kase = await lockCase(tx, caseId);
      // its messages, drafts and deadlines live in the case it was merged into (src/review/merge-cases.ts)
      if (kase.status === 'merged') throw new AppError('conflict', `${kase.reference} was merged into another case: work on that one.`, false, { holder: null });
      return fn(tx, kase, this.now());
    });
  }

  /** One agent at a time; a claim expires after CLAIM_MINUTES so an abandoned case goes back to the queue. */
  claim(caseId: string, actor: Actor): Promise<Case> {
    return this.inCase(caseId, async (tx, kase, now) => {
      refuseIfHeld(kase, actor, now);
      const after = { assigneeId: actor.id, assigneeName: actor.name, claimExpiresAt: new Date(now.getTime() + CLAIM_MINUTES * 60_000) };
      const [updated] = await tx.update(cases).set(after).where(eq(cases.id, caseId)).returning();
      await audit(tx, { caseId, actor, action: 'claimed', ...changedFields(kase, { assigneeId: after.assigneeId, assigneeName: after.assigneeName }) });
      return updated!;
    });
  }

  /** Gives the case to another agent, as if they had claimed it (same expiry); the giver must not be blocked by a third's claim. */
  assign(caseId: string, actor: Actor, assignee: Actor): Promise<Case> {
    return this.inCase(caseId, async (tx, kase, now) => {
      refuseIfHeld(kase, actor, now);
      const after = { assigneeId: assignee.id, assigneeName: assignee.name, claimExpiresAt: new Date(now.getTime() + CLAIM_MINUTES * 60_000) };
      const [updated] = await tx.update(cases).set(after).where(eq(cases.id, caseId)).returning();
      await audit(tx, { caseId, actor, action: 'assigned', ...changedFields(kase, { assigneeId: after.assigneeId, assigneeName: after.assigneeName }) });
      return updated!;
    });
  }

  /**
   * Several actions in one transaction (bulk changes from the inbox): each still locks its case, checks the claim and
   * writes its audit row, in a savepoint of its own, so a refused case leaves the others' changes standing.
   */
  inOneTransaction<T>(fn: (review: Review, tx: Tx) => Promise<T>): Promise<T> {
    return this.deps.db.transaction((tx) => fn(new Review({ ...this.deps, db: tx }), tx));
  }

  release(caseId: string, actor: Actor): Promise<Case> {
    return this.inCase(caseId, async (tx, kase, now) => {
      refuseIfHeld(kase, actor, now);
      const [updated] = await tx.update(cases).set({ assigneeId: null, assigneeName: null, claimExpiresAt: null }).where(eq(cases.id, caseId)).returning();
      await audit(tx, { caseId, actor, action: 'released', before: { assigneeName: kase.assigneeName }, after: { assigneeName: null } });
      return updated!;
    });
  }

  editDraft(caseId: string, actor: Actor, input: { body: string; citations?: string[] }): Promise<Draft> {
    input = { ...input, body: unixLines(input.body) };
    return this.inCase(caseId, async (tx, kase, now) => {
      requireClaim(kase, actor, now);
      const draft = await currentDraft(tx, caseId);
      if (!draft) throw new AppError('conflict', 'this case has no draft to edit (it is still being written, or was decided)');
      const citations = input.citations ? draft.citations.filter((c) => input.citations!.includes(c.articleId)) : draft.citations;
      const [updated] = await tx.update(drafts).set({ body: input.body, citations, status: 'edited', updatedAt: now }).where(eq(drafts.id, draft.id)).returning();
      await audit(tx, { caseId, actor, action: 'draft_edited', before: { body: draft.body, citations: draft.citations.map((c) => c.articleId) }, after: { body: input.body, citations: citations.map((c) => c.articleId) } });
      return updated!;
    });
  }

  /** Sends the draft (as edited, or with a final edit in `body`) through the outbox, threaded under the customer's mail. */
  async approve(caseId: string, actor: Actor, input: { body?: string } = {}): Promise<{ draft: Draft; outboxId: string }> {
    const result = await this.inCase(caseId, async (tx, kase, now) => {
      requireClaim(kase, actor, now);
      const draft = await currentDraft(tx, caseId);
      if (!draft) throw new AppError('conflict', 'this case has no draft to approve');
      return this.send(tx, kase, draft, unixLines(input.body ?? draft.body ?? '').trim(), actor, now, 'reply_approved');
    });
    this.afterSend(result.learned, result.labelled);
    this.deps.onAgentReply?.({
      caseId, inboundMessageId: result.draft.inboundMessageId, question: result.question, language: result.draft.language ?? 'en',
      generatedBody: result.draft.generatedBody, sentBody: result.draft.body ?? '', citations: result.draft.citations.length,
    });
    return { draft: result.draft, outboxId: result.outboxId };
  }

  /**
   * After the draft worker wrote a draft: decide auto-send for the mailbox (off / shadow / on), record the verdict
   * on the draft, and send it without review only when every condition holds and the mailbox is 'on'.
   */
  async considerAutoSend(draftId: string): Promise<AutoSendVerdict | null> {
    const [ref] = await this.deps.db.select({ caseId: drafts.caseId }).from(drafts).where(eq(drafts.id, draftId));
    if (!ref) return null;
    const result = await this.inCase(ref.caseId, async (tx, kase, now) => {
      const [draft] = await tx.select().from(drafts).where(and(eq(drafts.id, draftId), eq(drafts.status, 'proposed')));
      if (!draft) return null;
      const mailbox = (await mailboxOf(tx, kase));
      const cited = [...new Set(draft.citations.map((c) => c.articleId))];
      const published = cited.length
        ? await tx.select({ id: articles.id, version: articles.version, body: articles.body }).from(articles).where(and(inArray(articles.id, cited), eq(articles.status, 'published')))
        : [];
      const citedPublished = draft.citations.every((c) => published.some((p) => p.id === c.articleId && p.version === c.version));
      // Money, dates and actions promised only where a cited article says the same words (domain/commitments.ts).
      const promises = unsupportedCommitments(draft.sentences.filter((s) => s.kind === 'answer').map((s) => ({
        text: s.text,
        citedBodies: s.citations.flatMap((c) => published.filter((p) => p.id === c.articleId && p.version === c.version).map((p) => p.body)),
      })));
      const verdict = decideAutoSend({
        mode: mailbox.autoSendMode, minConfidence: mailbox.autoSendMinConfidence,
        draft: {
          confidence: draft.confidence ?? 0, sentences: draft.sentences, unsupportedSentences: draft.unsupportedSentences, injectionSuspected: draft.injectionSuspected,
          citedPublished, generator: draft.generator ?? '', unsupportedCommitments: promises.length,
        },
        case: { customerMessageCount: kase.customerMessageCount, status: kase.status, acknowledged: kase.acknowledgedAt !== null },
      });
      await tx.update(drafts).set({ autoSend: { mode: mailbox.autoSendMode, wouldSend: verdict.wouldSend, sent: verdict.send, blockers: verdict.blockers, ...(promises.length ? { promises } : {}) } }).where(eq(drafts.id, draftId));
      if (!verdict.send || heldByOther(kase, SYSTEM_ACTOR, now)) return { verdict, learned: [] as string[], labelled: null };
      const sent = await this.send(tx, kase, draft, (draft.body ?? '').trim(), SYSTEM_ACTOR, now, 'reply_auto_sent');
      return { verdict, learned: sent.learned, labelled: sent.labelled };
    });
    if (!result) return null;
    if (result.verdict.send) this.afterSend(result.learned, result.labelled);
    return result.verdict;
  }

  private afterSend(learned: string[], labelled: number | null): void {
    this.deps.onReplyQueued?.();
    if (learned.length) this.deps.onExamplesLearned?.();
    if (labelled !== null) this.deps.onLabelled?.(labelled);
  }

  private async send(tx: Tx, kase: Case, draft: Draft, body: string, actor: Actor, now: Date, action: string) {
    if (!body) throw new AppError('bad_request', 'the reply is empty');
    const caseId = kase.id;
    const mailbox = (await mailboxOf(tx, kase));
    const [last] = await tx
      .select({ id: inboundMessages.id, messageId: inboundMessages.messageId, references: inboundMessages.references, subject: inboundMessages.subject, textBody: inboundMessages.textBody })
      .from(inboundMessages).where(eq(inboundMessages.caseId, caseId)).orderBy(desc(inboundMessages.receivedAt)).limit(1);
    const [queued] = await tx.insert(outbox).values(replyOutboxRow({
      kase, mailbox, body, language: draft.language ?? kase.language, lastCustomerMessage: last ?? null,
      approvedBy: actor.name, messageIdDomain: this.deps.messageIdDomain,
    })).returning({ id: outbox.id });
    const [approved] = await tx.update(drafts)
      .set({ status: 'approved', body, decidedBy: actor.name, decidedAt: now, outboxId: queued!.id, updatedAt: now })
      .where(eq(drafts.id, draft.id)).returning();
    await tx.update(cases).set({
      status: 'waiting', lastAgentReplyAt: now, updatedAt: now,
      // automatic replies are not a human's first reply (the reports exclude them, as Zendesk does)
      firstHumanReplyAt: actor.id === SYSTEM_ACTOR.id ? kase.firstHumanReplyAt : kase.firstHumanReplyAt ?? now,
      assigneeId: null, assigneeName: null, claimExpiresAt: null,
    }).where(eq(cases.id, caseId));
    await this.deps.sla?.onAgentReplied(tx, kase, mailbox, now);
    await this.deps.sla?.onStatusChanged(tx, kase, mailbox, 'waiting', now);
    const question = last ? customerText(last.subject ?? '', last.textBody ?? '') : null;
    const learned = await learnFromApproval(tx, draft, caseId, actor, question);
    await audit(tx, {
      caseId, actor, action,
      before: { body: draft.generatedBody, status: kase.status },
      after: { body, status: 'waiting', unchanged: body === (draft.generatedBody ?? '').trim(), learnedExamples: learned },
    });
    // The approved reply is the agents' label for the question: the first article it cites answers it.
    const label = learned[0] ? await labelCaseQuestion(tx, { caseId, articleId: learned[0], source: 'approved_reply', actor }) : null;
    return { draft: approved!, outboxId: queued!.id, learned, question, labelled: label?.mailboxId ?? null };
  }

  async reject(caseId: string, actor: Actor, input: { reason: string }): Promise<Draft> {
    const result = await this.inCase(caseId, async (tx, kase, now) => {
      requireClaim(kase, actor, now);
      const draft = await currentDraft(tx, caseId);
      if (!draft) throw new AppError('conflict', 'this case has no draft to reject');
      const [rejected] = await tx.update(drafts).set({ status: 'rejected', rejectReason: input.reason, decidedBy: actor.name, decidedAt: now, updatedAt: now })
        .where(eq(drafts.id, draft.id)).returning();
      await audit(tx, { caseId, actor, action: 'draft_rejected', before: { status: draft.status }, after: { status: 'rejected', reason: input.reason } });
      // A rejected draft is a label too: what the match offered was not an answer (kb/labels.ts).
      const label = (await hasMatch(tx, caseId)) ? await labelCaseQuestion(tx, { caseId, articleId: null, source: 'rejected_draft', actor }) : null;
      // With a reason, the question is a knowledge-gap candidate: the reason tells the knowledge manager what was
      // missing. Not for a complaint, a request for a person and the like: no article answers those.
      const knowledgeCase = !kase.escalationReasons.some((r) => NON_KNOWLEDGE_REASON_CODES.has(r.code));
      const [message] = input.reason.trim() && knowledgeCase
        ? await tx.select({ subject: inboundMessages.subject, textBody: inboundMessages.textBody, fromName: inboundMessages.fromName }).from(inboundMessages).where(eq(inboundMessages.id, draft.inboundMessageId))
        : [];
      const question = message ? customerText(message.subject ?? '', message.textBody ?? '') : '';
      return { rejected: rejected!, question, language: draft.language ?? kase.language, customerName: message?.fromName ?? null, labelled: label?.mailboxId ?? null };
    });
    if (result.labelled !== null) this.deps.onLabelled?.(result.labelled);
    if (result.question) {
      const { question, language, customerName } = result;
      this.deps.onDraftRejected?.({ caseId, inboundMessageId: result.rejected.inboundMessageId, question, language, reason: input.reason.trim(), customerName });
    }
    return result.rejected;
  }

  async escalate(caseId: string, actor: Actor, input: { reason: string; team?: string }): Promise<Case> {
    const result = await this.inCase(caseId, async (tx, kase, now) => {
      refuseIfHeld(kase, actor, now);
      const mailbox = await mailboxOf(tx, kase);
      const reason = { code: 'agent_escalated', detail: `${actor.name}: ${input.reason}`, at: now.toISOString() };
      // One announcement per agent escalation (a second one to another team is news too).
      const escalated = await escalateCase(tx, {
        kase, mailbox, actor, reason, team: input.team ?? kase.team ?? null, key: `escalation:${caseId}:agent:${reason.at}`,
        messageIdDomain: this.deps.messageIdDomain, appUrl: this.deps.appUrl, now, auditAfter: { reason: input.reason },
      });
      await this.deps.sla?.onStatusChanged(tx, kase, mailbox, 'escalated', now);
      return escalated;
    });
    await this.deps.onEscalated?.(result.kase, [{ code: 'agent_escalated', detail: input.reason }]);
    return result.kase;
  }

  /** An agent's word on which article answers the case's question (null: none does); see kb/labels.ts. */
  async labelQuestion(caseId: string, actor: Actor, input: { articleId: string | null }): Promise<LabelResult> {
    const source = input.articleId ? 'agent_pick' : 'no_article';
    const result = await this.deps.db.transaction((tx) => labelCaseQuestion(tx, { caseId, articleId: input.articleId, source, actor }));
    this.deps.onLabelled?.(result.mailboxId);
    if (result.learned) this.deps.onExamplesLearned?.();
    if (!input.articleId) await this.deps.onNoArticle?.({ caseId, text: result.question, language: result.language });
    return result;
  }

  resolve(caseId: string, actor: Actor): Promise<Case> {
    return this.setStatus(caseId, actor, 'resolved', 'resolved');
  }

  reopen(caseId: string, actor: Actor): Promise<Case> {
    return this.setStatus(caseId, actor, 'open', 'reopened');
  }

  private setStatus(caseId: string, actor: Actor, status: Case['status'], action: string): Promise<Case> {
    return this.inCase(caseId, async (tx, kase, now) => {
      refuseIfHeld(kase, actor, now);
      if (kase.status === status) return kase;
      const resolving = status === 'resolved';
      const [row] = await tx.update(cases).set({
        status, updatedAt: now, resolvedAt: resolving ? now : null,
        ...(resolving ? { assigneeId: null, assigneeName: null, claimExpiresAt: null } : {}),
      }).where(eq(cases.id, caseId)).returning();
      await this.deps.sla?.onStatusChanged(tx, kase, (await mailboxOf(tx, kase)), status, now);
      await audit(tx, { caseId, actor, action, before: { status: kase.status }, after: { status } });
      return row!;
    });
  }

  triage(caseId: string, actor: Actor, input: { priority?: Case['priority']; category?: string | null }): Promise<Case> {
    if (input.priority && !casePriorities.includes(input.priority)) throw new AppError('bad_request', `priority must be one of ${casePriorities.join(', ')}`);
    return this.inCase(caseId, async (tx, kase, now) => {
      refuseIfHeld(kase, actor, now);
      const patch = { ...(input.priority ? { priority: input.priority } : {}), ...(input.category !== undefined ? { category: input.category } : {}) };
      const diff = changedFields(kase, patch);
      if (Object.keys(diff.after).length === 0) return kase;
      const [row] = await tx.update(cases).set({ ...patch, updatedAt: now }).where(eq(cases.id, caseId)).returning();
      if (input.priority && input.priority !== kase.priority) await this.deps.sla?.onPriorityChanged(tx, row!, (await mailboxOf(tx, kase)), now);
      await audit(tx, { caseId, actor, action: 'triaged', ...diff });
      return row!;
    });
  }
}

/**
 * An approved reply that cites articles teaches the matcher: the customer's question becomes an example of each
 * cited (still published) article. One example per article and case.
 */
async function learnFromApproval(tx: Tx, draft: Draft, caseId: string, actor: Actor, question: string | null): Promise<string[]> {
  const cited = [...new Set(draft.citations.map((c) => c.articleId))];
  if (!question || cited.length === 0) return [];
  const published = await tx.select({ id: articles.id }).from(articles).where(and(inArray(articles.id, cited), eq(articles.status, 'published')));
  if (published.length === 0) return [];
  const rows = await tx.insert(articleLearnedExamples)
    .values(published.map((a) => ({ articleId: a.id, text: question.slice(0, 2000), source: 'approved_reply' as const, caseId, createdBy: actor.name })))
    .onConflictDoNothing()
    .returning({ articleId: articleLearnedExamples.articleId });
  return rows.map((r) => r.articleId);
}


async function hasMatch(tx: Tx, caseId: string): Promise<boolean> {
  const [row] = await tx.select({ id: caseMatches.id }).from(caseMatches).where(eq(caseMatches.caseId, caseId)).limit(1);
  return row !== undefined;
}
