// The prompt that asks a chat model for an article's customer questions: prompts/generated-questions/<version>.md,
// the file name being the version, recorded with every question (model column: '<chat model>/questions-v1').
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChatMessage } from '../../ai/chat.js';
import { fenceUntrusted, untrustedTextRule } from '../../ai/untrusted.js';
import { renderTemplate } from '../../domain/acknowledgement.js';
import { MAX_QUESTIONS, MIN_QUESTIONS } from './answer.js';

export interface QuestionPrompt {
  /** 'questions-v1' for prompts/generated-questions/v1.md */
  version: string;
  /** the system prompt template: {{languageName}}, {{languageCode}}, {{min}}, {{max}}, {{untrustedTextRule}} */
  system: string;
}

export interface QuestionSource {
  title: string;
  body: string;
  language: string;
}

/** Enough of an article for its questions; the rest of a very long body rarely adds a new one. */
const MAX_ARTICLE_CHARS = 8000;
const PLACEHOLDERS = ['{{languageName}}', '{{languageCode}}', '{{min}}', '{{max}}', '{{untrustedTextRule}}'];
const DEFAULT_DIR = fileURLToPath(new URL('../../../prompts/generated-questions/', import.meta.url));
const loaded = new Map<string, Promise<QuestionPrompt>>();

export function loadQuestionPrompt(version = 'v1', dir: string = DEFAULT_DIR): Promise<QuestionPrompt> {
  if (!/^v\d+$/.test(version)) return Promise.reject(new Error(`question prompt version must look like v1, got '${version}'`));
  const file = join(dir, `${version}.md`);
  let prompt = loaded.get(file);
  if (!prompt) {
    prompt = readFile(file, 'utf8').then((system) => {
      const missing = PLACEHOLDERS.filter((p) => !system.includes(p));
      if (missing.length) throw new Error(`${file}: missing placeholders: ${missing.join(', ')}`);
      return { version: `questions-${version}`, system };
    });
    prompt.catch(() => loaded.delete(file));
    loaded.set(file, prompt);
  }
  return prompt;
}

/** 'German' for 'de', 'Brazilian Portuguese' for 'pt-BR'; the code itself when the runtime does not know it. */
export function languageName(code: string): string {
  try {
    return new Intl.DisplayNames(['en'], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}

export function questionMessages(article: QuestionSource, prompt: QuestionPrompt): ChatMessage[] {
  const system = renderTemplate(prompt.system, {
    languageName: languageName(article.language), languageCode: article.language, min: MIN_QUESTIONS, max: MAX_QUESTIONS, untrustedTextRule,
  }).trim();
  // An article may hold text that came from customers (an accepted knowledge gap): it is data, fenced like theirs.
  const text = `# ${article.title.replace(/\s+/g, ' ').trim()}\n\n${article.body.trim()}`.slice(0, MAX_ARTICLE_CHARS);
  const user = [fenceUntrusted('article', text), '', `Write the JSON answer now, the questions in ${languageName(article.language)}.`].join('\n');
  return [
    { role: 'system', content: system },
    { role: 'user', content: user },
  ];
}
