// Burst benchmark: a flood offered to the SMTP listener of a service on the embedded default (PGlite on disk in a temp
// DATA_DIR, in this process), acknowledgements to a loopback SMTP sink.
//
//   npx tsx bench/burst.ts [--rate 200] [--seconds 60] [--connections 8] [--after-rate 2] [--after-seconds 30]
//                          [--window 10] [--drain-timeout-s 900] [--sender-auth verify]        (npm run bench:burst)
//
// The client is a retrying MTA (bench/support/mta.ts) with several pooled connections: messages are offered on an
// absolute schedule (--rate per second for --seconds) whatever the listener's pace, so a slow listener shows as a
// growing client queue; a 4xx answer or connection trouble is retried with backoff, a 5xx is final. After the burst a
// trickle (--after-rate/s) keeps arriving until the backlog is acknowledged and --after-seconds more, so the windows
// show latency coming back down.
//
// Reported: offered, accepted (250), temporary rejections (4xx, retried), lost (accepted but not stored, or never
// accepted: must be 0), duplicate acknowledgements (must be 0), the time for the queue to drain after the burst, and per
// --window seconds (by the moment of the 250): accepted, offer→250 and 250→acknowledgement-at-the-sink p50/p99, and
// the acknowledgements per second arriving at the sink in that window.
// stdout: a Markdown table, then one JSON line. Progress on stderr.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { loadConfig } from '../src/config.js';
import { startService } from '../src/service.js';
import { startSmtpSink, type SinkMessage } from '../test/support/smtp-sink.js';
import { generateCorpus } from './support/corpus.js';
import { delivery, parseFlags, RetryingMta, round, summary, type Delivery } from './support/mta.js';

const flags = parseFlags({
  rate: 200, seconds: 60, connections: 8, 'after-rate': 2, 'after-seconds': 30, window: 10, 'drain-timeout-s': 900,
  'sender-auth': 'verify',
});
const log = (msg: string) => process.stderr.write(`[bench:burst] ${msg}\n`);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));
const now = () => performance.now();
const secs = (ms: number) => round(ms / 1000, 1);

interface Track extends Delivery { phase: 'burst' | 'after'; ackedAt?: number; acks: number }

