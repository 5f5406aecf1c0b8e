// Links in a reply draft are limited to the knowledge base: an article's URL (and links the articles themselves
// contain) may stay, anything else that a mail client could turn into a link is replaced by '[link removed]'.
// One left-to-right scan over the text, so a replacement is never scanned again and nothing is matched twice.

export const LINK_REMOVED = '[link removed]';

export interface RestrictedText {
  text: string;
  /** what was removed, as written, each once, in order of appearance */
  stripped: string[];
}

type LinkKind = 'markdown' | 'url' | 'scheme' | 'www' | 'email' | 'domain' | 'ip';

// ISO 3166 country-code top-level domains, plus the generic ones seen in mail and spam, plus reserved names
// (RFC 2606/6761) used in tests and by attackers alike. A bare "word.tld" is a link only for these TLDs (or any
// non-ASCII TLD, or when a path follows), so "e.g.", "v2.3" and "report.pdf" stay prose.
const CC_TLDS =
  'ac ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bm bn bo br bs bt bw by bz ca cc cd ' +
  'cf cg ch ci ck cl cm cn co cr cu cv cw cx cy cz de dj dk dm do dz ec ee eg er es et eu fi fj fk fm fo fr ga gd ge ' +
  'gf gg gh gi gl gm gn gp gq gr gs gt gu gw gy hk hm hn hr ht hu id ie il im in io iq ir is it je jm jo jp ke kg kh ' +
  'ki km kn kp kr kw ky kz la lb lc li lk lr ls lt lu lv ly ma mc md me mg mh mk ml mm mn mo mp mq mr ms mt mu mv mw ' +
  'mx my mz na nc ne nf ng ni nl no np nr nu nz om pa pe pf pg ph pk pl pm pn pr ps pt pw py qa re ro rs ru rw sa sb ' +
  'sc sd se sg sh si sk sl sm sn so sr ss st su sv sx sy sz tc td tf tg th tj tk tl tm tn to tr tt tv tw tz ua ug uk ' +
  'us uy uz va vc ve vg vi vn vu wf ws ye yt za zm zw';
const GENERIC_TLDS =
  'com net org edu gov mil int info biz name pro aero coop museum mobi asia tel travel jobs cat xxx app dev page ' +
  'xyz online site website store shop tech cloud blog news live life world today email link click top club vip win ' +
  'icu fun space art design agency digital studio support help services solutions company business network systems ' +
  'zone one party review trade date loan men work bid stream download racing science accountant faith gdn host press ' +
  'uno rest bar best ltd group team global center media social games tools software expert guru ninja rocks lol wtf ' +
  'porn sex adult casino bet poker money finance bank insurance credit loans cash tax law legal health care clinic ' +
  'city land photos pics video movie film music radio wiki chat forum community mail gmbh inc llc shopping sale ' +
  'deals plus google amazon apple microsoft';
const RESERVED_TLDS = 'example test invalid localhost local onion internal lan home corp arpa';
const TLDS = new Set(`${CC_TLDS} ${GENERIC_TLDS} ${RESERVED_TLDS}`.split(/\s+/));

const OTHER_SCHEMES = 'mailto|javascript|vbscript|data|file|tel|sms|callto|skype|tg|whatsapp|magnet';
const URL_CHARS = `[^\\s<>"'\`]`;
const SCAN = new RegExp(
  [
    // [text](url "title") and ![alt](url)
    `(?<md>!?\\[(?<mdText>[^\\[\\]\\n]{0,300})\\]\\(\\s*<?(?<mdUrl>[^\\s()<>]+(?:\\([^\\s()<>]*\\)[^\\s()<>]*)*)>?(?:\\s+(?:"[^"\\n]*"|'[^'\\n]*'))?\\s*\\))`,
    // <https://...> autolinks
    `<(?<angle>(?:[a-z][a-z0-9+.-]{1,20}:\\/\\/|(?:${OTHER_SCHEMES}):|www\\.)[^\\s<>]+)>`,
    `(?<url>(?<![A-Za-z0-9+.-])[a-z][a-z0-9+.-]{1,20}:\\/\\/${URL_CHARS}*)`,
    `(?<scheme>(?<![A-Za-z0-9+.-])(?:${OTHER_SCHEMES}):(?=[^\\s/])${URL_CHARS}+)`,
    `(?<www>(?<![\\p{L}\\p{N}._-])www\\.${URL_CHARS}+)`,
    `(?<email>(?<![\\p{L}\\p{N}._%+-])[\\p{L}\\p{N}._%+-]+@(?:[\\p{L}\\p{N}-]+\\.)+\\p{L}{2,63}(?![\\p{L}\\p{N}-]))`,
    `(?<ip>(?<![\\p{N}.])(?:\\d{1,3}\\.){3}\\d{1,3}(?![\\p{N}]|\\.\\d)(?::\\d{1,5})?(?:[/?#]${URL_CHARS}*)?)`,
    `(?<domain>(?<![\\p{L}\\p{N}@._%+-])(?:\\/\\/)?(?:[\\p{L}\\p{N}][\\p{L}\\p{N}-]{0,62}\\.)+(?<tld>\\p{L}{2,63})(?![\\p{L}\\p{N}-])(?<port>:\\d{1,5})?(?<path>[/?#]${URL_CHARS}*)?)`,
  ].join('|'),
  'giu',
);

