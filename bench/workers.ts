// Benchmark: scaling by processes. The same workload through three setups, each a set of real `firstreply start` child
// processes, acknowledgements timed at an SMTP sink in this process:
//
//   embedded  one `firstreply start` with only DATA_DIR set (the default: PGlite on disk on a worker thread, ROLE=all)
//   wire-1    one ROLE=worker child, DATABASE_URL=postgres://… to PGlite served on the wire protocol (node-postgres)
//   wire-3    three ROLE=worker children against the same wire-served PGlite (any wire-N works)
//   pg-1/pg-3 ROLE=worker children against a real PostgreSQL with pgvector (any pg-N works): --postgres-url (or
//             BENCH_POSTGRES_URL) names a server and a user that may create databases; without one, a throwaway
//             PostgreSQL 15 cluster is started on this machine for the run (test/support/postgres-cluster.ts, with
//             PostgreSQL's default settings; scripts/install-test-deps.sh installs it). Each phase gets a database of
//             its own (created, migrated, dropped). DATABASE_POOL_MAX stays at its default (10) per worker.
//
//   npx tsx bench/workers.ts [--setups embedded,wire-1,wire-3,pg-1,pg-3] [--postgres-url URL] [--messages 400] [--rate 20]
//                            [--throughput-messages 1000] [--throughput-runs 1] [--concurrency 16] [--smtp-connections 4]
//   (npm run bench:workers; every flag also as BENCH_WORKER_SETUPS, BENCH_MESSAGES, BENCH_RATE,
//    BENCH_THROUGHPUT_MESSAGES, BENCH_THROUGHPUT_RUNS, BENCH_CONCURRENCY, BENCH_SMTP_CONNECTIONS; flags win)
//
// Workload: bench/support/corpus.ts (eight languages, distinct senders), the same seed for every setup, so each setup
// gets byte-for-byte the same customer emails (only the Message-IDs carry a per-run tag). Each is matched against a
// knowledge base with the local provider (the tests' 12-article fixture, imported and indexed before start). Customer emails go by SMTP to
// the workers' listeners round-robin (message i to worker i mod N), over one pooled nodemailer transport per worker.
// An acknowledgement counts when the sink accepts it, matched to its customer email by In-Reply-To (as bench/ack.ts).
//
// For each setup, two phases, each on a FRESH setup (new database, new processes), as bench/ack.ts does:
//   latency     BENCH_MESSAGES (400) offered at a steady BENCH_RATE (20/s) on an absolute schedule; arrival→ack =
//               sink accepted the acknowledgement − we started sending the customer email; p50/p95/p99/max.
//   throughput  BENCH_THROUGHPUT_MESSAGES (1000) offered as fast as possible with BENCH_CONCURRENCY (16) sends in flight
//               spread over the workers; sustained acks/s = acknowledged / (last ack − first send); steady state =
//               the acknowledgements between the 10th and 90th percentile of ack times over that time span.
//               BENCH_THROUGHPUT_RUNS (1) times, each on a fresh setup: the table shows the run with the median
//               sustained rate, and every run's figures (this machine is shared; single runs vary by ±10%).
// Memory: every second, VmHWM (peak resident) and VmRSS (current resident) of each worker process (and of the wire
// database server) from /proc/<pid>/status; reported as the maximum per worker.
//
// The wire-served PGlite runs in a process of its own (bench/support/wire-db-server.ts) so that its WASM Postgres does
// not block this process's event loop, which holds the clocks; BENCH_WIRE_DB=inline serves it from this process as
// the tests once did. Either way PGlite is ONE session that the workers take turns on per transaction:
// three workers share one database session, so wire-3 measures coordination overhead and the parallelism of the
// non-database work, not what several workers would get from a real PostgreSQL server.
//
// stdout: a Markdown table, then ONE JSON line. Progress on stderr. Exit code 1 when a setup or phase failed (the
// JSON line is printed all the same, with the error recorded).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import nodemailer, { type Transporter } from 'nodemailer';
import { openDatabase } from '../src/db/client.js';
import { seedKnowledgeBase } from './support/seed-kb.js';
import { startChildService, type ChildService } from '../test/support/child-service.js';
import { startSmtpSink, type SinkMessage, type SmtpSink } from '../test/support/smtp-sink.js';
import { generateCorpus, type BenchEmail } from './support/corpus.js';
import { parseFlags } from './support/mta.js';
import { postgresMissing, startPostgresCluster, type PostgresCluster } from '../test/support/postgres-cluster.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const intEnv = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? Math.floor(v) : fallback;
};
const flags = parseFlags({
  setups: process.env.BENCH_WORKER_SETUPS ?? 'embedded,wire-1,wire-3,pg-1,pg-3',
  messages: intEnv('BENCH_MESSAGES', 400),
  rate: intEnv('BENCH_RATE', 20),
  'throughput-messages': intEnv('BENCH_THROUGHPUT_MESSAGES', 1000),
  'throughput-runs': intEnv('BENCH_THROUGHPUT_RUNS', 1),
  concurrency: intEnv('BENCH_CONCURRENCY', 16),
  'smtp-connections': intEnv('BENCH_SMTP_CONNECTIONS', 4),
  'wire-db': process.env.BENCH_WIRE_DB ?? 'process',
  'postgres-url': process.env.BENCH_POSTGRES_URL ?? '',
  'ack-stall-s': intEnv('BENCH_ACK_STALL_S', 30),
  'ack-wait-max-s': intEnv('BENCH_ACK_WAIT_MAX_S', 600),
});
const MESSAGES = flags.messages;
const RATE = flags.rate;
const THROUGHPUT_MESSAGES = flags['throughput-messages'];
const CONCURRENCY = flags.concurrency;
const THROUGHPUT_RUNS = flags['throughput-runs'];
const SMTP_CONNECTIONS = flags['smtp-connections'];
const WIRE_DB = flags['wire-db'] === 'inline' ? 'inline' : 'process';
const ACK_STALL_MS = flags['ack-stall-s'] * 1000; // give up when no acknowledgement arrived for this long
const ACK_WAIT_MAX_MS = flags['ack-wait-max-s'] * 1000; // and never wait longer than this after the last send
const WARMUP_MESSAGES = Math.min(100, Math.floor(MESSAGES / 10));
const START_TIMEOUT_MS = 180_000;

