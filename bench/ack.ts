// Benchmark: customer email in through the SMTP listener -> acknowledgement accepted by an SMTP sink,
// on the embedded default (PGlite on disk in DATA_DIR, the same process as the benchmark client).
//
//   npm run bench:ack            (or: npx tsx bench/ack.ts)
//
// Phase 1 (latency): 1,000 emails in eight languages offered at a steady 20 messages/s (one every 50 ms) over ONE
//   pooled SMTP client transport. Latency per message = the moment the sink accepted the acknowledgement (matched by
//   In-Reply-To) minus the moment we started sending the customer message. Reported as p50/p95/p99/max.
// Phase 2 (throughput): a fresh service and data dir; emails offered as fast as the client can (16 sends in flight
//   over the same kind of pool). Sustained messages/s = acknowledged / (last ack - first send); the ingest rate
//   (SMTP 250 answers per second) is reported separately.
// Progress goes to stderr; stdout gets a Markdown table and one final JSON line.
//
// Knobs (environment, all optional): BENCH_MESSAGES (phase 1 count, 1000), BENCH_RATE (msgs/s offered, 20),
// BENCH_THROUGHPUT_MESSAGES (phase 2 count, 1000), BENCH_CONCURRENCY (phase 2 sends in flight, 16).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import nodemailer, { type Transporter } from 'nodemailer';
import { loadConfig } from '../src/config.js';
import { startService, type Service } from '../src/service.js';
import { startSmtpSink, type SinkMessage, type SmtpSink } from '../test/support/smtp-sink.js';
import { generateCorpus, type BenchEmail } from './support/corpus.js';

const PHASE1_MESSAGES = intEnv('BENCH_MESSAGES', 1000);
const RATE = intEnv('BENCH_RATE', 20);
const PHASE2_MESSAGES = intEnv('BENCH_THROUGHPUT_MESSAGES', 1000);
const CONCURRENCY = intEnv('BENCH_CONCURRENCY', 16);
const TARGET_P99_MS = 1000;
const WARMUP_MESSAGES = Math.min(100, Math.floor(PHASE1_MESSAGES / 10));
const TARGET_MSGS_PER_S = 100;
const ACK_STALL_MS = 15_000; // give up waiting when no acknowledgement arrived for this long
const ACK_WAIT_MAX_MS = 120_000; // and never wait longer than this after the last send

function intEnv(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? Math.floor(v) : fallback;
}
const log = (msg: string) => process.stderr.write(`[bench:ack] ${msg}\n`);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  // nearest-rank
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}
function summary(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / (s.length || 1);
  return {
    n: s.length,
    p50: round(percentile(s, 50)),
    p95: round(percentile(s, 95)),
    p99: round(percentile(s, 99)),
    max: round(s[s.length - 1] ?? NaN),
    mean: round(mean),
  };
}

interface Track {
  email: BenchEmail;
  sendStart?: number; // performance.now() when sendMail was called
  accepted?: number; // when the SMTP listener answered 250
  acked?: number; // when the sink accepted the acknowledgement
  ackLanguage?: string;
  error?: string;
}

interface Harness {
  sink: SmtpSink;
  service: Service;
  dataDir: string;
  transport: Transporter;
  tracks: Map<string, Track>; // by customer Message-ID
  acks: number;
  unmatchedAcks: number;
  close(): Promise<void>;
}

