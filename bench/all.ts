// The single benchmark entry point (npm run bench): runs each benchmark in sequence as its own child process
// (`npx tsx bench/<name>.ts`), takes the last JSON line each prints on stdout, and writes the figures into BENCHMARKS.md
// between <!-- bench:all:start --> and <!-- bench:all:end --> (the section is created after the title when absent).
//
//   npx tsx bench/all.ts [--quick] [--sizes 1000,10000,100000] [--only workers,search-latency] [--no-write]
//
//   --quick     smoke run: ~200 messages per phase for bench/workers.ts, search sizes 1000,10000
//   --sizes     search-latency sizes (else BENCH_SEARCH_SIZES, else 1000,10000,100000 / quick: 1000,10000)
//   --only      run only these parts (names as below)
//   --no-write  print the section on stdout instead of writing BENCHMARKS.md
//   --from-json FILE  run nothing: render (and write) the section again from a saved JSON line of an earlier run
//
// Parts: workers (bench/workers.ts: embedded vs one and three workers on the wire and on a real PostgreSQL — the
// server BENCH_POSTGRES_URL names, else a throwaway PostgreSQL 15 it starts; its knobs BENCH_MESSAGES,
// BENCH_THROUGHPUT_MESSAGES, BENCH_WORKER_SETUPS, … pass through the environment), search-latency
// (bench/search-latency.ts --sizes …), imap (bench/imap.ts: the IMAP path beside the SMTP path at 20 emails/s,
// embedded and pg-1; BENCH_IMAP_MESSAGES, 40 with --quick). A part that fails (exit code, no JSON line, crash) is recorded as failed in the
// output and the next part runs; BENCH_PART_TIMEOUT_MIN (unset: none) stops a part that runs longer than that.
// Each part's stderr passes through; its stdout (tables) is echoed to stderr.
// stdout: the Markdown section, then one JSON line with every part's result. Exit code 1 if any part failed.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const benchmarksFile = path.resolve(root, process.env.BENCH_ALL_FILE ?? 'BENCHMARKS.md'); // another file: for trying this script out
const START = '<!-- bench:all:start -->';
const END = '<!-- bench:all:end -->';

const argv = process.argv.slice(2);
const opt = (name: string) => {
  const i = argv.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i === -1) return undefined;
  return argv[i]!.includes('=') ? argv[i]!.slice(name.length + 1) : argv[i + 1];
};
const known = ['--quick', '--sizes', '--only', '--no-write', '--from-json'];
for (let i = 0; i < argv.length; i++) {
  const name = argv[i]!.split('=')[0]!;
  if (!known.includes(name)) {
    process.stderr.write(`[bench:all] unknown argument ${argv[i]}; known: ${known.join(' ')}\n`);
    process.exit(64);
  }
  if ((name === '--sizes' || name === '--only' || name === '--from-json') && !argv[i]!.includes('=')) i++;
}
const quick = argv.includes('--quick');
const noWrite = argv.includes('--no-write');
const sizes = opt('--sizes') ?? process.env.BENCH_SEARCH_SIZES ?? (quick ? '1000,10000' : '1000,10000,100000');
const only = opt('--only')?.split(',').map((s) => s.trim());

const log = (msg: string) => process.stderr.write(`[bench:all] ${msg}\n`);
const round = (n: number, d = 1) => (Number.isFinite(n) ? Math.round(n * 10 ** d) / 10 ** d : NaN);

interface Part {
  name: string;
  script: string;
  args: string[];
  env: Record<string, string>;
}
// --quick sets small counts unless the environment already chose them.
const quickEnv = (vars: Record<string, string>) => (quick ? Object.fromEntries(Object.entries(vars).filter(([k]) => process.env[k] === undefined)) : {});
const PARTS: Part[] = [
  {
    name: 'workers', script: 'bench/workers.ts', args: [],
    env: {
      ...quickEnv({ BENCH_MESSAGES: '200', BENCH_THROUGHPUT_MESSAGES: '200' }),
      // three throughput runs per setup, the median reported (a shared machine: single runs vary by ±10%)
      ...(process.env.BENCH_THROUGHPUT_RUNS || quick ? {} : { BENCH_THROUGHPUT_RUNS: '3' }),
      // pg-1 and pg-3 are among bench/workers.ts's default setups: on BENCH_POSTGRES_URL, else on its own PostgreSQL.
    },
  },
  { name: 'search-latency', script: 'bench/search-latency.ts', args: ['--sizes', sizes], env: {} },
  { name: 'imap', script: 'bench/imap.ts', args: [], env: { ...quickEnv({ BENCH_IMAP_MESSAGES: '40' }) } },
];
for (const o of only ?? []) if (!PARTS.some((p) => p.name === o)) throw new Error(`--only: unknown part ${o}; parts: ${PARTS.map((p) => p.name).join(', ')}`);

