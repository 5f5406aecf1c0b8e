// Refits the prior confidence (src/kb/matching/prior.ts) on bench:shop's development half (odd ids) and checks it on
// the test half (even ids): every email is matched zero-shot as bench:shop matches it, with the prior's inputs
// rebuilt from the ranking and the indexed articles' words; a logistic regression is fitted on the dev half's
// knowledge questions (label: the top article is the expected one) and printed in PRIOR_COEFFICIENTS' form, with
// answered questions and answered precision at several thresholds per half, for it and for the prior in force.
//   npx tsx bench/match-research/shop-prior.ts
import { eq } from 'drizzle-orm';
import { LocalEmbedder } from '../../src/ai/local-embedder.js';
import { openDatabase } from '../../src/db/client.js';
import { articleChunks, articles as articleTable } from '../../src/db/schema/kb.js';
import { customerText, detectLanguage } from '../../src/domain/language.js';
import { KnowledgeBase } from '../../src/kb/knowledge.js';
import { confidence, fitCalibrator } from '../../src/kb/matching/calibration.js';
import { PRIOR_COEFFICIENTS, contentWords, priorFeatures, questionWords } from '../../src/kb/matching/prior.js';
import { importJsonl } from '../../src/kb/transfer.js';
import { createLogger } from '../../src/logger.js';
import { inScope, loadShop, splitOf } from '../support/shop.js';

const { kbJsonl, articles, emails } = loadShop();
const groupOf = new Map(articles.map((a) => [a.id, a.translation_group]));
const groupsByLanguage = new Map<string, Set<string>>();
for (const a of articles) groupsByLanguage.set(a.language, new Set([...(groupsByLanguage.get(a.language) ?? []), a.translation_group]));

const database = await openDatabase({});
await database.migrate();
await importJsonl(database.db, kbJsonl, { by: 'bench' });
const kb = new KnowledgeBase({ db: database.db, embedder: new LocalEmbedder(), log: createLogger('silent'), publicBaseUrl: 'https://help.shop.example' });
await kb.ready();
// The words the matcher reads per article: title and sections as indexed (no example questions zero-shot).
const texts = new Map<string, string[]>();
for (const a of await database.db.select({ id: articleTable.id, title: articleTable.title }).from(articleTable)) texts.set(a.id, [a.title]);
for (const c of await database.db.select({ id: articleChunks.articleId, text: articleChunks.text }).from(articleChunks).where(eq(articleChunks.kind, 'section'))) texts.get(c.id)?.push(c.text);
const words = new Map([...texts].map(([id, t]) => [id, contentWords(t.join('\n'))]));

interface Row { split: string; correct: boolean; features: number[] }
const rows: Row[] = [];
for (const e of emails) {
  // Only knowledge questions: requests for a person, complaints, threats and injections are caught by rules first.
  if (e.kind !== 'answerable' && e.kind !== 'unanswerable') continue;
  const text = customerText(e.subject, e.body);
  const match = await kb.match(text, { language: detectLanguage(text).language, subject: e.subject, threshold: 0 });
  if (match.candidates.length === 0) continue;
  const ranked = match.candidates.map((c) => ({ articleId: c.articleId, score: c.score, signals: c.signals, contributions: c.contributions }));
  const features = priorFeatures(ranked, questionWords(text, customerText(e.subject, '')), (id) => words.get(id));
  rows.push({ split: splitOf(e), correct: inScope(e, groupsByLanguage) && groupOf.get(ranked[0]!.articleId) === e.expected, features });
}
await kb.stop();

const fitted = fitCalibrator(rows.filter((r) => r.split === 'dev').map((r) => ({ features: r.features, correct: r.correct })));
const weights = fitted.weights.map((w, j) => w / fitted.scale[j]!);
const bias = fitted.bias - fitted.weights.reduce((s, w, j) => s + (w * fitted.mean[j]!) / fitted.scale[j]!, 0);
const round = (x: number) => Math.round(x * 100) / 100;
console.log(`fitted on dev: { bias: ${round(bias)}, weights: [${weights.map(round).join(', ')}] }`);
const inForce = (x: number[]) => 1 / (1 + Math.exp(-PRIOR_COEFFICIENTS.weights.reduce((s, w, j) => s + w * x[j]!, PRIOR_COEFFICIENTS.bias)));
for (const [name, conf] of [['in force', inForce], ['fitted', (x: number[]) => confidence(fitted, x)]] as const) {
  for (const split of ['dev', 'test', 'all']) {
    const part = rows.filter((r) => split === 'all' || r.split === split);
    const cells = (process.env.THRESHOLDS ?? "0.7,0.75,0.8,0.85,0.9").split(",").map(Number).map((t) => {
      const answered = part.filter((r) => conf(r.features) >= t);
      const right = answered.filter((r) => r.correct).length;
      return `${t}: ${right}/${answered.length}`;
    });
    console.log(`${name.padEnd(8)} ${split.padEnd(4)} right/answered at threshold  ${cells.join('   ')}`);
  }
}
process.exit(0);
