import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  allArticles, archiveArticle, articlesChangedSince, createArticle, getArticle, getVersion, listArticles, publishArticle, updateArticle,
} from '../src/kb/articles.js';
import { exportJsonl, exportMarkdown, importJsonl, importMarkdown } from '../src/kb/transfer.js';
import { openTestDatabase, type TestDatabase } from './support/database.js';

const cardArrival = {
  id: 'card-arrival', title: 'When will my card arrive?', body: 'New cards arrive within **5-7 business days**.', language: 'en',
  tags: ['cards', 'delivery'], url: 'https://help.example.com/card-arrival', examples: ['Where is my card?', 'My card has not arrived'],
  translationGroup: 'card-arrival',
};
const tarjeta = {
  id: 'card-arrival-es', title: '¿Cuándo llega mi tarjeta?', body: 'Las tarjetas nuevas llegan en 5-7 días hábiles.', language: 'es',
  tags: ['cards'], examples: ['¿Dónde está mi tarjeta?'], translationGroup: 'card-arrival', status: 'published' as const,
};
const refunds = {
  id: 'refunds', title: 'Refunds: how long do they take?', body: 'Refunds reach your account in 3 days.\n\n## Exceptions\nCard "chargebacks" take longer.',
  language: 'en', tags: ['payments'], examples: ['Where is my refund?'], status: 'published' as const,
};

