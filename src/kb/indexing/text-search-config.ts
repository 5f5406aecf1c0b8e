// PostgreSQL text-search configuration per language: stemming and stop words in the article's (or question's)
// own language. Chinese and languages without a PostgreSQL configuration use 'simple' (lower-casing only);
// the vector signal carries them, since it works on character n-grams.
const CONFIGS: Record<string, string> = {
  en: 'english', es: 'spanish', ru: 'russian', de: 'german', fr: 'french', pt: 'portuguese', id: 'indonesian',
  it: 'italian', nl: 'dutch', sv: 'swedish', da: 'danish', no: 'norwegian', fi: 'finnish', tr: 'turkish',
  hu: 'hungarian', ro: 'romanian', el: 'greek', ar: 'arabic', ca: 'catalan', lt: 'lithuanian',
};

export type TextSearchConfig = string;

export function textSearchConfig(language: string): TextSearchConfig {
  return CONFIGS[language.toLowerCase().slice(0, 2)] ?? 'simple';
}

/**
 * A full-text query that ORs the question's distinct words (websearch syntax, so no user input can form a
 * tsquery syntax error). A customer email is long: AND-ing every word would match nothing.
 */
export function orQuery(text: string, maxWords = 32): string {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]{2,}/gu) ?? [];
  return [...new Set(words)].slice(0, maxWords).join(' or ');
}
