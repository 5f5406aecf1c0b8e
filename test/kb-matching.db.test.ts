import { and, eq, sql } from 'drizzle-orm';
import { simpleParser } from 'mailparser';
import { beforeEach, describe, expect, it } from 'vitest';
import { LocalEmbedder } from '../src/ai/local-embedder.js';
import { OpenAiEmbedder } from '../src/ai/openai-embedder.js';
import { selectRows } from '../src/db/rows.js';
import { caseEvents, cases } from '../src/db/schema/cases.js';
import { articleChunks } from '../src/db/schema/kb.js';
import { caseMatches } from '../src/db/schema/matches.js';
import { indexKnowledgeBase } from '../src/kb/indexing/indexer.js';
import { KnowledgeBase, rankedDetails } from '../src/kb/knowledge.js';
import { hnswIndexName, searchChunks } from '../src/kb/search.js';
import { createLogger } from '../src/logger.js';
import { articleIdOf } from './support/kb-fixture.js';
import { customerEmail, sendRaw } from './support/mail.js';
import { startOpenAiStub } from './support/openai-stub.js';
import { api } from './support/service.js';
import { serviceOnSink } from './support/service-on-sink.js';

const log = createLogger('silent');

describe(`knowledge-base matching (${process.env.TEST_DB ?? 'pglite'})`, () => {
  const t = serviceOnSink();
  beforeEach(async () => {
    await t.reset();
    await t.start({}, { kb: true });
  });

  const match = async (text: string) => {
    const res = await api(t.service, '/api/kb/match', { method: 'POST', body: JSON.stringify({ text }), headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(200);
    return (await res.json()) as { confidence: number; escalate: boolean; language: string; candidates: { articleId: string; contributions: Record<string, number> }[]; suggestions: { articleId: string; url: string }[] };
  };

  it.each([
    ['en', 'Hi, I forgot my password and the reset link does not work', 'password'],
    ['en', 'My parcel has still not arrived, where is my order?', 'delivery'],
    ['es', 'Hola, olvidé mi contraseña y no puedo iniciar sesión', 'password'],
    ['es', 'Quiero un reembolso, el producto llegó dañado', 'refund'],
    ['ru', 'Здравствуйте, мой заказ не пришёл, где моя посылка?', 'delivery'],
    ['ru', 'Я забыл пароль и не могу войти', 'password'],
    ['zh', '你好，我想要退款，商品损坏了', 'refund'],
    ['zh', '我的包裹在哪里？订单还没到', 'delivery'],
  ])('matches a %s question to the article in that language: %s', async (language, text, topic) => {
    const result = await match(text);
    expect(result.language).toBe(language);
    expect(result.candidates[0]!.articleId).toBe(articleIdOf(topic, language));
    expect(result.escalate).toBe(false);
    expect(Object.keys(result.candidates[0]!.contributions).sort()).toEqual(['fts', 'learned', 'vector']);
    expect(result.suggestions[0]!.url).toContain(`lang=${language}`);
  });

  it('escalates a question no article answers', async () => {
    const result = await match('Do you sell gift cards for corporate events in Norway?');
    expect(result.escalate).toBe(true);
    expect(result.suggestions).toEqual([]);
  });

  it('the search returns the found articles with their details and the published translations of their groups', async () => {
    const database = t.db.database.db;
    const embedder = new LocalEmbedder();
    const [q] = await embedder.embed(['I forgot my password']);
    const search = (nearest?: number) =>
      searchChunks(database, { model: t.service.knowledge.model, dimensions: q!.length, vector: q!, text: 'I forgot my password', language: 'en', nearest });
    const hits = await search();
    expect([...hits.articles.keys()].sort()).toEqual([...hits.vector.keys()].sort());
    expect(hits.articles.get(articleIdOf('password', 'en'))).toEqual({
      id: 'password-en', version: 1, title: 'Reset your password', url: 'https://help.shop.test/password?lang=en', language: 'en', translationGroup: 'password', tags: ['password'],
    });
    const groups = new Set([...hits.articles.values()].map((a) => a.translationGroup));
    expect(new Set(hits.translations.map((t) => t.translationGroup))).toEqual(groups);
    expect(hits.translations.filter((t) => t.translationGroup === 'password').map((t) => t.id).sort()).toEqual(['password-en', 'password-es', 'password-ru', 'password-zh']);

    // an archived translation is not offered; the group's other languages still are
    expect((await api(t.service, `/api/kb/articles/${articleIdOf('password', 'es')}/archive`, { method: 'POST' })).status).toBe(200);
    const after = await search(1);
    expect([...after.articles.keys()]).toEqual(['password-en']);
    expect(after.translations.map((t) => t.id).sort()).toEqual(['password-en', 'password-ru', 'password-zh']);
  });

  it('a ranked article the search did not find (learned model alone) is read with its translations', async () => {
    const database = t.db.database.db;
    const embedder = new LocalEmbedder();
    const [q] = await embedder.embed(['I forgot my password']);
    const found = await searchChunks(database, { model: t.service.knowledge.model, dimensions: q!.length, vector: q!, text: 'I forgot my password', language: 'en', nearest: 1 });
    expect([...found.articles.keys()]).toEqual(['password-en']);
    const { details, translations } = await rankedDetails(database, ['password-en', 'refund-ru', 'no-such-article'], found);
    expect([...details.keys()].sort()).toEqual(['password-en', 'refund-ru']);
    expect(details.get('refund-ru')).toMatchObject({ title: 'Возврат денег и товара', url: 'https://help.shop.test/refund?lang=ru', translationGroup: 'refund', version: 1 });
    expect(translations.filter((t) => t.translationGroup === 'refund').map((t) => t.id).sort()).toEqual(['refund-en', 'refund-es', 'refund-ru', 'refund-zh']);
    // nothing missing: the search's own rows, no second read
    const own = await rankedDetails(database, ['password-en'], found);
    expect(own.details).toBe(found.articles);
    expect(own.translations).toBe(found.translations);
  });

  it('re-embeds an edited article and matches its new example', async () => {
    const id = articleIdOf('refund', 'en');
    const before = await t.db.database.db.select().from(articleChunks).where(eq(articleChunks.articleId, id));
    const res = await api(t.service, `/api/kb/articles/${id}`, {
      method: 'PUT', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ examples: ['I want a refund', 'the vacuum cleaner I bought is broken, money back please'] }),
    });
    expect(res.status).toBe(200);
    const report = await (await api(t.service, '/api/kb/reindex', { method: 'POST' })).json();
    expect(report.articlesEmbedded).toBeGreaterThanOrEqual(0);
    const after = await t.db.database.db.select().from(articleChunks).where(eq(articleChunks.articleId, id));
    expect(after.every((c) => c.articleVersion === 2)).toBe(true);
    expect(before.every((c) => c.articleVersion === 1)).toBe(true);
    expect(after.map((c) => c.text)).toContain('the vacuum cleaner I bought is broken, money back please');
    expect(after.map((c) => c.text)).not.toContain('how do I return an item');
    expect((await match('my vacuum cleaner is broken')).candidates[0]!.articleId).toBe(id);
  });

  it('archiving an article removes it from matches at once', async () => {
    const id = articleIdOf('password', 'en');
    expect((await match('I forgot my password')).candidates[0]!.articleId).toBe(id);
    const res = await api(t.service, `/api/kb/articles/${id}/archive`, { method: 'POST' });
    expect(res.status).toBe(200);
    // no reindex awaited: the search itself only returns published articles
    expect((await match('I forgot my password')).candidates.map((c) => c.articleId)).not.toContain(id);
    await t.service.knowledge.refresh();
    expect(await t.db.database.db.select().from(articleChunks).where(eq(articleChunks.articleId, id))).toEqual([]);
  });

  it('a model change re-embeds everything and a search never mixes models', async () => {
    const database = t.db.database.db;
    const oldModel = t.service.knowledge.model;
    const smaller = new LocalEmbedder({ dimensions: 256 });
    // both models side by side (a re-embed in progress): searches filter on exactly one
    await indexKnowledgeBase(database, smaller, { prune: false });
    const models = await selectRows<{ model: string; n: number }>(database, sql`select model, count(*)::int as n from article_chunks group by model order by model`);
    expect(models.map((m) => m.model).sort()).toEqual([oldModel, smaller.model].sort());
    expect(models[0]!.n).toBe(models[1]!.n);
    const [q] = await smaller.embed(['I forgot my password']);
    const hits = await searchChunks(database, { model: smaller.model, dimensions: 256, vector: q!, text: 'I forgot my password', language: 'en', nearest: 1000 });
    // every published article has chunks under both models, yet each article is counted once from one model
    expect(hits.vector.size).toBe(12);
    // the old model is pruned once the new one covers every published article
    const kb = new KnowledgeBase({ db: database, embedder: smaller, log });
    await kb.ready();
    expect((await database.selectDistinct({ model: articleChunks.model }).from(articleChunks)).map((r) => r.model)).toEqual([smaller.model]);
    const indexes = await selectRows<{ indexname: string }>(database, sql`select indexname from pg_indexes where tablename = 'article_chunks' and indexname like 'article_chunks_hnsw_%'`);
    expect(indexes.map((i) => i.indexname)).toEqual([hnswIndexName(smaller.model)]);
    expect((await kb.match('I forgot my password', { language: 'en' })).candidates[0]!.articleId).toBe(articleIdOf('password', 'en'));
    kb.stop();
  });

  it('matches through an OpenAI-compatible embeddings API (loopback stand-in)', async () => {
    const stub = await startOpenAiStub({ dimensions: 512 });
    try {
      const embedder = new OpenAiEmbedder({ apiKey: stub.apiKey, baseURL: stub.baseUrl, model: 'text-embedding-3-small', dimensions: 512, timeoutMs: 5000, maxRetries: 2 });
      const kb = new KnowledgeBase({ db: t.db.database.db, embedder, log });
      await kb.ready();
      const result = await kb.match('Я забыл пароль и не могу войти', { language: 'ru' });
      expect(result.model).toBe(embedder.model);
      expect(result.candidates[0]!.articleId).toBe(articleIdOf('password', 'ru'));
      expect(stub.requestsTo('embeddings').length).toBeGreaterThan(0);
      const stored = await t.db.database.db.select({ model: articleChunks.model }).from(articleChunks).where(eq(articleChunks.model, embedder.model));
      expect(stored.length).toBeGreaterThan(0);
      kb.stop();
    } finally {
      await stub.close();
    }
  });

  it('the acknowledgement suggests the matched article in the customer language; an unanswerable question gets none and is escalated', async () => {
    await sendRaw(t.service.smtpPort!, customerEmail({ from: 'Lucía <lucia@cliente.test>', subject: 'No puedo entrar', body: 'Hola, olvidé mi contraseña y no puedo iniciar sesión en mi cuenta.' }), { from: 'lucia@cliente.test', to: ['support@shop.test'] });
    const [ack] = await t.sink.waitFor(1);
    const text = (await simpleParser(ack!.raw)).text!;
    expect(text).toContain('https://help.shop.test/password?lang=es');
    expect(text).toContain('Restablecer la contraseña');

    await sendRaw(t.service.smtpPort!, customerEmail({ from: 'Tom <tom@customer.test>', subject: 'Corporate gift cards', body: 'Do you sell gift cards for corporate events in Norway?' }), { from: 'tom@customer.test', to: ['support@shop.test'] });
    const acks = await t.sink.waitFor(2);
    const second = acks.find((m) => m.envelopeTo.includes('tom@customer.test'))!;
    expect((await simpleParser(second.raw)).text).not.toContain('help.shop.test');
    const [tomCase] = await t.db.database.db.select().from(cases).where(eq(cases.customerAddress, 'tom@customer.test'));
    expect(tomCase!.status).toBe('escalated');
    const [escalation] = await t.db.database.db.select().from(caseEvents).where(and(eq(caseEvents.caseId, tomCase!.id), eq(caseEvents.type, 'escalated')));
    expect(JSON.stringify(escalation!.detail)).toContain('no_confident_article');
    const [recorded] = await t.db.database.db.select().from(caseMatches).where(eq(caseMatches.caseId, tomCase!.id));
    expect(recorded!.escalate).toBe(true);
    expect(recorded!.suggested).toEqual([]);
  });
});