interface PartResult {
  name: string;
  command: string;
  ok: boolean;
  exitCode: number | null;
  signal: string | null;
  seconds: number;
  error?: string;
  result?: Record<string, unknown>;
}

let current: ReturnType<typeof spawn> | undefined;
const killCurrent = () => {
  // The part runs in its own process group (npx → tsx → node → its own children): end all of it.
  if (current?.pid && current.exitCode === null && current.signalCode === null) try { process.kill(-current.pid, 'SIGKILL'); } catch { /* gone */ }
};
process.on('exit', killCurrent);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(sig, () => {
    log(`${sig}: stopping the running part`);
    if (current?.pid) try { process.kill(-current.pid, 'SIGTERM'); } catch { /* gone */ }
    setTimeout(() => { killCurrent(); process.exit(130); }, 5000).unref();
  });
}

function lastJsonLine(stdout: string): Record<string, unknown> | undefined {
  const lines = stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  for (let i = lines.length - 1; i >= 0; i--) {
    if (!lines[i]!.startsWith('{')) continue;
    try {
      const v = JSON.parse(lines[i]!);
      if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
    } catch { /* not JSON */ }
  }
  return undefined;
}

async function runPart(part: Part): Promise<PartResult> {
  const envPrefix = Object.entries(part.env).map(([k, v]) => `${k}=${v} `).join('');
  const command = `${envPrefix}npx tsx ${part.script}${part.args.length ? ` ${part.args.join(' ')}` : ''}`;
  log(`── ${part.name}: ${command}`);
  const t = performance.now();
  const child = spawn('npx', ['tsx', part.script, ...part.args], {
    cwd: root, env: { ...process.env, ...part.env }, stdio: ['ignore', 'pipe', 'inherit'], detached: true,
  });
  current = child;
  const timeoutMin = Number(process.env.BENCH_PART_TIMEOUT_MIN ?? 0);
  let timedOut = false;
  const timer = timeoutMin > 0 ? setTimeout(() => {
    timedOut = true;
    log(`── ${part.name}: no end after ${timeoutMin} min (BENCH_PART_TIMEOUT_MIN): stopping it`);
    try { process.kill(-child.pid!, 'SIGTERM'); } catch { /* gone */ }
    setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, 10_000).unref();
  }, timeoutMin * 60_000) : undefined;
  let stdout = '';
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString('utf8');
    process.stderr.write(d); // the part's tables, for the human watching
  });
  const { code, signal, spawnError } = await new Promise<{ code: number | null; signal: string | null; spawnError?: string }>((resolve) => {
    child.once('error', (err) => resolve({ code: null, signal: null, spawnError: err.message }));
    child.once('close', (c, s) => resolve({ code: c, signal: s }));
  });
  current = undefined;
  clearTimeout(timer);
  const seconds = round((performance.now() - t) / 1000, 1);
  const result = lastJsonLine(stdout);
  const partOk = result ? result.ok !== false : false;
  const ok = code === 0 && result !== undefined && partOk && !timedOut;
  let error: string | undefined;
  if (spawnError) error = `could not start: ${spawnError}`;
  else if (timedOut) error = `stopped after ${timeoutMin} min (BENCH_PART_TIMEOUT_MIN)`;
  else if (!result) error = `no JSON line on stdout (exit ${code ?? signal})`;
  else if (code !== 0) error = `exit ${code ?? signal}${partOk ? '' : '; the part reported failures'}`;
  else if (!partOk) error = 'the part reported failures';
  log(`── ${part.name}: ${ok ? 'ok' : `FAILED (${error})`} in ${seconds} s`);
  return { name: part.name, command, ok, exitCode: code, signal, seconds, error, result };
}

// ------------------------------------------------------------------------------------------------ rendering
type Obj = Record<string, any>;
const v = (x: unknown) => (x === undefined || x === null || (typeof x === 'number' && !Number.isFinite(x)) ? '–' : String(x));
const cellText = (s: string) => s.replace(/\|/g, '/').replace(/\n/g, ' ');

