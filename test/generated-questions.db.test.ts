// Generated questions end to end through the service and the loopback OpenAI-compatible server: publishing an
// article gets it the questions customers would ask (in its language), they are matched as their own kind of chunk,
// the knowledge manager deletes a wrong one, and neither a missing nor a failing chat model touches publishing.
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ChatClient } from '../src/ai/chat.js';
import { createSession } from '../src/auth/sessions.js';
import { createUser } from '../src/auth/users.js';
import { selectRows } from '../src/db/rows.js';
import { auditLog } from '../src/db/schema/review.js';
import { articleChunks, articleGeneratedQuestions, articleQuestionGenerations } from '../src/db/schema/kb.js';
import { MAX_FAILURES_IN_A_ROW, QuestionWriter } from '../src/kb/generated-questions/writer.js';
import { createArticle, publishArticle } from '../src/kb/articles.js';
import { createLogger } from '../src/logger.js';
import type { Service } from '../src/service.js';
import { openTestDatabase, type TestDatabase } from './support/database.js';
import { startOpenAiStub, type ChatRequestBody, type OpenAiStub } from './support/openai-stub.js';
import { api, startTestService } from './support/service.js';

const ARTICLES = [
  {
    id: 'ship-en', language: 'en', translationGroup: 'shipping', title: 'Delivery times',
    body: 'We dispatch orders within two business days. Standard delivery takes three to five working days; express delivery arrives the next working day. A tracking number is emailed once the order leaves our warehouse.',
  },
  {
    id: 'ret-en', language: 'en', title: 'Returns and refunds',
    body: 'You can return any item within 30 days. Print the return label from your account, pack the item and drop it at a post office. We refund the original payment method within five days after the return arrives.',
  },
  {
    id: 'pw-en', language: 'en', title: 'Changing your password',
    body: 'Open Settings, choose Security and click Change password. Enter your current password and then the new one twice.',
  },
  {
    id: 'ship-es', language: 'es', translationGroup: 'shipping', title: 'Plazos de entrega',
    body: 'Enviamos los pedidos en dos días hábiles. La entrega estándar tarda de tres a cinco días laborables.',
  },
];

/** What the stub's model writes, by article title (the first line of the fenced article). */
const QUESTIONS: Record<string, string[]> = {
  'Delivery times': [
    'My package never showed up, what is going on?', 'When will my stuff get here?', 'Has my parcel been sent yet?',
    'How long until I receive what I bought?', 'Can I get it faster?', 'Where do I find the tracking code?',
  ],
  'Returns and refunds': ['Can I send back a jumper that does not fit?', 'When do I get my money back?', 'How do I return something?', 'Is there a free return?', 'I changed my mind, what now?'],
  'Changing your password': ['I want a new password', 'How do I change my login?', 'Where are the security settings?', 'My password is too weak', 'Can I update my password?'],
  'Plazos de entrega': ['¿Cuándo llega mi pedido?', '¿Ya enviaron mi paquete?', '¿Cuánto tarda el envío?', '¿Puedo recibirlo antes?', '¿Dónde está mi número de seguimiento?'],
  'Delivery times and costs': ['Is shipping free?', 'How much does delivery cost?', 'When will my stuff get here?', 'Do you ship abroad?', 'How long does it take?'],
};

function modelAnswer(request: ChatRequestBody): object {
  const system = request.messages.find((m) => m.role === 'system')!.content;
  const user = request.messages.find((m) => m.role === 'user')!.content;
  const title = /^# (.+)$/m.exec(user)![1]!;
  // the prompt names the article's language; the stub checks it asks for that one
  const language = /language code "([a-z-]+)"/i.exec(system)![1];
  return { questions: language && QUESTIONS[title] ? QUESTIONS[title] : [] };
}