const log = (msg: string) => process.stderr.write(`[bench:workers] ${msg}\n`);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));
const round = (n: number, d = 1) => (Number.isFinite(n) ? Math.round(n * 10 ** d) / 10 ** d : NaN);
const errText = (err: unknown) => (err instanceof Error ? err.message : String(err)).split('\n')[0]!.slice(0, 500);

// ------------------------------------------------------------------------------------------------ setups
interface SetupSpec { name: string; kind: 'embedded' | 'wire' | 'postgres'; workers: number }
function parseSetups(list: string): SetupSpec[] {
  return list.split(',').map((s) => s.trim()).filter(Boolean).map((name) => {
    if (name === 'embedded') return { name, kind: 'embedded', workers: 1 };
    const m = /^wire-(\d+)$/.exec(name);
    if (m && Number(m[1]) >= 1) return { name, kind: 'wire', workers: Number(m[1]) };
    const pgm = /^pg-(\d+)$/.exec(name);
    if (pgm && Number(pgm[1]) >= 1) return { name, kind: 'postgres', workers: Number(pgm[1]) };
    throw new Error(`unknown setup ${name}: expected embedded, wire-N or pg-N`);
  });
}
const SETUPS = parseSetups(flags.setups);

// Every process we start, so that none outlives us, whatever happens.
const live = new Set<ChildProcess>();
const killAll = () => {
  for (const p of live) if (p.exitCode === null && p.signalCode === null) try { p.kill('SIGKILL'); } catch { /* gone */ }
};
const tempDirs = new Set<string>();
/** the throwaway PostgreSQL of a run without --postgres-url */
let ownPostgres: PostgresCluster | undefined;
process.on('exit', () => {
  killAll();
  ownPostgres?.stopSync();
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(sig, () => {
    log(`${sig}: killing ${live.size} child process(es)`);
    killAll();
    process.exit(130);
  });
}
process.on('uncaughtException', (err) => {
  log(`uncaught: ${err.stack ?? err}`);
  killAll();
  process.exit(1);
});

interface DbServer { pid?: number; url: string; stop(): Promise<void> }

/** A fresh database on the --postgres-url server for one phase, migrated as an upgrade does; dropped at the end. */
async function createPostgresDb(): Promise<DbServer> {
  const admin = new URL(flags['postgres-url']);
  const name = `firstreply_bench_${process.pid}_${Date.now()}`;
  const run = async (text: string) => {
    const database = await openDatabase({ databaseUrl: admin.toString(), maxConnections: 1 });
    try { await database.execute(text); } finally { await database.close(); }
  };
  await run(`CREATE DATABASE ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: url.toString(), maxConnections: 1 });
  try { await database.migrate(); } finally { await database.close(); }
  return { url: url.toString(), stop: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** PGlite on the wire protocol, in its own process (default) or in this one; migrated once, as an upgrade does. */
async function startWireDb(): Promise<DbServer> {
  let db: DbServer;
  if (WIRE_DB === 'inline') {
    const { PGlite } = await import('@electric-sql/pglite');
    const { vector } = await import('@electric-sql/pglite-pgvector');
    const { servePglite } = await import('../test/support/pglite-wire.js');
    const { freePort } = await import('../test/support/dovecot.js');
    const pglite = await PGlite.create('memory://', { extensions: { vector } });
    const port = await freePort();
    const wire = await servePglite(pglite, port, log);
    db = {
      pid: process.pid, url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
      async stop() { await wire.server.stop().catch(() => undefined); await pglite.close().catch(() => undefined); },
    };
  } else {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'bench/support/wire-db-server.ts')], {
      cwd: root, stdio: ['pipe', 'pipe', 'inherit'], env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' },
    });
    live.add(child);
    const exited = new Promise<void>((resolve) => child.once('exit', () => { live.delete(child); resolve(); }));
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the wire database server did not start in 60 s')), 60_000);
      createInterface({ input: child.stdout! }).on('line', (line) => {
        try {
          const m = JSON.parse(line) as { ready?: boolean; port?: number };
          if (m.ready && m.port) { clearTimeout(timer); resolve(m.port); }
        } catch { /* not ours */ }
      });
      void exited.then(() => { clearTimeout(timer); reject(new Error(`the wire database server exited (${child.exitCode ?? child.signalCode})`)); });
    });
    db = {
      pid: child.pid!, url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
      async stop() {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(t);
      },
    };
  }
  try {
    const database = await openDatabase({ databaseUrl: db.url, maxConnections: 1 });
    try { await database.migrate(); } finally { await database.close(); }
  } catch (err) {
    await db.stop();
    throw err;
  }
  return db;
}

async function stopChild(c: ChildService): Promise<void> {
  const t = setTimeout(() => { try { c.process.kill('SIGKILL'); } catch { /* gone */ } }, 10_000);
  await c.stop('SIGTERM');
  clearTimeout(t);
}

interface Running {
  spec: SetupSpec;
  workers: { name: string; child: ChildService }[];
  db?: DbServer;
  startupMs: number;
  stop(): Promise<void>;
}

async function startSetup(spec: SetupSpec, sink: SmtpSink): Promise<Running> {
  const t = performance.now();
  const dir = mkdtempSync(path.join(os.tmpdir(), `firstreply-workers-${spec.name}-`));
  tempDirs.add(dir);
  const workers: Running['workers'] = [];
  let db: DbServer | undefined;
  const stop = async () => {
    await Promise.all(workers.map((w) => stopChild(w.child)));
    await db?.stop();
    rmSync(dir, { recursive: true, force: true });
    tempDirs.delete(dir);
  };
  const common = {
    SMTP_URL: sink.url, SENDER_AUTH: 'off', MAX_ACKS_PER_SENDER_24H: '100000000', LOG_LEVEL: 'info',
    // the English sentence encoder (on by default with the local provider); SEMANTIC_MODEL=off measures without it
    SEMANTIC_MODEL: process.env.SEMANTIC_MODEL ?? 'auto',
  };
  try {
    if (spec.kind === 'wire') db = await startWireDb();
    if (spec.kind === 'postgres') db = await createPostgresDb();
    await seedKnowledgeBase(db ? { databaseUrl: db.url, maxConnections: 1 } : { dataDir: path.join(dir, 'data') });
    for (let i = 0; i < spec.workers; i++) {
      const name = spec.kind === 'embedded' ? 'embedded' : `worker-${i + 1}`;
      const env: Record<string, string> = spec.kind === 'embedded'
        ? { ...common, DATA_DIR: path.join(dir, 'data') }
        : {
            ...common, ROLE: 'worker', WORKER_NAME: name, DATABASE_URL: db!.url, DATA_DIR: path.join(dir, `data-${i + 1}`),
            // PGlite on the wire is one session: one connection each. A real PostgreSQL gets the default pool.
            DATABASE_POOL_MAX: spec.kind === 'wire' ? '1' : '10',
          };
      const child = await startChildService(env, START_TIMEOUT_MS);
      live.add(child.process);
      void child.exited.then(() => live.delete(child.process));
      workers.push({ name, child });
      log(`${spec.name}: ${name} up (pid ${child.process.pid}, smtp :${child.smtpPort}, http :${child.httpPort})`);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { spec, workers, db, startupMs: performance.now() - t, stop };
}

// ------------------------------------------------------------------------------------------------ memory and CPU
interface MemStat { label: string; pid: number; peakHwmMiB: number; maxRssMiB: number; cpuSeconds: number; cpuPct: number; samples: number }
function readStatus(pid: number): { rssKiB: number; hwmKiB: number } | null {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)\\s+kB`, 'm').exec(s)?.[1] ?? NaN);
    return { rssKiB: kib('VmRSS'), hwmKiB: kib('VmHWM') };
  } catch {
    return null;
  }
}
/** utime + stime of a process in seconds (all its threads), from /proc/<pid>/stat; clock ticks are 1/100 s on Linux. */
function readCpuSeconds(pid: number): number | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = s.slice(s.lastIndexOf(')') + 2).split(' '); // fields[0] is the state (field 3 of proc(5))
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}
/** Every second: VmHWM and VmRSS of each process (the maximum is kept), and its CPU time over the whole phase. */
class ResourceSampler {
  private readonly stats = new Map<number, { label: string; hwm: number; rss: number; samples: number; cpu0: number | null; cpu1: number | null }>();
  private readonly timer: NodeJS.Timeout;
  private readonly t0 = performance.now();
  constructor(private readonly targets: { label: string; pid: number }[]) {
    for (const { label, pid } of targets) {
      const cpu = readCpuSeconds(pid);
      this.stats.set(pid, { label, hwm: 0, rss: 0, samples: 0, cpu0: cpu, cpu1: cpu });
    }
    this.sample();
    this.timer = setInterval(() => this.sample(), 1000);
  }
  sample() {
    for (const { pid } of this.targets) {
      const s = this.stats.get(pid)!;
      const r = readStatus(pid);
      if (!r) continue;
      s.hwm = Math.max(s.hwm, r.hwmKiB);
      s.rss = Math.max(s.rss, r.rssKiB);
      s.cpu1 = readCpuSeconds(pid) ?? s.cpu1;
      s.samples++;
    }
  }
  stop(): MemStat[] {
    this.sample();
    clearInterval(this.timer);
    const wall = (performance.now() - this.t0) / 1000;
    return this.targets.map(({ label, pid }) => {
      const s = this.stats.get(pid)!;
      const cpu = s.cpu0 !== null && s.cpu1 !== null ? s.cpu1 - s.cpu0 : NaN;
      return {
        label, pid, peakHwmMiB: round(s.hwm / 1024 || NaN), maxRssMiB: round(s.rss / 1024 || NaN),
        cpuSeconds: round(cpu, 2), cpuPct: round((100 * cpu) / wall), samples: s.samples,
      };
    });
  }
}

