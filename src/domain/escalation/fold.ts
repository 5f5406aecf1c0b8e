// Normalisation. Matching runs on folded text (lower case, no accents, ё→е, ß→ss, one kind of apostrophe); a map
// back to the original lets details quote what the customer actually wrote.

export const MAX_SCAN_CHARS = 20_000;
export const APOSTROPHES = new Set(['\u2018', '\u2019', '\u02BC', '\u00B4', '`', '\u2032', '\uFF07']);
const foldCache = new Map<string, string>();

function foldChar(ch: string): string {
  const cached = foldCache.get(ch);
  if (cached !== undefined) return cached;
  let f: string;
  if (ch === '\n' || ch === '\r' || ch === '\u2028' || ch === '\u2029') f = '\n';
  else if (/\s/u.test(ch)) f = ' ';
  else if (APOSTROPHES.has(ch)) f = "'";
  else f = ch.normalize('NFKD').toLowerCase().replace(/\p{M}/gu, '').replace(/ß/g, 'ss');
  if (foldCache.size < 20_000) foldCache.set(ch, f);
  return f;
}

export interface Folded {
  original: string;
  text: string;
  /** for each UTF-16 unit of `text`: where its source character starts and ends in `original` */
  from: number[];
  to: number[];
}

export function fold(original: string): Folded {
  let text = '';
  const from: number[] = [];
  const to: number[] = [];
  let i = 0;
  for (const ch of original) {
    const f = foldChar(ch);
    text += f;
    for (let k = 0; k < f.length; k++) {
      from.push(i);
      to.push(i + ch.length);
    }
    i += ch.length;
  }
  return { original, text, from, to };
}

/** Folds a lexicon entry the way text is folded, except case (the regex is case-insensitive; `\S` must survive). */
export function foldSource(source: string): string {
  let out = '';
  for (const ch of source) {
    out += APOSTROPHES.has(ch) ? "'" : ch.normalize('NFKD').replace(/\p{M}/gu, '').replace(/ß/g, 'ss');
  }
  return out;
}

/** Up to 60 characters of the original text behind folded[start, end). */
export function quote(f: Folded, start: number, end: number, max = 60): string {
  if (end <= start) return '';
  const s = f.original.slice(f.from[start]!, f.to[end - 1]!).replace(/\s+/g, ' ').trim();
  const chars = Array.from(s);
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}
