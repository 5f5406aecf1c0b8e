// The English sentence encoder as a matching signal: used for English questions only, and never a requirement.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalEmbedder } from '../src/ai/local-embedder.js';
import { createSentenceEncoder, type ClosableEmbedder } from '../src/ai/semantic-model.js';
import type { Embedder } from '../src/ai/embedder.js';
import { KnowledgeBase } from '../src/kb/knowledge.js';
import { createLogger } from '../src/logger.js';
import { openTestDatabase, type TestDatabase } from './support/database.js';
import { loadShopKb } from './support/shop-kb.js';

describe('matching with the English sentence encoder', () => {
  let db: TestDatabase;
  let encoder: ClosableEmbedder;

  beforeAll(async () => {
    db = await openTestDatabase('pglite');
    await loadShopKb(db.database.db);
    const warnings: unknown[] = [];
    encoder = (await createSentenceEncoder({ warn: (...a: unknown[]) => void warnings.push(a) }))!;
    expect(warnings).toEqual([]);
    expect(encoder).toBeDefined();
  }, 240_000);
  afterAll(async () => {
    await encoder?.close();
    await db.stop();
  });

  it('adds its similarity to English candidates only', async () => {
    const kb = new KnowledgeBase({ db: db.database.db, embedder: new LocalEmbedder(), log: createLogger('silent'), semantic: { embedder: encoder, languages: ['en'] } });
    await kb.ready();
    const english = await kb.match('Could you pack my present nicely and put a birthday card inside?', { language: 'en' });
    expect(english.candidates[0]!.articleId).toBe('en-gift-wrap');
    expect(english.candidates.every((c) => typeof c.signals.semantic === 'number')).toBe(true);
    const german = await kb.match('Wie lange dauert die Lieferung?', { language: 'de' });
    expect(german.candidates[0]!.articleId).toBe('de-delivery');
    expect(german.candidates.some((c) => 'semantic' in c.signals)).toBe(false);
    kb.stop();
  }, 120_000);

  it('an encoder that fails leaves the question to the lexical signals, with a warning', async () => {
    const warnings: string[] = [];
    const log = Object.assign(createLogger('silent'), { warn: (_o: unknown, m: string) => void warnings.push(m) });
    let calls = 0;
    // After training (whose embedding works), every call fails: the worker crashed.
    const failing: Embedder = { model: 'broken', dimensions: 512, embed: async (t) => (++calls > 1 ? Promise.reject(new Error('worker exited')) : encoder.embed(t)) };
    const kb = new KnowledgeBase({ db: db.database.db, embedder: new LocalEmbedder(), log: log as never, semantic: { embedder: failing, languages: ['en'] } });
    await kb.ready();
    const match = await kb.match('How long does delivery take?', { language: 'en' });
    expect(match.candidates[0]!.articleId).toBe('en-delivery');
    expect(match.candidates.some((c) => 'semantic' in c.signals)).toBe(false);
    expect(warnings.some((w) => w.includes('sentence encoder failed'))).toBe(true);
    kb.stop();
  }, 120_000);
});