function renderWorkers(r: Obj): string[] {
  const setups: Obj[] = Array.isArray(r.setups) ? r.setups : [];
  if (setups.length === 0) return ['(no setups in the result)'];
  const c = r.config ?? {};
  const cell = (f: (s: Obj) => unknown) => setups.map((s) => { try { return cellText(v(f(s))); } catch { return '–'; } });
  const workersOnly = (m: Obj[] | undefined, key: string) => (m ?? []).filter((x) => !String(x.label).startsWith('database')).map((x) => v(x[key])).join(' / ');
  const db = (s: Obj) => (s.memory as Obj[] | undefined)?.find((x) => String(x.label).startsWith('database'));
  const rows: [string, string[]][] = [
    ['worker processes', cell((s) => s.workers)],
    [`latency phase: acknowledged (${v(c.messages)} offered at ${v(c.rate)}/s)`, cell((s) => s.latency && `${s.latency.acknowledged}/${s.latency.messages}`)],
    ['arrival→ack p50 (median) / p95 / p99 / max ms', cell((s) => s.latency && `${v(s.latency.latencyMs?.p50)} / ${v(s.latency.latencyMs?.p95)} / ${v(s.latency.latencyMs?.p99)} / ${v(s.latency.latencyMs?.max)}`)],
    [`p50 / p99 after warm-up (msg ${Number(c.warmupMessages ?? 0) + 1}+) ms`, cell((s) => s.latency && `${v(s.latency.latencyWarmMs?.p50)} / ${v(s.latency.latencyWarmMs?.p99)}`)],
    ['SMTP send→250 p50 / p99 ms', cell((s) => s.latency && `${v(s.latency.ingestMs?.p50)} / ${v(s.latency.ingestMs?.p99)}`)],
    [`throughput phase: acknowledged (${v(c.throughputMessages)} offered, ${v(c.concurrency)} in flight)`, cell((s) => s.throughput && `${s.throughput.acknowledged}/${s.throughput.messages} in ${v(s.throughput.totalSeconds)} s`)],
    ['sustained acks/s (the median run)', cell((s) => s.throughput?.sustainedAcksPerSecond)],
    ['steady-state acks/s (10–90% of acks)', cell((s) => s.throughput?.steadyAcksPerSecond)],
    ...(Number(c.throughputRuns ?? 1) > 1 ? [[`every throughput run: sustained / steady acks/s (${v(c.throughputRuns)} runs)`, cell((s) => (s.throughputRuns as Obj[] | undefined)?.map((t) => `${v(t.sustained)} / ${v(t.steady)}`).join('; '))] as [string, string[]]] : []),
    ['sustained acks/s per worker', cell((s) => s.throughput?.sustainedAcksPerSecondPerWorker)],
    ['messages processed per worker (throughput phase)', cell((s) => s.throughput && (s.throughput.processedPerWorker as unknown[]).map(v).join(' / '))],
    ['duplicate acknowledgements', cell((s) => (s.latency?.duplicateAcks ?? 0) + (s.throughput?.duplicateAcks ?? 0))],
    ['peak VmHWM per worker MiB', cell((s) => workersOnly(s.memory, 'peakHwmMiB'))],
    ['max VmRSS per worker MiB', cell((s) => workersOnly(s.memory, 'maxRssMiB'))],
    ['database server VmHWM / VmRSS MiB', cell((s) => db(s) && `${v(db(s)!.peakHwmMiB)} / ${v(db(s)!.maxRssMiB)}`)],
    ['CPU % in the throughput phase (workers; database server)', cell((s) => {
      const m: Obj[] | undefined = s.throughput?.memory;
      if (!m) return undefined;
      const d = m.find((x) => String(x.label).startsWith('database'));
      return `${workersOnly(m, 'cpuPct')}${d ? `; ${v(d.cpuPct)}` : ''}`;
    })],
    ['errors', cell((s) => ((s.errors as Obj[] | undefined)?.length ? (s.errors as Obj[]).map((e) => `${e.phase}: ${e.error}`).join('; ') : 'none'))],
  ];
  const out = [
    `| metric | ${setups.map((s) => s.setup).join(' | ')} |`,
    `|---|${setups.map(() => '---').join('|')}|`,
    ...rows.map(([name, vals]) => `| ${name} | ${vals.join(' | ')} |`),
    '',
  ];
  const cmp = r.comparison ?? {};
  const ratios: string[] = [];
  if (cmp.wire3OverWire1) ratios.push(`wire-3 / wire-1 sustained acks/s ×${v(cmp.wire3OverWire1.sustained)} (steady state ×${v(cmp.wire3OverWire1.steady)})`);
  if (cmp.pg3OverPg1) ratios.push(`pg-3 / pg-1 ×${v(cmp.pg3OverPg1.sustained)} (steady state ×${v(cmp.pg3OverPg1.steady)})`);
  if (cmp.wire1OverEmbedded) ratios.push(`wire-1 / embedded ×${v(cmp.wire1OverEmbedded.sustained)} (steady state ×${v(cmp.wire1OverEmbedded.steady)})`);
  if (ratios.length) out.push(`Ratios: ${ratios.join('; ')}.`, '');
  out.push(
    'Setups: `embedded` = one `firstreply start` with only DATA_DIR (PGlite on disk on a worker thread); `wire-N` = N',
    '`ROLE=worker` processes on PGlite served on the PostgreSQL wire protocol (one session the workers take turns on per',
    'transaction, in its own process), `DATABASE_POOL_MAX=1`; `pg-N` = N `ROLE=worker` processes on a real PostgreSQL with',
    `pgvector${c.postgres ? ` (${c.postgres})` : ''}, default pool (10). Each phase starts fresh processes and a fresh database. Every customer`,
    'email is matched against an indexed 12-article knowledge base with the local provider.',
  );
  return out;
}

