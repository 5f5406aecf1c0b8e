// What every customer-facing template shares (acknowledgement, SLA update, reply draft): the template files, one
// per supported language, and the cleaning of values taken from a customer's mail before they go into one.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SUPPORTED_LANGUAGES, type SupportedLanguage } from './language.js';

/** 'subject: …' on the first line, a blank line, then the body. */
export interface SubjectTemplate { subject: string; body: string }
export type LanguageSet<T> = Readonly<Record<SupportedLanguage, T>>;

// C0/C1 controls, Unicode line/paragraph separators, bidi overrides and marks: header injection and spoofing.
const UNSAFE_INLINE = /[\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069\u200E\u200F]+/g;
const REPLY_PREFIX = /^\s*((re|fw|fwd|aw|wg|tr|rv|enc|res|sv|ответ|отв|回复|回覆|答复|转发|balas)\s?(\[\d+\])?\s?[:：]\s*)+/iu;
const NO_SUBJECT: Record<SupportedLanguage, string> = {
  en: '(no subject)', es: '(sin asunto)', ru: '(без темы)', zh: '（无主题）',
  id: '(tanpa subjek)', de: '(kein Betreff)', fr: '(sans objet)', pt: '(sem assunto)',
};

export const oneLine = (value: string | null | undefined): string =>
  (value ?? '').replace(UNSAFE_INLINE, ' ').replace(/\s+/g, ' ').trim();

export function truncate(value: string, max: number): string {
  const chars = Array.from(value);
  return chars.length <= max ? value : `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}

/** A name worth greeting with; an address, a link or markup is worse than the neutral greeting. */
export function greetingName(name: string | null | undefined): string {
  const n = oneLine(name).replace(/^["'\s]+|["'\s]+$/g, '');
  if (!n || /[@<>{}]|https?:/i.test(n)) return '';
  return truncate(n, 80);
}

/** The customer's subject without reply prefixes and our case reference; '' when nothing is left. */
export function bareSubject(subject: string, reference: string, max = 150): string {
  let s = oneLine(subject);
  const ref = oneLine(reference);
  if (ref) s = s.split(`[${ref}]`).join(' ');
  return truncate(oneLine(s.replace(REPLY_PREFIX, '')), max);
}

/** bareSubject, or "(no subject)" in the customer's language. */
export function customerSubject(subject: string, reference: string, language: SupportedLanguage): string {
  return bareSubject(subject, reference) || NO_SUBJECT[language];
}

/** Splits off the 'subject: …' line (and the blank line after it); throws with the file's name when absent. */
export function splitSubjectLine(source: string, name: string): { subject: string; lines: string[] } {
  const [first = '', second, ...rest] = source.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split('\n');
  const header = /^subject:\s*(.+)$/.exec(first);
  if (!header || second === undefined || second.trim() !== '') {
    throw new Error(`${name}: expected 'subject: ...' on the first line followed by a blank line`);
  }
  return { subject: header[1]!.trim(), lines: rest };
}

export function parseSubjectTemplate(
  source: string, name: string, required: { subject: readonly string[]; body: readonly string[] },
): SubjectTemplate {
  const { subject, lines } = splitSubjectLine(source, name);
  const template = { subject, body: lines.join('\n') };
  const missing = [
    ...required.subject.filter((p) => !template.subject.includes(p)).map((p) => `subject ${p}`),
    ...required.body.filter((p) => !template.body.includes(p)).map((p) => `body ${p}`),
  ];
  if (missing.length) throw new Error(`${name}: missing placeholders: ${missing.join(', ')}`);
  return template;
}

const loaded = new Map<string, Promise<LanguageSet<unknown>>>();

/** Reads and validates <dir>/<lang>.md for every supported language; cached per directory. */
export function loadLanguageFiles<T>(dir: string, parse: (source: string, name: string) => T): Promise<LanguageSet<T>> {
  let set = loaded.get(dir);
  if (!set) {
    set = (async () => {
      const entries = await Promise.all(SUPPORTED_LANGUAGES.map(async (lang) => {
        const file = join(dir, `${lang}.md`);
        return [lang, parse(await readFile(file, 'utf8'), file)] as const;
      }));
      return Object.freeze(Object.fromEntries(entries)) as LanguageSet<T>;
    })();
    set.catch(() => loaded.delete(dir)); // a failed load may be retried after the files are fixed
    loaded.set(dir, set);
  }
  return set as Promise<LanguageSet<T>>;
}
