import { and, count, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { caseEvents, cases, type Case } from '../db/schema/cases.js';
import type { Mailbox } from '../db/schema/mailboxes.js';
import { caseMatches } from '../db/schema/matches.js';
import { drafts } from '../db/schema/review.js';
import { inboundMessages, type SmtpEnvelope } from '../db/schema/messages.js';
import { outbox } from '../db/schema/outbox.js';
import { insertRows, insertStatement, statement, updateById, writeTogether, type Write } from '../db/statement.js';
import { pgText } from '../db/text.js';
import type { TemplateSet } from '../domain/acknowledgement.js';
import { chooseAcknowledgementRecipient } from '../domain/acknowledgement-recipient.js';
import { senderCapKey } from '../domain/address-identity.js';
import { decideAcknowledgement, type GuardDecision, type SuppressionReason } from '../domain/guard.js';
import { customerText, detectLanguage } from '../domain/language.js';
import type { SenderAuthVerdict } from '../domain/sender-trust.js';
import type { KnowledgeMatch, Suggestion } from '../kb/knowledge.js';
import type { Logger } from '../logger.js';
import { parseBounded, type ParseLimits } from '../mail/parse.js';
import type { RawStore } from '../mail/raw-store.js';
import { MailboxSettings, type MailboxThreshold } from '../mailboxes/settings.js';
import { NON_KNOWLEDGE_REASON_CODES } from '../domain/escalation-rules.js';
import { audit, SYSTEM_ACTOR } from '../audit/log.js';
import { onCustomerMessage } from '../sla/timers.js';
import { acknowledgementDedupeKey, acknowledgementOutboxRow, type SuggestedArticle } from './acknowledgement.js';
import { AUTOMATIC_REPLY_FLAG, caseOfRepeatedText } from '../mail/automatic-replies.js';
import { escalateIfNeeded, queueEscalationNotice, type Escalation } from './escalate.js';
import { insertCase, planNewCase, type AcknowledgementFor } from './new-case.js';
import { findCaseForMessage } from './thread.js';

/** Reasons that say a machine wrote the message: it is kept, but opens no case of its own. */
const MACHINE_REASONS = new Set<SuppressionReason>([
  'auto_submitted', 'precedence_bulk', 'list_mail', 'autoreply_header', 'delivery_report', 'failed_recipients',
  'system_sender', 'empty_return_path', 'no_sender', 'own_address', 'own_message_id', 'repeated_message',
]);

export interface ProcessDeps {
  db: Db;
  rawStore: RawStore;
  maxMessageAgeHours: number;
  templates: TemplateSet;
  parseLimits: ParseLimits;
  ourAddresses: string[];
  messageIdDomain: string;
  /** the web app's public base URL (publicBaseUrl(config)): links in escalation notices */
  appUrl: string;
  /** SPF/DKIM/DMARC for one message; `envelope` only for mail that came through our SMTP listener. */
  checkSender(raw: Buffer, envelope: SmtpEnvelope | null): Promise<SenderAuthVerdict>;
  log?: Logger;
  /** The knowledge-base seam: which articles answer the customer, and which to suggest in the acknowledgement. */
  matchKnowledge(input: { mailbox: Mailbox; text: string; subject: string; language: string; threshold: MailboxThreshold | null }): Promise<KnowledgeOutcome>;
}

export interface KnowledgeOutcome {
  match: KnowledgeMatch | null;
  suggestions: Suggestion[];
  /** set when an escalation reason says the message is no question for the knowledge base */
  nonKnowledge?: boolean;
}

export type ProcessOutcome =
  | { status: 'skipped' }
  | {
      status: 'processed'; caseId: string | null; acknowledged: boolean; decision: GuardDecision; flags: string[]; escalation?: Escalation;
      /** no article answered this customer question: a knowledge gap candidate */
      unanswered?: { inboundMessageId: string; caseId: string; text: string; language: string };
    };

/** parse → guard → thread → acknowledge for one stored message, committed in one transaction. Idempotent. */
export async function processMessage(deps: ProcessDeps, messageId: string, settings = new MailboxSettings(deps.db, deps.log)): Promise<ProcessOutcome> {
  const [row] = await receivedMessage(deps.db, { id: messageId });
  if (!row) return { status: 'skipped' };
  // Read per batch (PipelineWorker passes one MailboxSettings per batch): admins change thresholds while we run.
  const inForce = await settings.get(row.mailboxId);
  if (!inForce) throw new Error(`message ${messageId} belongs to an unknown mailbox ${row.mailboxId}`);
  const { mailbox } = inForce;
  const raw = await deps.rawStore.load(row);
  const parsed = await parseBounded(raw, deps.parseLimits);
  // DNS lookups happen here, before the transaction: no row locks held while waiting on the network.
  const senderAuth = parsed.parseFailed ? null : await deps.checkSender(raw, row.envelope);
  const flags: string[] = senderAuth && !senderAuth.acknowledge ? [...parsed.flags, 'sender_not_authenticated'] : [...parsed.flags];
  const text = customerText(parsed.subject, parsed.text);
  const language = detectLanguage(text).language;
  const customerAddress = parsed.replyTo ?? parsed.from?.address ?? null;
  // Automatic mail goes only to an address we can stand behind (issue 17: backscatter through Reply-To).
  const recipient = chooseAcknowledgementRecipient({
    from: parsed.from?.address ?? null, replyTo: parsed.replyTo ?? null, trustedRelays: mailbox.trustedRelays,
    dmarc: senderAuth?.dmarc ?? null, authSkipped: senderAuth?.method === 'skipped',
  });
  // Matched before the transaction: it reads only the knowledge base, and a slow embedding call must not hold locks.
  const knowledge: KnowledgeOutcome = customerAddress && !parsed.parseFailed
    ? await deps.matchKnowledge({ mailbox, text, subject: parsed.subject, language, threshold: inForce.threshold })
    : { match: null, suggestions: [] };
  let articles: SuggestedArticle[] = knowledge.suggestions.map((s) => ({ title: s.title, url: s.url }));
  /** The message asks for a person, complains, threatens or steers: no article links, no knowledge gap. */
  const notForKnowledge = (reasons: readonly { code: string }[]) => {
    if (!reasons.some((r) => NON_KNOWLEDGE_REASON_CODES.has(r.code))) return;
    articles = [];
    knowledge.suggestions = [];
    knowledge.nonKnowledge = true;
  };

  return deps.db.transaction(async (tx) => {
    const [locked] = await lockReceivedMessage(tx, { id: messageId, recipient: senderCapKey(recipient?.address ?? customerAddress ?? ''),
      ownAcknowledgement: recipient ? acknowledgementDedupeKey(recipient.address, parsed.messageId) : null, since: new Date(Date.now() - 24 * 3600_000) });
    if (!locked) return { status: 'skipped' } as const;
    let kase = await findCaseForMessage(tx, { mailboxId: mailbox.id, inReplyTo: parsed.inReplyTo, references: parsed.references, subject: parsed.subject, customerAddress });
    // A naive responder's repeated text joins its first message's case (src/mail/automatic-replies.ts).
    const since24h = new Date(Date.now() - 24 * 3600_000);
    const repeated = !kase && customerAddress && locked.lastAutomaticToSender
      ? await caseOfRepeatedText(tx, { mailboxId: mailbox.id, messageId, customerAddress, subject: parsed.subject, text: parsed.text ?? '', since: since24h })
      : null;
    if (repeated) kase = repeated;
    const decision = decideAcknowledgement({
      headers: parsed.headers,
      ourAddresses: deps.ourAddresses,
      ourMessageIdDomain: deps.messageIdDomain,
      caseAlreadyAcknowledged: kase ? kase.acknowledgedAt !== null || (await caseHasAcknowledgement(tx, kase.id)) : false,
      acknowledgementsToSenderLast24h: locked.acknowledgementsToSender,
      maxAcknowledgementsPerSender24h: mailbox.maxAcksPerSender24h,
      parseFailed: parsed.parseFailed,
      ageHours: parsed.date ? (row.receivedAt.getTime() - parsed.date.getTime()) / 3_600_000 : null,
      maxAgeHours: deps.maxMessageAgeHours,
      senderAuth,
      unverifiedSenders: { none: mailbox.dmarcNoneAction, temperror: mailbox.dmarcTemperrorAction },
      envelopeSender: row.envelope?.mailFrom ?? null,
      recipient,
      repeatsEarlierMessage: repeated !== null,
    });
    const machineWritten = decision.reasons.some((r) => MACHINE_REASONS.has(r.code));
    // read by the SLA worker: no "still on it" update answers only machines (src/mail/automatic-replies.ts)
    if (machineWritten) flags.push(AUTOMATIC_REPLY_FLAG);
    const acknowledge = decision.acknowledge && (kase !== null || (!machineWritten && customerAddress !== null));
    const events: (typeof caseEvents.$inferInsert)[] = [];
    // Rows nothing in between reads, written together at the end (writeTogether): one statement.
    const writes: (Write | false | undefined)[] = [];
    let escalation: Escalation | undefined;
    const acknowledgementFor: AcknowledgementFor = (k) => acknowledgementOutboxRow({
      kase: k, mailbox, recipient: recipient!.address, echoCustomerText: recipient!.proven, customerMessageId: parsed.messageId, customerReferences: parsed.references,
      inboundMessageId: messageId, articles, templates: deps.templates, messageIdDomain: deps.messageIdDomain,
    });
    /** whether the acknowledgement was queued, when it was written with a new case */
    let queuedWithCase: boolean | undefined;

    if (kase) {
      kase = await joinCase(tx, kase, machineWritten);
      if (!machineWritten) await onCustomerMessage(tx, kase, mailbox, row.receivedAt);
      events.push({ type: 'message_joined', detail: { machineWritten } });
    } else if (!machineWritten && customerAddress) {
      const plan = planNewCase({
        settings: inForce, customerAddress, customerName: parsed.from?.name, subject: parsed.subject, text, language,
        receivedAt: row.receivedAt, acknowledging: acknowledge, match: knowledge.match, log: deps.log,
      });
      notForKnowledge(plan.escalation?.records ?? []);
      ({ kase, acknowledged: queuedWithCase } = await insertCase(tx, plan, acknowledge ? acknowledgementFor : undefined));
      writes.push(...plan.writes);
      events.push({ type: 'case_opened', detail: {} });
      if (plan.escalation) {
        const announced = await queueEscalationNotice(tx, { kase, mailbox, plan: plan.escalation, messageIdDomain: deps.messageIdDomain, appUrl: deps.appUrl, messageId });
        const { team, added, reasons, rules } = plan.escalation;
        escalation = { kase, team, added, reasons, rules, ...announced };
      }
    } else {
      events.push({ type: 'message_unassigned', detail: { reasons: decision.reasons } });
    }
    const caseId = kase?.id ?? null;
    if (flags.length > 0) events.push({ type: 'message_flagged', detail: { flags, error: pgText(parsed.error) } });

    const opening = events.some((e) => e.type === 'case_opened');
    if (kase && !machineWritten && knowledge.match) {
      const matchRecord = recordMatch(kase, messageId, knowledge);
      writes.push(matchRecord.write);
      events.push(...matchRecord.events);
    }
    if (kase && !machineWritten && !opening) {
      escalation = await escalateIfNeeded(tx, { kase, mailbox, text, language, customerAddress, messageId, opening, match: knowledge.match, subject: parsed.subject, messageIdDomain: deps.messageIdDomain, appUrl: deps.appUrl, rules: inForce.rules });
      if (escalation) kase = escalation.kase;
      notForKnowledge(kase.escalationReasons);
    }
    if (escalation) events.push({ type: 'escalated', detail: { reasons: escalation.added, team: escalation.team } });

    // Each customer message gets a fresh draft (written by the draft worker); older undecided ones are superseded.
    const draftFor = kase && !machineWritten ? kase.id : null;
    if (draftFor && !opening) await supersedeDrafts(tx, { caseId: draftFor });

    let acknowledged = false;
    let { reasons } = decision;
    if (acknowledge && kase) {
      acknowledged = queuedWithCase ?? (await queueAcknowledgement(tx, acknowledgementFor(kase))).length > 0;
      if (acknowledged) {
        if (!kase.acknowledgedAt) await tx.update(cases).set({ acknowledgedAt: new Date() }).where(eq(cases.id, kase.id));
      } else {
        // The same email (Message-ID, sender) reached another of our mailboxes first: its case acknowledged it.
        if (kase.acknowledgedAt) await tx.update(cases).set({ acknowledgedAt: null }).where(eq(cases.id, kase.id));
        reasons = [...reasons, { code: 'acknowledged_in_other_mailbox', detail: `Message-ID <${pgText(parsed.messageId)}> was acknowledged from another mailbox` }];
      }
    }
    events.push(acknowledged
      ? { type: 'acknowledgement_queued', detail: { articles: articles.length, recipient: recipient && { ...recipient } } }
      : { type: 'acknowledgement_suppressed', detail: { reasons } });
    await writeTogether(tx, [
      ...writes,
      draftFor ? insertRows(drafts, [{ caseId: draftFor, inboundMessageId: messageId }]) : undefined,
      insertRows(caseEvents, events.map((e) => ({ type: e.type, detail: e.detail, caseId, inboundMessageId: messageId }))),
      updateById(inboundMessages, messageId, {
        status: 'processed', processedAt: new Date(), caseId, flags, error: pgText(parsed.error),
        messageId: pgText(parsed.messageId), inReplyTo: pgText(parsed.inReplyTo), references: parsed.references.map((r) => pgText(r)),
        fromAddress: pgText(parsed.from?.address), fromName: pgText(parsed.from?.name), replyTo: pgText(parsed.replyTo),
        subject: pgText(parsed.subject), textBody: pgText(parsed.text), htmlBody: pgText(parsed.html), language, sentAt: parsed.date,
        senderAuth: senderAuth ? { ...senderAuth } : null,
      }),
    ]);
    // an empty knowledge base leaves every question unanswered: nothing to learn about its gaps yet
    const unanswered = kase && !machineWritten && !knowledge.nonKnowledge && knowledge.match?.escalate && knowledge.match.reason === 'below_threshold'
      ? { inboundMessageId: messageId, caseId: kase.id, text, language } : undefined;
    return { status: 'processed', caseId, acknowledged, decision: { acknowledge: acknowledged, reasons }, flags, escalation, unanswered } as const;
  });
}

/** Keeps the match with the case (the draft worker, the review queue and the reports read it): the row, to write. */
function recordMatch(kase: Case, messageId: string, knowledge: KnowledgeOutcome) {
  const match = knowledge.match!;
  const write = insertRows(caseMatches, [{
    caseId: kase.id, inboundMessageId: messageId, model: match.model, confidence: match.confidence, threshold: match.threshold,
    escalate: match.escalate,
    ranked: match.candidates.map((c) => ({ articleId: c.articleId, version: c.version, title: c.title, score: c.score, contributions: c.contributions })),
    suggested: knowledge.suggestions.map((s) => ({ articleId: s.articleId, version: s.version })),
  }]);
  const events: (typeof caseEvents.$inferInsert)[] = [{
    type: 'knowledge_matched',
    detail: { confidence: match.confidence, threshold: match.threshold, top: match.candidates[0]?.articleId ?? null, suggested: knowledge.suggestions.length },
  }];
  return { write, events };
}

const queueAcknowledgement = insertStatement(outbox, (insert) => insert.onConflictDoNothing({ target: outbox.dedupeKey }).returning({ id: outbox.id }));

const supersedeDrafts = statement((q) => q.update(drafts).set({ status: 'superseded', updatedAt: sql`now()` })
  .where(and(eq(drafts.caseId, sql.placeholder('caseId')), inArray(drafts.status, ['pending', 'proposed', 'edited']))));

async function joinCase(tx: Tx, kase: Case, machineWritten: boolean): Promise<Case> {
  // An auto-reply threading into the case is kept with it but is not the customer writing again.
  if (machineWritten) return kase;
  const [updated] = await tx
    .update(cases)
    .set({
      customerMessageCount: sql`${cases.customerMessageCount} + 1`,
      lastCustomerMessageAt: new Date(),
      updatedAt: new Date(),
      // The customer writing again reopens a resolved case or one waiting on them.
      status: kase.status === 'resolved' || kase.status === 'waiting' ? 'open' : kase.status,
    })
    .where(eq(cases.id, kase.id))
    .returning();
  if (updated!.status !== kase.status) {
    await audit(tx, { caseId: kase.id, actor: SYSTEM_ACTOR, action: 'reopened', before: { status: kase.status }, after: { status: updated!.status, why: 'the customer wrote again' } });
  }
  return updated!;
}

const receivedMessage = statement((q) => q
  .select({ raw: inboundMessages.raw, rawPath: inboundMessages.rawPath, mailboxId: inboundMessages.mailboxId, receivedAt: inboundMessages.receivedAt, envelope: inboundMessages.envelope })
  .from(inboundMessages)
  .where(and(eq(inboundMessages.id, sql.placeholder('id')), eq(inboundMessages.status, 'received'))));

/** Locks the message (or finds it taken); with it, the acknowledgements its sender got in the last 24 hours (the cap). */
const lockReceivedMessage = statement((q) => q
  .select({
    id: inboundMessages.id,
    acknowledgementsToSender: sql<number>`(select count(*) from ${outbox} where ${outbox.recipientKey} = ${sql.placeholder('recipient')}
      and ${outbox.kind} = 'acknowledgement' and ${outbox.createdAt} > ${sql.placeholder('since')})`.mapWith(Number),
    // whether this sender got automatic mail from us today: only then is a repeated text looked for (same index); not
    // counting the acknowledgement of this very email, which a copy reaching a second mailbox finds
    lastAutomaticToSender: sql<Date | null>`(select max(${outbox.createdAt}) from ${outbox} where ${outbox.recipientKey} = ${sql.placeholder('recipient')}
      and ${outbox.kind} in ('acknowledgement', 'update') and ${outbox.createdAt} > ${sql.placeholder('since')}
      and ${outbox.dedupeKey} is distinct from ${sql.placeholder('ownAcknowledgement')})`.mapWith(outbox.createdAt),
  })
  .from(inboundMessages)
  .where(and(eq(inboundMessages.id, sql.placeholder('id')), eq(inboundMessages.status, 'received')))
  .for('update', { skipLocked: true }));

const acknowledgementsOfCase = statement((q) => q.select({ n: count() }).from(outbox)
  .where(and(eq(outbox.caseId, sql.placeholder('caseId')), eq(outbox.kind, 'acknowledgement'))));

async function caseHasAcknowledgement(tx: Tx, caseId: string): Promise<boolean> {
  const [r] = await acknowledgementsOfCase(tx, { caseId });
  return (r?.n ?? 0) > 0;
}
