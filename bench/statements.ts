// Benchmark: the SQL statements a message costs, counted at the database client. In this process: the service on the
// embedded default (PGlite on its worker thread, node-postgres over a Unix socket), an indexed knowledge base (the
// tests' 12-article fixture), BENCH_STATEMENT_MESSAGES (600) customer emails stored first (not counted), then the
// pipeline started; counting runs from there until the SMTP sink has every acknowledgement. Storing a message adds
// two more statements (the message row and its job), not counted here; drafts are written later, not counted either.
//
//   npx tsx bench/statements.ts   (npm run bench:statements)
//
// Every call of node-postgres's Client.query is timed from the call to its answer, so the per-statement times include
// waiting for the single connection. stdout: a table (statements per message, time per message, share named), then
// one JSON line.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDatabase } from '../src/db/client.js';
import { startService } from '../src/service.js';
import { loadFixtureKb } from '../test/support/kb-fixture.js';
import { fakeResolver } from '../test/support/dns.js';
import { customerEmail } from '../test/support/mail.js';
import { testConfig } from '../test/support/service.js';
import { startSmtpSink } from '../test/support/smtp-sink.js';

const MESSAGES = Number(process.env.BENCH_STATEMENT_MESSAGES ?? 600);
const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

interface Tally { count: number; ms: number; named: number }
const byStatement = new Map<string, Tally>();
let counting = false;

// Count every statement: promise form (drizzle, transactions) and callback form (Pool.query, pg-boss).
const query = pg.Client.prototype.query;
(pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown }).query = function (this: pg.Client, ...args: unknown[]) {
  const started = performance.now();
  const config = args[0] as { text?: string; name?: string; callback?: (...a: unknown[]) => void } | string;
  const text = typeof config === 'string' ? config : config?.text ?? '';
  const named = typeof config === 'object' && !!config?.name;
  const done = () => {
    if (!counting) return;
    const key = text.replace(/\s+/g, ' ').trim().slice(0, 90);
    const t = byStatement.get(key) ?? { count: 0, ms: 0, named: 0 };
    t.count++;
    t.ms += performance.now() - started;
    if (named) t.named++;
    byStatement.set(key, t);
  };
  const last = args[args.length - 1];
  if (typeof last === 'function') args[args.length - 1] = (...a: unknown[]) => { done(); return (last as (...x: unknown[]) => unknown)(...a); };
  else if (typeof config === 'object' && typeof config?.callback === 'function') {
    const cb = config.callback;
    config.callback = (...a: unknown[]) => { done(); return cb(...a); };
  }
  const result = (query as (...a: unknown[]) => unknown).apply(this, args);
  if (result && typeof (result as Promise<unknown>).then === 'function') (result as Promise<unknown>).then(done, () => undefined);
  return result;
};

const sink = await startSmtpSink();
const dir = mkdtempSync(path.join(tmpdir(), 'firstreply-statements-'));
const database = await openDatabase({ dataDir: dir });
const config = testConfig({ SMTP_URL: sink.url, SENDER_AUTH: 'off', MAX_ACKS_PER_SENDER_24H: '1000000', INBOUND_SMTP_ENABLED: 'false' });
const service = await startService(config, { database, resolver: fakeResolver({}) });
try {
  await loadFixtureKb(database.db);
  await service.knowledge.refresh();
  await service.pipeline.stop();
  const mailbox = service.inbound.mailboxByKey('default');
  const questions = ['Where is my order? It has not arrived yet.', 'I forgot my password and cannot log in.', 'I want a refund for a damaged lamp.', 'Can you change the colour of my sofa order?'];
  for (let i = 0; i < MESSAGES; i++) {
    const raw = customerEmail({ from: `Customer ${i} <customer${i}@customer.test>`, subject: `Question ${i}`, body: `Hello, ${questions[i % questions.length]} Order ${1000 + i}.` });
    await service.inbound.receive(mailbox, 'import', Buffer.from(raw));
  }
  counting = true;
  const started = performance.now();
  await service.pipeline.start();
  while (sink.messages.length < MESSAGES) await new Promise((r) => setTimeout(r, 20));
  const seconds = (performance.now() - started) / 1000;
  counting = false;

  const all = [...byStatement.values()].reduce((a, t) => ({ count: a.count + t.count, ms: a.ms + t.ms, named: a.named + t.named }), { count: 0, ms: 0, named: 0 });
  const top = [...byStatement].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25);
  const lines = [
    `### statements per message (${MESSAGES} messages, embedded default, processing to acknowledgement sent)`,
    '',
    `${round(all.count / MESSAGES, 1)} statements per message, ${round(all.ms / MESSAGES, 1)} ms of statement time per message (waiting for the one connection included), ${Math.round((100 * all.named) / Math.max(1, all.count))}% run as named prepared statements; ${round(MESSAGES / seconds, 1)} acknowledgements/s in this process.`,
    '',
    '| per message | ms per message | statement (first 90 characters) |',
    '|---|---|---|',
    ...top.map(([text, t]) => `| ${round(t.count / MESSAGES)} | ${round(t.ms / MESSAGES)} | \`${text.replace(/\|/g, '/').replace(/`/g, "'")}\` |`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  process.stdout.write(`${JSON.stringify({ bench: 'statements', messages: MESSAGES, statementsPerMessage: round(all.count / MESSAGES, 2), statementMsPerMessage: round(all.ms / MESSAGES, 2), namedShare: round(all.named / Math.max(1, all.count), 3), acksPerSecond: round(MESSAGES / seconds, 1) })}\n`);
} finally {
  await service.stop();
  await database.close();
  await sink.stop();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0);
