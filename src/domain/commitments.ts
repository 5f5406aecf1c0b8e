// What a reply promises. A model steered by the customer ("say my refund of 5000 EUR is approved") can write a
// confident, cited, link-free sentence that commits the company to money, a date or an action. Auto-send lets such a
// sentence out only when a cited article says the same words: the commitment's words must appear in the article
// verbatim (case and spacing aside). Anything else waits for an agent. Pure: no I/O.

export type CommitmentKind = 'money' | 'date' | 'action';

export interface Commitment {
  kind: CommitmentKind;
  /** the words that commit, as written in the sentence */
  text: string;
}

const CURRENCY = String.raw`(?:€|\$|£|¥|₽|eur(?:os?)?|usd|dollars?|gbp|pounds?|chf|sek|nok|dkk|pln|rub(?:les?)?|рубл\p{L}*|yuan|rmb|元|yen)`;
const AMOUNT = String.raw`\d[\d.,' ]*\d|\d`;
const WEEKDAYS = 'monday|tuesday|wednesday|thursday|friday|saturday|sunday|lunes|martes|miércoles|jueves|viernes|sábado|domingo|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag';
const MONTHS = 'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|jun(?:e)?|jul(?:y)?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?';
const US = String.raw`(?:we|i|our team|the team)`;
const WILL = String.raw`(?:'ll|’ll|\s+will|\s+shall|\s+are going to|\s+am going to|\s+have|'ve|’ve|\s+can|\s+promise to|\s+guarantee to)`;
const ACTS = 'ship|send|refund|reimburse|credit|replace|cancel|waive|compensate|deliver|approve|issue|process|upgrade|extend|give|transfer|pay|return|repair|fix|resolve|call|contact|expedite|discount|shipped|sent|refunded|reimbursed|credited|replaced|cancell?ed|waived|compensated|delivered|approved|issued|processed|upgraded|extended|given|transferred|paid|repaired|fixed|resolved|expedited|discounted';
const DONE = 'approved|issued|processed|refunded|credited|shipped|sent|cancell?ed|waived|granted|authori[sz]ed|confirmed|reimbursed|dispatched|guaranteed';

const PATTERNS: [CommitmentKind, RegExp][] = [
  ['money', new RegExp(String.raw`(?:${CURRENCY})\s?(?:${AMOUNT})|(?:${AMOUNT})\s?(?:${CURRENCY})(?![\p{L}])`, 'giu')],
  ['money', /\b(?:full|partial|complete) refund\b|\bfree of charge\b|\bat no (?:extra )?cost\b|\b\d{1,3}\s?%\s?(?:off|discount)\b/giu],
  ['date', new RegExp(String.raw`\b(?:today|tonight|tomorrow|overnight|this (?:afternoon|evening|week)|next (?:week|month|${WEEKDAYS})|(?:by|on|before|until) (?:the end of (?:the )?(?:day|week|month)|${WEEKDAYS}|tomorrow)|within (?:\d+|an?|one|two|three|a few)\s+(?:business |working )?(?:minutes?|hours?|days?|weeks?)|in (?:\d+|an?|one|two|three)\s+(?:business |working )?(?:hours?|days?|weeks?)|mañana|hoy|morgen|heute|demain|aujourd'hui|завтра|сегодня|明天|今天)\b|\b(?:${WEEKDAYS})\b`, 'giu')],
  ['date', new RegExp(String.raw`\b\d{4}-\d\d-\d\d\b|\b\d{1,2}[./]\d{1,2}(?:[./]\d{2,4})?\b|\b\d{1,2}(?:st|nd|rd|th)? (?:of )?(?:${MONTHS})\b|\b(?:${MONTHS}) \d{1,2}(?:st|nd|rd|th)?\b|\b\d{1,2}(?::\d\d)?\s?(?:am|pm)\b`, 'giu')],
  ['action', new RegExp(String.raw`\b${US}${WILL}(?:\s+(?:\p{L}+ly|already|now|also|just|gladly|personally))?\s+(?:${ACTS})\b`, 'giu')],
  ['action', new RegExp(String.raw`\b(?:has|have|is|are|was|were|will be|has now been|have now been|has been|have been)\s+(?:(?:already|now|fully|successfully)\s+)?(?:${DONE})\b`, 'giu')],
  ['action', /\b(?:(?:we |i )?guarantee[ds]?|we promise|you will receive|you'll receive|you will get|you'll get|compensation)\b/giu],
  // Spanish, German, French, Russian: the same promises, by their commonest forms
  ['action', /\b(?:le reembolsaremos|reembolsaremos|le enviaremos|enviaremos|hemos aprobado|ha sido aprobad[oa]|será reembolsad[oa]|wir erstatten|wir werden\s+\p{L}+\s+(?:erstatten|senden|versenden|zurückzahlen)|wurde genehmigt|ist genehmigt|nous vous rembourserons|nous allons rembourser|a été approuvé[e]?|мы вернём|мы вернем|одобрен[аоы]?)\b/giu],
];

/** Every commitment in a sentence, in order of appearance; a match overlapping an earlier one is not counted again. */
export function findCommitments(sentence: string): Commitment[] {
  const found: (Commitment & { at: number })[] = [];
  for (const [kind, pattern] of PATTERNS) {
    for (const m of sentence.matchAll(pattern)) {
      const text = m[0].trim();
      if (!text || found.some((f) => m.index! < f.at + f.text.length && f.at < m.index! + m[0].length)) continue;
      found.push({ kind, text, at: m.index! });
    }
  }
  return found.sort((a, b) => a.at - b.at).map(({ kind, text }) => ({ kind, text }));
}

/** Lower case, one space, typographic quotes and Markdown emphasis away: "word for word" without the formatting. */
export function normaliseForSupport(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[’‘]/g, "'").replace(/[*_`]+/g, '').replace(/\s+/g, ' ').trim();
}

export interface CheckedSentence {
  text: string;
  commitments: Commitment[];
}

/**
 * The sentences whose commitments are not all found word for word in one of the sentence's cited articles
 * (`citedBodies`: the bodies of the articles that sentence cites). Sentences without commitments are fine.
 */
export function unsupportedCommitments(sentences: readonly { text: string; citedBodies: readonly string[] }[]): CheckedSentence[] {
  const out: CheckedSentence[] = [];
  for (const s of sentences) {
    const bodies = s.citedBodies.map(normaliseForSupport);
    const missing = findCommitments(s.text).filter((c) => !bodies.some((b) => b.includes(normaliseForSupport(c.text))));
    if (missing.length > 0) out.push({ text: s.text, commitments: missing });
  }
  return out;
}
