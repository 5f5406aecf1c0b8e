// Personal data out of texts a knowledge manager reads and turns into articles (knowledge-gap titles, samples,
// suggested examples and bodies): names in greetings, introductions and signatures, email addresses, postal addresses,
// phone numbers, order / account / invoice numbers and amounts become placeholders. The rules are patterns, not a
// model: they catch how customers write these in en/de/es/fr/ru (and the numbers in any language); a name in the
// middle of a sentence ("my sister Anna") is not found. The erasure of a customer's stored words stays with
// src/privacy; this is for what is shown and copied into articles.

export const PLACEHOLDERS = {
  name: '[name]', email: '[email]', phone: '[phone]', address: '[address]', order: '[order number]', account: '[account number]', amount: '[amount]',
} as const;

const { name: NAME, email: EMAIL, phone: PHONE, address: ADDRESS, order: ORDER, account: ACCOUNT, amount: AMOUNT } = PLACEHOLDERS;

// ---- numbers and addresses -------------------------------------------------------------------------------------

// Bounded repetitions throughout (RFC 5321 sizes for addresses): a hostile text must not make a pattern quadratic.
const EMAIL_RE = /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]{1,64}@[\p{L}\p{N}-]{1,63}(?:\.[\p{L}\p{N}-]{1,63}){0,8}\.\p{L}{2,24}/gu;
const IBAN_RE = /\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,3})?\b/g;

const NUMBER = String.raw`\d{1,3}(?:[ .,'\u00a0\u202f]\d{3})*(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?`;
const SYMBOL = String.raw`(?:US|CA|AU|A|C)?\$|[€£¥₽₹₺₴]`;
const CODE = 'EUR|USD|GBP|CHF|RUB|JPY|CNY|MXN|CAD|AUD|SEK|NOK|DKK|PLN|CZK|UAH|TRY|INR|BRL';
const WORD = String.raw`euros?|dollars?|pounds?|d[oó]lares|pesos|francs?|франк(?:ов|а)?|руб(?:лей|ля|ль|\.)?|р\.|долларов|доллара?|евро`;
const AMOUNT_RE = new RegExp(
  String.raw`(?:${SYMBOL})\s?(?:${NUMBER})|\b(?:${CODE})\s?(?:${NUMBER})|(?<![\p{L}\p{N}])(?:${NUMBER})\s?(?:${SYMBOL}|(?:${CODE}|${WORD})(?![\p{L}]))`,
  'giu',
);

const PHONE_WORD = String.raw`phone|tel\.?|telephone|mobile|cell|fon|telefon|handy|mobil|teléfono|telefono|móvil|movil|celular|téléphone|portable|телефон|тел\.?|моб\.?`;
// Not \b: in JavaScript it knows only ASCII letters, and the cue words are Cyrillic too.
const START = String.raw`(?<![\p{L}\p{N}])`;
const PHONE_BY_WORD_RE = new RegExp(String.raw`(${START}(?:${PHONE_WORD})\s*(?:number|nummer|nr\.?|número|numéro|номер)?\s*[:.]?\s*)(\+?[\d(][\d\s\-./()]{5,}\d)`, 'giu');
const PHONE_INTL_RE = /(?<![\p{L}\p{N}])(?:\+|00)\d{1,3}[\s\-./]?(?:\(?\d{1,5}\)?[\s\-./]?){1,5}\d{2,}/gu;
// Digit groups with phone separators (never dots or slashes: those are dates and amounts), 9 to 15 digits.
const PHONE_LOCAL_RE = /(?<![\p{L}\p{N}\-.,/])\(?\d{1,5}\)?(?:[ -]\(?\d{2,5}\)?){2,5}(?![\p{L}\p{N}\-.,/])/gu;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}/;

const digits = (s: string) => s.replace(/\D/g, '').length;