/** A sink, a fresh data dir and a service on the embedded default; acknowledgements are timed as the sink accepts them. */
async function startHarness(emails: BenchEmail[]): Promise<Harness> {
  const sink = await startSmtpSink();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'firstreply-bench-'));
  const config = loadConfig(
    { DATA_DIR: dataDir, PORT: '0', INBOUND_SMTP_PORT: '0', SMTP_URL: sink.url, LOG_LEVEL: 'silent' },
    '/nonexistent',
  );
  const t = performance.now();
  const service = await startService(config);
  log(`service up in ${Math.round(performance.now() - t)} ms (database: ${service.database.kind}, data dir ${dataDir}, smtp :${service.smtpPort})`);

  const tracks = new Map(emails.map((e) => [e.messageId, { email: e } as Track]));
  const h: Harness = {
    sink, service, dataDir, tracks, acks: 0, unmatchedAcks: 0,
    // ONE pooled transport: smtp-server delays every new connection by 100 ms, so connections are reused.
    // maxMessages: Infinity keeps the pool from recycling a connection every 100 messages (another 100 ms stall).
    transport: nodemailer.createTransport({
      host: '127.0.0.1', port: service.smtpPort!, secure: false, ignoreTLS: true,
      pool: true, maxConnections: 4, maxMessages: Infinity,
    }),
    async close() {
      h.transport.close();
      await service.stop();
      await sink.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  // The sink pushes each accepted message onto `messages` synchronously right before answering 250, so hooking
  // push() on that array gives the acceptance time without polling (and without editing the shared sink).
  const push = sink.messages.push.bind(sink.messages);
  sink.messages.push = (...items: SinkMessage[]) => {
    const now = performance.now();
    for (const m of items) {
      const irt = (m.headers.get('in-reply-to') ?? '').trim().replace(/^<|>$/g, '');
      const track = tracks.get(irt);
      if (track && track.acked === undefined) {
        track.acked = now;
        track.ackLanguage = m.headers.get('content-language');
        h.acks++;
      } else h.unmatchedAcks++;
    }
    // keep memory flat: nothing here needs the raw bytes afterwards
    return push(...items.map((m) => ({ ...m, raw: Buffer.alloc(0) })));
  };
  return h;
}

function send(h: Harness, track: Track): Promise<void> {
  const e = track.email;
  track.sendStart = performance.now();
  return h.transport.sendMail({ envelope: { from: e.from, to: [e.to] }, raw: e.raw }).then(
    () => void (track.accepted = performance.now()),
    (err: Error) => void (track.error = err.message),
  );
}

async function waitForAcks(h: Harness, expected: number, label: string): Promise<void> {
  const start = performance.now();
  let lastLog = start;
  let lastCount = h.acks;
  let lastProgress = start;
  while (h.acks < expected) {
    await sleep(20);
    const now = performance.now();
    if (h.acks !== lastCount) [lastCount, lastProgress] = [h.acks, now];
    if (now - lastProgress > ACK_STALL_MS || now - start > ACK_WAIT_MAX_MS) break;
    if (now - lastLog > 5000) {
      lastLog = now;
      log(`${label}: all sent; waiting for acknowledgements, ${h.acks}/${expected}`);
    }
  }
  if (h.acks < expected) log(`${label}: gave up waiting: ${h.acks}/${expected} acknowledged`);
}

function languageCheck(tracks: Track[]) {
  const acked = tracks.filter((t) => t.acked !== undefined);
  const same = acked.filter((t) => t.ackLanguage === t.email.language).length;
  const perLanguage: Record<string, string> = {};
  for (const t of acked) {
    const k = t.email.language;
    const [ok, n] = (perLanguage[k] ?? '0/0').split('/').map(Number) as [number, number];
    perLanguage[k] = `${ok + (t.ackLanguage === k ? 1 : 0)}/${n + 1}`;
  }
  return { ackInCustomerLanguage: acked.length ? round((100 * same) / acked.length) : NaN, perLanguage };
}

async function phaseLatency() {
  const emails = generateCorpus(PHASE1_MESSAGES, { seed: 1, runTag: `lat${Date.now().toString(36)}` });
  const h = await startHarness(emails);
  const tracks = [...h.tracks.values()];
  const interval = 1000 / RATE;
  log(`phase 1: offering ${emails.length} messages at ${RATE}/s (one every ${interval} ms) over one pool of 4 connections`);
  const inflight: Promise<void>[] = [];
  const t0 = performance.now() + 50;
  let lastLog = t0;
  for (let i = 0; i < tracks.length; i++) {
    await sleep(t0 + i * interval - performance.now()); // absolute schedule: no drift, no bursts
    inflight.push(send(h, tracks[i]!));
    if (performance.now() - lastLog > 10_000) {
      lastLog = performance.now();
      const done = tracks.filter((t) => t.acked !== undefined).map((t) => t.acked! - t.sendStart!);
      const s = summary(done);
      log(`phase 1: sent ${i + 1}/${tracks.length}, acknowledged ${h.acks}; so far p50 ${s.p50} ms, p99 ${s.p99} ms, max ${s.max} ms`);
    }
  }
  const sendEnd = performance.now();
  await Promise.all(inflight);
  await waitForAcks(h, tracks.length, 'phase 1');
  await h.close();

  const ok = tracks.filter((t) => t.acked !== undefined && t.sendStart !== undefined);
  const starts = tracks.map((t) => t.sendStart!).filter((x) => x !== undefined);
  const offeredRate = (starts.length - 1) / ((sendEnd - Math.min(...starts)) / 1000);
  const result = {
    messages: tracks.length,
    offeredPerSecond: round(offeredRate, 2),
    acknowledged: ok.length,
    sendErrors: tracks.filter((t) => t.error).length,
    unmatchedAcks: h.unmatchedAcks,
    latencyMs: summary(ok.map((t) => t.acked! - t.sendStart!)),
    // The same without the first 5 s (100 messages at 20/s), while V8 is still compiling the hot paths.
    latencyWarmMs: summary(ok.filter((t) => t.email.index >= WARMUP_MESSAGES).map((t) => t.acked! - t.sendStart!)),
    ingestMs: summary(tracks.filter((t) => t.accepted !== undefined).map((t) => t.accepted! - t.sendStart!)),
    storedToAckMs: summary(ok.filter((t) => t.accepted !== undefined).map((t) => t.acked! - t.accepted!)),
    ...languageCheck(tracks),
    firstError: tracks.find((t) => t.error)?.error,
  };
  const l = result.latencyMs;
  log(`phase 1: done: ${ok.length}/${tracks.length} acknowledged; latency p50 ${l.p50} ms, p95 ${l.p95} ms, p99 ${l.p99} ms, max ${l.max} ms`);
  return result;
}

async function phaseThroughput() {
  const emails = generateCorpus(PHASE2_MESSAGES, { seed: 2, runTag: `thr${Date.now().toString(36)}` });
  const h = await startHarness(emails);
  const tracks = [...h.tracks.values()];
  log(`phase 2: offering ${tracks.length} messages as fast as possible, ${CONCURRENCY} sends in flight`);
  const t0 = performance.now();
  let next = 0;
  const progress = setInterval(() => {
    const s = (performance.now() - t0) / 1000;
    const accepted = tracks.filter((t) => t.accepted !== undefined).length;
    log(`phase 2: ${round(s)} s: ${accepted} accepted (${round(accepted / s)}/s), ${h.acks} acknowledged (${round(h.acks / s)}/s)`);
  }, 5000);
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < tracks.length) await send(h, tracks[next++]!);
    }),
  );
  await waitForAcks(h, tracks.length, 'phase 2');
  clearInterval(progress);
  await h.close();

  const firstSend = Math.min(...tracks.map((t) => t.sendStart!));
  const accepted = tracks.filter((t) => t.accepted !== undefined);
  const acked = tracks.filter((t) => t.acked !== undefined);
  const lastAccept = Math.max(...accepted.map((t) => t.accepted!));
  const lastAck = Math.max(...acked.map((t) => t.acked!));
  // Steady-state view: acknowledgements between the 10th and 90th percentile of ack times.
  const ackTimes = acked.map((t) => t.acked!).sort((a, b) => a - b);
  const a10 = ackTimes[Math.floor(ackTimes.length * 0.1)]!;
  const a90 = ackTimes[Math.floor(ackTimes.length * 0.9)]!;
  const result = {
    messages: tracks.length,
    concurrency: CONCURRENCY,
    accepted: accepted.length,
    acknowledged: acked.length,
    sendErrors: tracks.filter((t) => t.error).length,
    unmatchedAcks: h.unmatchedAcks,
    ingestPerSecond: round(accepted.length / ((lastAccept - firstSend) / 1000), 1),
    sustainedAcksPerSecond: round(acked.length / ((lastAck - firstSend) / 1000), 1),
    steadyAcksPerSecond: round((ackTimes.length * 0.8) / ((a90 - a10) / 1000), 1),
    ingestSeconds: round((lastAccept - firstSend) / 1000, 2),
    totalSeconds: round((lastAck - firstSend) / 1000, 2),
    latencyUnderLoadMs: summary(acked.map((t) => t.acked! - t.sendStart!)),
    ...languageCheck(tracks),
    firstError: tracks.find((t) => t.error)?.error,
  };
  log(`phase 2: done: ingest ${result.ingestPerSecond}/s, sustained ${result.sustainedAcksPerSecond} acknowledged/s (${acked.length} in ${result.totalSeconds} s)`);
  return result;
}

