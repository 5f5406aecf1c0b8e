// PGlite served on the PostgreSQL wire protocol for the chaos script, made to behave like ONE PostgreSQL session that
// several clients take turns on — which is what a real server gives each of them.
//
// Why: PGlite is a single session. @electric-sql/pglite-socket queues protocol MESSAGES, so while one client is
// between Parse and Sync of an extended-protocol query another client's Parse can replace the unnamed statement, and
// a client that vanishes while its BEGIN is still executing leaves the session inside its transaction with the queue
// waiting for it forever. Here a client holds the session from its first message until the server answers
// ReadyForQuery with status 'I' (idle, outside any transaction); a client that disconnects while holding it has its
// transaction rolled back, as PostgreSQL does when a backend's connection drops.
import type { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

interface Entry {
  handlerId: number;
  message: Uint8Array;
  onData(data: Uint8Array): void;
  resolve(n: number): void;
  reject(err: unknown): void;
}
interface Queue {
  queue: Entry[];
  processing: boolean;
  processQueue(): Promise<void>;
  clearQueueForHandler(id: number): void;
  clearTransactionIfNeeded(id: number): Promise<void>;
}

/** The status byte of the last ReadyForQuery ('Z') in a stream of backend messages, if any. */
function lastReadyStatus(out: Buffer): number | null {
  let status: number | null = null;
  let i = 0;
  while (i + 5 <= out.length) {
    const type = out[i]!;
    const len = out.readInt32BE(i + 1);
    if (len < 4) break;
    if (type === 0x5a && len === 5 && i + 5 < out.length) status = out[i + 5]!;
    i += 1 + len;
  }
  return status;
}

export interface WireServer {
  server: PGLiteSocketServer;
  port: number;
  /** transactions rolled back because their client vanished */
  readonly rolledBack: number;
}

export async function servePglite(db: PGlite, port: number, log: (msg: string) => void = () => undefined): Promise<WireServer> {
  const server = new PGLiteSocketServer({ db, port, host: '127.0.0.1', maxConnections: 50 });
  const q = (server as unknown as { queryQueue: Queue }).queryQueue;
  let owner: number | null = null;
  const gone = new Set<number>();
  let rolledBack = 0;

  const releaseIfGone = async () => {
    if (owner === null || !gone.has(owner)) return;
    if (db.isInTransaction()) {
      await db.exec('ROLLBACK');
      rolledBack++;
      log(`wire: rolled back the open transaction of a client that disconnected (#${owner})`);
    }
    owner = null;
  };

  q.processQueue = async function processQueue(this: Queue) {
    if (this.processing || this.queue.length === 0) return;
    this.processing = true;
    try {
      for (;;) {
        await releaseIfGone();
        const index = owner === null ? 0 : this.queue.findIndex((e) => e.handlerId === owner);
        if (index === -1 || this.queue.length === 0) break;
        const entry = this.queue.splice(index, 1)[0]!;
        const chunks: Buffer[] = [];
        try {
          await db.runExclusive(() =>
            db.execProtocolRawStream(entry.message, { onRawData: (data: Uint8Array) => { chunks.push(Buffer.from(data)); entry.onData(data); } }),
          );
        } catch (err) {
          entry.reject(err);
          continue;
        }
        const status = lastReadyStatus(Buffer.concat(chunks));
        // 'I': idle outside a transaction — anyone may go next. Otherwise (no answer yet, 'T' in a transaction,
        // 'E' in a failed one) the session stays with this client.
        owner = status === 0x49 ? null : entry.handlerId;
        entry.resolve(chunks.reduce((n, c) => n + c.length, 0));
      }
    } finally {
      this.processing = false;
    }
  };
  q.clearQueueForHandler = function clearQueueForHandler(this: Queue, id: number) {
    gone.add(id);
    this.queue = this.queue.filter((e) => {
      if (e.handlerId !== id) return true;
      e.reject(new Error('Handler disconnected'));
      return false;
    });
  };
  q.clearTransactionIfNeeded = async function clearTransactionIfNeeded(this: Queue) {
    if (this.processing) return; // the running loop releases a vanished owner before its next message
    await releaseIfGone();
    await this.processQueue();
  };

  await server.start();
  return { server, port, get rolledBack() { return rolledBack; } };
}
