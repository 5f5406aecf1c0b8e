// The words that send a case to humans, in the eight supported languages. Data only: the matching lives in
// ../phrases.ts. Extend freely; the tests in ../escalation.test.ts guard the false positives that matter.
//
// Entry syntax (the same for operators' extraPhrases, where everything except `*` and `~` is taken literally):
// - Text is normalised before matching, and so are entries: lower case, accents removed (é→e, ü→u, ç→c, ё→е,
//   й→и), ß→ss, typographic apostrophes → ', full-width forms → ASCII. Write entries in lower case; accents are
//   optional. An apostrophe is optional in the text ("don't" also matches "dont").
// - Entries match whole words (a word never matches inside a longer word), except Chinese, which has no spaces
//   and matches anywhere.
// - A space stands for any run of whitespace. `~` (a word of its own) stands for up to three other words.
//   `*` at the end of a word stands for any ending ("abogad*" = abogado, abogada, abogados).
// - Built-in entries are otherwise regular expressions: (a|b) alternatives (spaces inside are fine), `?` for an
//   optional part, e.g. "(the )?(previous|prior) instructions". Avoid `.` and `*` as regex operators (write
//   `{0,}`), and Unicode property classes (\p{L}: slow to compile; the engine adds word boundaries itself).
// - All entries of a reason are compiled into one regular expression (../entries.ts), so a new entry costs
//   almost nothing at run time.
//
// Every language's lexicon is applied to every message: short messages are often mis-detected and customers mix
// languages. So an entry must not be an innocent word in another of the eight languages.
import type { PhraseReasonCode } from '../../escalation-rules.js';
import type { SupportedLanguage } from '../../language.js';
import { ASKS_FOR_HUMAN } from './asks-for-human.js';
import { COMPLAINT } from './complaint.js';
import { LEGAL_THREAT } from './legal-threat.js';
import { CANCELLATION_THREAT } from './cancellation-threat.js';
import { PROMPT_INJECTION } from './prompt-injection.js';

export type LexiconLanguage = SupportedLanguage | 'any';
export type PhraseLexicon = Partial<Record<LexiconLanguage, string[]>>;

/** Phrase reasons other than negative sentiment (which is scored, see ./sentiment.ts). */
export const PHRASES: Record<Exclude<PhraseReasonCode, 'negative_sentiment'>, PhraseLexicon> = {
  asks_for_human: ASKS_FOR_HUMAN,
  complaint: COMPLAINT,
  legal_threat: LEGAL_THREAT,
  cancellation_threat: CANCELLATION_THREAT,
  prompt_injection: PROMPT_INJECTION,
};
