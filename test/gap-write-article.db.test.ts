// Writing a knowledge gap's article in the editor (src/insight/gaps/write-article.ts): the editor starts from the gap's
// suggestion; saving creates the draft as typed and accepts the gap in one transaction, or neither.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalEmbedder } from '../src/ai/local-embedder.js';
import type { Db } from '../src/db/client.js';
import { gapClusters } from '../src/db/schema/gaps.js';
import { gapDraft, mergeTargets, writeGapArticle } from '../src/insight/gaps/write-article.js';
import { dismissGap } from '../src/insight/gaps/decisions.js';
import { listGaps } from '../src/insight/gaps/list.js';
import { recomputeGaps } from '../src/insight/gaps/recompute.js';
import { recordGapQuestion } from '../src/insight/gaps/record.js';
import { archiveArticle, createArticle, getArticle } from '../src/kb/articles.js';
import { KnowledgeBase } from '../src/kb/knowledge.js';
import { createLogger } from '../src/logger.js';
import { openTestDatabase, type TestDatabase } from './support/database.js';
import { loadFixtureKb } from './support/kb-fixture.js';

const embedder = new LocalEmbedder();
// Two topics the fixture knowledge base does not answer (as in test/gaps.db.test.ts).
const GIFT = [
  'How do I make an international transfer with IBAN and SWIFT?',
  'Can I send an international transfer to a European IBAN?',
  'My international transfer to an IBAN account failed',
  'What does an international transfer cost?',
  'How long does an international transfer take?',
  '¿Cómo hago una transferencia internacional con IBAN?',
  'Mi transferencia internacional no ha llegado al IBAN',
];
const OSLO = ['Do you have an office in Oslo?', 'Is there an office in Oslo I can visit?'];

describe(`writing a gap's article (${process.env.TEST_DB ?? 'pglite'})`, () => {
  let t: TestDatabase;
  let db: Db;
  let gift: number;
  let oslo: number;

  beforeAll(async () => {
    t = await openTestDatabase();
    db = t.database.db;
    await loadFixtureKb(db);
    const kb = new KnowledgeBase({ db, embedder, log: createLogger('silent') });
    await kb.ready();
    kb.stop();
    for (const text of GIFT) await recordGapQuestion(db, embedder, { text, language: /transferencia/.test(text) ? 'es' : 'en', source: 'no_article' });
    // a regional tag counts as its language
    for (const text of OSLO) await recordGapQuestion(db, embedder, { text, language: 'NB-no', source: 'no_article' });
    await recomputeGaps(db, embedder);
    const gaps = await listGaps(db, {});
    const gapOf = (text: string) => gaps.find((g) => g.samples.some((s) => s.text === text) || g.suggestion.examples.includes(text))!.id;
    [gift, oslo] = [gapOf(GIFT.at(-1)!), gapOf(OSLO[0]!)];
    expect(gaps.map((g) => g.size)).toEqual([GIFT.length, OSLO.length]);
    expect(gift).not.toBe(oslo);
  });
  afterAll(async () => {
    await t.stop();
  });

  it('starts from the suggestion, in the language most questions are in, with the closest article', async () => {
    const draft = await gapDraft(db, gift);
    expect(draft).toMatchObject({ id: gift, status: 'open', size: GIFT.length, language: 'en' }); // 5 of 7 in English
    expect(GIFT.map((q) => q.replace(/[?¿]/g, ''))).toContain(draft.title);
    expect(draft.examples.length).toBeGreaterThanOrEqual(5);
    expect(draft.examples.every((e) => GIFT.includes(e))).toBe(true);
    expect(draft.body).toMatch(/write the answer here/); // no agent reply on record
    expect(draft.closest?.articleId).toBeTruthy();
    expect((await gapDraft(db, oslo)).language).toBe('nb');
    await expect(gapDraft(db, 999_999)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('saves the article as typed (tags kept, knowledge-gap added) and accepts the gap with it', async () => {
    const { article, gap } = await writeGapArticle(db, gift, {
      id: 'gift-cards', title: 'Gift cards', body: 'Buy gift cards under Shop > Gift cards.', language: 'en', tags: ['shop'],
      examples: ['Do you sell gift cards?'], url: 'https://help.shop.test/gift-cards',
    }, { by: 'Kim' });
    expect(article).toMatchObject({ id: 'gift-cards', status: 'draft', title: 'Gift cards', tags: ['shop', 'knowledge-gap'], url: 'https://help.shop.test/gift-cards', updatedBy: 'Kim' });
    expect(gap).toMatchObject({ id: gift, status: 'accepted', articleId: 'gift-cards', resolvedBy: 'Kim' });
    expect((await getArticle(db, 'gift-cards')).versions[0]).toMatchObject({ changeNote: `from knowledge gap ${gift} (${GIFT.length} questions)` });
    // decided: a second article for it is refused and not saved
    await expect(writeGapArticle(db, gift, { id: 'gift-cards-2', title: 'Again', body: 'x', language: 'en' }, { by: 'Kim' })).rejects.toMatchObject({ code: 'conflict' });
    await expect(getArticle(db, 'gift-cards-2')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('leaves the gap open when the article cannot be saved', async () => {
    // the id is taken: the article is refused, and the acceptance goes with it
    await expect(writeGapArticle(db, oslo, { id: 'gift-cards', title: 'Oslo office', body: 'We have no office in Oslo.', language: 'en' }, { by: 'Kim' })).rejects.toBeTruthy();
    const [row] = await db.select().from(gapClusters).where(eq(gapClusters.id, oslo));
    expect(row).toMatchObject({ status: 'open', articleId: null, resolvedBy: null });
    await dismissGap(db, oslo, { by: 'Kim' });
    await expect(writeGapArticle(db, oslo, { title: 'Oslo office', body: 'x', language: 'en' }, { by: 'Kim' })).rejects.toMatchObject({ code: 'conflict' });
  });

  it('offers every article not archived to merge into, by title, the closest one even beyond the limit', async () => {
    await createArticle(db, { id: 'old-news', title: 'Old news', body: 'x', language: 'en' }, { by: 'Kim' });
    await archiveArticle(db, 'old-news', {}, { by: 'Kim' });
    const targets = await mergeTargets(db, null);
    expect(targets.map((a) => a.id)).not.toContain('old-news');
    expect(targets.map((a) => a.id)).toContain('gift-cards');
    const titles = targets.map((a) => a.title);
    expect(titles).toEqual([...titles].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    const last = targets.at(-1)!;
    expect((await mergeTargets(db, last.id, 1)).map((a) => a.id)).toEqual([last.id, targets[0]!.id]);
  });
});
