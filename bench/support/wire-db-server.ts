// PGlite (in memory, with pgvector) served on the PostgreSQL wire protocol by test/support/pglite-wire.ts, as a process
// of its own, for bench/workers.ts: the database then neither shares the benchmark's event loop (its SMTP sink and
// clients, whose clocks time the acknowledgements) nor the workers', and its memory is measured separately.
//
//   node --import tsx bench/support/wire-db-server.ts [--port N]
//
// Prints one JSON line {"ready":true,"port":N,"pid":P} on stdout once it listens; stops on SIGTERM/SIGINT (or when
// its parent goes away: stdin is a pipe from the parent and its end stops the server).
import net from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { servePglite } from '../../test/support/pglite-wire.js';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

const argPort = process.argv.indexOf('--port');
const port = argPort > 0 ? Number(process.argv[argPort + 1]) : await freePort();
const pglite = await PGlite.create('memory://', { extensions: { vector } });
const wire = await servePglite(pglite, port, (msg) => process.stderr.write(`[wire-db] ${msg}\n`));
process.stdout.write(`${JSON.stringify({ ready: true, port, pid: process.pid })}\n`);

let stopping = false;
async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  const force = setTimeout(() => process.exit(code), 3000);
  force.unref();
  await wire.server.stop().catch(() => undefined);
  await pglite.close().catch(() => undefined);
  process.exit(code);
}
process.on('SIGTERM', () => void stop(0));
process.on('SIGINT', () => void stop(0));
process.stdin.on('end', () => void stop(0));
process.stdin.on('error', () => void stop(0));
process.stdin.resume();