// Full-width and CJK punctuation ends a link even without a space ("请访问https://x.example/a。谢谢").
const CJK_STOP = /[\u3000-\u303F\uFF01\uFF08\uFF09\uFF0C\uFF1A\uFF1B\uFF1F\u300C-\u300F\u3010\u3011\u2018-\u201F\u2026\u00AB\u00BB]/u;
const TRAILING = /[.,;:!?'"*_~)\]}>]$/;

/** Cuts trailing punctuation off a link, keeping a closing parenthesis that belongs to it (Wikipedia style). */
function splitTrailing(raw: string): [link: string, rest: string] {
  const stop = raw.search(CJK_STOP);
  let link = stop >= 0 ? raw.slice(0, stop) : raw;
  while (TRAILING.test(link)) {
    const last = link.at(-1)!;
    if (last === ')') {
      const opens = link.split('(').length - 1;
      const closes = link.split(')').length - 1;
      if (opens >= closes) break;
    }
    link = link.slice(0, -1);
  }
  return [link, raw.slice(link.length)];
}

function tldIsLink(tld: string, hasPath: boolean): boolean {
  // A non-ASCII TLD is either a real IDN TLD (.рф, .中国) or a look-alike (.cоm with a Cyrillic о): a link either way.
  return hasPath || /[^a-z]/i.test(tld) || TLDS.has(tld.toLowerCase());
}

/**
 * The comparable form of a link: http(s) only, host lower-cased and in punycode (so a look-alike host never equals
 * the real one), default port, fragment and trailing slash dropped, query kept exactly. Bare forms ("www.x/y",
 * "x.com/y") are read as https. Credentials make a link incomparable. Email addresses compare as mailto:.
 */
export function canonicalLink(link: string): string | null {
  let s = link.trim();
  const mail = /^mailto:([^?]+)(\?.*)?$/i.exec(s);
  if (mail) return `mailto:${safeDecode(mail[1]!).toLowerCase()}${mail[2] ?? ''}`;
  if (/^[^\s/:@]+@[^\s/:@]+$/.test(s)) return `mailto:${s.toLowerCase()}`;
  if (s.startsWith('//')) s = `https:${s}`;
  else if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) s = `https://${s}`;
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return null;
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.username || u.password || !u.hostname) return null;
  const path = u.pathname.replace(/\/+$/, '');
  return `${u.protocol}//${u.host}${path}${u.search}`;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function isBare(link: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:/i.test(link) && !link.includes('@');
}

function allowedBy(allowed: ReadonlySet<string>, link: string): boolean {
  const canonical = canonicalLink(link);
  if (canonical === null) return false;
  if (allowed.has(canonical)) return true;
  // A bare "kb.example.com/a" is the same page as the allowed "http://kb.example.com/a".
  return isBare(link) && canonical.startsWith('https://') && allowed.has(`http://${canonical.slice(8)}`);
}

export function allowList(urls: Iterable<string | null | undefined>): Set<string> {
  const set = new Set<string>();
  for (const url of urls) {
    const canonical = url ? canonicalLink(url) : null;
    if (canonical) set.add(canonical);
  }
  return set;
}

interface Found {
  kind: LinkKind;
  /** the link itself, without trailing punctuation */
  link: string;
  /** for markdown links: the visible text */
  label?: string;
}

/** Calls `replace` for every link-like thing in the text; what it returns takes the link's place. */
function scan(text: string, replace: (found: Found) => string): string {
  return text.replace(SCAN, (match: string, ...args: unknown[]) => {
    const groups = args.at(-1) as Record<string, string | undefined>;
    if (groups.md !== undefined) return replace({ kind: 'markdown', link: groups.mdUrl!, label: groups.mdText! });
    if (groups.angle !== undefined) return replace({ kind: 'url', link: groups.angle });
    if (groups.email !== undefined) return replace({ kind: 'email', link: groups.email });
    let kind: LinkKind;
    if (groups.url !== undefined) kind = 'url';
    else if (groups.scheme !== undefined) kind = 'scheme';
    else if (groups.www !== undefined) kind = 'www';
    else if (groups.ip !== undefined) {
      const octets = /^(\d+)\.(\d+)\.(\d+)\.(\d+)/.exec(match)!.slice(1).map(Number);
      if (octets.some((o) => o > 255)) return match;
      kind = 'ip';
    } else {
      if (!tldIsLink(groups.tld!, Boolean(groups.path || groups.port))) return match;
      kind = 'domain';
    }
    const [link, rest] = splitTrailing(match);
    if (!link || (kind === 'url' && /^[a-z][a-z0-9+.-]*:\/\/$/i.test(link))) return match;
    return replace({ kind, link }) + rest;
  });
}

/** Every link-like thing in a text, as written (used to allow the links an article itself contains). */
export function findLinks(text: string): string[] {
  const out: string[] = [];
  scan(text, (found) => {
    out.push(found.link);
    if (found.label) out.push(...findLinks(found.label));
    return '';
  });
  return out;
}

/**
 * Keeps only links whose canonical form is in `allowedUrls` (trailing slash and #fragment ignored, the query must
 * match exactly); replaces every other http(s)/other-scheme URL, www. name, bare domain, IP address, email address
 * and Markdown link with '[link removed]'. An allowed Markdown link becomes "text (url)", since drafts are plain text.
 */
export function restrictLinks(text: string, allowedUrls: Iterable<string | null | undefined>): RestrictedText {
  const allowed = allowList(allowedUrls); // canonicalLink is idempotent, so an allowList() result may be passed again
  const stripped: string[] = [];
  const strip = (link: string) => {
    if (!stripped.includes(link)) stripped.push(link);
    return LINK_REMOVED;
  };
  const run = (input: string): string =>
    scan(input, ({ kind, link, label }) => {
      if (!allowedBy(allowed, link)) return strip(link);
      if (kind !== 'markdown') return link;
      const shown = run(label ?? '').trim();
      return !shown || canonicalLink(shown) === canonicalLink(link) ? link : `${shown} (${link})`;
    });
  return { text: run(text), stripped };
}
