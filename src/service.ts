import path from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import type { SMTPServer } from 'smtp-server';
import { createApp } from './api/app.js';
import { openRateLimitStore } from './api/rate-limit.js';
import type { MailConnectionStatus } from './mail/connection-status.js';
import { messageIdDomain, publicBaseUrl, type Config, databaseOptions } from './config.js';
import { openDatabase, type Database } from './db/client.js';
import { EmbeddedMaintenance } from './db/maintenance.js';
import { loadTemplates } from './domain/acknowledgement.js';
import { PipelineWorker } from './jobs/pipeline-worker.js';
import { JobQueue } from './jobs/queue.js';
import { BatchQueue } from './jobs/batch-queue.js';
import { LeaseKeeper } from './jobs/leases.js';
import { errorMessage } from './errors.js';
import { listenError } from './startup-errors.js';
import { createLogger, type Logger } from './logger.js';
import { dbCursorStore } from './mail/imap-cursors.js';
import { ImapWatcher } from './mail/imap-watcher.js';
import { IngestionGate } from './runtime/ingestion-gate.js';
import { Inbound } from './mail/inbound.js';
import { OutboxWorker } from './mail/outbox-worker.js';
import { webhookSender } from './escalation/webhook-delivery.js';
import { guardedFetch } from './escalation/guarded-fetch.js';
import { WebhookAllowList } from './escalation/webhook-target.js';
import { fileRawStore, rowRawStore } from './mail/raw-store.js';
import { fileSender, smtpSender, type MailSender } from './mail/senders.js';
import { createSmtpListener } from './mail/smtp-listener.js';
import { DEFAULT_MAILBOX_KEY, imapMailboxKey, syncMailboxes } from './mailboxes/sync.js';
import { createMetrics, type Metrics } from './metrics.js';
import { createChatClient, createEmbedder } from './ai/provider.js';
import { LabelRefitter } from './kb/label-refit.js';
import { createSentenceEncoder, semanticModelEnabled } from './ai/semantic-model.js';
import { Review } from './review/actions.js';
import * as sla from './sla/timers.js';
import { SlaWorker } from './sla/worker.js';
import { loadSlaTemplates } from './sla/templates.js';
import { DraftWorker } from './review/draft-worker.js';
import { createComposer } from './review/worker-composer.js';
import { refreshStaleDrafts } from './review/stale-drafts.js';
import { GapMaintainer } from './insight/gaps/maintainer.js';
import { gapSourceOfReply } from './insight/clustering/rewrites.js';
import { mailboxRules } from './escalation/mailbox-rules.js';
import { teamAddressFor } from './domain/escalation-rules.js';
import type { Mailbox } from './db/schema/mailboxes.js';
import { knowledgeStep } from './cases/knowledge-step.js';
import { QuestionWriter } from './kb/generated-questions/writer.js';
import { KnowledgeBase } from './kb/knowledge.js';
import { dnsCanaryFor, senderCheck } from './mail/sender-check.js';
import { ensureBootstrapAdmin } from './auth/users.js';
import type { Resolver } from './mail/sender-auth.js';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';

export interface Service {
  config: Config;
  knowledge: KnowledgeBase;
  review: Review;
  draftWorker: DraftWorker;
  slaWorker: SlaWorker;
  database: Database;
  inbound: Inbound;
  metrics: Metrics;
  log: Logger;
  pipeline: PipelineWorker;
  queue: JobQueue;
  /** this process's name in leases and logs */
  workerName: string;
  outboxWorker: OutboxWorker;
  httpPort: number;
  smtpPort: number | null;
  /** every registered HTTP route, for the authorization test that no route lacks a rule */
  routes: { method: string; path: string }[];
  stop(): Promise<void>;
}

/**
 * The composition root. A start that fails (a port in use, a migration) stops what it started and closes the database
 * it opened (releasing DATA_DIR's lock and PGlite's postmaster.pid) before the error reaches the caller.
 */
export async function startService(config: Config, opts: { log?: Logger; database?: Database; resolver?: Resolver } = {}): Promise<Service> {
  const database = opts.database ?? (await openDatabase(databaseOptions(config)));
  try {
    const service = await startParts(config, { ...opts, database });
    if (!opts.database) {
      const stop = service.stop.bind(service);
      service.stop = () => stop().finally(() => database.close());
    }
    return service;
  } catch (err) {
    if (!opts.database) await database.close().catch(() => undefined);
    throw err;
  }
}