function renderSearch(r: Obj): string[] {
  const results: Obj[] = Array.isArray(r.results) ? r.results : [];
  if (results.length === 0) return ['(no results in the output)'];
  const pair = (s: Obj | undefined) => (s ? `${v(s.p50)} / ${v(s.p99)}` : '–');
  // The statements search-latency.ts measures (whichever it reports): p50 (median) / p99 each.
  const columns = ([
    ['searchMs', 'searchChunks (the match\'s database half)'],
    ['searchVectorOnlyMs', 'without the full-text part'],
    ['annMs', 'HNSW statement alone'],
    ['ftsMs', 'full-text only'],
    ['exactMs', 'exact (sequential scan)'],
  ] as const).filter(([key]) => results.some((x) => x[key]));
  const out = [
    `| chunks | driver | ${columns.map(([, label]) => `${label} p50 / p99 ms`).join(' | ')} | recall@10 vs exact | HNSW build s |`,
    `|---|---|${columns.map(() => '---|').join('')}---|---|`,
    ...results.map((x) => `| ${v(x.chunks)} | ${v(x.driver)} | ${columns.map(([key]) => pair(x[key])).join(' | ')} | ${v(x.recallAt10)} | ${v(x.build?.indexBuildSeconds)}${x.database?.reused ? ' (cached database, time measured when built)' : ''} |`),
    '',
  ];
  const meta = [
    r.postgres && String(r.postgres).split(' on ')[0],
    r.pgvector && `pgvector ${r.pgvector}`,
    r.model && `model ${r.model}${r.dimensions ? ` (${r.dimensions} dimensions)` : ''}`,
    results[0]?.queries && `${results[0].queries} queries after ${v(results[0].warmup)} warm-up`,
  ].filter(Boolean);
  const t = r.target;
  if (meta.length || t) out.push(`${meta.join(', ')}${t ? `${meta.length ? '; ' : ''}target: p99 ≤ ${v(t.searchP99Ms)} ms at ${v(t.chunks)} chunks, recall@10 ≥ ${v(t.recallAt10)}` : ''}.`);
  return out;
}

function renderImap(r: Obj): string[] {
  const results: Obj = r.results ?? {};
  const setups = Object.keys(results);
  if (setups.length === 0) return ['(no results in the output)'];
  const row = (channel: string, label: string) => `| ${label} | ${setups.map((s) => {
    const x = results[s]?.[channel];
    return x ? `${v(x.p50)} / ${v(x.p99)} / ${v(x.max)} (${v(x.acknowledged)}/${v(x.offered)})` : '–';
  }).join(' | ')} |`;
  return [
    `| p50 / p99 / max ms (acknowledged), ${v(r.messages)} emails at ${v(r.rate)}/s | ${setups.join(' | ')} |`,
    `|---|${setups.map(() => '---|').join('')}`,
    row('imap', 'IMAP: APPEND answered → acknowledgement at the sink'),
    row('smtp', 'SMTP: 250 → acknowledgement at the sink'),
    '',
    'One `firstreply start` reading a Dovecot mailbox through IMAP IDLE (Dovecot delays IDLE notifications by up to',
    '500 ms) and listening for SMTP; `pg-1` on PostgreSQL 15. Every email is matched against the 12-article knowledge base.',
  ];
}

function machine() {
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    node: process.version, os: `${os.type()} ${os.release()}`, loadAverage: os.loadavg().map((l) => round(l, 2)),
  };
}