const STREET_DE = String.raw`(?:[\p{Lu}][\p{L}-]+\s)?[\p{Lu}][\p{L}-]*(?:straße|strasse|str\.|weg|allee|platz|gasse|ring|damm|ufer)\s?\d+\s?[a-zA-Z]?\b`;
const STREET_EN = String.raw`\b\d+[a-zA-Z]?\s(?:[\p{Lu}][\p{L}'-]*\s){1,3}(?:Street|St\.?|Road|Rd\.?|Avenue|Ave\.?|Lane|Ln\.?|Drive|Dr\.?|Boulevard|Blvd\.?|Way|Court|Ct\.?|Place|Pl\.?|Square|Terrace|Close)(?![\p{L}])`;
const STREET_ES = String.raw`\b(?:Calle|C/|Avenida|Avda\.?|Plaza|Paseo|Carrer|Camino|Ronda)\s(?:[\p{L}.'-]+\s){0,4}?[\p{L}.'-]+,?\s(?:n[ºo°.]\s?)?\d+\b`;
const STREET_FR = String.raw`\b\d+(?:\s?(?:bis|ter))?,?\s(?:rue|avenue|boulevard|bd|place|chemin|allée|impasse|quai|route)\s(?:(?:de la|de l'|du|des|de|d'|la|le|l')\s?)?[\p{L}'-]+(?:[ -][\p{Lu}][\p{L}'-]+){0,3}`;
const STREET_RU = String.raw`(?:ул\.|улица|пр\.|просп\.|проспект|пер\.|переулок|бульвар|б-р|шоссе|наб\.|набережная)\s?[\p{L}.-]+(?:\s[\p{L}.-]+)?,?\s(?:д\.|дом)?\s?\d+(?:[/-]\d+)?(?:,?\s(?:кв\.|квартира)\s?\d+)?`;
const POSTCODE = String.raw`\b\d{4,5}\s[\p{Lu}][\p{L}-]+(?:\s(?:am|an der|im|sur|de)\s[\p{Lu}][\p{L}-]+)?|\b[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}\b|\b[A-Z]{2}\s\d{5}(?:-\d{4})?\b`;
const ADDRESS_RE = new RegExp([STREET_DE, STREET_EN, STREET_ES, STREET_FR, STREET_RU, POSTCODE].join('|'), 'gu');

