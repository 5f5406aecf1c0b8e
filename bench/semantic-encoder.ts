// Cost of the English sentence encoder (USE-lite in its worker): load time, time and CPU per sentence alone,
// in one batch and as concurrent single calls (how pipeline jobs ask), resident memory, and how long the main
// thread's event loop was held up meanwhile. Sentences: BANKING77 test questions (short customer questions).
//   npm run bench:semantic [-- --runs 5]
// CPU is process.cpuUsage(), which counts every thread, so it includes the worker; on a shared machine it is the
// steadier figure (wall time waits for the core).
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { SentenceEncoder } from '../src/ai/sentence-encoder.js';
import { loadSplit } from './match-research/data.js';

const args = process.argv.slice(2);
const runs = args.includes('--runs') ? Number(args[args.indexOf('--runs') + 1]) : 5;
const sentences = loadSplit('test').map((r) => r.text);
const mb = (bytes: number) => Math.round(bytes / 1e6);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** wall and CPU milliseconds per sentence, median over runs; each run gets sentences no earlier run saw */
async function perSentence(label: string, count: number, run: (texts: string[]) => Promise<unknown>) {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < runs; r++) {
    const texts = sentences.slice(r * count, (r + 1) * count);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await run(texts);
    wall.push((performance.now() - t0) / count);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000 / count);
  }
  const result = { wallMs: +median(wall).toFixed(1), cpuMs: +median(cpu).toFixed(1) };
  console.log(`${label.padEnd(34)} ${String(result.wallMs).padStart(6)} ms/sentence wall, ${String(result.cpuMs).padStart(5)} ms CPU`);
  return result;
}

const rssBefore = process.memoryUsage().rss;
const encoder = new SentenceEncoder();
const t0 = performance.now();
await encoder.embed(['Hello, I have a question about my order.']);
const loadMs = Math.round(performance.now() - t0);
const rssLoaded = process.memoryUsage().rss;
console.log(`load + first sentence: ${loadMs} ms; resident +${mb(rssLoaded - rssBefore)} MB (${mb(rssBefore)} -> ${mb(rssLoaded)} MB)`);

// The same measure while idle, as a baseline: on a busy machine the main thread also waits for a core.
const idle = monitorEventLoopDelay({ resolution: 10 });
idle.enable();
await new Promise((resolve) => setTimeout(resolve, 3000));
idle.disable();
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
const single = await perSentence('one call per sentence, in turn', 32, async (texts) => {
  for (const t of texts) await encoder.embed([t]);
});
const concurrent = await perSentence('32 single calls at once (coalesced)', 32, (texts) => Promise.all(texts.map((t) => encoder.embed([t]))));
const batch = await perSentence('one call of 64 sentences', 64, (texts) => encoder.embed(texts));
loop.disable();
const rssAfter = process.memoryUsage().rss;
const ms = (ns: number) => +(ns / 1e6).toFixed(1);
console.log(`main event loop delay while embedding: p99 ${ms(loop.percentile(99))} ms, max ${ms(loop.max)} ms (idle: p99 ${ms(idle.percentile(99))}, max ${ms(idle.max)})`);
console.log(`resident after ${runs} runs: +${mb(rssAfter - rssBefore)} MB over the process without the encoder`);
await encoder.close();

console.log(JSON.stringify({
  bench: 'semantic-encoder', model: encoder.model, loadMs, runs, single, concurrent, batch,
  rssBeforeMb: mb(rssBefore), rssLoadedMb: mb(rssLoaded), rssAfterMb: mb(rssAfter),
  loopDelayP99Ms: ms(loop.percentile(99)), loopDelayMaxMs: ms(loop.max), idleLoopDelayP99Ms: ms(idle.percentile(99)), idleLoopDelayMaxMs: ms(idle.max),
}));