// ------------------------------------------------------------------------------------------------ stats
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length); // nearest-rank
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}
function summary(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  return {
    n: s.length, p50: round(percentile(s, 50)), p95: round(percentile(s, 95)), p99: round(percentile(s, 99)),
    max: round(s[s.length - 1] ?? NaN), mean: round(s.reduce((a, b) => a + b, 0) / (s.length || NaN)),
  };
}

// ------------------------------------------------------------------------------------------------ one phase
interface Track {
  email: BenchEmail;
  worker: number;
  sendStart?: number;
  accepted?: number;
  acked?: number;
  acks: number;
  ackLanguage?: string;
  error?: string;
}

type Phase = 'latency' | 'throughput';

async function processedPerWorker(r: Running): Promise<(number | null)[]> {
  return Promise.all(r.workers.map(async (w) => {
    try {
      const res = await fetch(`http://127.0.0.1:${w.child.httpPort}/metrics`, { signal: AbortSignal.timeout(5000) });
      const m = /^firstreply_messages_processed_total\{outcome="processed"\} (\d+)/m.exec(await res.text());
      return m ? Number(m[1]) : null;
    } catch {
      return null;
    }
  }));
}

async function runPhase(spec: SetupSpec, phase: Phase) {
  const count = phase === 'latency' ? MESSAGES : THROUGHPUT_MESSAGES;
  // The same seed for every setup: the same emails; the run tag only makes the Message-IDs unique.
  const emails = generateCorpus(count, { seed: phase === 'latency' ? 1 : 2, runTag: `${spec.name}-${phase}-${Date.now().toString(36)}` });
  const tracks = emails.map((email, i) => ({ email, worker: i % spec.workers, acks: 0 }) as Track);
  const byId = new Map(tracks.map((t) => [t.email.messageId, t]));
  let acked = 0;
  let unmatchedAcks = 0;
  let duplicateAcks = 0;

  const sink = await startSmtpSink();
  // The sink pushes each accepted message right before answering 250: hooking push() times it without polling.
  const push = sink.messages.push.bind(sink.messages);
  sink.messages.push = (...items: SinkMessage[]) => {
    const now = performance.now();
    for (const m of items) {
      const track = byId.get((m.headers.get('in-reply-to') ?? '').trim().replace(/^<|>$/g, ''));
      if (!track) { unmatchedAcks++; continue; }
      track.acks++;
      if (track.acked === undefined) {
        track.acked = now;
        track.ackLanguage = m.headers.get('content-language');
        acked++;
      } else duplicateAcks++;
    }
    return push(...items.map((m) => ({ ...m, raw: Buffer.alloc(0) }))); // keep memory flat
  };

  let running: Running | undefined;
  let sampler: ResourceSampler | undefined;
  const transports: Transporter[] = [];
  try {
    const load = os.loadavg().map((l) => round(l, 2));
    running = await startSetup(spec, sink);
    const r = running;
    log(`${spec.name}/${phase}: ${r.workers.length} worker(s) up in ${round(r.startupMs / 1000, 1)} s (load before: ${load.join(' ')})`);
    sampler = new ResourceSampler([
      ...r.workers.map((w) => ({ label: w.name, pid: w.child.process.pid! })),
      ...(r.db?.pid ? [{ label: WIRE_DB === 'inline' ? 'database server (in the benchmark process)' : 'database server', pid: r.db.pid }] : []),
    ]);
    for (const w of r.workers) {
      // One pooled transport per worker; maxMessages Infinity: no reconnect (smtp-server delays each new one ~100 ms).
      transports.push(nodemailer.createTransport({
        host: '127.0.0.1', port: w.child.smtpPort!, secure: false, ignoreTLS: true,
        pool: true, maxConnections: SMTP_CONNECTIONS, maxMessages: Infinity,
      }));
    }
    const send = (t: Track) => {
      t.sendStart = performance.now();
      return transports[t.worker]!.sendMail({ envelope: { from: t.email.from, to: [t.email.to] }, raw: t.email.raw }).then(
        () => void (t.accepted = performance.now()),
        (err: Error) => void (t.error = err.message),
      );
    };
    const deadWorkers = () => r.workers.filter((w) => w.child.process.exitCode !== null || w.child.process.signalCode !== null).map((w) => w.name);

    const t0 = performance.now() + 50;
    let sendEnd: number;
    const progress = setInterval(() => {
      const s = (performance.now() - t0) / 1000;
      const accepted = tracks.filter((t) => t.accepted !== undefined).length;
      const lat = summary(tracks.filter((t) => t.acked !== undefined).map((t) => t.acked! - t.sendStart!));
      log(`${spec.name}/${phase}: ${round(s)} s: ${tracks.filter((t) => t.sendStart !== undefined).length} sent, ${accepted} accepted, ${acked} acknowledged (${round(acked / s)}/s); latency so far p50 ${lat.p50} ms, p99 ${lat.p99} ms`);
    }, phase === 'latency' ? 10_000 : 5000);
    try {
      if (phase === 'latency') {
        const interval = 1000 / RATE;
        log(`${spec.name}/latency: offering ${count} messages at ${RATE}/s round-robin over ${r.workers.length} worker(s)`);
        const inflight: Promise<void>[] = [];
        for (let i = 0; i < tracks.length; i++) {
          await sleep(t0 + i * interval - performance.now()); // absolute schedule: no drift, no bursts
          inflight.push(send(tracks[i]!));
        }
        sendEnd = performance.now();
        await Promise.all(inflight);
      } else {
        log(`${spec.name}/throughput: offering ${count} messages as fast as possible, ${CONCURRENCY} sends in flight over ${r.workers.length} worker(s)`);
        let next = 0;
        await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
          while (next < tracks.length) await send(tracks[next++]!);
        }));
        sendEnd = performance.now();
      }
      // Wait for the acknowledgements.
      const expected = tracks.filter((t) => t.accepted !== undefined).length;
      const start = performance.now();
      let [lastCount, lastProgress] = [acked, start];
      while (acked < expected) {
        await sleep(25);
        const now = performance.now();
        if (acked !== lastCount) [lastCount, lastProgress] = [acked, now];
        if (now - lastProgress > ACK_STALL_MS || now - start > ACK_WAIT_MAX_MS) {
          log(`${spec.name}/${phase}: gave up waiting: ${acked}/${expected} acknowledged${deadWorkers().length ? `; exited: ${deadWorkers().join(', ')}` : ''}`);
          break;
        }
      }
    } finally {
      clearInterval(progress);
    }
    const memory = sampler.stop();
    sampler = undefined;
    const processed = await processedPerWorker(r);
    const exitedDuring = deadWorkers();

    const ok = tracks.filter((t) => t.acked !== undefined);
    const accepted = tracks.filter((t) => t.accepted !== undefined);
    const starts = tracks.filter((t) => t.sendStart !== undefined).map((t) => t.sendStart!);
    const firstSend = Math.min(...starts);
    const sameLanguage = ok.filter((t) => t.ackLanguage === t.email.language).length;
    const common = {
      messages: count,
      accepted: accepted.length,
      acknowledged: ok.length,
      sendErrors: tracks.filter((t) => t.error).length,
      firstSendError: tracks.find((t) => t.error)?.error,
      unmatchedAcks,
      duplicateAcks,
      ackInCustomerLanguagePct: round((100 * sameLanguage) / ok.length),
      processedPerWorker: processed,
      workersExitedDuringPhase: exitedDuring,
      startupSeconds: round(r.startupMs / 1000, 2),
      loadAverageBefore: load,
      memory,
    };
    if (phase === 'latency') {
      const result = {
        ...common,
        offeredPerSecond: round((starts.length - 1) / ((sendEnd! - firstSend) / 1000), 2),
        latencyMs: summary(ok.map((t) => t.acked! - t.sendStart!)),
        latencyWarmMs: summary(ok.filter((t) => t.email.index >= WARMUP_MESSAGES).map((t) => t.acked! - t.sendStart!)),
        ingestMs: summary(accepted.map((t) => t.accepted! - t.sendStart!)),
        storedToAckMs: summary(ok.filter((t) => t.accepted !== undefined).map((t) => t.acked! - t.accepted!)),
      };
      const l = result.latencyMs;
      log(`${spec.name}/latency: done: ${ok.length}/${count} acknowledged; p50 ${l.p50} ms, p95 ${l.p95} ms, p99 ${l.p99} ms, max ${l.max} ms`);
      return result;
    }
    const ackTimes = ok.map((t) => t.acked!).sort((a, b) => a - b);
    const lastAck = ackTimes[ackTimes.length - 1] ?? NaN;
    const lastAccept = Math.max(...accepted.map((t) => t.accepted!));
    const a10 = ackTimes[Math.floor(ackTimes.length * 0.1)]!;
    const a90 = ackTimes[Math.floor(ackTimes.length * 0.9)]!;
    const sustained = round(ok.length / ((lastAck - firstSend) / 1000), 1);
    const result = {
      ...common,
      concurrency: CONCURRENCY,
      ingestPerSecond: round(accepted.length / ((lastAccept - firstSend) / 1000), 1),
      sustainedAcksPerSecond: sustained,
      steadyAcksPerSecond: ackTimes.length >= 10 && a90 > a10 ? round((ackTimes.length * 0.8) / ((a90 - a10) / 1000), 1) : NaN,
      sustainedAcksPerSecondPerWorker: round(sustained / spec.workers, 1),
      ingestSeconds: round((lastAccept - firstSend) / 1000, 2),
      totalSeconds: round((lastAck - firstSend) / 1000, 2),
      latencyUnderLoadMs: summary(ok.map((t) => t.acked! - t.sendStart!)),
      /** seconds from the first send to the first, 10th-percentile, 90th-percentile and last acknowledgement */
      ackTimelineSeconds: [ackTimes[0]!, a10, a90, lastAck].map((t) => round((t - firstSend) / 1000, 2)),
    };
    log(`${spec.name}/throughput: done: ${ok.length}/${count} acknowledged in ${result.totalSeconds} s; sustained ${result.sustainedAcksPerSecond}/s, steady ${result.steadyAcksPerSecond}/s, ingest ${result.ingestPerSecond}/s (${result.ingestSeconds} s); acks first/10%/90%/last at ${result.ackTimelineSeconds.join(' / ')} s`);
    return result;
  } finally {
    sampler?.stop();
    for (const t of transports) t.close();
    await running?.stop().catch((err) => log(`${spec.name}/${phase}: stopping failed: ${errText(err)}`));
    await sink.stop();
  }
}

