// Cuts an article into what a customer question is compared with: the title, each section of the body (split at
// Markdown headings, long sections at paragraph breaks) and every example question. Pure, so the indexer and the
// tests agree on exactly what gets embedded.
import { createHash } from 'node:crypto';
import type { ChunkKind } from '../../db/schema/kb.js';

export interface ChunkSource {
  title: string;
  body: string;
  examples: readonly string[];
  learnedExamples: readonly string[];
  /** questions a chat model wrote for the article (src/kb/generated-questions) */
  generatedQuestions?: readonly string[];
}

export interface Chunk {
  kind: ChunkKind;
  position: number;
  text: string;
  contentHash: string;
}

export const MAX_SECTION_CHARS = 1200;
const MAX_SECTIONS = 40;
const MAX_EXAMPLE_CHARS = 2000;

export function contentHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Markdown reduced to its words: links keep their text, code fences and images go, emphasis marks drop. */
export function plainText(markdown: string): string {
  return markdown
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/!\[[^\]]*\]\([^)]*\)/g, ' ')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, ' ')
    .replace(/^\s{0,3}(#{1,6}|>|[-*+]|\d+[.)])\s+/gm, '')
    .replace(/[*_`~]+/g, '')
    .replace(/[ \t]+/g, ' ')
    .replace(/^ +| +$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Sections start at each heading; text before the first heading is a section of its own. */
export function splitSections(markdown: string): string[] {
  const sections: string[] = [];
  let current: string[] = [];
  let inFence = false;
  for (const line of markdown.replace(/\r\n?/g, '\n').split('\n')) {
    if (/^\s*```/.test(line)) inFence = !inFence;
    if (!inFence && /^\s{0,3}#{1,6}\s/.test(line) && current.some((l) => l.trim())) {
      sections.push(current.join('\n'));
      current = [];
    }
    current.push(line);
  }
  if (current.some((l) => l.trim())) sections.push(current.join('\n'));
  return sections.flatMap((s) => splitLong(plainText(s))).filter((s) => s.length > 0);
}

/** Long sections are cut at paragraph breaks, then at sentence ends, so no chunk exceeds MAX_SECTION_CHARS. */
function splitLong(text: string): string[] {
  if (text.length <= MAX_SECTION_CHARS) return [text];
  const out: string[] = [];
  let buf = '';
  for (const piece of text.split(/\n\n+|(?<=[.!?。！？])\s+/)) {
    const next = buf ? `${buf} ${piece}` : piece;
    if (next.length > MAX_SECTION_CHARS && buf) {
      out.push(buf);
      buf = piece;
    } else buf = next;
    while (buf.length > MAX_SECTION_CHARS) {
      out.push(buf.slice(0, MAX_SECTION_CHARS));
      buf = buf.slice(MAX_SECTION_CHARS);
    }
  }
  if (buf) out.push(buf);
  return out;
}

export function chunkArticle(source: ChunkSource): Chunk[] {
  const chunks: Chunk[] = [];
  const add = (kind: ChunkKind, text: string) => {
    const clean = text.replace(/\s+/g, ' ').trim();
    if (clean) chunks.push({ kind, position: chunks.length, text: clean, contentHash: contentHash(clean) });
  };
  add('title', source.title);
  for (const s of splitSections(source.body).slice(0, MAX_SECTIONS)) add('section', s);
  for (const e of source.examples) add('example', e.slice(0, MAX_EXAMPLE_CHARS));
  for (const e of source.learnedExamples) add('learned_example', e.slice(0, MAX_EXAMPLE_CHARS));
  for (const e of source.generatedQuestions ?? []) add('generated_question', e.slice(0, MAX_EXAMPLE_CHARS));
  return chunks;
}

/** Identifies everything an article's chunks depend on; a different fingerprint means re-embed. */
export function fingerprint(chunks: readonly Chunk[]): string {
  return contentHash(chunks.map((c) => `${c.kind}:${c.contentHash}`).join('\n'));
}
