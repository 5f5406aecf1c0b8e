// npm run bench:gaps [-- --with-escalated | --only-escalated] [--threshold 0.4] [--stop 0.18] [--limit N] [--recompute-every N]
// Knowledge gaps on BANKING77 (Casanueva et al. 2020, CC-BY-4.0; read from ../shared/datasets/banking77):
// the knowledge base holds 50 intents (27 held out exactly as bench/support/banking-kb.ts does), and the test.csv
// questions of the 27 missing intents arrive as mail, in a fixed shuffled order, each recorded through
// recordGapQuestion on an in-memory database. Then recomputeGaps re-clusters them from scratch.
//   --with-escalated  also records the in-scope test questions the matcher escalated (noise a real report has)
//   --only-escalated  records only what the matcher escalated, missing intents included (the production path)
//   --recompute-every N  re-clusters after every N questions as GapMaintainer does in the service, so the
//                     "incremental" figures are those of a maintained report (last recompute + incremental joins)
// An intent is found when a cluster among the top 27 by size has it as its majority label with at least 5
// members; purity is the majority share of those top clusters, weighted by size. Prints one JSON line (progress on
// stderr): figures after incremental assignment alone and after the recompute. Targets: found >= 80%, purity >= 0.8.
import { sql } from 'drizzle-orm';
import { LocalEmbedder } from '../src/ai/local-embedder.js';
import { openDatabase } from '../src/db/client.js';
import { selectRows } from '../src/db/rows.js';
import { customerText, detectLanguage } from '../src/domain/language.js';
import { listGaps } from '../src/insight/gaps/list.js';
import { recomputeGaps } from '../src/insight/gaps/recompute.js';
import { recordGapQuestion } from '../src/insight/gaps/record.js';
import { indexKnowledgeBase } from '../src/kb/indexing/indexer.js';
import { KnowledgeBase } from '../src/kb/knowledge.js';
import { importJsonl } from '../src/kb/transfer.js';
import { createLogger } from '../src/logger.js';
import { loadSplit } from './match-research/data.js';
import { bankingFiles } from './support/banking-kb.js';
import { rng } from './support/corpus.js';

const args = process.argv.slice(2);
const opt = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const HOLDOUT = 27;
const MIN_MEMBERS = 5;
const threshold = opt('--threshold') ? Number(opt('--threshold')) : undefined;
const stop = opt('--stop') ? Number(opt('--stop')) : undefined;
const limit = opt('--limit') ? Number(opt('--limit')) : undefined;
const recomputeEvery = Number(opt('--recompute-every') ?? 0);
const withEscalated = args.includes('--with-escalated');
const onlyEscalated = args.includes('--only-escalated');
const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;
const say = (m: string) => console.error(`gaps: ${m}`);

const started = performance.now();
const embedder = new LocalEmbedder();
const database = await openDatabase({});
await database.migrate();
const db = database.db;

// The knowledge base: 50 intents, published and indexed (the closest-article lookups search it).
const { kbJsonl, queries } = bankingFiles({ name: 'gaps', holdout: HOLDOUT });
const imported = await importJsonl(db, kbJsonl, { by: 'bench' });
const test = loadSplit('test');
const missing = new Set(queries.flatMap((q, i) => (q.expected === null ? [test[i]!.category] : [])));
say(`knowledge base of ${imported.created} intents; ${missing.size} intents missing`);

// What arrives: every missing intent's question, and/or what the matcher escalated.
let pool = test.map((r, i) => ({ text: r.text, intent: r.category, missing: queries[i]!.expected === null }));
let escalation: Record<string, number> | undefined;
if (withEscalated || onlyEscalated) {
  const kb = new KnowledgeBase({ db, embedder, log: createLogger('silent') });
  await kb.ready();
  say(`matcher trained (threshold ${kb.calibration.threshold.toFixed(3)}); matching ${pool.length} questions`);
  const escalated: boolean[] = [];
  for (const q of pool) {
    const text = customerText('', q.text);
    escalated.push((await kb.match(text, { language: detectLanguage(text).language })).escalate);
  }
  kb.stop();
  const count = (f: (q: (typeof pool)[number], i: number) => boolean) => pool.filter(f).length;
  escalation = {
    missingEscalated: count((q, i) => q.missing && escalated[i]!),
    missingAnswered: count((q, i) => q.missing && !escalated[i]),
    inScopeEscalated: count((q, i) => !q.missing && escalated[i]!),
  };
  pool = pool.filter((q, i) => (onlyEscalated ? escalated[i]! : q.missing || escalated[i]!));
} else {
  await indexKnowledgeBase(db, embedder);
  pool = pool.filter((q) => q.missing);
}
// Mail arrives interleaved, not intent by intent.
const rand = rng(20_250_101);
for (let i = pool.length - 1; i > 0; i--) {
  const j = Math.floor(rand() * (i + 1));
  [pool[i], pool[j]] = [pool[j]!, pool[i]!];
}
if (limit) pool = pool.slice(0, limit);

