import type { ChatClient } from './ai/chat.js';
import type { Embedder } from './ai/embedder.js';
import type { Config } from './config.js';
import type { Database } from './db/client.js';
import type { JobQueue } from './jobs/queue.js';
import type { KnowledgeBase } from './kb/knowledge.js';
import type { Logger } from './logger.js';
import type { MailConnectionStatus } from './mail/connection-status.js';
import type { Inbound } from './mail/inbound.js';
import type { RawStore } from './mail/raw-store.js';
import type { Metrics } from './metrics.js';
import type { Review } from './review/actions.js';

/** The running service's parts that the HTTP side (API routes and web pages) is given. */
export interface AppDeps {
  config: Config;
  database: Database;
  inbound: Inbound;
  metrics: Metrics;
  log: Logger;
  rawStore: RawStore;
  mailStatus(): MailConnectionStatus[];
  knowledge: KnowledgeBase;
  review: Review;
  embedder: Embedder;
  chat: ChatClient | undefined;
  queue: JobQueue;
}
