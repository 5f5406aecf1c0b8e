import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { Config } from '../config.js';
import { createEmbedder, embeddingProvider } from '../ai/provider.js';
import { createSentenceEncoder, semanticModelEnabled } from '../ai/semantic-model.js';
import { parseQueries, runEval } from '../kb/eval.js';

const USAGE = 'Usage: firstreply eval --kb KB.jsonl --queries QUERIES.jsonl [--threshold 0.4]';

/** Progress and the threshold trade-off curve go to stderr; the last stdout line is the summary as JSON. */
export async function evalCommand(config: Config, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { kb: { type: 'string' }, queries: { type: 'string' }, threshold: { type: 'string' } } });
  if (!values.kb || !values.queries) {
    console.error(USAGE);
    return 2;
  }
  const threshold = values.threshold !== undefined ? Number(values.threshold) : undefined;
  if (threshold !== undefined && !(threshold >= 0 && threshold <= 1)) {
    console.error('--threshold must be a number between 0 and 1');
    return 2;
  }
  const round = (x: number) => Math.round(x * 10_000) / 10_000;
  // As the service matches: with the English sentence encoder unless SEMANTIC_MODEL=off (or another provider).
  const encoder = semanticModelEnabled(config) ? await createSentenceEncoder({ warn: (o: unknown, m?: string) => console.error(`eval: ${m ?? ''} ${String((o as { err?: unknown })?.err ?? '')}`) }) : undefined;
  const { summary, curve } = await runEval({
    kbJsonl: await readFile(values.kb, 'utf8'),
    queries: parseQueries(await readFile(values.queries, 'utf8')),
    embedder: createEmbedder(config),
    provider: `${embeddingProvider(config)}`,
    threshold,
    ...(encoder ? { semantic: { embedder: encoder, languages: ['en'] } } : {}),
    progress: (m) => console.error(`eval: ${m}`),
  }).finally(() => encoder?.close());
  {
    console.error('threshold  inScopeAccuracy  escalationRecall  escalationPrecision');
    for (const p of curve) console.error(`${p.threshold.toFixed(2).padStart(9)}  ${p.inScopeAccuracy.toFixed(4).padStart(15)}  ${p.escalationRecall.toFixed(4).padStart(16)}  ${p.escalationPrecision.toFixed(4).padStart(19)}`);
  }
  const out = Object.fromEntries(Object.entries(summary).map(([k, v]) => [k, typeof v === 'number' ? round(v) : v]));
  console.log(JSON.stringify(out));
  return 0;
}
