import { and, asc, desc, eq, gt, isNotNull, isNull, lte, notInArray, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { cases, type Case, type EscalationReasonRecord } from '../db/schema/cases.js';
import { escalateCase } from '../escalation/escalate-case.js';
import { SYSTEM_ACTOR } from '../audit/log.js';
import { mailboxes, type Mailbox } from '../db/schema/mailboxes.js';
import { inboundMessages } from '../db/schema/messages.js';
import { outbox } from '../db/schema/outbox.js';
import { slaTimers, type SlaTimer, type SlaTimerKind } from '../db/schema/sla.js';
import { users } from '../db/schema/users.js';
import { newMessageId } from '../domain/message-ids.js';
import { acknowledgedRecipient, onlyAutomaticRepliesSinceOurLastMail } from '../mail/automatic-replies.js';
import { senderCapKey } from '../domain/address-identity.js';
import { formatExpectedReply } from '../domain/acknowledgement.js';
import { addBusinessMinutes } from '../domain/sla-clock.js';
import { mailboxHours } from '../domain/sla-policy.js';
import { errorMessage } from '../errors.js';
import { WakingWorker } from '../runtime/waker.js';
import type { Logger } from '../logger.js';
import { loadSlaTemplates, renderSlaUpdate, type SlaTemplateSet } from './templates.js';
import { loadPolicy } from './timers.js';

export interface SlaQueued {
  kind: 'update' | 'notification' | 'escalation';
  caseId: string;
  /** null for an escalation's team notice and webhook (one or both) */
  outboxId: string | null;
}

export interface SlaWorkerOptions {
  db: Db;
  log: Logger;
  /** right-hand side of our Message-IDs */
  messageIdDomain: string;
  /** the web app's public base URL (publicBaseUrl(config)): links in escalation notices */
  appUrl: string;
  /** the clock deadlines are compared with and breaches/reminders are stamped with */
  now?: () => Date;
  pollMs?: number;
  /** templates/mail/sla-update/*.md, loaded on first use when not given */
  templates?: SlaTemplateSet;
  /** where a reminder goes when the case has no (enabled) assignee; null/undefined = no reminder */
  teamAddress?: (mailbox: Mailbox, team: string | null) => string | null | undefined;
  /** called after a commit that queued outbox rows (kick the outbox worker) */
  onQueued?: (queued: SlaQueued) => void;
}

export interface SlaDrainResult {
  breaches: number;
  reminders: number;
  updates: number;
  failed: number;
}

const LABEL: Record<SlaTimerKind, string> = { first_reply: 'first reply', next_reply: 'next reply', resolution: 'resolution' };
const CUSTOMER_UPDATE_KINDS = new Set<SlaTimerKind>(['first_reply', 'next_reply']);

type Step = { status: 'none' } | { status: 'skipped'; timerId: string } | { status: 'done'; timerId: string; queued: SlaQueued[]; update: boolean };

/**
 * Fires SLA timers from the database: reminders to the assignee before a deadline, and at a breach the case's
 * escalation plus (for reply deadlines) one 'still working on it' update to the customer. Each timer is claimed
 * in its own transaction with FOR UPDATE SKIP LOCKED and a conditional update, and outbox rows carry a dedupe
 * key, so restarts and racing workers never repeat anything.
 */
export class SlaWorker extends WakingWorker {
  private readonly now: () => Date;

  constructor(private readonly o: SlaWorkerOptions) {
    super(o.pollMs ?? 10_000, o.log);
    this.now = o.now ?? (() => new Date());
  }

  async drain(): Promise<SlaDrainResult> {
    const templates = this.o.templates ?? (await loadSlaTemplates());
    const now = this.now();
    const result: SlaDrainResult = { breaches: 0, reminders: 0, updates: 0, failed: 0 };
    // Breaches first: a timer past both points (worker down for a while) is escalated, not reminded.
    for (const kind of ['breach', 'reminder'] as const) {
      const exclude = new Set<string>();
      while (!this.waker.stopping) {
        const current: { timerId: string | null } = { timerId: null };
        let step: Step;
        try {
          step = await this.o.db.transaction((tx) => {
            const found = (id: string) => void (current.timerId = id);
            return kind === 'breach' ? this.breachOne(tx, now, exclude, templates, found) : this.remindOne(tx, now, exclude, found);
          });
        } catch (err) {
          const { timerId } = current;
          if (timerId === null) throw err; // the database itself failed: retry on the next tick
          exclude.add(timerId);
          result.failed++;
          this.o.log.error({ err: errorMessage(err), timerId, step: kind }, 'SLA timer could not be handled; retried on the next tick');
          continue;
        }
        if (step.status === 'none') break;
        // A handled timer no longer matches; one left alone (case busy, another worker) waits for the next tick.
        if (step.status === 'skipped') {
          exclude.add(step.timerId);
          continue;
        }
        if (kind === 'breach') result.breaches++;
        else result.reminders++;
        if (step.update) result.updates++;
        for (const q of step.queued) this.o.onQueued?.(q);
      }
    }
    return result;
  }

  private async breachOne(tx: Tx, now: Date, exclude: Set<string>, templates: SlaTemplateSet, found: (id: string) => void): Promise<Step> {
    const running = and(isNull(slaTimers.stoppedAt), isNull(slaTimers.pausedAt), isNull(slaTimers.breachedAt));
    const due = await this.claimDue(tx, { due: and(running, lte(slaTimers.dueAt, now)), oldest: slaTimers.dueAt, stillDue: running, claim: { breachedAt: now } }, exclude, found);
    if ('status' in due) return due;
    const { timer, kase, mailbox } = due;

    const hours = mailboxHours(mailbox);
    const reason: EscalationReasonRecord = {
      code: 'sla_breach',
      detail: `The ${LABEL[timer.kind]} was due ${formatExpectedReply(timer.dueAt, 'en', mailbox.timeZone)} and has not happened.`,
      at: now.toISOString(),
    };
    const queued: SlaQueued[] = [];
    let customerUpdate: string | null = null;
    if (CUSTOMER_UPDATE_KINDS.has(timer.kind)) {
      customerUpdate = await this.queueCustomerUpdate(tx, timer, kase, mailbox, hours, now, templates, queued);
    }
    // The same escalation as the pipeline's and an agent's: history, audit row, team notice and webhook.
    const escalated = await escalateCase(tx, {
      kase, mailbox, actor: SYSTEM_ACTOR, reason, key: `escalation:${kase.id}:sla:${timer.id}`, messageIdDomain: this.o.messageIdDomain, appUrl: this.o.appUrl, now,
      reasonDetail: { timer: timer.kind, timerId: timer.id, dueAt: timer.dueAt.toISOString() }, eventDetail: { customerUpdate },
      auditAfter: { timer: timer.kind }, log: this.o.log,
    });
    if (escalated.noticeQueued || escalated.webhookQueued) queued.push({ kind: 'escalation', caseId: kase.id, outboxId: null });
    this.o.log.info({ caseId: kase.id, timerId: timer.id, timer: timer.kind, customerUpdate }, 'SLA breached: case escalated');
    return { status: 'done', timerId: timer.id, queued, update: customerUpdate === 'queued' };
  }

  /** One update per breached timer: only to a customer we acknowledged (never to a spoofed or capped sender). */
  private async queueCustomerUpdate(
    tx: Tx, timer: SlaTimer, kase: Case, mailbox: Mailbox, hours: ReturnType<typeof mailboxHours>, now: Date,
    templates: SlaTemplateSet, queued: SlaQueued[],
  ): Promise<string> {
    if (!kase.acknowledgedAt) return 'not_acknowledged';
    // The update goes where the acknowledgement went (never to an unproven Reply-To), with the same care about echoing.
    const recipient = (await acknowledgedRecipient(tx, kase.id)) ?? { address: kase.customerAddress, proven: true };
    if (!/^[^@\s]+@[^@\s]+$/.test(recipient.address)) return 'no_address';
    // A naive vacation responder answered our last mail and nobody else wrote: an update would only feed the loop.
    if (await onlyAutomaticRepliesSinceOurLastMail(tx, kase)) return 'only_automatic_replies';
    const policy = await loadPolicy(tx, mailbox, kase.priority);
    const expectedReplyAt = addBusinessMinutes(now, policy.nextReplyMinutes, hours);
    const rendered = renderSlaUpdate(
      {
        language: kase.language, reference: kase.reference, customerName: recipient.proven ? kase.customerName : null,
        subject: recipient.proven ? kase.subject : '', expectedReplyAt, timeZone: mailbox.timeZone,
      },
      templates,
    );
    const last = await this.lastCustomerMessage(tx, kase);
    const headers: Record<string, string> = {
      'Auto-Submitted': 'auto-replied',
      'X-Auto-Response-Suppress': 'All',
      'Content-Language': rendered.language,
      'X-Firstreply-Case': kase.reference,
    };
    if (last?.messageId) {
      headers['In-Reply-To'] = `<${last.messageId}>`;
      headers['References'] = [...last.references.slice(-20), last.messageId].map((id) => `<${id}>`).join(' ');
    }
    const [row] = await tx
      .insert(outbox)
      .values({
        caseId: kase.id,
        inboundMessageId: last?.id ?? null,
        kind: 'update',
        messageId: newMessageId('sla', kase.reference, this.o.messageIdDomain),
        fromAddress: mailbox.address,
        fromName: mailbox.displayName,
        toAddress: recipient.address,
        recipientKey: senderCapKey(recipient.address),
        subject: rendered.subject,
        textBody: rendered.text,
        headers,
        dedupeKey: `sla-update:${timer.id}`,
      })
      .onConflictDoNothing({ target: outbox.dedupeKey })
      .returning({ id: outbox.id });
    if (!row) return 'already_queued';
    queued.push({ kind: 'update', caseId: kase.id, outboxId: row.id });
    return 'queued';
  }

  private async remindOne(tx: Tx, now: Date, exclude: Set<string>, found: (id: string) => void): Promise<Step> {
    const pending = and(isNull(slaTimers.stoppedAt), isNull(slaTimers.pausedAt), isNull(slaTimers.breachedAt), isNull(slaTimers.remindedAt));
    const due = await this.claimDue(tx, {
      due: and(pending, isNotNull(slaTimers.remindAt), lte(slaTimers.remindAt, now), gt(slaTimers.dueAt, now)),
      oldest: slaTimers.remindAt, stillDue: pending, claim: { remindedAt: now },
    }, exclude, found);
    if ('status' in due) return due;
    const { timer, kase, mailbox } = due;

    const recipient = await this.reminderRecipient(tx, kase, mailbox);
    const queued: SlaQueued[] = [];
    if (!recipient) {
      this.o.log.info({ caseId: kase.id, timerId: timer.id }, 'SLA reminder due but the case has no assignee or team address');
      return { status: 'done', timerId: timer.id, queued, update: false };
    }
    const [row] = await tx
      .insert(outbox)
      .values({
        caseId: kase.id,
        kind: 'notification',
        messageId: newMessageId('sla-reminder', kase.reference, this.o.messageIdDomain),
        fromAddress: mailbox.address,
        fromName: mailbox.displayName,
        toAddress: recipient,
        ...reminderText(kase, timer, mailbox.timeZone, now),
        headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All', 'X-Firstreply-Case': kase.reference },
        dedupeKey: `sla-reminder:${timer.id}`,
      })
      .onConflictDoNothing({ target: outbox.dedupeKey })
      .returning({ id: outbox.id });
    if (row) queued.push({ kind: 'notification', caseId: kase.id, outboxId: row.id });
    return { status: 'done', timerId: timer.id, queued, update: false };
  }

  /**
   * The next timer that is `due` (the `oldest` first, skipping locked rows and `exclude`), with its case and mailbox,
   * claimed by setting `claim` while `stillDue` holds; or the step to report when there is none or it is left for
   * later. The conditional claim is what makes a breach or reminder happen once even where row locks do not separate
   * workers.
   */
  private async claimDue(
    tx: Tx, q: { due: SQL | undefined; oldest: AnyColumn; stillDue: SQL | undefined; claim: Partial<SlaTimer> },
    exclude: Set<string>, found: (id: string) => void,
  ): Promise<Step | { timer: SlaTimer; kase: Case; mailbox: Mailbox }> {
    const [timer] = await tx
      .select()
      .from(slaTimers)
      .where(and(q.due, exclude.size ? notInArray(slaTimers.id, [...exclude]) : undefined))
      .orderBy(asc(q.oldest))
      .limit(1)
      .for('update', { skipLocked: true });
    if (!timer) return { status: 'none' };
    found(timer.id);
    const context = await this.caseContext(tx, timer);
    if (!context) return { status: 'skipped', timerId: timer.id };
    const [claimed] = await tx.update(slaTimers).set(q.claim).where(and(eq(slaTimers.id, timer.id), q.stillDue)).returning();
    if (!claimed) return { status: 'skipped', timerId: timer.id };
    return { timer, ...context };
  }

  /**
   * The case (locked) and its mailbox, or null to leave the timer for later. The case lock skips too: a transaction
   * changing the case (which then locks its timers) is never waited for, so the two lock orders cannot deadlock.
   * A resolved case's forgotten timers are stopped instead of fired.
   */
  private async caseContext(tx: Tx, timer: SlaTimer): Promise<{ kase: Case; mailbox: Mailbox } | null> {
    const [row] = await tx
      .select({ kase: cases, mailbox: mailboxes })
      .from(cases)
      .innerJoin(mailboxes, eq(mailboxes.id, cases.mailboxId))
      .where(eq(cases.id, timer.caseId))
      .for('update', { of: cases, skipLocked: true });
    if (!row) return null;
    if (row.kase.status === 'resolved') {
      await tx.update(slaTimers).set({ stoppedAt: this.now() }).where(and(eq(slaTimers.id, timer.id), isNull(slaTimers.stoppedAt)));
      return null;
    }
    return row;
  }

  private async reminderRecipient(tx: Tx, kase: Case, mailbox: Mailbox): Promise<string | null> {
    if (kase.assigneeId) {
      // assignee_id is text (a user id, or another principal's id): compared as text, never cast.
      const [user] = await tx.select({ email: users.email }).from(users).where(and(eq(sql`${users.id}::text`, kase.assigneeId), isNull(users.disabledAt)));
      if (user) return user.email;
    }
    return this.o.teamAddress?.(mailbox, kase.team) ?? null;
  }

  /** The customer's latest message with a Message-ID (an auto-reply threaded into the case only if none). */
  private async lastCustomerMessage(tx: Tx, kase: Case) {
    const [last] = await tx
      .select({ id: inboundMessages.id, messageId: inboundMessages.messageId, references: inboundMessages.references })
      .from(inboundMessages)
      .where(and(eq(inboundMessages.caseId, kase.id), isNotNull(inboundMessages.messageId)))
      .orderBy(
        sql`case when lower(coalesce(${inboundMessages.replyTo}, ${inboundMessages.fromAddress})) = lower(${kase.customerAddress}) then 0 else 1 end`,
        desc(inboundMessages.receivedAt),
      )
      .limit(1);
    return last ?? null;
  }
}

const clockFormats = new Map<string, Intl.DateTimeFormat>();
function localFormat(timeZone: string, kind: 'time' | 'day'): Intl.DateTimeFormat {
  const key = `${timeZone}|${kind}`;
  let f = clockFormats.get(key);
  if (!f) {
    const options: Intl.DateTimeFormatOptions = kind === 'time'
      ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }
      : { weekday: 'short', day: 'numeric', month: 'short' };
    try {
      f = new Intl.DateTimeFormat('en-GB', { ...options, timeZone });
    } catch {
      f = new Intl.DateTimeFormat('en-GB', { ...options, timeZone: 'UTC' });
    }
    clockFormats.set(key, f);
  }
  return f;
}

/** 'HH:MM' in the mailbox's zone, with the day in front when the deadline is not today. */
export function formatDueClock(due: Date, now: Date, timeZone: string): string {
  const time = localFormat(timeZone, 'time').format(due);
  const day = localFormat(timeZone, 'day');
  return day.format(due) === day.format(now) ? time : `${day.format(due)} ${time}`;
}

/** Staff reminder text: only the reference and the deadline, no customer data (nothing to erase later). */
function reminderText(kase: Case, timer: SlaTimer, timeZone: string, now: Date): { subject: string; textBody: string } {
  const label = LABEL[timer.kind];
  return {
    subject: `Reminder: case ${kase.reference} ${label} due at ${formatDueClock(timer.dueAt, now, timeZone)}`,
    textBody: [
      `Case ${kase.reference} (priority ${kase.priority}, status ${kase.status}) has its ${label} due ${formatExpectedReply(timer.dueAt, 'en', timeZone)}.`,
      '',
      'If it is not done by then, the case is escalated automatically' +
        (CUSTOMER_UPDATE_KINDS.has(timer.kind) ? ' and the customer is told that we are still working on it.' : '.'),
      '',
    ].join('\n'),
  };
}
