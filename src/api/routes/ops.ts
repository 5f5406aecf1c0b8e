import { Hono } from 'hono';
import { countUncertain } from '../../admin/uncertain-mail.js';
import { outboxCounts } from '../../cases/queries.js';
import type { Database } from '../../db/client.js';
import { errorMessage } from '../../errors.js';
import type { QueueCounts } from '../../jobs/queue.js';
import type { MailConnectionStatus } from '../../mail/connection-status.js';
import type { Metrics } from '../../metrics.js';

const clock = (iso: string, seconds: boolean) => `${iso.slice(11, seconds ? 19 : 16)} UTC`;

/** One sentence per connection that is failing, for a person reading /health (and anything that pages them). */
export function mailAlerts(mail: MailConnectionStatus[]): string[] {
  return mail.flatMap((m) => {
    if (!m.connected && m.alert) return [m.alert];
    const failures = m.consecutiveFailures ?? 0;
    if (m.connected || failures === 0) return [];
    const what = m.kind === 'imap' ? `IMAP mailbox ${m.name}` : m.name;
    const since = m.failingSince ? ` since ${clock(m.failingSince, false)}` : '';
    const problem = m.authFailed
      ? `login refused ${failures} time${failures === 1 ? '' : 's'}${since} (check the user name and password)`
      : `cannot connect, ${failures} failure${failures === 1 ? '' : 's'}${since}${m.lastError ? ` (last: ${m.lastError})` : ''}`;
    const next = m.nextRetryAt ? `; next attempt at ${clock(m.nextRetryAt, true)}` : '; connecting now';
    return [`${what}: ${problem}${next}`];
  });
}

/**
 * GET /health: 200 'ok', 200 'degraded' with `alerts` (a mailbox cannot connect or log in: mail is not being read,
 * but the service is up and a restart would not help), 503 'unavailable' when the database does not answer.
 * GET /metrics: Prometheus text.
 */
export function opsRoutes(database: Database, metrics: Metrics, mailStatus: () => MailConnectionStatus[], queueCounts: () => Promise<QueueCounts>) {
  return new Hono()
    .get('/health', async (c) => {
      const mail = mailStatus();
      const alerts = mailAlerts(mail);
      try {
        await database.ping();
        // Mail a crash left half-sent is never resent on its own: someone has to decide (Admin → Uncertain mail).
        const uncertain = await countUncertain(database.db);
        if (uncertain > 0) alerts.push(`${uncertain} outgoing mail${uncertain === 1 ? ' has' : 's have'} an unknown delivery state after a crash and will not be resent on ${uncertain === 1 ? 'its' : 'their'} own: review them in Admin → Uncertain mail`);
        return c.json({ status: alerts.length ? 'degraded' : 'ok', alerts, database: { kind: database.kind, ok: true }, mail, outbox: { uncertain } });
      } catch (err) {
        return c.json({ status: 'unavailable', alerts, database: { kind: database.kind, ok: false, error: errorMessage(err) }, mail }, 503);
      }
    })
    .get('/metrics', async (c) => {
      const counts = await outboxCounts(database.db).catch(() => ({}) as Record<string, number>);
      metrics.outboxPending.set((counts.pending ?? 0) + (counts.claimed ?? 0) + (counts.sending ?? 0));
      metrics.outboxFailed.set({ status: 'failed' }, counts.failed ?? 0);
      metrics.outboxFailed.set({ status: 'uncertain' }, counts.uncertain ?? 0);
      const jobs = await queueCounts().catch(() => null);
      if (jobs) {
        metrics.pipelineJobs.set({ state: 'queued' }, jobs.queued);
        metrics.pipelineJobs.set({ state: 'active' }, jobs.active);
        metrics.pipelineJobs.set({ state: 'dead_letter' }, jobs.deadLetters);
      }
      return c.text(await metrics.registry.metrics(), 200, { 'content-type': metrics.registry.contentType });
    });
}
