// Whether the sender of a message is who the From header says, as far as SPF, DKIM and DMARC can tell, and what that
// means for the automatic acknowledgement. Pure: the DNS work lives in src/mail/sender-auth.ts; this file holds the
// decision rule and the Authentication-Results reader, so both can be tested by table.

export type AuthResult = 'pass' | 'fail' | 'softfail' | 'neutral' | 'none' | 'temperror' | 'permerror' | 'unknown';
export type DmarcPolicy = 'none' | 'quarantine' | 'reject';
/** verified: checked here with DNS; header: read from the receiving MTA's Authentication-Results; skipped: off. */
export type AuthMethod = 'verified' | 'header' | 'skipped';

export interface SenderAuthResults {
  spf: AuthResult;
  dkim: AuthResult;
  dmarc: AuthResult;
  /** The policy the From domain publishes (sp= for a subdomain covered by its organisation's record). */
  dmarcPolicy?: DmarcPolicy;
  /** The From domain DMARC was evaluated for ('' when the message has no From address). */
  fromDomain: string;
  method: AuthMethod;
  /** Context for the agent, appended to the reason: "SPF not checked: the connecting IP is unknown". */
  detail?: string;
}

/** A plain, JSON-serialisable object: it can be stored in a case event as is. */
export interface SenderAuthVerdict extends SenderAuthResults {
  acknowledge: boolean;
  /** A sentence for the agent; absent when DMARC passed or the check is off and nothing else is worth saying. */
  reason?: string;
}

const AUTH_RESULTS = new Set<AuthResult>(['pass', 'fail', 'softfail', 'neutral', 'none', 'temperror', 'permerror']);
const POLICIES = new Set<DmarcPolicy>(['none', 'quarantine', 'reject']);

/**
 * The decision rule. Only a DMARC failure withholds the acknowledgement, and it does so whatever the published policy:
 * DMARC fails when neither an aligned DKIM signature nor an aligned SPF pass vouches for the From domain, so the From
 * address may belong to someone who never wrote to us, and an acknowledgement would be backscatter to that person.
 * p=none only asks receivers to still deliver the message (it is: the case is opened for an agent); it does not make
 * an automatic reply to an unproven address any safer. Everything else acknowledges: no DMARC record (most small
 * senders) proves nothing either way, and DNS trouble is ours, not the sender's fault, so it is recorded, not punished.
 */
export function decideSenderTrust(results: SenderAuthResults): SenderAuthVerdict {
  const domain = results.fromDomain || 'the sender';
  const policy = results.dmarcPolicy ? ` (policy ${results.dmarcPolicy})` : '';
  const withDetail = (sentence: string) => (results.detail ? `${sentence}; ${results.detail}` : sentence);
  const verdict = (acknowledge: boolean, sentence?: string): SenderAuthVerdict => {
    const reason = sentence ? withDetail(sentence) : results.detail;
    return { ...results, acknowledge, ...(reason ? { reason } : {}) };
  };

  if (results.method === 'skipped') return verdict(true, 'sender authentication is turned off');
  switch (results.dmarc) {
    case 'fail':
      return verdict(false, `DMARC failed for ${domain}${policy}: the sender may be forged`);
    case 'pass':
      return verdict(true);
    case 'temperror':
      // whether it is acknowledged is the mailbox's choice (dmarc_temperror_action, applied by the guard)
      return verdict(true, `DMARC could not be checked for ${domain} because of a DNS error: not verified, DNS failed`);
    case 'permerror':
      return verdict(true, `${domain} publishes a broken DMARC record; acknowledged anyway`);
    case 'none':
      return verdict(true, results.fromDomain
        ? `${domain} publishes no DMARC policy, so the sender is not proven`
        : 'the message names no From domain, so DMARC does not apply');
    default:
      return verdict(true, `the DMARC result for ${domain} is unknown; acknowledged anyway`);
  }
}

/** Folds several DMARC outcomes (one per From domain) into one: any failure fails, and only all passes pass. */
export function worstDmarc(results: AuthResult[]): AuthResult {
  for (const r of ['fail', 'temperror', 'permerror', 'unknown', 'none', 'neutral', 'softfail'] as const) {
    if (results.includes(r)) return r;
  }
  return results.length > 0 ? 'pass' : 'none';
}

/** A result keyword from any source, narrowed to the verdict's vocabulary. */
export function normaliseResult(value: string | undefined): AuthResult {
  const v = (value ?? '').trim().toLowerCase();
  if (AUTH_RESULTS.has(v as AuthResult)) return v as AuthResult;
  if (v === 'hardfail') return 'fail';
  if (v === 'temperr') return 'temperror';
  if (v === 'permerr') return 'permerror';
  // Microsoft writes dmarc=bestguesspass when the domain has no DMARC record.
  if (v === 'bestguesspass') return 'none';
  // DKIM "policy": the signature verified but a local rule (a weak key) refused it; it vouches for nothing.
  if (v === 'policy') return 'neutral';
  return 'unknown';
}

export function normalisePolicy(value: string | undefined): DmarcPolicy | undefined {
  const v = (value ?? '').trim().toLowerCase();
  return POLICIES.has(v as DmarcPolicy) ? (v as DmarcPolicy) : undefined;
}

