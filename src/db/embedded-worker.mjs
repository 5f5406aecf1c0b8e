// Runs the embedded PGlite database on its own thread, served over a Unix socket, so Postgres work uses
// the second core instead of competing with SMTP, HTTP and the pipeline on the main thread.
// Plain JavaScript on purpose: worker threads do not inherit the TypeScript loader.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

const { dataDir, socketPath } = workerData;
try {
  const db = await PGlite.create(dataDir, { extensions: { vector } });
  const server = new PGLiteSocketServer({ db, path: socketPath, maxConnections: 1 });
  await server.start();
  parentPort.on('message', async (msg) => {
    if (msg !== 'close') return;
    await server.stop().catch(() => undefined);
    await db.close().catch(() => undefined);
    parentPort.postMessage({ closed: true });
  });
  parentPort.postMessage({ ready: true });
} catch (err) {
  parentPort.postMessage({ error: String(err && err.stack ? err.stack : err) });
}