type LatencyResult = Extract<Awaited<ReturnType<typeof runPhase>>, { latencyMs: unknown }>;
type ThroughputResult = Extract<Awaited<ReturnType<typeof runPhase>>, { sustainedAcksPerSecond: number }>;

interface SetupResult {
  setup: string;
  kind: SetupSpec['kind'];
  workers: number;
  database: string;
  latency?: LatencyResult;
  /** the run with the median sustained acks/s when the phase ran several times (--throughput-runs) */
  throughput?: ThroughputResult;
  /** every throughput run, in order: sustained and steady acks/s, the workers' CPU seconds */
  throughputRuns: { sustained: number; steady: number; cpuSeconds: number[] }[];
  /** per worker slot: the maximum over both phases (each phase runs fresh processes) */
  memory: { label: string; peakHwmMiB: number; maxRssMiB: number }[];
  errors: { phase: Phase; error: string }[];
}

function mergeMemory(...lists: (MemStat[] | undefined)[]): SetupResult['memory'] {
  const by = new Map<string, { label: string; peakHwmMiB: number; maxRssMiB: number }>();
  for (const m of lists.flatMap((l) => l ?? [])) {
    const cur = by.get(m.label) ?? { label: m.label, peakHwmMiB: NaN, maxRssMiB: NaN };
    cur.peakHwmMiB = Math.max(Number.isNaN(cur.peakHwmMiB) ? -Infinity : cur.peakHwmMiB, m.peakHwmMiB);
    cur.maxRssMiB = Math.max(Number.isNaN(cur.maxRssMiB) ? -Infinity : cur.maxRssMiB, m.maxRssMiB);
    by.set(m.label, cur);
  }
  return [...by.values()];
}

