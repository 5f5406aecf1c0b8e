// Runs question generation in the background, so publishing never waits for (or fails with) the chat model. Kicked
// after each index run that changed articles and on a timer; an article whose questions could not be written (the
// model unreachable, its answer unusable) is logged and tried again on the next run.
import type { Db } from '../../db/client.js';
import type { Logger } from '../../logger.js';
import { articlesNeedingQuestions, generateArticleQuestions, type QuestionChat } from './generate.js';

export interface QuestionWriterOptions {
  db: Db;
  chat: QuestionChat;
  log: Logger;
  /** after questions were stored: index them (knowledge.requestRefresh) */
  onStored(articleIds: string[]): void;
  /** how often to look for articles without questions (other processes publish too); none: only when kicked */
  pollMs?: number;
}

/** Failures in a row after which a run stops: the model is down, not one article's answer bad; the next run tries again. */
export const MAX_FAILURES_IN_A_ROW = 3;

export interface WriterRun {
  articles: number;
  questions: number;
  failed: number;
}

export class QuestionWriter {
  private running: Promise<WriterRun> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly abort = new AbortController();
  /** articles a run could not write questions for: tried after the others, so a few bad ones never block the rest */
  private readonly failedBefore = new Set<string>();

  constructor(private readonly opts: QuestionWriterOptions) {}

  start(): void {
    this.kick();
    if (this.opts.pollMs) {
      this.timer = setInterval(() => this.kick(), this.opts.pollMs);
      this.timer.unref();
    }
  }

  kick(): void {
    this.run().catch((err) => this.opts.log.error({ err }, 'generated questions: run failed'));
  }

  /** One pass over every article that needs questions; concurrent calls share it (and one more pass follows). */
  async run(): Promise<WriterRun> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.pass().finally(() => (this.running = undefined));
    const result = await this.running;
    if (this.again && !this.abort.signal.aborted) {
      this.again = false;
      return this.run();
    }
    return result;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.abort.abort();
    await this.running?.catch(() => undefined);
  }

  private async pass(): Promise<WriterRun> {
    const { db, chat, log } = this.opts;
    const failed = new Set<string>();
    const result: WriterRun = { articles: 0, questions: 0, failed: 0 };
    let inARow = 0;
    while (!this.abort.signal.aborted && inARow < MAX_FAILURES_IN_A_ROW) {
      // failed ones stay first in the database's order; ask for enough to see past them, and try them last
      const todo = (await articlesNeedingQuestions(db, failed.size + this.failedBefore.size + 20))
        .filter((a) => !failed.has(a.id))
        .sort((a, b) => Number(this.failedBefore.has(a.id)) - Number(this.failedBefore.has(b.id)));
      if (todo.length === 0) break;
      const stored: string[] = [];
      for (const article of todo) {
        if (this.abort.signal.aborted || inARow >= MAX_FAILURES_IN_A_ROW) break;
        try {
          const n = await generateArticleQuestions(db, chat, article, { signal: this.abort.signal });
          result.articles++;
          result.questions += n;
          stored.push(article.id);
          inARow = 0;
          this.failedBefore.delete(article.id);
          log.info({ articleId: article.id, version: article.version, questions: n }, 'generated questions stored');
        } catch (err) {
          if (this.abort.signal.aborted) break;
          failed.add(article.id);
          result.failed++;
          inARow++;
          this.failedBefore.add(article.id);
          log.warn({ err, articleId: article.id }, 'generated questions: the chat model could not write them; tried again on the next run');
        }
      }
      if (stored.length) this.opts.onStored(stored);
    }
    return result;
  }
}