const ORDER_WORD = String.raw`order|invoice|account|customer|tracking|reference|ref\.?|booking|ticket|contract|bestellung|bestellnummer|auftrag|rechnung|konto|kundennummer|kunden-?nr\.?|sendungsnummer|vertrag|pedido|factura|cuenta|cliente|referencia|reserva|commande|facture|compte|référence|dossier|заказ|счёт|счет|договор|накладная|трек`;
const ORDER_BY_WORD_RE = new RegExp(String.raw`(${START}(?:${ORDER_WORD})\s*(?:number|no\.?|nr\.?|nummer|n[ºo°]\.?|número|numéro|номер|№)?\s*:?\s*)(?:#\s?)?(\d{3,}|[A-Z0-9][A-Z0-9-]{3,}\d)(?![\p{L}\p{N}])`, 'giu');
const HASH_NUMBER_RE = /(?:#|№)\s?[A-Za-z0-9-]*\d{3,}[A-Za-z0-9-]*/gu;
// A token mixing letters and at least four digits (LH-48213, ORD2024123, A1234567).
const MIXED_TOKEN_RE = /(?<![\p{L}\p{N}\-[])(?=[\p{L}\d\-/]{0,40}\p{L})(?=(?:[\p{L}\-/]{0,40}\d){4})[\p{L}\d]{1,40}(?:[-/][\p{L}\d]{1,40}){0,5}(?![\p{L}\p{N}\]])/gu;
const LONG_NUMBER_RE = /(?<![\p{L}\p{N}.,])\d{6,}(?![\p{L}\p{N}])/gu;

// ---- names ------------------------------------------------------------------------------------------------------

const CAP = String.raw`\p{Lu}[\p{Ll}'’-]*\p{Ll}|\p{Lu}\.`;
const PARTICLE = 'van|von|der|de|del|della|da|di|du|le|la|bin|al';
const PERSON = String.raw`(?:${CAP})(?:[ \t]+(?:(?:${PARTICLE})[ \t]+)?(?:${CAP})){0,2}`;
const TITLE = String.raw`(?:Mr|Mrs|Ms|Miss|Dr|Prof|Herr|Frau|Sr|Sra|Srta|Don|Doña|M|Mme|Mlle|Monsieur|Madame|господин|госпожа|г-н|г-жа)\.?[ \t]+`;
// Words that follow a greeting or closing but are no one's name.
const NOT_NAMES = new Set([
  'support', 'team', 'service', 'customer', 'kundenservice', 'kundendienst', 'kundensupport', 'equipo', 'soporte', 'atención',
  'équipe', 'service client', 'поддержка', 'команда', 'sir', 'madam', 'all', 'everyone', 'there', 'again', 'guys', 'folks',
  'zusammen', 'leute', 'señores', 'señoras', 'messieurs', 'mesdames', 'коллеги', 'i', 'the', 'we', 'ich', 'wir', 'je', 'nous',
  'yo', 'я', 'мы', "i'm", 'i’m', "it's", "we're", 'please', 'bitte', 'por', 'merci', 'thanks', 'thank', 'danke', 'gracias', 'спасибо',
]);

const GREETING = String.raw`hi|hello|hey|dear|good (?:morning|afternoon|evening)|hallo|liebe[rs]?|sehr geehrte[rs]?|guten (?:tag|morgen|abend)|moin|servus|hola|estimad[oa]s?|querid[oa]s?|buen[oa]s (?:días|tardes|noches)|bonjour|bonsoir|salut|cher|chère|здравствуйте|добрый (?:день|вечер)|доброе утро|привет|уважаем(?:ый|ая)`;
// Not "I am", "this is", "hier ist", "это": capitalised words that are no names follow them too often.
const INTRO = String.raw`i'm|i’m|my name is|ich heiße|ich heisse|mein name ist|hier schreibt|me llamo|mi nombre es|soy|je m'appelle|je m’appelle|je suis|mon nom est|меня зовут|моё имя|мое имя`;
const CLOSING = String.raw`(?:best |kind |warm |many )?regards|cheers|thanks(?: a lot| again)?|thank you(?: very much)?|many thanks|sincerely(?: yours)?|yours(?: truly| sincerely| faithfully)?|best(?: wishes)?|all the best|mit freundlichen grüßen|mit freundlichen grüssen|freundliche grüße|viele grüße|beste grüße|liebe grüße|herzliche grüße|schöne grüße|grüße|gruß|danke(?: schön| sehr)?|vielen dank|lg|mfg|vg|saludos(?: cordiales)?|un saludo|atentamente|cordialmente|muchas gracias|gracias|cordialement|bien cordialement|bien à vous|salutations|amicalement|merci(?: beaucoup)?|с уважением|спасибо|всего доброго|с наилучшими пожеланиями|заранее спасибо`;

const GREETING_RE = new RegExp(String.raw`(^|[\n.!?]\s*)((?:${GREETING}),?[ \t]+)((?:${TITLE})?)(${PERSON})(?=[ \t]*(?:[,!.:;\n]|$))`, 'giu');
const INTRO_RE = new RegExp(String.raw`((?:^|[^\p{L}])(?:${INTRO})[ \t]+)(${PERSON})(?![\p{L}])`, 'giu');
const CLOSING_RE = new RegExp(String.raw`((?:^|\n)[ \t]*(?:${CLOSING})[ \t]*[,!.:]?[ \t]*(?:\r?\n[ \t]*)?)((?:${TITLE})?)(${PERSON})(?=[ \t]*(?:\r?\n|$))`, 'giu');

/** The flags above are case-insensitive for the cue words; a name must still be capitalised word by word. */
function isName(words: string): boolean {
  if (NOT_NAMES.has(words.toLowerCase()) || NOT_NAMES.has(words.split(/\s+/)[0]!.toLowerCase())) return false;
  return words.split(/[ \t]+/).every((w) => new RegExp(`^(?:${PARTICLE})$`, 'u').test(w) || /^\p{Lu}/u.test(w));
}

/** Names the cue words reveal (introductions, signatures, greetings), replaced in place and collected in `found`. */
function redactNames(text: string, found: Set<string>): string {
  const take = (person: string) => (found.add(person), NAME);
  // Introductions first: "Hi, I'm Anna." must not read as a greeting to someone called "I'm Anna".
  return text
    .replace(INTRO_RE, (all, cue: string, person: string) => {
      // The cue words make the pattern case-insensitive, so "Anna Berg and" matched: the name is the capitalised start.
      const words = person.split(/[ \t]+/);
      let n = 0;
      while (n < words.length && isName(words.slice(0, n + 1).join(' '))) n++;
      const name = words.slice(0, n).join(' ');
      return n ? `${cue}${take(name)}${person.slice(name.length)}` : all;
    })
    .replace(CLOSING_RE, (all, cue: string, _title: string, person: string) => (isName(person) ? `${cue}${take(person)}` : all))
    .replace(GREETING_RE, (all, lead: string, cue: string, _title: string, person: string) => (isName(person) ? `${lead}${cue}${take(person)}` : all));
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Every other mention of a known name ("for Tom Müller", "Tom says") and of its parts of three letters or more. */
function redactKnownNames(text: string, names: Iterable<string>): string {
  const forms = new Set<string>();
  for (const name of names) {
    const clean = name.replace(/\s+/g, ' ').trim();
    if (!clean || /[@\d]/.test(clean) || clean.split(' ').some((w) => NOT_NAMES.has(w.toLowerCase()))) continue;
    forms.add(clean);
    for (const word of clean.split(' ')) if (/^\p{Lu}\p{L}{2,}/u.test(word) && !NOT_NAMES.has(word.toLowerCase())) forms.add(word);
  }
  if (!forms.size) return text;
  const alternation = [...forms].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|');
  return text.replace(new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternation})(?![\\p{L}\\p{N}])`, 'gu'), NAME);
}

/** The names the cue words reveal in `text` (to redact them in related texts: an agent's reason, a reply). */
export function namesIn(text: string): string[] {
  const found = new Set<string>();
  redactNames(text, found);
  return [...found];
}

/**
 * The text with personal data replaced by PLACEHOLDERS; placeholders are left alone, so it may run twice.
 * `knownNames` (the sender's display name, names found in a related text) are replaced wherever they appear.
 */
export function redactPersonalData(text: string, knownNames: Iterable<string> = []): string {
  let out = text
    .replace(EMAIL_RE, EMAIL)
    .replace(IBAN_RE, (m) => (digits(m) >= 10 ? ACCOUNT : m))
    .replace(AMOUNT_RE, AMOUNT)
    .replace(PHONE_BY_WORD_RE, (_all, cue: string) => `${cue}${PHONE}`)
    .replace(PHONE_INTL_RE, (m) => (digits(m) >= 8 && digits(m) <= 15 ? PHONE : m))
    .replace(PHONE_LOCAL_RE, (m) => (digits(m) >= 9 && digits(m) <= 15 && !ISO_DATE.test(m) ? PHONE : m))
    .replace(ADDRESS_RE, ADDRESS)
    .replace(ORDER_BY_WORD_RE, (_all, cue: string) => `${cue}${ORDER}`)
    .replace(HASH_NUMBER_RE, ORDER)
    .replace(MIXED_TOKEN_RE, ORDER);
  out = out.replace(LONG_NUMBER_RE, ORDER);
  const found = new Set<string>(knownNames);
  out = redactKnownNames(redactNames(out, found), found);
  // "[address], [address]" from a street and its postcode, "[name] [name]" from a first and a last name: one each.
  return out.replace(/\[(\w[\w ]*)\](?:,?[ \t]*\[\1\])+/g, '[$1]');
}
