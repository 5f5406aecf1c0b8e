// Benchmark: the IMAP path beside the SMTP path. One `firstreply start` child process reads a real Dovecot mailbox
// (IMAP IDLE) and listens for SMTP; the same number of customer emails is offered at a steady rate first as APPENDs
// to the mailbox, then over SMTP. Latency = the SMTP sink accepted the acknowledgement (matched by In-Reply-To) −
// the customer email was in: for IMAP the APPEND was answered (the message is in the mailbox; Dovecot delays IDLE
// notifications by up to 500 ms), for SMTP the listener answered 250.
//
//   npx tsx bench/imap.ts [--setups embedded,pg-1] [--messages 200] [--rate 20] [--postgres-url URL]
//   (npm run bench:imap; also BENCH_IMAP_SETUPS, BENCH_IMAP_MESSAGES, BENCH_RATE, BENCH_POSTGRES_URL)
//
// embedded: DATA_DIR only (PGlite on its thread). pg-1: ROLE=all on PostgreSQL, the server BENCH_POSTGRES_URL names
// or else a throwaway PostgreSQL 15 started for the run. Both match every email against the 12-article knowledge base.
// stdout: a Markdown table, then ONE JSON line. Progress on stderr.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import pg from 'pg';
import { startChildService } from '../test/support/child-service.js';
import { startDovecot } from '../test/support/dovecot.js';
import { postgresMissing, startPostgresCluster, type PostgresCluster } from '../test/support/postgres-cluster.js';
import { startSmtpSink, type SinkMessage } from '../test/support/smtp-sink.js';
import { generateCorpus } from './support/corpus.js';
import { parseFlags } from './support/mta.js';
import { seedKnowledgeBase } from './support/seed-kb.js';

const flags = parseFlags({
  setups: process.env.BENCH_IMAP_SETUPS ?? 'embedded,pg-1',
  messages: Number(process.env.BENCH_IMAP_MESSAGES ?? 200),
  rate: Number(process.env.BENCH_RATE ?? 20),
  'postgres-url': process.env.BENCH_POSTGRES_URL ?? '',
});
const ADDRESS = 'support@shop.test';
const log = (msg: string) => process.stderr.write(`[bench:imap] ${msg}\n`);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));
const round = (n: number) => Math.round(n * 10) / 10;
const pct = (sorted: number[], p: number) => sorted.length ? sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1]! : NaN;

let ownPostgres: PostgresCluster | undefined;
process.on('exit', () => ownPostgres?.stopSync());

