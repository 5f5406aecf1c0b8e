import { and, asc, eq, inArray, lt, ne, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { shapedStatement, statement } from '../db/statement.js';
import { inboundMessages } from '../db/schema/messages.js';
import { outbox, type OutboxRow } from '../db/schema/outbox.js';
import { pgText } from '../db/text.js';
import { errorMessage } from '../errors.js';
import { WakingWorker } from '../runtime/waker.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { WebhookSender } from '../escalation/webhook-delivery.js';
import { describeSendError, isRetryableSendError, type MailSender } from './senders.js';

/** What we send to a customer without a person deciding to: RFC 3834 automatic responses. */
const AUTOMATIC_RESPONSES = new Set<string>(['acknowledgement', 'update']);

export interface OutboxWorkerOptions {
  db: Db;
  sender: MailSender;
  /** sends 'webhook' rows; without it they wait */
  webhooks?: WebhookSender;
  log: Logger;
  metrics: Metrics;
  maxAttempts: number;
  retryBaseMs: number;
  leaseSeconds: number;
  concurrency?: number;
  pollMs?: number;
  /** Test-only crash point: die after the server accepted a message and before it is recorded as sent. */
  exitAfterSend?: boolean;
}

/** Delivers outbox rows with retries. See outboxStatuses for why a crash can never send a mail twice. */
export class OutboxWorker extends WakingWorker {
  private lastUncertainCheck = 0;

  constructor(private readonly o: OutboxWorkerOptions) {
    super(o.pollMs ?? 1000, o.log);
  }

  async drain(): Promise<void> {
    // Leases are minutes long, so looking for dead senders now and then is enough.
    if (Date.now() - this.lastUncertainCheck > 10_000) {
      this.lastUncertainCheck = Date.now();
      await this.markUncertain();
    }
    const limit = this.o.concurrency ?? 8;
    for (;;) {
      // a stopping worker claims nothing: a claimed row it left undelivered would turn 'uncertain'
      if (this.waker.stopping) return;
      const batch = await this.claim(limit);
      if (batch.length === 0 || this.waker.stopping) return;
      await this.deliver(batch);
      // A short batch took everything due: mail queued since then kicked another run, and the poll finds the rest.
      if (batch.length < limit) return;
    }
  }

  /**
   * A mail left in 'sending' by a dead process may have reached the server: never resend it blindly. A webhook is
   * sent again (its delivery id lets the receiver drop a duplicate).
   */
  async markUncertain(): Promise<number> {
    const abandoned = and(eq(outbox.status, 'sending'), lt(outbox.leaseUntil, sql`now()`));
    await this.o.db.update(outbox).set({ status: 'pending', leaseUntil: null }).where(and(abandoned, eq(outbox.kind, 'webhook')));
    const rows = await this.o.db
      .update(outbox)
      .set({ status: 'uncertain', lastError: 'the process stopped while this mail was being handed to the server' })
      .where(and(abandoned, ne(outbox.kind, 'webhook')))
      .returning({ id: outbox.id });
    if (rows.length > 0) this.o.log.warn({ count: rows.length }, 'outgoing mails with unknown delivery state after a crash (not resent)');
    return rows.length;
  }

  private claim(limit: number): Promise<OutboxRow[]> {
    return claimDue(this.o.db, limit, { leaseSeconds: this.o.leaseSeconds });
  }

  /**
   * The batch was claimed straight into 'sending', committed just before the SMTP transactions start, so only a
   * crash during the transactions themselves leaves mail whose delivery is unknown.
   */
  private async deliver(batch: OutboxRow[]): Promise<void> {
    const { db, sender, log } = this.o;
    const results = await Promise.all(
      batch.map((row) =>
        (row.kind === 'webhook' ? this.sendWebhook(row) : sender
          .send({
            messageId: row.messageId,
            from: { address: row.fromAddress, name: row.fromName },
            to: row.toAddress,
            subject: row.subject,
            text: row.textBody,
            headers: row.headers,
            // RFC 3834 section 3.3: automatic responses go out with the null return path MAIL FROM:<>, so that a bounce
            // of an acknowledgement or SLA update is never sent back to us (and never answered by anyone's robot).
            ...(AUTOMATIC_RESPONSES.has(row.kind) ? { envelopeFrom: '' } : {}),
          }))
          .then(() => ({ row, err: null as unknown }), (err: unknown) => ({ row, err })),
      ),
    );
    const sent = results.filter((r) => r.err === null).map((r) => r.row);
    if (this.o.exitAfterSend && sent.length > 0) process.kill(process.pid, 'SIGKILL');
    if (sent.length > 0) {
      const recorded = await markSent(db, { ids: sent.map((r) => r.id) });
      log.info({ count: sent.length }, 'mail delivered');
      this.recordAcknowledged(recorded);
    }
    for (const r of results) if (r.err !== null) await this.recordFailure(r.row, r.err);
  }

  private sendWebhook(row: OutboxRow): Promise<void> {
    if (!this.o.webhooks) return Promise.reject(new Error('no webhook sender configured'));
    return this.o.webhooks(row);
  }

  private async recordFailure(row: OutboxRow, err: unknown): Promise<void> {
    const retry = isRetryableSendError(err) && row.attempts < this.o.maxAttempts;
    const delay = Math.min(this.o.retryBaseMs * 2 ** (row.attempts - 1), 30 * 60_000) * (0.8 + Math.random() * 0.4);
    await this.o.db
      .update(outbox)
      .set({
        status: retry ? 'pending' : 'failed',
        nextAttemptAt: new Date(Date.now() + delay),
        leaseUntil: null,
        lastError: pgText(describeSendError(err).slice(0, 1000)),
      })
      .where(eq(outbox.id, row.id));
    // The server's answer often names the recipient ("550 5.1.1 <maria@…>: Recipient address rejected"): at the default
    // level only its codes are logged; the full text stays in outbox.last_error and reaches the log at debug.
    const e = err as { responseCode?: unknown; code?: unknown; command?: unknown };
    this.o.log.warn({
      outboxId: row.id, attempt: row.attempts, retry,
      responseCode: typeof e?.responseCode === 'number' ? e.responseCode : undefined,
      code: typeof e?.code === 'string' ? e.code : undefined,
      command: typeof e?.command === 'string' ? e.command : undefined,
      customer: { err: errorMessage(err) },
    }, 'outgoing mail not delivered');
  }

  /** Acknowledgements out: counted, with the time from the customer's message arriving to its acknowledgement. */
  private recordAcknowledged(sent: { kind: string; receivedAt: Date | null }[]): void {
    const acks = sent.filter((r) => r.kind === 'acknowledgement');
    if (acks.length === 0) return;
    this.o.metrics.acknowledgementsSent.inc(acks.length);
    for (const { receivedAt } of acks) if (receivedAt) this.o.metrics.ingestToAckSeconds.observe((Date.now() - receivedAt.getTime()) / 1000);
  }
}

// The two statements every delivered mail goes through, built once (src/db/statement.ts).
const leaseFor = sql`now() + make_interval(secs => ${sql.placeholder('leaseSeconds')})`;
const ids = sql`${sql.placeholder('ids')}::uuid[]`;

// Claimed straight into 'sending': the SMTP transactions start as soon as the claim returns, so a separate
// 'claimed' step only cost a statement (nothing ran between the two). 'claimed' rows of an earlier version whose lease
// ran out are still taken. The batch size is written into the statement (one per size), not sent as a parameter: with
// LIMIT $n a prepared statement's generic plan may read every outbox row.
const claimDue = shapedStatement((limit: number) => String(limit), (q, limit) => {
  const due = q
    .select({ id: outbox.id })
    .from(outbox)
    .where(
      or(
        and(eq(outbox.status, 'pending'), lt(outbox.nextAttemptAt, sql`now() + interval '1 millisecond'`)),
        and(eq(outbox.status, 'claimed'), lt(outbox.leaseUntil, sql`now()`)),
      ),
    )
    .orderBy(asc(outbox.nextAttemptAt))
    .limit(limit)
    .for('update', { skipLocked: true });
  return q
    .update(outbox)
    .set({ status: 'sending', leaseUntil: leaseFor, attempts: sql`${outbox.attempts} + 1` })
    .where(inArray(outbox.id, due))
    .returning();
});

const markSent = statement((q) => q
  .update(outbox)
  .set({ status: 'sent', sentAt: sql`now()`, leaseUntil: null, lastError: null })
  .where(sql`${outbox.id} = any(${ids})`)
  .returning({
    kind: outbox.kind,
    receivedAt: sql<Date | null>`(select ${inboundMessages.receivedAt} from ${inboundMessages} where ${inboundMessages.id} = ${outbox.inboundMessageId})`.mapWith(inboundMessages.receivedAt),
  }));