async function runSetup(spec: SetupSpec): Promise<SetupResult> {
  const result: SetupResult = {
    setup: spec.name, kind: spec.kind, workers: spec.workers,
    database: spec.kind === 'embedded'
      ? 'PGlite on disk on a worker thread of the service (DATA_DIR only)'
      : spec.kind === 'postgres'
      ? `PostgreSQL ${ownPostgres ? '15 started for this run' : `at ${new URL(flags['postgres-url']).host}`} (a fresh database per phase), node-postgres, DATABASE_POOL_MAX=10 per worker`
      : `PGlite in memory on the wire protocol (${WIRE_DB === 'inline' ? 'served from the benchmark process' : 'its own process'}), node-postgres, DATABASE_POOL_MAX=1 per worker`,
    memory: [], errors: [], throughputRuns: [],
  };
  const throughputs: ThroughputResult[] = [];
  for (const phase of ['latency', 'throughput'] as const) {
    if ((phase === 'latency' ? MESSAGES : THROUGHPUT_MESSAGES) <= 0) continue;
    // This machine is shared and noisy: the throughput phase can be run several times (each on a fresh setup).
    for (let run = 0; run < (phase === 'throughput' ? THROUGHPUT_RUNS : 1); run++) {
      try {
        const r = await runPhase(spec, phase);
        if (phase === 'latency') result.latency = r as LatencyResult;
        else throughputs.push(r as ThroughputResult);
      } catch (err) {
        log(`${spec.name}/${phase}: FAILED: ${err instanceof Error ? err.stack : String(err)}`);
        result.errors.push({ phase, error: errText(err) });
      }
    }
  }
  result.throughputRuns = throughputs.map((t) => ({ sustained: t.sustainedAcksPerSecond, steady: t.steadyAcksPerSecond, cpuSeconds: t.memory.filter((m) => !m.label.startsWith('database')).map((m) => m.cpuSeconds) }));
  result.throughput = [...throughputs].sort((a, b) => a.sustainedAcksPerSecond - b.sustainedAcksPerSecond)[Math.floor((throughputs.length - 1) / 2)];
  result.memory = mergeMemory(result.latency?.memory, ...throughputs.map((t) => t.memory));
  return result;
}