const json = (body: unknown) => ({ method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

/** Waits for background work (not a timing assertion: the deadline only keeps a broken run from hanging). */
async function until<T>(what: string, probe: () => Promise<T | undefined | false>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe(`generated questions (${process.env.TEST_DB ?? 'pglite'})`, () => {
  let t: TestDatabase;
  let stub: OpenAiStub;
  let service: Service | undefined;
  const db = () => t.database.db;

  beforeAll(async () => {
    t = await openTestDatabase();
    stub = await startOpenAiStub({ chat: modelAnswer });
  });
  beforeEach(async () => {
    await t.reset();
    stub.requests.length = 0;
    stub.setChatHandler(modelAnswer);
  });
  afterEach(async () => {
    await service?.stop();
    service = undefined;
  });
  afterAll(async () => {
    await stub.close();
    await t.stop();
  });

  const withChat = () => startTestService(t, { OPENAI_API_KEY: stub.apiKey, OPENAI_BASE_URL: stub.baseUrl, EMBEDDING_PROVIDER: 'local', OPENAI_MAX_RETRIES: '0' });
  const publishAll = async (s: Service, list = ARTICLES) => {
    for (const a of list) {
      expect((await api(s, '/api/kb/articles', json(a))).status).toBe(201);
      const res = await api(s, `/api/kb/articles/${a.id}/publish`, json({}));
      expect(res.status).toBe(200);
      expect(((await res.json()) as { status: string }).status).toBe('published');
    }
  };
  const generatedFor = (ids: string[]) => until(`questions for ${ids.join(', ')}`, async () => {
    const rows = await db().select({ id: articleQuestionGenerations.articleId }).from(articleQuestionGenerations);
    return ids.every((id) => rows.some((r) => r.id === id));
  });
  // refresh() joins a run already going, which may have read the articles before the change just made (it runs
  // again afterwards for its first caller): the second call waits for a run that started after the change.
  const indexed = async (s: Service) => {
    await s.knowledge.refresh();
    await s.knowledge.refresh();
  };
  const chunkTexts = async (articleId: string) =>
    (await db().select({ text: articleChunks.text }).from(articleChunks)
      .where(and(eq(articleChunks.articleId, articleId), eq(articleChunks.kind, 'generated_question')))).map((r) => r.text).sort();
  const match = async (s: Service, text: string) => {
    const res = await api(s, '/api/kb/match', json({ text, language: 'en' }));
    return (await res.json()) as { candidates: { articleId: string }[] };
  };
  const QUESTION = 'Hi, the package never showed up. What is going on??';

  it('publishing stores the questions in the article\'s language, indexes them as generated_question chunks, and they change a match', async () => {
    // The shipping article's questions fail at first (an unusable answer), to see the match without them.
    let shippingFails = true;
    stub.setChatHandler((r) => (shippingFails && r.messages.some((m) => m.content.includes('# Delivery times')) ? { questions: [] } : modelAnswer(r)));
    service = await withChat();
    await publishAll(service, ARTICLES.filter((a) => a.id !== 'ship-es'));
    await generatedFor(['ret-en', 'pw-en']);
    await until('both attempts at the shipping questions', async () =>
      stub.requestsTo('chat').filter((r) => JSON.stringify(r.body).includes('# Delivery times')).length >= 2);
    await indexed(service);
    // without its questions the shipping article does not win this question (it shares few words with its body)
    const before = await match(service, QUESTION);
    expect(before.candidates[0]?.articleId).not.toBe('ship-en');

    // publishing the next article runs the writer again, and the failed article is retried
    shippingFails = false;
    await publishAll(service, [ARTICLES[3]!]);
    await generatedFor(['ship-en', 'ship-es']);
    await indexed(service);
    const stored = await db().select().from(articleGeneratedQuestions).where(eq(articleGeneratedQuestions.articleId, 'ship-en'));
    expect(stored.map((q) => q.text).sort()).toEqual([...QUESTIONS['Delivery times']!].sort());
    expect(stored.every((q) => q.language === 'en' && q.articleVersion === 2 && q.model === 'gpt-4o-mini/questions-v1')).toBe(true);
    const spanish = await db().select().from(articleGeneratedQuestions).where(eq(articleGeneratedQuestions.articleId, 'ship-es'));
    expect(spanish.map((q) => q.language)).toEqual(Array(5).fill('es'));
    const prompts = stub.requestsTo('chat').map((r) => (r.body as ChatRequestBody).messages[0]!.content);
    expect(prompts.some((p) => p.includes('Spanish') && p.includes('"es"'))).toBe(true);
    expect(await chunkTexts('ship-en')).toEqual([...QUESTIONS['Delivery times']!].sort());

    const after = await match(service, QUESTION);
    expect(after.candidates[0]!.articleId).toBe('ship-en');
    // generated questions are not the knowledge manager's examples: no language switches to cross-validation
    expect(service.knowledge.calibrationFor('en').chosenBy).toBe('prior');
  });

  it('the knowledge manager lists and deletes a question: its chunk goes at the next refresh, the deletion is audited, and it is not written again', async () => {
    service = await withChat();
    await publishAll(service, [ARTICLES[0]!]);
    await generatedFor(['ship-en']);
    await indexed(service);
    const list = await api(service, '/api/kb/articles/ship-en/generated-questions');
    const { questions } = (await list.json()) as { questions: { id: number; text: string }[] };
    expect(questions).toHaveLength(6);
    const wrong = questions.find((q) => q.text === 'Can I get it faster?')!;
    const chatCalls = stub.requestsTo('chat').length;

    const res = await api(service, `/api/kb/articles/ship-en/generated-questions/${wrong.id}`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    await indexed(service);
    expect(await chunkTexts('ship-en')).not.toContain(wrong.text);
    expect(await chunkTexts('ship-en')).toHaveLength(5);
    const [entry] = await db().select().from(auditLog).where(eq(auditLog.action, 'generated_question_deleted'));
    expect(entry!.before).toMatchObject({ articleId: 'ship-en', text: wrong.text });
    expect((await api(service, `/api/kb/articles/ship-en/generated-questions/${wrong.id}`, { method: 'DELETE' })).status).toBe(404);
    expect((await api(service, '/api/kb/articles/nope/generated-questions')).status).toBe(404);

    // a new version with the same text (tags only) keeps the questions without asking the model again
    expect((await api(service, '/api/kb/articles/ship-en', { ...json({ tags: ['delivery'] }), method: 'PUT' })).status).toBe(200);
    await indexed(service);
    expect(stub.requestsTo('chat')).toHaveLength(chatCalls);
    expect(await chunkTexts('ship-en')).toHaveLength(5);
  });

  it('the article page lists them, and a knowledge manager\'s Delete button (with the CSRF token) removes one; an agent sees no button', async () => {
    service = await withChat();
    await publishAll(service, [ARTICLES[0]!]);
    await generatedFor(['ship-en']);
    const base = `http://127.0.0.1:${service.httpPort}`;
    const sessionOf = async (role: 'knowledge_manager' | 'agent') => {
      const user = await createUser(db(), { email: `${role}@shop.test`, name: role, role, password: 'long-enough-password-1' });
      const s = await createSession(db(), user.id, { ttlHours: 1 });
      return { cookie: `firstreply_session=${s.token}`, csrf: s.csrfToken };
    };
    const [km, agent] = [await sessionOf('knowledge_manager'), await sessionOf('agent')];
    const page = async (who: { cookie: string }) => (await fetch(`${base}/app/kb/articles/ship-en`, { headers: { cookie: who.cookie } })).text();
    const html = await page(km);
    expect(html).toContain('Generated questions');
    expect(html).toContain('Can I get it faster?');
    const [, qid] = /action="\/app\/kb\/articles\/ship-en\/generated-questions\/(\d+)\/delete"/.exec(html)!;
    expect(await page(agent)).not.toContain('/generated-questions/');

    const post = (who: { cookie: string; csrf: string }, csrf: string) => fetch(`${base}/app/kb/articles/ship-en/generated-questions/${qid}/delete`, {
      method: 'POST', redirect: 'manual', headers: { cookie: who.cookie, origin: base }, body: new URLSearchParams({ _csrf: csrf }),
    });
    expect((await post(km, 'wrong-token')).status).toBe(403);
    expect((await post(agent, agent.csrf)).status).toBe(403);
    const res = await post(km, km.csrf);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/app/kb/articles/ship-en#generated-h');
    const left = await db().select().from(articleGeneratedQuestions).where(eq(articleGeneratedQuestions.articleId, 'ship-en'));
    expect(left).toHaveLength(5);
    expect(left.map((q) => String(q.id))).not.toContain(qid);
  });

  it('a new text replaces the questions of the older version', async () => {
    service = await withChat();
    await publishAll(service, [ARTICLES[0]!]);
    await generatedFor(['ship-en']);
    const edit = { title: 'Delivery times and costs', body: `${ARTICLES[0]!.body} Delivery is free from 50 euros.` };
    expect((await api(service, '/api/kb/articles/ship-en', { ...json(edit), method: 'PUT' })).status).toBe(200);
    await until('questions of version 3', async () => {
      const rows = await db().select().from(articleQuestionGenerations).where(eq(articleQuestionGenerations.articleId, 'ship-en'));
      return rows[0]?.articleVersion === 3;
    });
    const rows = await db().select().from(articleGeneratedQuestions).where(eq(articleGeneratedQuestions.articleId, 'ship-en'));
    expect(rows.map((r) => r.text).sort()).toEqual([...QUESTIONS['Delivery times and costs']!].sort());
    expect(rows.every((r) => r.articleVersion === 3)).toBe(true);
  });

  it('a failing chat model does not fail publishing; the questions are written on a later run', async () => {
    stub.setChatHandler(() => 'Sorry, I cannot help with that.');
    service = await withChat();
    await publishAll(service, [ARTICLES[0]!]);
    const [article] = await selectRows<{ status: string }>(db(), sql`SELECT status FROM articles WHERE id = 'ship-en'`);
    expect(article!.status).toBe('published');
    // the first answer and the repair attempt were both unusable
    await until('two chat requests', async () => stub.requestsTo('chat').length >= 2);
    stub.setChatHandler(modelAnswer);
    await publishAll(service, [ARTICLES[1]!]);
    await generatedFor(['ship-en', 'ret-en']);
  });

  it('without a chat model nothing is generated', async () => {
    service = await startTestService(t);
    await publishAll(service);
    await indexed(service);
    expect(await db().select().from(articleGeneratedQuestions)).toEqual([]);
    expect(await db().select().from(articleChunks).where(eq(articleChunks.kind, 'generated_question'))).toEqual([]);
    expect(stub.requests).toEqual([]);
    const page = await api(service, '/api/kb/articles/ship-en/generated-questions');
    expect(await page.json()).toEqual({ questions: [] });
  });

  it('the writer reports a failure, keeps publishing untouched and retries the article on its next run', async () => {
    const log = createLogger('silent');
    const chat = new ChatClient({ apiKey: stub.apiKey, baseURL: stub.baseUrl, model: 'stub-chat', maxRetries: 0 });
    const stored: string[][] = [];
    const writer = new QuestionWriter({ db: db(), chat, log, onStored: (ids) => stored.push(ids) });
    await createArticle(db(), { ...ARTICLES[2]!, status: 'published' }, { by: 'km' });
    await createArticle(db(), ARTICLES[1]!, { by: 'km' }); // a draft gets none
    stub.setChatHandler(() => ({ questions: ['', '   '] }));
    expect(await writer.run()).toEqual({ articles: 0, questions: 0, failed: 1 });
    stub.setChatHandler(modelAnswer);
    expect(await writer.run()).toEqual({ articles: 1, questions: 5, failed: 0 });
    expect(stored).toEqual([['pw-en']]);
    expect(await writer.run()).toEqual({ articles: 0, questions: 0, failed: 0 });
    await publishArticle(db(), 'ret-en', {}, { by: 'km' });
    expect(await writer.run()).toMatchObject({ articles: 1, questions: 5 });
    await writer.stop();
  });

  it('a run stops after a few failures in a row (the model is down) instead of trying every article', async () => {
    const chat = new ChatClient({ apiKey: stub.apiKey, baseURL: stub.baseUrl, model: 'stub-chat', maxRetries: 0 });
    const writer = new QuestionWriter({ db: db(), chat, log: createLogger('silent'), onStored: () => undefined });
    for (let i = 0; i < MAX_FAILURES_IN_A_ROW + 2; i++) {
      await createArticle(db(), { id: `a${i}`, title: `Article ${i}`, body: 'Some text.', language: 'en', status: 'published' }, { by: 'km' });
    }
    stub.setChatHandler(() => 'not JSON');
    expect(await writer.run()).toEqual({ articles: 0, questions: 0, failed: MAX_FAILURES_IN_A_ROW });
    expect(stub.requestsTo('chat')).toHaveLength(2 * MAX_FAILURES_IN_A_ROW); // each: the request and one repair
    // the next run starts with the articles not tried yet, so a few that always fail never block the rest
    stub.setChatHandler((r) => (r.messages.some((m) => /# Article [0-2]\b/.test(m.content)) ? 'not JSON' : { questions: ['Is this the one?'] }));
    expect(await writer.run()).toEqual({ articles: 2, questions: 2, failed: MAX_FAILURES_IN_A_ROW });
    await writer.stop();
  });
});
