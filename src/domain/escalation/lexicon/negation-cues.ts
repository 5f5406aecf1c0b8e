import type { SupportedLanguage } from '../../language.js';

/**
 * Cues that, right before a phrase, say the customer does NOT mean it ("I don't need to talk to a person").
 * Matched against the end of the clause before the phrase. Deliberately about volition (need/want/going to), not
 * ability: "why can't I talk to a person?" still asks for one. Not applied to prompt injection.
 */
export const NEGATION_CUES: Record<SupportedLanguage, string[]> = {
  en: [
    "(don't|do not|doesn't|does not|didn't|did not|never|no)( \\S+)? (need|want|wish|plan|intend|have|mean)( to)?",
    '(not|never)( \\S+)? (going|planning|trying|intending|threatening|asking|looking)( to| for)?',
    "(won't|will not|wouldn't|would not|shan't|shall not|will never)( \\S+)?",
    'no (intention|plan|desire) (of|to)',
    'without( having to| needing to)?',
    // a question whether a person is needed is not a request for one: "do I need to speak to a representative to…?"
    '(do|does|did|will|would|should|must|can) (i|we|one|you) (really |actually |still )?(need|have|got) to',
    'is it (necessary|required|mandatory) to',
  ],
  es: [
    'no( \\S+)? (necesito|necesitamos|quiero|queremos|hace falta|es necesario|pienso|voy a|vamos a|tengo que|hay que|deseo|pretendo|busco|me interesa)( que| a| de)?',
    'sin( necesidad de)?',
  ],
  pt: [
    '(nao|nem)( \\S+)? (preciso|precisamos|quero|queremos|precisa|vou|vamos|pretendo|tenho que|tenho de|e necessario|desejo)( de| que)?',
    'sem( necessidade de)?',
  ],
  fr: [
    "(ne|n')( \\S+)? ?(veux|voulons|souhaite|souhaitons|vais|allons|compte|comptons|cherche|demande) (pas|jamais|plus)( \\S+)?",
    "(pas|plus|aucun|aucunement) (besoin|envie|question|l'intention)( de| d')?",
    'sans( avoir besoin de)?',
  ],
  de: [
    '(muss|musst|mussen|brauche|brauchen|will|wollen|mochte|mochten|werde|werden|plane|habe)( \\S+)? (nicht|kein|keine|keinen|nie|niemals)( \\S+)?',
    '(kein|keinen) (bedarf|bedurfnis|interesse)( \\S+)?',
    'ohne',
  ],
  ru: [
    'не (нужно|надо|хочу|хотим|буду|будем|собираюсь|собираемся|стану|станем|планирую|обязательно|требуется|нужен|нужна|прошу)( \\S+)?',
    'нет (необходимости|нужды|желания)( \\S+)?',
    'без',
  ],
  zh: ['(不用|不需要|不必|不想|不要|无需|無需|没必要|沒必要|不会|不會|不打算|并不想|並不想)(再)?(去)?(和|跟|与|與|同|找)?'],
  id: ['(tidak|tak|gak|nggak|enggak|ga|bukan)( \\S+)? (perlu|mau|ingin|akan|butuh|usah|harus|berniat|bermaksud)( \\S+)?', 'tanpa( perlu)?', 'jangan'],
};
