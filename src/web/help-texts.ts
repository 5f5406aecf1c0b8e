// The help centre's few words of its own, in the languages the acknowledgement templates speak (templates/mail/); any other
// language gets English around the article, which is itself in the customer's language.
export interface HelpTexts {
  helpCentre: string;
  search: string;
  searchLabel: string;
  noMatch: string;
  allArticles: string;
  alsoIn: string;
  more: string;
  notFound: string;
  chooseLanguage: string;
}

const en: HelpTexts = {
  helpCentre: 'Help centre', search: 'Search', searchLabel: 'Search articles', noMatch: 'No article matches your search.',
  allArticles: 'All articles', alsoIn: 'Also available in', more: 'More', notFound: 'There is no article at this address.',
  chooseLanguage: 'Choose your language',
};

const texts: Record<string, HelpTexts> = {
  en,
  de: {
    helpCentre: 'Hilfe-Center', search: 'Suchen', searchLabel: 'Artikel durchsuchen', noMatch: 'Kein Artikel passt zu Ihrer Suche.',
    allArticles: 'Alle Artikel', alsoIn: 'Auch verfügbar auf', more: 'Weitere', notFound: 'Unter dieser Adresse gibt es keinen Artikel.',
    chooseLanguage: 'Sprache wählen',
  },
  es: {
    helpCentre: 'Centro de ayuda', search: 'Buscar', searchLabel: 'Buscar artículos', noMatch: 'Ningún artículo coincide con su búsqueda.',
    allArticles: 'Todos los artículos', alsoIn: 'También disponible en', more: 'Más', notFound: 'No hay ningún artículo en esta dirección.',
    chooseLanguage: 'Elija su idioma',
  },
  fr: {
    helpCentre: "Centre d'aide", search: 'Rechercher', searchLabel: 'Rechercher des articles', noMatch: 'Aucun article ne correspond à votre recherche.',
    allArticles: 'Tous les articles', alsoIn: 'Également disponible en', more: 'Autres', notFound: "Il n'y a pas d'article à cette adresse.",
    chooseLanguage: 'Choisissez votre langue',
  },
  pt: {
    helpCentre: 'Central de ajuda', search: 'Pesquisar', searchLabel: 'Pesquisar artigos', noMatch: 'Nenhum artigo corresponde à sua pesquisa.',
    allArticles: 'Todos os artigos', alsoIn: 'Também disponível em', more: 'Mais', notFound: 'Não há nenhum artigo neste endereço.',
    chooseLanguage: 'Escolha o seu idioma',
  },
  ru: {
    helpCentre: 'Справочный центр', search: 'Найти', searchLabel: 'Поиск по статьям', noMatch: 'По вашему запросу статей не найдено.',
    allArticles: 'Все статьи', alsoIn: 'Также доступно на языках', more: 'Другое', notFound: 'По этому адресу статьи нет.',
    chooseLanguage: 'Выберите язык',
  },
  zh: {
    helpCentre: '帮助中心', search: '搜索', searchLabel: '搜索文章', noMatch: '没有与您的搜索匹配的文章。',
    allArticles: '所有文章', alsoIn: '其他语言版本', more: '更多', notFound: '此地址没有文章。', chooseLanguage: '选择语言',
  },
  id: {
    helpCentre: 'Pusat bantuan', search: 'Cari', searchLabel: 'Cari artikel', noMatch: 'Tidak ada artikel yang cocok dengan pencarian Anda.',
    allArticles: 'Semua artikel', alsoIn: 'Juga tersedia dalam', more: 'Lainnya', notFound: 'Tidak ada artikel di alamat ini.',
    chooseLanguage: 'Pilih bahasa Anda',
  },
};

export function helpTexts(language: string): HelpTexts {
  return texts[language] ?? en;
}

/** A language's own name for itself ("Deutsch", "español"), for the language list and translation links. */
export function languageName(language: string): string {
  try {
    return new Intl.DisplayNames([language], { type: 'language' }).of(language) ?? language;
  } catch {
    return language;
  }
}

const RTL = new Set(['ar', 'he', 'fa', 'ur', 'yi', 'ps', 'sd', 'ug']);
export const directionOf = (language: string): 'rtl' | 'ltr' => (RTL.has(language) ? 'rtl' : 'ltr');

/**
 * The first of the browser's Accept-Language choices (by q, then order) the help centre has, by primary subtag
 * ("de-AT" finds "de"); undefined when none.
 */
export function preferredLanguage(acceptLanguage: string | undefined, available: string[]): string | undefined {
  if (!acceptLanguage) return undefined;
  const have = new Set(available);
  const choices = acceptLanguage.split(',').slice(0, 50).map((part, order) => {
    const [tag = '', ...params] = part.trim().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find(Boolean);
    return { language: tag.trim().toLowerCase().split('-')[0]!, q: q === undefined ? 1 : Number(q), order };
  });
  return choices
    .filter((c) => c.q > 0 && have.has(c.language))
    .sort((a, b) => b.q - a.q || a.order - b.order)[0]?.language;
}