// ---------------------------------------------------------------------------------------------------------------------
// Authentication-Results (RFC 8601)

export interface AuthResInfo {
  method: string;
  result: string;
  /** Text of the comments inside this result, e.g. "p=REJECT sp=REJECT dis=NONE". */
  comment: string;
  /** ptype.property=value pairs, keys lower-cased: { 'header.from': 'example.com', 'smtp.mailfrom': '...' }. */
  props: Record<string, string>;
}

export interface AuthenticationResults {
  authservId: string;
  results: AuthResInfo[];
}

/** Splits a header value on `sep` outside comments and quoted strings, and collects the comments of each piece. */
function splitStructured(value: string, sep: string): { text: string; comment: string }[] {
  const pieces: { text: string; comment: string }[] = [];
  let text = '';
  let comment = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\' && (depth > 0 || quoted)) {
      const next = value[++i] ?? '';
      if (depth > 0) comment += next;
      else text += c + next;
      continue;
    }
    if (depth > 0) {
      if (c === '(') depth++;
      else if (c === ')') depth--;
      if (depth > 0) comment += c;
      else comment += ' ';
      continue;
    }
    if (quoted) {
      text += c;
      if (c === '"') quoted = false;
      continue;
    }
    if (c === '"') {
      quoted = true;
      text += c;
    } else if (c === '(') {
      depth = 1;
      text += ' ';
    } else if (c === sep) {
      pieces.push({ text, comment });
      text = '';
      comment = '';
    } else {
      text += c;
    }
  }
  pieces.push({ text, comment });
  return pieces.map((p) => ({ text: p.text.replace(/\s+/g, ' ').trim(), comment: p.comment.replace(/\s+/g, ' ').trim() }));
}

const unquote = (v: string) => (v.startsWith('"') && v.endsWith('"') && v.length >= 2 ? v.slice(1, -1).replace(/\\(.)/g, '$1') : v);

/** Reads one Authentication-Results value; null when it has no authserv-id. Never throws. */
export function parseAuthenticationResults(value: string): AuthenticationResults | null {
  try {
    const [head, ...rest] = splitStructured(value, ';');
    const authservId = (head?.text.split(' ')[0] ?? '').toLowerCase();
    if (!authservId) return null;
    const results: AuthResInfo[] = [];
    for (const piece of rest) {
      const m = /^([a-z0-9_-]+)(?:\s*\/\s*\d+)?\s*=\s*([a-z0-9_-]+)\s*(.*)$/i.exec(piece.text);
      if (!m) continue; // "none", or something this reader does not understand
      const props: Record<string, string> = {};
      for (const p of m[3]!.matchAll(/([a-z0-9_-]+(?:\.[a-z0-9_-]+)*)\s*=\s*("(?:[^"\\]|\\.)*"|[^\s"]+)/gi)) {
        props[p[1]!.toLowerCase()] = unquote(p[2]!);
      }
      results.push({ method: m[1]!.toLowerCase(), result: m[2]!.toLowerCase(), comment: piece.comment, props });
    }
    return { authservId, results };
  } catch {
    return null;
  }
}

/**
 * The results our own receiving MTA recorded. Only headers whose authserv-id is ours count: any other
 * Authentication-Results header may have been written by the sender. Headers come top first, and for each method
 * the topmost header that reports it wins, because our MTA prepends its header above anything the sender wrote.
 * (RFC 8601 section 5 also requires the MTA to delete look-alikes carrying its own authserv-id.)
 */
export function resultsFromHeaders(
  headerValues: string[],
  authservId: string | undefined,
  fromHeaderDomain: string,
): SenderAuthResults {
  const id = (authservId ?? '').trim().toLowerCase();
  const base = { method: 'header' as const, fromDomain: fromHeaderDomain };
  if (!id) {
    return { ...base, spf: 'none', dkim: 'none', dmarc: 'none', detail: 'no AUTHSERV_ID is configured, so no Authentication-Results header can be trusted' };
  }
  const ours = headerValues.map(parseAuthenticationResults).filter((h): h is AuthenticationResults => h?.authservId === id);
  if (ours.length === 0) {
    return { ...base, spf: 'none', dkim: 'none', dmarc: 'none', detail: `no Authentication-Results header from ${id}` };
  }
  const first = (method: string) => ours.find((h) => h.results.some((r) => r.method === method))?.results.filter((r) => r.method === method) ?? [];

  const spf = first('spf')[0];
  const dkims = first('dkim');
  const dkim = dkims.some((r) => normaliseResult(r.result) === 'pass') ? 'pass' : normaliseResult(dkims[0]?.result ?? 'none');
  const dmarc = first('dmarc')[0];
  const policy = dmarc
    ? normalisePolicy(dmarc.props['policy.dmarc'] ?? /(?:^|\s)p=([a-z]+)/i.exec(dmarc.comment)?.[1])
    : undefined;
  return {
    ...base,
    spf: normaliseResult(spf?.result ?? 'none'),
    dkim,
    dmarc: normaliseResult(dmarc?.result ?? 'none'),
    ...(policy ? { dmarcPolicy: policy } : {}),
    fromDomain: (dmarc?.props['header.from'] ?? fromHeaderDomain).toLowerCase(),
  };
}