async function main() {
  const started = performance.now();
  const machine = {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    platform: `${os.platform()} ${os.release()}`,
  };
  log(`machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB; node ${process.version}`);
  const latency = await phaseLatency();
  const throughput = await phaseThroughput();
  const l = latency.latencyMs;
  const met = {
    p99: l.p99 < TARGET_P99_MS && latency.acknowledged === latency.messages,
    throughput: throughput.sustainedAcksPerSecond >= TARGET_MSGS_PER_S && throughput.acknowledged === throughput.messages,
  };

  const rows: [string, string, string][] = [
    ['messages (phase 1 / phase 2)', `${latency.messages} / ${throughput.messages}`, ''],
    ['offered rate, phase 1', `${latency.offeredPerSecond} msgs/s`, `${RATE} msgs/s`],
    ['acknowledged, phase 1', `${latency.acknowledged}/${latency.messages}`, 'all'],
    ['arrival→ack p50', `${l.p50} ms`, ''],
    ['arrival→ack p95', `${l.p95} ms`, ''],
    ['arrival→ack p99', `${l.p99} ms`, `< ${TARGET_P99_MS} ms ${met.p99 ? '✅' : '❌'}`],
    ['arrival→ack max', `${l.max} ms`, ''],
    [`arrival→ack p50 / p99 after warm-up (msg ${WARMUP_MESSAGES + 1}+)`, `${latency.latencyWarmMs.p50} / ${latency.latencyWarmMs.p99} ms`, ''],
    ['SMTP send→250 p50 / p99', `${latency.ingestMs.p50} / ${latency.ingestMs.p99} ms`, ''],
    ['250→ack p50 / p99', `${latency.storedToAckMs.p50} / ${latency.storedToAckMs.p99} ms`, ''],
    ['ack in customer language', `${latency.ackInCustomerLanguage}%`, ''],
    ['sustained acknowledged msgs/s', `${throughput.sustainedAcksPerSecond}`, `≥ ${TARGET_MSGS_PER_S} ${met.throughput ? '✅' : '❌'}`],
    ['steady-state acks/s (10–90%)', `${throughput.steadyAcksPerSecond}`, ''],
    ['ingest rate (SMTP 250/s)', `${throughput.ingestPerSecond}`, ''],
    ['acknowledged, phase 2', `${throughput.acknowledged}/${throughput.messages} in ${throughput.totalSeconds} s`, 'all'],
  ];
  const md = [
    `### firstreply acknowledgement benchmark (embedded PGlite, SMTP in → SMTP sink)`,
    '',
    `${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, node ${process.version}, ${new Date().toISOString()}`,
    '',
    '| metric | value | target |',
    '|---|---|---|',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
  ].join('\n');
  process.stdout.write(`${md}\n`);
  process.stdout.write(
    `${JSON.stringify({
      bench: 'ack',
      date: new Date().toISOString(),
      machine,
      node: process.version,
      database: 'pglite (embedded, on disk)',
      targets: { p99Ms: TARGET_P99_MS, msgsPerSecond: TARGET_MSGS_PER_S, met },
      latency,
      throughput,
      wallSeconds: round((performance.now() - started) / 1000, 1),
    })}\n`,
  );
  log(`finished in ${round((performance.now() - started) / 1000, 1)} s`);
}

main().then(
  () => {
    process.exitCode = 0;
  },
  (err) => {
    process.stderr.write(`[bench:ack] failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  },
);