function render(results: PartResult[], command: string, m: ReturnType<typeof machine>, date: string, quickRun = quick): string {
  const lines = [
    START,
    `## \`npm run bench\` — latest run${quickRun ? ' (--quick SMOKE RUN: small counts, not for comparison)' : ''}`,
    '',
    `Generated by \`bench/all.ts\` on ${date}. Command: \`${command}\``,
    '',
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}; load average at start ${m.loadAverage.join(' / ')}`,
    '(shared machine: latencies are one run\'s distribution; throughput is the run with the median sustained rate of the',
    'runs listed; single runs vary by about ±10%, so compare medians).',
    '',
  ];
  for (const p of results) {
    lines.push(`### ${p.name} — \`${p.command}\` (${p.seconds} s)`, '');
    if (!p.ok) lines.push(`**FAILED**: ${cellText(p.error ?? 'unknown')}`, '');
    if (p.result) {
      try {
        lines.push(...(p.name === 'workers' ? renderWorkers(p.result) : p.name === 'search-latency' ? renderSearch(p.result) : p.name === 'imap' ? renderImap(p.result) : ['```', JSON.stringify(p.result), '```']));
      } catch (err) {
        lines.push(`(could not render the result: ${err instanceof Error ? err.message : String(err)})`);
      }
      lines.push('');
    }
  }
  lines.push(END);
  return lines.join('\n');
}

function writeSection(section: string) {
  const text = readFileSync(benchmarksFile, 'utf8');
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  let next: string;
  if (a !== -1 && b > a) next = `${text.slice(0, a)}${section}${text.slice(b + END.length)}`;
  else {
    // After the title (the first "# " line), before everything else.
    const lines = text.split('\n');
    const at = lines.findIndex((l) => l.startsWith('# ')) + 1;
    const rest = lines.slice(at).join('\n').replace(/^\n+/, '');
    next = at > 0 ? `${lines.slice(0, at).join('\n')}\n\n${section}\n\n${rest}` : `${section}\n\n${rest}`;
  }
  writeFileSync(benchmarksFile, next);
}

async function main() {
  const started = performance.now();
  const date = new Date().toISOString();
  const m = machine();
  const benchEnv = Object.entries(process.env).filter(([k]) => k.startsWith('BENCH_')).map(([k, val]) => `${k}=${val} `).join('');
  const invoked = process.env.npm_lifecycle_event === 'bench' ? `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}` : `npx tsx bench/all.ts${argv.length ? ` ${argv.join(' ')}` : ''}`;
  const command = `${benchEnv}${invoked}`;
  log(`machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, node ${m.node}; load ${m.loadAverage.join(' ')}`);
  const fromJson = opt('--from-json');
  if (fromJson) {
    const saved = lastJsonLine(readFileSync(fromJson, 'utf8')) as { parts?: PartResult[]; command?: string; machine?: ReturnType<typeof machine>; date?: string; quick?: boolean } | undefined;
    if (!saved?.parts) throw new Error(`${fromJson}: no JSON line of bench/all.ts`);
    const section = render(saved.parts, saved.command ?? '?', saved.machine ?? m, saved.date ?? date, saved.quick ?? quick);
    if (!noWrite) writeSection(section);
    process.stdout.write(`${section}\n`);
    return 0;
  }
  const results: PartResult[] = [];
  for (const part of PARTS) {
    if (only && !only.includes(part.name)) continue;
    try {
      results.push(await runPart(part));
    } catch (err) {
      results.push({ name: part.name, command: `npx tsx ${part.script}`, ok: false, exitCode: null, signal: null, seconds: 0, error: err instanceof Error ? err.message : String(err) });
    }
  }
  const section = render(results, command, m, date, quick);
  if (noWrite) log('--no-write: BENCHMARKS.md left as it is');
  else {
    try {
      writeSection(section);
      log(`wrote the figures into ${path.relative(process.cwd(), benchmarksFile)}`);
    } catch (err) {
      log(`could not write ${benchmarksFile}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  process.stdout.write(`${section}\n`);
  const ok = results.every((r) => r.ok);
  process.stdout.write(`${JSON.stringify({ bench: 'all', date, command, quick, machine: m, ok, parts: results, wallSeconds: round((performance.now() - started) / 1000, 1) })}\n`);
  log(`finished in ${round((performance.now() - started) / 1000, 1)} s: ${results.map((r) => `${r.name} ${r.ok ? 'ok' : 'FAILED'}`).join(', ')}`);
  return ok ? 0 : 1;
}

main().then(
  (code) => { process.exitCode = code; },
  (err) => {
    process.stderr.write(`[bench:all] failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  },
);
