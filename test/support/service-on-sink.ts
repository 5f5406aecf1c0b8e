// The set-up most pipeline tests share: one database and one SMTP sink for a describe block, a service started on
// them (outgoing mail to the sink), and a reset between tests. Call it inside `describe`: it registers its own
// beforeAll and afterAll hooks; each test file decides when to reset and start (beforeEach, afterEach or per test).
import { afterAll, beforeAll } from 'vitest';
import type { Resolver } from '../../src/mail/sender-auth.js';
import type { Service } from '../../src/service.js';
import { openTestDatabase, type TestDatabase } from './database.js';
import { loadFixtureKb } from './kb-fixture.js';
import { startTestService } from './service.js';
import { startSmtpSink, type SmtpSink } from './smtp-sink.js';

export interface ServiceOnSink {
  readonly db: TestDatabase;
  readonly sink: SmtpSink;
  /** the service the last start() began; throws when none is running */
  readonly service: Service;
  /**
   * Starts a service with SMTP_URL set to the sink (and `overrides`). `kb`: the fixture knowledge base is loaded
   * before the start and indexed before this returns.
   */
  start(overrides?: Record<string, string>, opts?: { kb?: boolean; resolver?: Resolver }): Promise<Service>;
  /** Stops the running service, empties the database and forgets the mail the sink took. */
  reset(): Promise<void>;
}

export function serviceOnSink(): ServiceOnSink {
  let db: TestDatabase | undefined;
  let sink: SmtpSink | undefined;
  let service: Service | undefined;
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`serviceOnSink: no ${what} (call it inside describe; start() first for a service)`);
    return value;
  };

  beforeAll(async () => {
    db = await openTestDatabase();
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    await service?.stop();
    await sink?.stop();
    await db?.stop();
  });

  return {
    get db() { return started(db, 'database'); },
    get sink() { return started(sink, 'SMTP sink'); },
    get service() { return started(service, 'service'); },
    async start(overrides = {}, opts = {}) {
      const database = started(db, 'database');
      if (opts.kb) await loadFixtureKb(database.database.db);
      service = await startTestService(database, { SMTP_URL: started(sink, 'SMTP sink').url, ...overrides }, opts.resolver ? { resolver: opts.resolver } : {});
      if (opts.kb) await service.knowledge.ready();
      return service;
    },
    async reset() {
      await service?.stop();
      service = undefined;
      await db?.reset();
      if (sink) sink.messages.length = 0;
    },
  };
}
