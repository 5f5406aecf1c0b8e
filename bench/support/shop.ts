// bench:shop's data and figures: a fictional shop's articles (bench/shop/kb.jsonl) and its customers' emails
// (bench/shop/emails.jsonl), and how to score what the customer would have seen for each email.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const SHOP_DIR = path.resolve(here, '../shop');

export type EmailKind = 'answerable' | 'unanswerable' | 'person' | 'complaint' | 'legal' | 'injection';
export interface ShopEmail { id: string; language: string; from: string; subject: string; body: string; expected: string | null; kind: EmailKind }
export interface ShopArticle { id: string; language: string; translation_group: string; title: string }

const jsonl = <T>(file: string): T[] => readFileSync(path.join(SHOP_DIR, file), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as T);
export const loadShop = () => ({ kbJsonl: readFileSync(path.join(SHOP_DIR, 'kb.jsonl'), 'utf8'), articles: jsonl<ShopArticle>('kb.jsonl'), emails: jsonl<ShopEmail>('emails.jsonl') });

/** Dev (odd ids) and test (even ids): the prior's constants were looked at on dev only. */
export const splitOf = (e: ShopEmail) => (Number(e.id.replace(/\D/g, '')) % 2 === 1 ? 'dev' : 'test');

/** What the customer saw for one email. */
export interface Seen {
  email: ShopEmail;
  /** the top candidate's translation group (null: none) */
  top: string | null;
  escalated: boolean;
  /** the acknowledgement's links: article language and translation group */
  links: { language: string; group: string }[];
  /** an escalation reason said: not a question for the knowledge base */
  nonKnowledge: boolean;
  confidence: number;
}

/** Answerable in the customer's language: the expected topic has an article written in it. */
export function inScope(e: ShopEmail, groupsByLanguage: Map<string, Set<string>>): boolean {
  return e.expected !== null && (groupsByLanguage.get(e.language)?.has(e.expected) ?? false);
}

export function figures(seen: Seen[], groupsByLanguage: Map<string, Set<string>>) {
  let scoped = 0, top1 = 0, answeredRight = 0, outOfScope = 0, outEscalated = 0, answered = 0, answeredGood = 0;
  let crossLanguageLinks = 0, nonKnowledgeWithLinks = 0, wrongTopicLinks = 0, acksWithLinks = 0, nonKnowledge = 0, nonKnowledgeFlagged = 0;
  for (const s of seen) {
    const ok = inScope(s.email, groupsByLanguage);
    const answeredNow = !s.escalated && !s.nonKnowledge;
    if (ok) {
      scoped++;
      if (s.top === s.email.expected) top1++;
      if (answeredNow && s.top === s.email.expected) answeredRight++;
    } else {
      outOfScope++;
      if (!answeredNow) outEscalated++;
    }
    if (answeredNow) {
      answered++;
      if (s.top === s.email.expected) answeredGood++;
    }
    if (s.links.length) acksWithLinks++;
    crossLanguageLinks += s.links.filter((l) => l.language !== s.email.language).length;
    wrongTopicLinks += s.links.filter((l) => l.group !== s.email.expected).length;
    if (s.email.kind !== 'answerable' && s.email.kind !== 'unanswerable') {
      nonKnowledge++;
      if (s.nonKnowledge) nonKnowledgeFlagged++;
      if (s.links.length) nonKnowledgeWithLinks++;
    }
  }
  const share = (a: number, b: number) => (b ? Math.round((a / b) * 1000) / 1000 : null);
  return {
    emails: seen.length, inScope: scoped, top1: share(top1, scoped), answeredPrecision: share(answeredGood, answered), answered,
    inScopeAccuracy: share(answeredRight, scoped), escalationRecall: share(outEscalated, outOfScope),
    acksWithLinks, crossLanguageLinks, wrongTopicLinks, nonKnowledgeWithLinks, nonKnowledge, nonKnowledgeFlagged,
  };
}
