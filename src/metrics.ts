import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Prometheus metrics, one registry per running service (tests start several services in one process). */
export function createMetrics() {
  const registry = new Registry();
  return {
    registry,
    messagesIngested: new Counter({
      name: 'firstreply_messages_ingested_total',
      help: 'Inbound messages stored (duplicates not counted)',
      labelNames: ['source'] as const,
      registers: [registry],
    }),
    messagesFlagged: new Counter({
      name: 'firstreply_messages_flagged_total',
      help: 'Inbound messages kept but flagged for a human (too large, unparseable...)',
      labelNames: ['flag'] as const,
      registers: [registry],
    }),
    messagesProcessed: new Counter({
      name: 'firstreply_messages_processed_total',
      help: 'Pipeline jobs run by this process, by outcome: processed, skipped (already done elsewhere), failed (to be retried)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    acknowledgementsSent: new Counter({
      name: 'firstreply_acknowledgements_sent_total',
      help: 'Acknowledgements accepted by the outgoing mail server',
      registers: [registry],
    }),
    acknowledgementsSuppressed: new Counter({
      name: 'firstreply_acknowledgements_suppressed_total',
      help: 'Messages that got no acknowledgement, by reason (one message may count under several reasons)',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    pipelineJobs: new Gauge({
      name: 'firstreply_pipeline_jobs',
      help: 'Stored messages waiting for the pipeline, by job state: queued (new or waiting to retry), active, dead_letter',
      labelNames: ['state'],
      registers: [registry],
    }),
    outboxPending: new Gauge({ name: 'firstreply_outbox_pending', help: 'Outgoing mails waiting to be delivered', registers: [registry] }),
    outboxFailed: new Gauge({
      name: 'firstreply_outbox_failed',
      help: 'Outgoing mails that failed permanently or whose delivery is uncertain after a crash',
      labelNames: ['status'] as const,
      registers: [registry],
    }),
    imapConnected: new Gauge({
      name: 'firstreply_imap_connected',
      help: 'IMAP mailbox watched over an open connection (1) or not (0: connecting, or waiting to retry)',
      labelNames: ['mailbox'] as const,
      registers: [registry],
    }),
    imapFailures: new Counter({
      name: 'firstreply_imap_failures_total',
      help: 'IMAP sessions that failed or ended, by kind: auth (login refused), network (connection lost or refused), other',
      labelNames: ['mailbox', 'kind'] as const,
      registers: [registry],
    }),
    ingestToAckSeconds: new Histogram({
      name: 'firstreply_ingest_to_acknowledgement_seconds',
      help: 'From storing the customer message to the outgoing server accepting the acknowledgement',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