/** Every real part wired together, started in dependency order, stopped in reverse. */
async function startParts(config: Config, opts: { log?: Logger; database: Database; resolver?: Resolver }): Promise<Service> {
  const log = opts.log ?? createLogger(config.LOG_LEVEL);
  const database = opts.database;
  await database.migrate();
  const db = database.db;
  const bootstrapped = await ensureBootstrapAdmin(db, config);
  if (bootstrapped) log.info('created the first admin from ADMIN_EMAIL');
  const mailboxRows = await syncMailboxes(db, config);
  const metrics = createMetrics();
  const templates = await loadTemplates();
  const domain = messageIdDomain(config);
  const appUrl = publicBaseUrl(config);
  const sender: MailSender = config.SMTP_URL ? smtpSender(config.SMTP_URL) : fileSender(path.resolve(config.DATA_DIR, 'outbox'));
  const worker = config.ROLE !== 'api';
  const workerName = config.WORKER_NAME ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const queue = new JobQueue(database, {
    maxAttempts: config.PIPELINE_MAX_ATTEMPTS, retryDelaySeconds: config.PIPELINE_RETRY_DELAY_SECONDS,
    jobTimeoutSeconds: config.PIPELINE_JOB_TIMEOUT_SECONDS, maintenanceSeconds: config.QUEUE_MAINTENANCE_SECONDS, supervise: worker,
  }, log);
  await queue.start();
  // The embedded database belongs to this process alone: jobs it left active when it died are abandoned.
  if (worker && database.kind === 'pglite') {
    const recovered = await queue.recoverAbandoned();
    if (recovered) log.warn({ jobs: recovered }, 'jobs left unfinished by the previous run are retried now');
  }
  // No autovacuum in PGlite: the embedded database gets its tables analysed and vacuumed as they grow (db/maintenance.ts).
  const maintenance = database.kind === 'pglite' ? new EmbeddedMaintenance(db, log) : undefined;
  const rawStore = database.kind === 'pglite' ? fileRawStore(path.resolve(config.DATA_DIR, 'raw'), config.RAW_FILE_THRESHOLD_BYTES) : rowRawStore;

  const embedder = createEmbedder(config, { db, onRetry: (e) => log.warn(e, 'AI request retried') });
  // The English sentence encoder ranks English questions beside the lexical signals (SEMANTIC_MODEL); one warning and
  // lexical matching only when it cannot load.
  const encoder = semanticModelEnabled(config) ? await createSentenceEncoder(log) : undefined;
  // Worker processes with a chat model write the questions customers would ask for each published article.
  let questionWriter: QuestionWriter | undefined;
  const knowledge = new KnowledgeBase({
    db, embedder, log, threshold: config.MATCH_THRESHOLD, pollMs: worker ? 60_000 : undefined, publicBaseUrl: publicBaseUrl(config),
    ...(encoder ? { semantic: { embedder: encoder, languages: ['en'] } } : {}),
    onArticlesChanged: async (ids) => {
      questionWriter?.kick();
      const stale = await refreshStaleDrafts(db, ids);
      if (stale.redrafted) draftWorker.kick();
      if (stale.redrafted || stale.flagged) log.info(stale, 'drafts citing changed articles refreshed');
    },
  });

  const outboxWorker = new OutboxWorker({
    db, sender, log, metrics,
    webhooks: webhookSender(db, { fetch: guardedFetch(new WebhookAllowList(config.WEBHOOK_ALLOWED_HOSTS)) }),
    maxAttempts: config.OUTBOX_MAX_ATTEMPTS,
    retryBaseMs: config.OUTBOX_RETRY_BASE_MS,
    leaseSeconds: config.OUTBOX_LEASE_SECONDS,
    exitAfterSend: config.FAULT_INJECTION === 'exit-after-send',
  });
  const ingestion = new IngestionGate();
  // DMARC "none" from a resolver that answers nothing must not pass for "no policy" (src/mail/dns-canary.ts)
  const dnsCanary = dnsCanaryFor(config, opts.resolver);
  const pipeline = new PipelineWorker(
    {
      db, templates, messageIdDomain: domain, appUrl, rawStore, maxMessageAgeHours: config.MAX_MESSAGE_AGE_HOURS,
      ourAddresses: [...new Set([config.SUPPORT_ADDRESS.toLowerCase(), ...mailboxRows.map((m) => m.address)])],
      parseLimits: {
        maxParseBytes: config.MAX_PARSE_BYTES, maxMimeParts: config.MAX_MIME_PARTS, maxHeaderBytes: config.MAX_HEADER_BYTES,
        maxHtmlBytes: config.MAX_HTML_BYTES, timeoutMs: config.PARSE_TIMEOUT_MS,
      },
      checkSender: senderCheck(config, opts.resolver, dnsCanary),
      log,
      matchKnowledge: knowledgeStep(knowledge, config.MAX_SUGGESTED_ARTICLES, log),
    },
    queue,
    { batchSize: config.PIPELINE_BATCH_SIZE, concurrency: config.PIPELINE_CONCURRENCY, pollSeconds: config.QUEUE_POLL_SECONDS, sweepSeconds: config.QUEUE_SWEEP_SECONDS },
    log,
    metrics,
    (outcome) => {
      if (outcome.status !== 'processed') return;
      if (outcome.acknowledged || outcome.escalation?.noticeQueued || outcome.escalation?.webhookQueued) outboxWorker.kick();
      if (outcome.unanswered) void gaps.record({ ...outcome.unanswered, source: 'no_article' });
      if (outcome.caseId) draftWorker.kick();
    },
    () => draftWorker.kick(),
    ingestion,
  );
  const chat = createChatClient(config, { onRetry: (e) => log.warn(e, 'AI request retried') });
  if (chat && worker) questionWriter = new QuestionWriter({ db, chat, log, onStored: () => knowledge.requestRefresh(), pollMs: 60_000 });
  const gaps = new GapMaintainer({ db, embedder, log, chat });
  const refitter = new LabelRefitter(db, log);
  const review = new Review({
    db, messageIdDomain: domain, appUrl,
    onLabelled: (mailboxId) => refitter.request(mailboxId),
    onReplyQueued: () => outboxWorker.kick(),
    onEscalated: () => outboxWorker.kick(),
    onExamplesLearned: () => knowledge.requestRefresh(),
    onNoArticle: ({ caseId, text, language }) => void gaps.record({ caseId, text, language, source: 'no_article' }),
    onDraftRejected: ({ caseId, inboundMessageId, question, language, reason, customerName }) =>
      void gaps.record({ caseId, inboundMessageId, text: question, language, source: 'rejected_draft', reason, names: customerName ? [customerName] : [] }),
    onAgentReply: (reply) => {
      const source = gapSourceOfReply(reply);
      if (source && reply.question) void gaps.record({ inboundMessageId: reply.inboundMessageId, caseId: reply.caseId, text: reply.question, language: reply.language, source, agentReply: reply.sentBody });
    },
    sla: {
      onAgentReplied: async (tx, kase, _mailbox, now) => void (await sla.onAgentReplied(tx, kase.id, now)),
      onStatusChanged: sla.onStatusChanged,
      onPriorityChanged: sla.onPriorityChanged,
    },
  });
  const slaWorker = new SlaWorker({
    db, log, messageIdDomain: domain, appUrl, templates: await loadSlaTemplates(),
    teamAddress: (mailbox, team) => {
      const rules = mailboxRules(mailbox as Mailbox, log);
      return teamAddressFor(rules, team ?? rules.defaultTeam, null);
    },
    onQueued: () => outboxWorker.kick(),
  });
  const draftWorker = new DraftWorker({
    db, log, compose: await createComposer(chat), modelConfigured: chat !== undefined,
    onDrafted: (_caseId, draftId) => review.considerAutoSend(draftId),
    shouldYield: () => pipeline.busy,
  });
  // Every stored message gets its job before the sender hears back; a worker in this process starts on it at once.
  // Messages stored while one insert of jobs runs share the next one (one statement for a burst, not one each).
  const jobInserts = new BatchQueue(async (ids: string[]) => (await queue.enqueueMessages(ids), ids), 200);
  const enqueue = async (stored: { id: string; duplicate: boolean }) => {
    if (stored.duplicate) return;
    try {
      await jobInserts.add(stored.id);
      if (worker) pipeline.kick();
    } catch (err) {
      log.warn({ err: errorMessage(err), messageId: stored.id }, 'could not enqueue a stored message; the next sweep will');
    }
  };
  const inbound = new Inbound(db, mailboxRows, metrics, config.MAX_MESSAGE_BYTES, enqueue, rawStore, ingestion);
  const defaultMailbox = inbound.mailboxByKey(DEFAULT_MAILBOX_KEY);

  const watchers = worker
    ? config.IMAP_URL.map((url) => {
        const mailbox = inbound.mailboxByKey(imapMailboxKey(url));
        return new ImapWatcher({
          url, mailboxKey: mailbox.key, cursorStore: dbCursorStore(db), logger: log, metrics,
          onMessage: async (raw) => void (await inbound.receive(mailbox, 'imap', raw)),
        });
      })
    : [];
  let smtp: SMTPServer | null = null;
  const mailStatus = (): MailConnectionStatus[] => [
    ...watchers.map((w) => ({ name: w.status().mailboxKey, kind: 'imap', ...w.status() })),
    ...(smtp ? [{ name: 'smtp-listener', connected: true }] : []),
    ...(dnsCanary?.status() ?? []),
  ];

  // One reader per IMAP mailbox across all worker processes: each watcher runs only while this process leases it.
  const leases = new LeaseKeeper(db, workerName, config.MAILBOX_LEASE_SECONDS,
    watchers.map((w) => ({ name: `imap:${w.status().mailboxKey}`, start: () => w.start(), stop: () => w.stop() })), log);
  maintenance?.start();
  if (worker) {
    outboxWorker.start();
    await pipeline.start();
    draftWorker.start();
    slaWorker.start();
    leases.start();
    questionWriter?.start();
  }
  const stopParts = async () => {
    if (smtp) await new Promise<void>((resolve) => smtp!.close(() => resolve()));
    await leases.stop();
    await pipeline.stop();
    await draftWorker.stop();
    await slaWorker.stop();
    await outboxWorker.stop();
    await questionWriter?.stop();
    knowledge.stop();
    refitter.stop();
    await refitter.idle();
    await knowledge.settled();
    await encoder?.close();
    await queue.stop();
    await maintenance?.stop();
    sender.close();
  };
  let smtpPort: number | null = null;
  // Receiving is ingestion only (store, enqueue): an API process may take SMTP while workers do the rest.
  if (config.INBOUND_SMTP_ENABLED) {
    smtp = createSmtpListener({
      inbound, defaultMailbox, host: config.INBOUND_SMTP_HOST, maxBytes: config.MAX_MESSAGE_BYTES, log,
      limits: {
        maxClients: config.INBOUND_SMTP_MAX_CLIENTS, maxClientsPerIp: config.INBOUND_SMTP_MAX_CLIENTS_PER_IP,
        maxBytesInFlightPerIp: config.INBOUND_SMTP_MAX_BYTES_IN_FLIGHT_PER_IP, maxBytesInFlight: config.INBOUND_SMTP_MAX_BYTES_IN_FLIGHT,
      },
    });
    smtpPort = await listen(smtp, config.INBOUND_SMTP_PORT, config.INBOUND_SMTP_HOST).catch(async (err: unknown) => {
      smtp = null; // never listened: nothing to close
      await stopParts();
      throw listenError(err, 'The SMTP listener', 'INBOUND_SMTP_PORT', 'INBOUND_SMTP_HOST', config.INBOUND_SMTP_HOST, config.INBOUND_SMTP_PORT);
    });
  }
  const rateLimitStore = await openRateLimitStore(database).catch(async (err: unknown) => {
    await stopParts();
    throw err;
  });
  const app = createApp({
    config, database, inbound, metrics, log, mailStatus, rawStore, knowledge, review, embedder, chat, queue,
    rateLimitStore,
    limits: {
      jsonBodyMaxBytes: config.API_BODY_LIMIT_BYTES, hstsMaxAgeSeconds: config.HSTS_MAX_AGE_SECONDS,
      inboundRateLimit: { ratePerSecond: config.INBOUND_RATE_PER_SECOND, burst: config.INBOUND_RATE_BURST },
    },
  });
  const { server, port: httpPort } = await new Promise<{ server: ServerType; port: number }>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, (info) => resolve({ server: s, port: info.port }));
    s.once('error', reject);
  }).catch(async (err: unknown) => {
    await stopParts();
    throw listenError(err, 'The HTTP server', 'PORT', 'HOST', config.HOST, config.PORT);
  });
  log.info({ httpPort, smtpPort, database: database.kind, outbound: sender.kind, imap: watchers.length }, 'firstreply started');

  return {
    config, database, inbound, metrics, log, pipeline, queue, workerName, outboxWorker, httpPort, smtpPort, knowledge, review, draftWorker, slaWorker,
    routes: app.routes.filter((r) => r.method !== 'ALL').map((r) => ({ method: r.method, path: r.path })),
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      await stopParts();
      log.info('firstreply stopped');
    },
  };
}

function listen(server: SMTPServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}