async function main() {
  const machine = `${os.cpus()[0]?.model ?? '?'}, ${os.cpus().length} cores, ${round(os.totalmem() / 2 ** 30, 1)} GiB, node ${process.version}`;
  log(`machine: ${machine}; load ${os.loadavg().map((l) => round(l, 2)).join(' ')}`);
  const burstCount = Math.round(flags.rate * flags.seconds);
  const afterMax = Math.ceil(flags['after-rate'] * (flags['drain-timeout-s'] + flags['after-seconds'])) + 10;
  const corpus = generateCorpus(burstCount + afterMax, { seed: 7, runTag: `burst${Date.now().toString(36)}` });
  const tracks: Track[] = corpus.map((e, i) => ({ ...delivery(e.messageId, e.raw, e.from, e.to), phase: i < burstCount ? 'burst' : 'after', acks: 0 }));
  const byKey = new Map(tracks.map((t) => [t.key, t]));

  const sink = await startSmtpSink();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'firstreply-burst-'));
  const config = loadConfig(
    { DATA_DIR: dataDir, PORT: '0', INBOUND_SMTP_PORT: '0', SMTP_URL: sink.url, LOG_LEVEL: 'silent', SENDER_AUTH: flags['sender-auth'] },
    '/nonexistent',
  );
  const service = await startService(config);
  log(`service up (database ${service.database.kind}, data dir ${dataDir}, smtp :${service.smtpPort})`);

  // Acknowledgement arrival, timed as the sink accepts it (as bench/ack.ts does), matched by In-Reply-To.
  const ackTimes: number[] = [];
  let unmatched = 0;
  const push = sink.messages.push.bind(sink.messages);
  sink.messages.push = (...items: SinkMessage[]) => {
    const t = now();
    for (const m of items) {
      const track = byKey.get((m.headers.get('in-reply-to') ?? '').trim().replace(/^<|>$/g, ''));
      if (!track) { unmatched++; continue; }
      track.acks++;
      track.ackedAt ??= t;
      ackTimes.push(t);
    }
    return push(...items.map((m) => ({ ...m, raw: Buffer.alloc(0) })));
  };

  const mta = new RetryingMta({
    port: service.smtpPort!, connections: flags.connections, backoff: { initialMs: 500, maxMs: 8000 },
    giveUpMs: (flags['drain-timeout-s'] + flags.seconds) * 1000, socketTimeoutMs: 120_000,
  });
  const inflight: Promise<unknown>[] = [];
  const t0 = now() + 50;
  // Where the queue is, every 10 s: stored but not yet processed (pipeline), queued but not yet sent (outbox).
  const queues: { atSeconds: number; offered: number; accepted: number; acknowledged: number; pipelineBacklog: number; outboxBacklog: number }[] = [];
  let polling = false;
  const status = setInterval(() => {
    if (polling) return;
    polling = true;
    void (async () => {
      const offered = tracks.filter((t) => t.offeredAt !== undefined).length;
      const accepted = tracks.filter((t) => t.acceptedAt !== undefined).length;
      const acked = tracks.filter((t) => t.ackedAt !== undefined).length;
      const [q] = ((await service.database.db.execute(sql.raw(`select
          (select count(*)::int from inbound_messages where status = 'received') as pipeline,
          (select count(*)::int from outbox where status in ('pending', 'claimed', 'sending')) as outbox`))) as unknown as { rows: { pipeline: number; outbox: number }[] }).rows;
      queues.push({ atSeconds: secs(now() - t0), offered, accepted, acknowledged: acked, pipelineBacklog: q!.pipeline, outboxBacklog: q!.outbox });
      log(`${secs(now() - t0)} s: offered ${offered}, accepted ${accepted}, acknowledged ${acked}; waiting in the pipeline ${q!.pipeline}, in the outbox ${q!.outbox}; 4xx ${mta.counters.tempFailures}, connection errors ${mta.counters.connErrors}`);
    })().catch(() => undefined).finally(() => { polling = false; });
  }, 10_000);

  // The burst: an absolute schedule, each message offered without waiting for the earlier ones.
  log(`burst: offering ${burstCount} messages at ${flags.rate}/s over ${flags.connections} connections`);
  const interval = 1000 / flags.rate;
  for (let i = 0; i < burstCount; i++) {
    const due = t0 + i * interval;
    if (due - now() > 1) await sleep(due - now());
    inflight.push(mta.submit(tracks[i]!));
  }
  const burstEnd = now();
  log(`burst offered in ${secs(burstEnd - t0)} s`);

  // The trickle: until every burst message is acknowledged, then --after-seconds more.
  const burstTracks = tracks.slice(0, burstCount);
  let drainedAt: number | undefined;
  let next = burstCount;
  const afterInterval = flags['after-rate'] > 0 ? 1000 / flags['after-rate'] : Infinity;
  const deadline = burstEnd + flags['drain-timeout-s'] * 1000;
  while (now() < deadline) {
    if (drainedAt === undefined && burstTracks.every((t) => t.ackedAt !== undefined || t.permanentError || t.gaveUp)) {
      drainedAt = Math.max(...burstTracks.map((t) => t.ackedAt ?? 0));
      log(`burst drained: last burst acknowledgement ${secs(drainedAt - burstEnd)} s after the end of the burst`);
    }
    if (drainedAt !== undefined && now() - Math.max(drainedAt, burstEnd) > flags['after-seconds'] * 1000) break;
    if (Number.isFinite(afterInterval) && next < tracks.length) {
      const due = burstEnd + (next - burstCount + 1) * afterInterval;
      if (now() >= due) inflight.push(mta.submit(tracks[next++]!));
    }
    await sleep(Math.min(50, Number.isFinite(afterInterval) ? afterInterval : 50));
  }
  if (drainedAt === undefined) log(`gave up waiting for the burst to drain after ${flags['drain-timeout-s']} s`);
  await Promise.all(inflight);
  // the trickle's own acknowledgements
  const offeredTracks = tracks.slice(0, next);
  const waitUntil = now() + 60_000;
  while (offeredTracks.some((t) => t.acceptedAt !== undefined && t.ackedAt === undefined) && now() < waitUntil) await sleep(100);
  clearInterval(status);
  mta.close();

  // What the database holds: every accepted message stored once, one acknowledgement each (a queue that did not
  // drain is reported as it stands, not drained here).
  const rows = ((await service.database.db.execute(sql.raw(`select dedupe_key, status from inbound_messages`))) as unknown as { rows: { dedupe_key: string; status: string }[] }).rows;
  const stored = new Map<string, number>();
  for (const r of rows) stored.set(r.dedupe_key, (stored.get(r.dedupe_key) ?? 0) + 1);
  const ackRows = ((await service.database.db.execute(sql.raw(`select to_address, status from outbox where kind = 'acknowledgement'`))) as unknown as { rows: { to_address: string; status: string }[] }).rows;
  const ackRowsByTo = new Map<string, number>();
  for (const r of ackRows) ackRowsByTo.set(r.to_address, (ackRowsByTo.get(r.to_address) ?? 0) + 1);
  await service.stop();
  await sink.stop();
  rmSync(dataDir, { recursive: true, force: true });

  const accepted = offeredTracks.filter((t) => t.acceptedAt !== undefined);
  const lostAfter250 = accepted.filter((t) => !stored.has(`mid:${t.key}`));
  const neverAccepted = offeredTracks.filter((t) => t.acceptedAt === undefined);
  const notAcked = accepted.filter((t) => t.ackedAt === undefined);
  const doubleAcked = offeredTracks.filter((t) => t.acks > 1 || (ackRowsByTo.get(t.from) ?? 0) > 1);

  // Windows by the moment of the 250 (time since the start of the burst).
  const w = flags.window * 1000;
  const lastT = Math.max(...accepted.map((t) => t.ackedAt ?? t.acceptedAt!), ...ackTimes);
  const windows = [];
  for (let start = 0; t0 + start <= lastT; start += w) {
    const inWin = accepted.filter((t) => t.acceptedAt! - t0 >= start && t.acceptedAt! - t0 < start + w);
    const acked = inWin.filter((t) => t.ackedAt !== undefined);
    const arrivals = ackTimes.filter((a) => a - t0 >= start && a - t0 < start + w).length;
    const offered = offeredTracks.filter((t) => t.offeredAt! - t0 >= start && t.offeredAt! - t0 < start + w).length;
    const ack = summary(acked.map((t) => t.ackedAt! - t.acceptedAt!));
    const ingest = summary(inWin.map((t) => t.acceptedAt! - t.offeredAt!));
    windows.push({
      fromSeconds: start / 1000,
      phase: start < flags.seconds * 1000 ? 'burst' : 'after',
      offered, accepted: inWin.length,
      offerTo250Ms: { p50: ingest.p50, p99: ingest.p99 },
      ackLatencyMs: { n: ack.n, p50: ack.p50, p99: ack.p99 },
      acksPerSecond: round(arrivals / flags.window, 1),
    });
  }
  const burstAccepted = burstTracks.filter((t) => t.acceptedAt !== undefined);
  const result = {
    bench: 'burst',
    machine,
    offeredRatePerSecond: flags.rate,
    burstSeconds: flags.seconds,
    connections: flags.connections,
    senderAuth: flags['sender-auth'],
    offered: offeredTracks.length,
    offeredBurst: burstCount,
    offeredAfter: offeredTracks.length - burstCount,
    accepted: accepted.length,
    temporaryRejections4xx: mta.counters.tempFailures,
    connectionErrors: mta.counters.connErrors,
    permanentRejections5xx: mta.counters.permanent,
    answerCodes: mta.counters.codes,
    lost: lostAfter250.length + neverAccepted.length,
    lostAfter250: lostAfter250.length,
    neverAccepted: neverAccepted.length,
    storedRows: rows.length,
    notAcknowledged: notAcked.length,
    duplicateAcknowledgements: doubleAcked.length,
    unmatchedAcknowledgements: unmatched,
    burstAcceptSeconds: secs(Math.max(...burstAccepted.map((t) => t.acceptedAt!)) - t0),
    acceptRateDuringBurstPerSecond: round(burstAccepted.length / ((Math.max(...burstAccepted.map((t) => t.acceptedAt!)) - t0) / 1000), 1),
    drainSecondsAfterBurst: drainedAt !== undefined ? secs(drainedAt - burstEnd) : null,
    sustainedAcksPerSecond: round(burstTracks.filter((t) => t.ackedAt).length / (((drainedAt ?? lastT) - t0) / 1000), 1),
    ackLatencyMsBurst: summary(burstAccepted.filter((t) => t.ackedAt).map((t) => t.ackedAt! - t.acceptedAt!)),
    ackLatencyMsAfter: summary(accepted.filter((t) => t.phase === 'after' && t.ackedAt).map((t) => t.ackedAt! - t.acceptedAt!)),
    windows,
    queues,
  };

  const ms = (n: number) => (Number.isFinite(n) ? `${Math.round(n)}` : '–');
  const md = [
    `### firstreply burst benchmark (embedded PGlite, SMTP in → SMTP sink)`,
    '',
    `${machine}, ${new Date().toISOString()}; ${flags.rate} msgs/s offered for ${flags.seconds} s over ${flags.connections} connections, then ${flags['after-rate']}/s`,
    '',
    '| metric | value |',
    '|---|---|',
    `| offered (burst + after) | ${result.offered} (${burstCount} + ${result.offeredAfter}) |`,
    `| accepted (250) | ${result.accepted} |`,
    `| temporary rejections (4xx, retried) / connection errors | ${result.temporaryRejections4xx} / ${result.connectionErrors} |`,
    `| lost | ${result.lost} |`,
    `| duplicate acknowledgements | ${result.duplicateAcknowledgements} |`,
    `| burst accepted within | ${result.burstAcceptSeconds} s (${result.acceptRateDuringBurstPerSecond}/s) |`,
    `| queue drained (last burst ack) after the burst | ${result.drainSecondsAfterBurst ?? 'not drained'} s |`,
    `| acknowledgements/s, sustained | ${result.sustainedAcksPerSecond} |`,
    '',
    `| window (s, by 250) | phase | offered | accepted | offer→250 p50 / p99 ms | 250→ack p50 / p99 ms | acks/s arriving |`,
    '|---|---|---|---|---|---|---|',
    ...windows.map((x) => `| ${x.fromSeconds}–${x.fromSeconds + flags.window} | ${x.phase} | ${x.offered} | ${x.accepted} | ${ms(x.offerTo250Ms.p50)} / ${ms(x.offerTo250Ms.p99)} | ${ms(x.ackLatencyMs.p50)} / ${ms(x.ackLatencyMs.p99)} | ${x.acksPerSecond} |`),
    '',
  ].join('\n');
  process.stdout.write(`${md}\n${JSON.stringify(result)}\n`);
  process.exit(result.lost === 0 && result.duplicateAcknowledgements === 0 && result.notAcknowledged === 0 ? 0 : 1);
}

void main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