// ------------------------------------------------------------------------------------------------ report
/** "median (all runs in order)" for sustained / steady acks/s */
function runsCell(r: SetupResult): string {
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
  const s = r.throughputRuns.map((t) => t.sustained);
  const st = r.throughputRuns.map((t) => t.steady);
  return `${median(s)} / ${median(st)} (${r.throughputRuns.map((t) => `${t.sustained} / ${t.steady}`).join('; ')})`;
}

function markdown(results: SetupResult[], comparison: Record<string, unknown>, machine: Record<string, unknown>): string {
  const cols = results.map((r) => r.setup);
  const cell = (f: (r: SetupResult) => string | undefined) => results.map((r) => { try { return f(r) ?? '–'; } catch { return '–'; } });
  const workerList = (r: SetupResult, key: 'peakHwmMiB' | 'maxRssMiB') =>
    r.memory.filter((m) => !m.label.startsWith('database')).map((m) => String(m[key])).join(' / ');
  const dbMem = (r: SetupResult) => r.memory.find((m) => m.label.startsWith('database'));
  const rows: [string, string[]][] = [
    ['worker processes', cell((r) => String(r.workers))],
    ['start-up s (latency phase)', cell((r) => r.latency && String(r.latency.startupSeconds))],
    [`latency: acknowledged (${MESSAGES} at ${RATE}/s)`, cell((r) => r.latency && `${r.latency.acknowledged}/${r.latency.messages}`)],
    ['arrival→ack p50 / p95 / p99 / max ms', cell((r) => r.latency && `${r.latency.latencyMs.p50} / ${r.latency.latencyMs.p95} / ${r.latency.latencyMs.p99} / ${r.latency.latencyMs.max}`)],
    [`after warm-up (msg ${WARMUP_MESSAGES + 1}+) p50 / p99 ms`, cell((r) => r.latency && `${r.latency.latencyWarmMs.p50} / ${r.latency.latencyWarmMs.p99}`)],
    ['SMTP send→250 p50 / p99 ms', cell((r) => r.latency && `${r.latency.ingestMs.p50} / ${r.latency.ingestMs.p99}`)],
    [`throughput: acknowledged (${THROUGHPUT_MESSAGES}, ${CONCURRENCY} in flight)`, cell((r) => r.throughput && `${r.throughput.acknowledged}/${r.throughput.messages} in ${r.throughput.totalSeconds} s`)],
    ['sustained acks/s', cell((r) => r.throughput && String(r.throughput.sustainedAcksPerSecond))],
    ...(THROUGHPUT_RUNS > 1 ? [[`throughput runs: sustained / steady acks/s, the median first (${THROUGHPUT_RUNS} runs)`, cell((r) => r.throughputRuns.length ? runsCell(r) : undefined)] as [string, string[]]] : []),
    ['steady-state acks/s (10–90%)', cell((r) => r.throughput && String(r.throughput.steadyAcksPerSecond))],
    ['sustained acks/s per worker', cell((r) => r.throughput && String(r.throughput.sustainedAcksPerSecondPerWorker))],
    ['ingest (SMTP 250/s)', cell((r) => r.throughput && String(r.throughput.ingestPerSecond))],
    ['processed per worker (throughput, /metrics)', cell((r) => r.throughput && r.throughput.processedPerWorker.map((n) => n ?? '?').join(' / '))],
    ['duplicate / unmatched acks', cell((r) => `${(r.latency?.duplicateAcks ?? 0) + (r.throughput?.duplicateAcks ?? 0)} / ${(r.latency?.unmatchedAcks ?? 0) + (r.throughput?.unmatchedAcks ?? 0)}`)],
    ['peak VmHWM per worker MiB', cell((r) => workerList(r, 'peakHwmMiB') || undefined)],
    ['max VmRSS per worker MiB', cell((r) => workerList(r, 'maxRssMiB') || undefined)],
    ['database server VmHWM / VmRSS MiB', cell((r) => { const d = dbMem(r); return d && `${d.peakHwmMiB} / ${d.maxRssMiB}`; })],
    ['CPU % during the throughput phase: workers; database server', cell((r) => {
      const m = r.throughput?.memory;
      if (!m) return undefined;
      const w = m.filter((x) => !x.label.startsWith('database')).map((x) => String(x.cpuPct)).join(' / ');
      const d = m.find((x) => x.label.startsWith('database'));
      return d ? `${w}; ${d.cpuPct}` : w;
    })],
    ['errors', cell((r) => (r.errors.length ? r.errors.map((e) => `${e.phase}: ${e.error.replace(/\|/g, '/')}`).join('; ') : 'none'))],
  ];
  const ratio = comparison.wire3OverWire1 as { sustained: number; steady: number } | undefined;
  const pgRatio = comparison.pg3OverPg1 as { sustained: number; steady: number } | undefined;
  return [
    '### firstreply worker scaling (SMTP in → SMTP sink, child processes)',
    '',
    `${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, node ${process.version}, ${new Date().toISOString()}`,
    '',
    `| metric | ${cols.join(' | ')} |`,
    `|---|${cols.map(() => '---').join('|')}|`,
    ...rows.map(([name, vals]) => `| ${name} | ${vals.join(' | ')} |`),
    '',
    ratio ? `wire-3 / wire-1: sustained ×${ratio.sustained}, steady-state ×${ratio.steady}` : '',
    pgRatio ? `pg-3 / pg-1: sustained ×${pgRatio.sustained}, steady-state ×${pgRatio.steady}` : '',
    '',
  ].join('\n');
}