async function postgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  if (!flags['postgres-url']) {
    const missing = postgresMissing();
    if (missing) throw new Error(`pg-1: ${missing}; or name a server with --postgres-url (BENCH_POSTGRES_URL)`);
    ownPostgres = await startPostgresCluster();
    flags['postgres-url'] = ownPostgres.url();
  }
  const name = `firstreply_bench_imap_${process.pid}_${Date.now()}`;
  const admin = async (text: string) => {
    const c = new pg.Client({ connectionString: flags['postgres-url'] });
    await c.connect();
    try { await c.query(text); } finally { await c.end(); }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(flags['postgres-url']);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

async function runSetup(setup: string) {
  const dir = mkdtempSync(path.join(os.tmpdir(), `firstreply-bench-imap-${setup}-`));
  const db = setup === 'pg-1' ? await postgresDatabase() : undefined;
  const dovecot = await startDovecot({ user: ADDRESS });
  const sink = await startSmtpSink();
  const acked = new Map<string, number>();
  // The sink records each message right before answering 250: hooking push() times it without polling.
  const push = sink.messages.push.bind(sink.messages);
  sink.messages.push = (...items: SinkMessage[]) => {
    for (const m of items) acked.set((m.headers.get('in-reply-to') ?? '').trim().replace(/^<|>$/g, ''), performance.now());
    return push(...items);
  };
  try {
    const dataDir = path.join(dir, 'data');
    await seedKnowledgeBase(db ? { databaseUrl: db.url, maxConnections: 1 } : { dataDir });
    const child = await startChildService({
      DATA_DIR: dataDir, IMAP_URL: dovecot.url(), SMTP_URL: sink.url, SUPPORT_ADDRESS: ADDRESS, SENDER_AUTH: 'off',
      MAX_ACKS_PER_SENDER_24H: '100000000', LOG_LEVEL: 'info', // info: startChildService waits for 'firstreply started'
      ...(db ? { DATABASE_URL: db.url, DATABASE_POOL_MAX: '10' } : {}),
    }, 180_000);
    const smtp = nodemailer.createTransport({ host: '127.0.0.1', port: child.smtpPort!, secure: false, ignoreTLS: true, pool: true, maxMessages: Infinity });
    // One connection for every APPEND, as a delivery agent keeps: a login per email would hit Dovecot's limit of
    // connections per user and address (mail_max_userip_connections) at 20/s on a busy machine.
    const imap = new ImapFlow({ host: '127.0.0.1', port: dovecot.port, secure: false, auth: { user: ADDRESS, pass: dovecot.password }, logger: false });
    await imap.connect();
    try {
      const result: Record<string, unknown> = {};
      for (const channel of ['imap', 'smtp'] as const) {
        // a warm-up email first: the IMAP reader is connected and idling, the knowledge base loaded
        const emails = generateCorpus(flags.messages + 1, { seed: 1, runTag: `${setup}-${channel}-${Date.now().toString(36)}`, to: ADDRESS })
          // Other senders for the second path: a sender writing again seconds after our acknowledgement looks like an
          // auto-responder and gets none.
          .map((e) => channel === 'imap' ? e : { ...e, from: e.from.replace('@', '@smtp.'), raw: Buffer.from(e.raw.toString('utf8').replace(`<${e.from}>`, `<${e.from.replace('@', '@smtp.')}>`)) });
        const deliver = (raw: Buffer, from: string) => channel === 'imap'
          ? imap.append('INBOX', raw).then((r) => { if (!r) throw new Error('APPEND failed'); })
          : smtp.sendMail({ envelope: { from, to: [ADDRESS] }, raw }).then(() => undefined);
        const warm = emails.shift()!;
        await deliver(warm.raw, warm.from);
        for (const t = performance.now(); !acked.has(warm.messageId); await sleep(50)) if (performance.now() - t > 120_000) throw new Error(`${setup}/${channel}: no acknowledgement of the warm-up email in 120 s`);
        const inAt = new Map<string, number>();
        const start = performance.now();
        await Promise.all(emails.map(async (e, i) => {
          await sleep(start + (i * 1000) / flags.rate - performance.now());
          await deliver(e.raw, e.from);
          inAt.set(e.messageId, performance.now());
        }));
        for (let last = acked.size, t = performance.now(); emails.some((e) => !acked.has(e.messageId)); await sleep(100)) {
          if (acked.size !== last) [last, t] = [acked.size, performance.now()];
          if (performance.now() - t > 30_000) break; // no acknowledgement for 30 s: report what came
        }
        const ms = emails.filter((e) => acked.has(e.messageId) && inAt.has(e.messageId)).map((e) => acked.get(e.messageId)! - inAt.get(e.messageId)!).sort((a, b) => a - b);
        result[channel] = { offered: emails.length, acknowledged: ms.length, p50: round(pct(ms, 50)), p99: round(pct(ms, 99)), max: round(ms[ms.length - 1] ?? NaN) };
        log(`${setup}/${channel}: ${JSON.stringify(result[channel])}`);
      }
      return result;
    } finally {
      smtp.close();
      await imap.logout().catch(() => imap.close());
      await child.stop('SIGTERM');
    }
  } finally {
    await sink.stop();
    await dovecot.stop();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const setups = flags.setups.split(',').map((s) => s.trim()).filter(Boolean);
  for (const s of setups) if (s !== 'embedded' && s !== 'pg-1') throw new Error(`unknown setup ${s}: expected embedded or pg-1`);
  log(`setups ${setups.join(', ')}; ${flags.messages} emails per path at ${flags.rate}/s; load ${os.loadavg().map(round).join(' ')}`);
  const results: Record<string, Record<string, { offered: number; acknowledged: number; p50: number; p99: number; max: number }>> = {};
  for (const s of setups) results[s] = (await runSetup(s)) as (typeof results)[string];
  await ownPostgres?.stop();
  ownPostgres = undefined;
  const rows = (['imap', 'smtp'] as const).map((c) => `| ${c === 'imap' ? 'IMAP APPEND → ack' : 'SMTP 250 → ack'} p50 / p99 / max ms (acknowledged) | ${setups.map((s) => {
    const r = results[s]![c]!;
    return `${r.p50} / ${r.p99} / ${r.max} (${r.acknowledged}/${r.offered})`;
  }).join(' | ')} |`);
  process.stdout.write([`### IMAP and SMTP paths at ${flags.rate} emails/s`, '', `| path | ${setups.join(' | ')} |`, `|---|${setups.map(() => '---').join('|')}|`, ...rows, ''].join('\n') + '\n');
  process.stdout.write(`${JSON.stringify({ bench: 'imap', date: new Date().toISOString(), cores: os.cpus().length, messages: flags.messages, rate: flags.rate, results })}\n`);
  const ok = Object.values(results).every((r) => Object.values(r).every((c) => c.acknowledged === c.offered));
  return ok ? 0 : 1;
}

main().then((code) => { process.exitCode = code; setTimeout(() => process.exit(code), 2000).unref(); }, (err) => {
  process.stderr.write(`[bench:imap] failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
