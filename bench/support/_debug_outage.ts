import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import pg from 'pg';
import { freePort } from '../../test/support/dovecot.js';
import { startChildService } from '../../test/support/child-service.js';
import { startSmtpSink } from '../../test/support/smtp-sink.js';
import { generateCorpus } from './corpus.js';
import { delivery, offerAtRate, RetryingMta } from './mta.js';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pglite = await PGlite.create('memory://', { extensions: { vector } });
const port = await freePort();
const server = new PGLiteSocketServer({ db: pglite, port, host: '127.0.0.1', maxConnections: 50 });
await server.start();
const url = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
const sink = await startSmtpSink();
const [smtpPort, httpPort] = [await freePort(), await freePort()];
const child = await startChildService({ DATA_DIR: '/tmp/chaosdbg', SMTP_URL: sink.url, INBOUND_SMTP_PORT: String(smtpPort), PORT: String(httpPort), DATABASE_URL: url, OUTBOX_LEASE_SECONDS: '5' });
child.process.stdout!.on('data', (d) => { const s = String(d); if (/"level":(40|50)/.test(s)) process.stderr.write(s.slice(0, 400) + '\n'); });
const emails = generateCorpus(40, { seed: 3, runTag: 'dbg' + Date.now() });
const ds = emails.map((e) => delivery(e.messageId, e.raw, e.from, e.to));
const mta = new RetryingMta({ port: smtpPort, backoff: { initialMs: 500, maxMs: 3000 }, giveUpMs: 60_000 });
const probe = async (label: string) => {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000, query_timeout: 3000 } as pg.ClientConfig);
  try { await c.connect(); const r = await c.query('select count(*) from inbound_messages'); console.error(label, 'probe ok', r.rows[0], 'inTx', pglite.isInTransaction(), server.getStats()); } catch (e) { console.error(label, 'probe failed', (e as Error).message, 'inTx', pglite.isInTransaction(), server.getStats()); } finally { await c.end().catch(() => {}); }
};
let outage: Promise<void> = Promise.resolve();
const t = setInterval(() => console.error('accepted', ds.filter((d) => d.acceptedAt).length, 'sink', sink.messages.length), 3000);
await offerAtRate(ds, 5, (d) => mta.submit(d), (i) => {
  if (i !== 10) return;
  outage = (async () => { await server.stop(); console.error('stopped'); await sleep(6000); await server.start(); console.error('started'); await probe('after start'); await sleep(5000); await probe('after 5s'); })();
});
await outage;
await probe('end');
clearInterval(t);
console.error('accepted', ds.filter((d) => d.acceptedAt).length, 'sink', sink.messages.length, mta.counters);
mta.close(); await child.stop(); await sink.stop(); await server.stop(); process.exit(0);