async function main() {
  const started = performance.now();
  const machine = {
    cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    platform: `${os.platform()} ${os.release()}`,
  };
  log(`machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB; node ${process.version}; load ${os.loadavg().map((l) => round(l, 2)).join(' ')}`);
  log(`setups ${SETUPS.map((s) => s.name).join(', ')}; latency ${MESSAGES} at ${RATE}/s; throughput ${THROUGHPUT_MESSAGES} with ${CONCURRENCY} in flight; ${SMTP_CONNECTIONS} SMTP connections per worker; wire database: ${WIRE_DB}`);
  if (SETUPS.some((s) => s.kind === 'postgres') && !flags['postgres-url']) {
    const missing = postgresMissing();
    if (missing) throw new Error(`the pg-N setups: ${missing}; or name a server with --postgres-url (BENCH_POSTGRES_URL)`);
    ownPostgres = await startPostgresCluster();
    flags['postgres-url'] = ownPostgres.url();
    log(`started a throwaway PostgreSQL 15 on port ${ownPostgres.port} for the pg-N setups`);
  }
  const results: SetupResult[] = [];
  for (const spec of SETUPS) {
    try {
      results.push(await runSetup(spec));
    } catch (err) {
      results.push({ setup: spec.name, kind: spec.kind, workers: spec.workers, database: '', memory: [], throughputRuns: [], errors: [{ phase: 'latency', error: errText(err) }] });
    }
  }
  const find = (name: string) => results.find((r) => r.setup === name)?.throughput;
  const w1 = find('wire-1');
  const w3 = find('wire-3');
  const comparison: Record<string, unknown> = {};
  if (w1 && w3) {
    comparison.wire3OverWire1 = {
      sustained: round(w3.sustainedAcksPerSecond / w1.sustainedAcksPerSecond, 2),
      steady: round(w3.steadyAcksPerSecond / w1.steadyAcksPerSecond, 2),
    };
  }
  const p1 = find('pg-1');
  const p3 = find('pg-3');
  if (p1 && p3) comparison.pg3OverPg1 = { sustained: round(p3.sustainedAcksPerSecond / p1.sustainedAcksPerSecond, 2), steady: round(p3.steadyAcksPerSecond / p1.steadyAcksPerSecond, 2) };
  const emb = find('embedded');
  if (emb && w1) comparison.wire1OverEmbedded = { sustained: round(w1.sustainedAcksPerSecond / emb.sustainedAcksPerSecond, 2), steady: round(w1.steadyAcksPerSecond / emb.steadyAcksPerSecond, 2) };

  process.stdout.write(`${markdown(results, comparison, machine)}\n`);
  const failed = results.some((r) => r.errors.length > 0);
  process.stdout.write(`${JSON.stringify({
    bench: 'workers',
    date: new Date().toISOString(),
    machine,
    node: process.version,
    config: {
      setups: SETUPS.map((s) => s.name), messages: MESSAGES, rate: RATE, throughputMessages: THROUGHPUT_MESSAGES, throughputRuns: THROUGHPUT_RUNS,
      concurrency: CONCURRENCY, smtpConnectionsPerWorker: SMTP_CONNECTIONS, wireDb: WIRE_DB,
      postgres: ownPostgres ? 'throwaway PostgreSQL 15 cluster on this machine' : flags['postgres-url'] ? new URL(flags['postgres-url']).host : null,
      ackStallSeconds: ACK_STALL_MS / 1000, warmupMessages: WARMUP_MESSAGES,
    },
    setups: results,
    comparison,
    ok: !failed,
    wallSeconds: round((performance.now() - started) / 1000, 1),
  })}\n`);
  log(`finished in ${round((performance.now() - started) / 1000, 1)} s`);
  await ownPostgres?.stop();
  ownPostgres = undefined;
  return failed ? 1 : 0;
}

main().then(
  (code) => {
    killAll();
    process.exitCode = code;
    setTimeout(() => process.exit(code), 2000).unref(); // pooled sockets closing must not keep us alive
  },
  (err) => {
    process.stderr.write(`[bench:workers] failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    killAll();
    process.exit(1);
  },
);