say(`recording ${pool.length} questions`);
const intentOf = new Map<number, string>();
const recordStarted = performance.now();
let recomputes = 0;
for (const [i, q] of pool.entries()) {
  const r = await recordGapQuestion(db, embedder, { text: q.text, language: 'en', source: 'no_article' }, { assignThreshold: threshold });
  intentOf.set(r.questionId, q.intent);
  if (recomputeEvery && (i + 1) % recomputeEvery === 0 && i + 1 < pool.length) {
    await recomputeGaps(db, embedder, { cluster: stop !== undefined ? { stop } : undefined });
    recomputes++;
  }
}
const recordMs = performance.now() - recordStarted;

async function evaluate() {
  const rows = await selectRows<{ id: number; cluster_id: number }>(db, sql`SELECT id, cluster_id FROM gap_questions`);
  const clusters = new Map<number, string[]>();
  for (const r of rows) clusters.set(Number(r.cluster_id), [...(clusters.get(Number(r.cluster_id)) ?? []), intentOf.get(Number(r.id))!]);
  const top = [...clusters.values()].sort((a, b) => b.length - a.length).slice(0, HOLDOUT);
  const found = new Set<string>();
  let majoritySum = 0;
  let members = 0;
  for (const labels of top) {
    const counts = new Map<string, number>();
    for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
    const [label, n] = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]!;
    if (missing.has(label) && labels.length >= MIN_MEMBERS) found.add(label);
    majoritySum += n;
    members += labels.length;
  }
  const arrived = new Set(pool.filter((q) => q.missing).map((q) => q.intent));
  return {
    clusters: clusters.size,
    clustersOf2Plus: [...clusters.values()].filter((c) => c.length >= 2).length,
    found: found.size,
    foundShare: round(found.size / missing.size),
    missingIntentsArrived: arrived.size,
    purity: round(members ? majoritySum / members : 0),
    topSizes: top.map((c) => c.length),
  };
}

const incremental = await evaluate();
say(`incremental: found ${incremental.found}/${missing.size}, purity ${incremental.purity}; recomputing`);
const report = await recomputeGaps(db, embedder, { cluster: stop !== undefined ? { stop } : undefined });
const recomputed = await evaluate();
const listStarted = performance.now();
const top = await listGaps(db, { limit: HOLDOUT });
const listMs = performance.now() - listStarted;
const labelOf = async (clusterId: number) => {
  const ids = await selectRows<{ id: number }>(db, sql`SELECT id FROM gap_questions WHERE cluster_id = ${clusterId}`);
  const counts = new Map<string, number>();
  for (const { id } of ids) counts.set(intentOf.get(Number(id))!, (counts.get(intentOf.get(Number(id))!) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
};
const examples = [];
for (const g of top.slice(0, 5)) {
  examples.push({ size: g.size, intent: await labelOf(g.id), title: g.suggestion.title, closestArticle: g.closestArticle?.articleId ?? null, closestScore: g.closestArticle?.score ?? null });
}
console.log(JSON.stringify({
  bench: 'gaps',
  setting: onlyEscalated ? 'only escalated' : withEscalated ? 'missing intents + escalated in-scope' : 'missing intents',
  questions: pool.length,
  missingIntents: missing.size,
  top: HOLDOUT,
  minMembers: MIN_MEMBERS,
  ...(escalation ? { escalation } : {}),
  assignThreshold: threshold ?? 'default',
  recomputeEvery: recomputeEvery || null,
  recomputesWhileRecording: recomputes,
  incremental,
  recomputed,
  recordMsPerQuestion: round(recordMs / Math.max(1, pool.length), 2),
  recomputeMs: report.ms,
  listTop27Ms: Math.round(listMs),
  topClusters: examples,
  totalSeconds: round((performance.now() - started) / 1000, 1),
}));
await database.close();
