// Several firstreply services in this process on ONE real PostgreSQL database, each with a pool of its own, so their
// transactions run on separate sessions at the same time, as separate worker processes' would. They start with
// ROLE=api, so none of their background workers runs: a test drives each step itself (drain the pipeline, drain the
// outbox, claim a case) from several of them at the same instant.
import { openDatabase } from '../../src/db/client.js';
import type { ProcessDeps } from '../../src/cases/process-message.js';
import type { Service } from '../../src/service.js';
import type { TestDatabase } from './database.js';
import { startTestService } from './service.js';

export interface WorkerService {
  name: string;
  service: Service;
  /** the pipeline's own dependencies, to run processMessage on this worker's pool */
  processDeps: ProcessDeps;
}

export async function startWorkerServices(t: TestDatabase, count: number, overrides: Record<string, string> = {}): Promise<{ workers: WorkerService[]; stop(): Promise<void> }> {
  if (!t.url) throw new Error('worker services need the real PostgreSQL (TEST_DB=pg)');
  const workers: WorkerService[] = [];
  const closers: (() => Promise<void>)[] = [];
  try {
    // One after the other: concurrent start-up (migrations, queue creation) is a test of its own.
    for (let i = 1; i <= count; i++) {
      const database = await openDatabase({ databaseUrl: t.url });
      closers.push(() => database.close());
      const service = await startTestService({ ...t, database }, { ROLE: 'api', INBOUND_SMTP_ENABLED: 'false', WORKER_NAME: `worker-${i}`, ...overrides });
      closers.push(() => service.stop());
      // PipelineWorker keeps them private; a test that races processMessage itself needs exactly these.
      const processDeps = (service.pipeline as unknown as { deps: ProcessDeps }).deps;
      workers.push({ name: `worker-${i}`, service, processDeps });
    }
  } catch (err) {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    throw err;
  }
  return {
    workers,
    async stop() {
      for (const close of closers.reverse()) await close().catch(() => undefined);
    },
  };
}
