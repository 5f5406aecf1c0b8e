import { Hono } from 'hono';
import { outboxCounts } from '../../cases/queries.js';
import type { Database } from '../../db/client.js';
import { errorMessage } from '../../errors.js';
import type { Metrics } from '../../metrics.js';

export interface MailConnectionStatus {
  name: string;
  connected: boolean;
  lastError?: string;
  consecutiveFailures?: number;
}

/** GET /health (200 only when the database answers) and GET /metrics (Prometheus text). */
export function opsRoutes(database: Database, metrics: Metrics, mailStatus: () => MailConnectionStatus[]) {
  return new Hono()
    .get('/health', async (c) => {
      const mail = mailStatus();
      try {
        await database.ping();
        return c.json({ status: 'ok', database: { kind: database.kind, ok: true }, mail });
      } catch (err) {
        return c.json({ status: 'unavailable', database: { kind: database.kind, ok: false, error: errorMessage(err) }, mail }, 503);
      }
    })
    .get('/metrics', async (c) => {
      const counts = await outboxCounts(database.db).catch(() => ({}) as Record<string, number>);
      metrics.outboxPending.set((counts.pending ?? 0) + (counts.claimed ?? 0) + (counts.sending ?? 0));
      metrics.outboxFailed.set({ status: 'failed' }, counts.failed ?? 0);
      metrics.outboxFailed.set({ status: 'uncertain' }, counts.uncertain ?? 0);
      return c.text(await metrics.registry.metrics(), 200, { 'content-type': metrics.registry.contentType });
    });
}