describe(`knowledge-base articles (${process.env.TEST_DB ?? 'pglite'})`, () => {
  let t: TestDatabase;
  const db = () => t.database.db;
  const alice = { by: 'alice' };
  const bob = { by: 'bob' };
  const seed = async () => {
    await createArticle(db(), cardArrival, alice);
    await createArticle(db(), tarjeta, alice);
    await createArticle(db(), refunds, bob);
  };

  beforeAll(async () => void (t = await openTestDatabase()));
  afterAll(async () => t.stop());
  beforeEach(async () => t.reset());

  it('keeps every version with who, when and what; a stale expectedVersion is a 409', async () => {
    const created = await createArticle(db(), cardArrival, alice);
    expect(created).toMatchObject({ id: 'card-arrival', status: 'draft', version: 1, updatedBy: 'alice' });
    await updateArticle(db(), 'card-arrival', { body: 'Cards arrive within 3-5 business days.', expectedVersion: 1, changeNote: 'faster post' }, bob);
    const edited = await updateArticle(db(), 'card-arrival', { tags: ['cards'] }, alice);
    expect(edited).toMatchObject({ version: 3, updatedBy: 'alice', tags: ['cards'], body: 'Cards arrive within 3-5 business days.' });

    const { versions } = await getArticle(db(), 'card-arrival');
    expect(versions.map((v) => [v.version, v.createdBy, v.changeNote])).toEqual([[3, 'alice', null], [2, 'bob', 'faster post'], [1, 'alice', null]]);
    expect(versions.every((v) => v.createdAt instanceof Date)).toBe(true);
    expect((await getVersion(db(), 'card-arrival', 1)).body).toBe(cardArrival.body);
    expect((await getVersion(db(), 'card-arrival', 2)).tags).toEqual(['cards', 'delivery']);

    await expect(updateArticle(db(), 'card-arrival', { title: 'x', expectedVersion: 2 }, bob)).rejects.toMatchObject({ code: 'conflict', httpStatus: 409 });
    // Saving the same content again is not an edit: no new version.
    expect((await updateArticle(db(), 'card-arrival', { tags: ['cards'] }, bob)).version).toBe(3);
  });

  it('publishes and archives as new versions, and reports missing things and bad input by field', async () => {
    await createArticle(db(), cardArrival, alice);
    expect(await publishArticle(db(), 'card-arrival', {}, bob)).toMatchObject({ status: 'published', version: 2 });
    expect(await archiveArticle(db(), 'card-arrival', { expectedVersion: 2 }, bob)).toMatchObject({ status: 'archived', version: 3, updatedBy: 'bob' });
    expect((await getVersion(db(), 'card-arrival', 3)).changeNote).toBe('archived');
    await expect(archiveArticle(db(), 'card-arrival', { expectedVersion: 2 }, bob)).rejects.toMatchObject({ code: 'conflict' });
    await expect(getArticle(db(), 'nope')).rejects.toMatchObject({ code: 'not_found' });
    await expect(getVersion(db(), 'card-arrival', 9)).rejects.toMatchObject({ code: 'not_found' });
    await expect(createArticle(db(), cardArrival, alice)).rejects.toMatchObject({ code: 'conflict' });
    await expect(createArticle(db(), { ...cardArrival, id: undefined, url: 'ftp://x.test/a', language: 'english', title: ' ' }, alice))
      .rejects.toMatchObject({ code: 'bad_request', message: expect.stringMatching(/title: .*; language: .*; url: expected an http/) });
    const generated = await createArticle(db(), { ...cardArrival, id: undefined }, alice);
    expect(generated.id).toMatch(/^[0-9a-f]{12}$/);
  });

  it('lists with status, language, tag and full-text filters', async () => {
    await seed();
    await createArticle(db(), { ...refunds, id: 'old-refunds', status: 'archived' }, bob);
    const ids = async (f: Parameters<typeof listArticles>[1]) => (await listArticles(db(), f)).articles.map((a) => a.id).sort();
    expect(await ids({ status: 'published' })).toEqual(['card-arrival-es', 'refunds']);
    expect(await ids({ language: 'ES' })).toEqual(['card-arrival-es']);
    expect(await ids({ tag: 'cards' })).toEqual(['card-arrival', 'card-arrival-es']);
    expect(await ids({ q: 'refunds', status: 'published' })).toEqual(['refunds']);
    expect(await ids({ q: 'chargebacks' })).toEqual(['old-refunds', 'refunds']);
    expect(await ids({ q: 'tarjetas' })).toEqual(['card-arrival-es']);
    expect(await ids({ q: '"business days"' })).toEqual(['card-arrival']);
    // Title matches rank above body matches.
    expect((await listArticles(db(), { q: 'card' })).articles[0]!.id).toBe('card-arrival');
    const page = await listArticles(db(), { limit: 2, offset: 3 });
    expect([page.articles.length, page.total]).toEqual([1, 4]);
    expect((await listArticles(db(), { limit: 2 })).articles[0]).not.toHaveProperty('search');
  });

  it('tells an indexer what changed since a point in time', async () => {
    await seed();
    const since = new Date();
    // updated_at has millisecond precision: an update in the same millisecond as `since` is not after it (CI saw it)
    while (Date.now() <= since.getTime()) await new Promise((r) => setTimeout(r, 1));
    await updateArticle(db(), 'refunds', { examples: ['Refund status?'] }, bob);
    expect(await articlesChangedSince(db(), since)).toEqual([expect.objectContaining({ id: 'refunds', version: 2 })]);
  });

  it('round-trips JSONL: export, import into an empty database, identical articles; a second import changes nothing', async () => {
    await seed();
    const before = (await allArticles(db())).map(content);
    const jsonl = await exportJsonl(db());
    expect(jsonl.trim().split('\n')).toHaveLength(3);
    expect(JSON.parse(jsonl.split('\n')[0]!)).toMatchObject({ id: 'card-arrival', status: 'draft', translation_group: 'card-arrival', url: cardArrival.url });
    await t.reset();
    expect(await importJsonl(db(), jsonl, alice)).toEqual({ created: 3, updated: 0, unchanged: 0, failed: [] });
    expect((await allArticles(db())).map(content)).toEqual(before);
    expect(await importJsonl(db(), jsonl, alice)).toEqual({ created: 0, updated: 0, unchanged: 3, failed: [] });
    expect((await getArticle(db(), 'refunds')).versions).toHaveLength(1);
  });

  it('imports changed lines as new versions and reports a bad line by number while the others import', async () => {
    await seed();
    const lines = [
      JSON.stringify({ ...refunds, title: 'Refunds', translation_group: undefined }),
      '{"id": "broken", ',
      '',
      JSON.stringify({ id: 'no-language', title: 'T', body: 'B' }),
      JSON.stringify({ id: 'new-one', title: 'Opening hours', body: 'We are open 9-17.', language: 'en' }),
    ];
    const result = await importJsonl(db(), lines.join('\n'), bob);
    expect(result).toMatchObject({ created: 1, updated: 1, unchanged: 0 });
    expect(result.failed).toEqual([
      { line: 2, error: expect.stringContaining('invalid JSON') },
      { line: 4, error: expect.stringContaining('language') },
    ]);
    const updated = await getArticle(db(), 'refunds');
    expect(updated).toMatchObject({ title: 'Refunds', version: 2, updatedBy: 'bob' });
    expect(updated.versions[0]).toMatchObject({ version: 2, createdBy: 'bob', changeNote: 'import' });
    expect((await getArticle(db(), 'new-one')).status).toBe('published');
  });

  it('round-trips a folder of Markdown files', async () => {
    await seed();
    await archiveArticle(db(), 'refunds', {}, bob);
    const before = (await allArticles(db())).map(content);
    const files = await exportMarkdown(db());
    expect(Object.keys(files).sort()).toEqual(['card-arrival-es.md', 'card-arrival.md', 'refunds.md']);
    await t.reset();
    expect(await importMarkdown(db(), files, alice)).toEqual({ created: 3, updated: 0, unchanged: 0, failed: [] });
    expect((await allArticles(db())).map(content)).toEqual(before);
    const again = await importMarkdown(db(), { ...files, 'bad.md': '---\ntitle: "x\n---\n' }, alice);
    expect(again).toEqual({ created: 0, updated: 0, unchanged: 3, failed: [{ file: 'bad.md', error: expect.stringContaining('line 2') }] });
  });
});

function content(a: { id: string; title: string; body: string; language: string; tags: string[]; url: string | null; status: string; examples: string[]; translationGroup: string | null }) {
  const { id, title, body, language, tags, url, status, examples, translationGroup } = a;
  return { id, title, body, language, tags, url, status, examples, translationGroup };
}
