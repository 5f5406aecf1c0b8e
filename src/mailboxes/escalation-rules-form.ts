// The escalation rules as a form: one field per rule, each beside its built-in default. The form's text becomes the
// rules document an operator would write (only what differs from the defaults is stored), and the schema's errors
// come back on the field they belong to.
import {
  DEFAULT_ESCALATION_RULES, DEFAULT_TEAM_BY_REASON, ESCALATION_REASON_CODES, PHRASE_REASON_CODES, type EscalationReasonCode,
  type EscalationRulesInput, type PhraseReasonCode,
} from '../domain/escalation-rules.js';

export interface RulesFormValues {
  /** the reasons switched on */
  enabled: string[];
  vipAddresses: string; vipDomains: string; defaultTeam: string;
  /** reason → team ('' = the default team, or the built-in route) */
  teamByReason: Partial<Record<EscalationReasonCode, string>>;
  /** "team = address" per line */
  teamAddresses: string;
  webhookUrl: string;
  /** '' keeps the secret already stored */
  webhookSecret: string;
  maxCustomerMessages: string;
  /** reason → one phrase per line, "de: phrase" for one language, else every language */
  extraPhrases: Partial<Record<PhraseReasonCode, string>>;
}

const lines = (v: string) => v.split(/[\r\n,]+/).map((s) => s.trim()).filter(Boolean);

/** The stored document as the form shows it (a document that no longer validates still shows what it says). */
export function rulesFormOf(stored: Record<string, unknown> | null): RulesFormValues & { hasSecret: boolean } {
  const r = (stored ?? {}) as EscalationRulesInput & Record<string, unknown>;
  const enabled = ESCALATION_REASON_CODES.filter((c) => r.enabled?.[c] !== false);
  const phrases = Object.fromEntries(Object.entries(r.extraPhrases ?? {}).map(([reason, byLanguage]) => [reason,
    Object.entries(byLanguage ?? {}).flatMap(([lang, list]) => (list ?? []).map((p) => (lang === '*' ? p : `${lang}: ${p}`))).join('\n')]));
  return {
    enabled, vipAddresses: (r.vipAddresses ?? []).join('\n'), vipDomains: (r.vipDomains ?? []).join('\n'), defaultTeam: r.defaultTeam ?? '',
    teamByReason: { ...(r.teamByReason ?? {}) }, teamAddresses: Object.entries(r.teamAddresses ?? {}).map(([t, a]) => `${t} = ${a}`).join('\n'),
    webhookUrl: r.webhookUrl ?? '', webhookSecret: '', hasSecret: typeof r.webhookSecret === 'string',
    maxCustomerMessages: r.maxCustomerMessages === undefined ? '' : String(r.maxCustomerMessages), extraPhrases: phrases,
  };
}

/** A form field's name for an issue path of the rules schema (e.g. teamByReason.complaint → team-complaint). */
export function rulesField(path: readonly PropertyKey[]): string {
  const [head, key] = path.map(String);
  if (head === 'teamByReason' && key) return `team-${key}`;
  if (head === 'extraPhrases' && key) return `phrases-${key}`;
  return head ?? 'rules';
}

/**
 * The rules document from the form. Unparseable lines are kept as they are so the schema names them; the stored
 * webhook secret is kept when the field is left empty.
 */
export function rulesInputOf(v: RulesFormValues, stored: Record<string, unknown> | null): Record<string, unknown> {
  const doc: Record<string, unknown> = {};
  const off = ESCALATION_REASON_CODES.filter((c) => !v.enabled.includes(c));
  if (off.length) doc.enabled = Object.fromEntries(off.map((c) => [c, false]));
  if (lines(v.vipAddresses).length) doc.vipAddresses = lines(v.vipAddresses);
  if (lines(v.vipDomains).length) doc.vipDomains = lines(v.vipDomains);
  if (v.defaultTeam.trim()) doc.defaultTeam = v.defaultTeam.trim();
  const routes = Object.entries(v.teamByReason).filter(([reason, t]) => t?.trim() && t.trim().toLowerCase() !== DEFAULT_TEAM_BY_REASON[reason as EscalationReasonCode]);
  if (routes.length) doc.teamByReason = Object.fromEntries(routes.map(([reason, t]) => [reason, t!.trim()]));
  const addresses = v.teamAddresses.split(/[\r\n]+/).map((l) => l.trim()).filter(Boolean);
  if (addresses.length) doc.teamAddresses = Object.fromEntries(addresses.map((l) => { const [t, ...a] = l.split('='); return [t!.trim(), a.join('=').trim()]; }));
  if (v.webhookUrl.trim()) doc.webhookUrl = v.webhookUrl.trim();
  const secret = v.webhookSecret || (stored as { webhookSecret?: string } | null)?.webhookSecret;
  if (secret && v.webhookUrl.trim()) doc.webhookSecret = secret;
  const max = v.maxCustomerMessages.trim();
  if (max) doc.maxCustomerMessages = /^\d{1,6}$/.test(max) ? Number(max) : max;
  const phrases: Record<string, Record<string, string[]>> = {};
  for (const reason of PHRASE_REASON_CODES) {
    for (const line of (v.extraPhrases[reason] ?? '').split(/[\r\n]+/).map((l) => l.trim()).filter(Boolean)) {
      const m = /^([a-z]{2,3}|\*):\s*(.+)$/.exec(line);
      const [lang, phrase] = m ? [m[1]!, m[2]!] : ['*', line];
      ((phrases[reason] ??= {})[lang] ??= []).push(phrase);
    }
  }
  if (Object.keys(phrases).length) doc.extraPhrases = phrases;
  return doc;
}

/** What each field falls back to when left empty, as the form shows it. */
export const RULE_DEFAULTS = {
  defaultTeam: DEFAULT_ESCALATION_RULES.defaultTeam,
  maxCustomerMessages: String(DEFAULT_ESCALATION_RULES.maxCustomerMessages),
  teamFor: (reason: EscalationReasonCode) => DEFAULT_TEAM_BY_REASON[reason] ?? null,
};

/** The verb's field errors (paths like rules.vipAddresses.2) on the form's fields, naming the line at fault. */
export function rulesErrors(fields: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [path, message] of Object.entries(fields)) {
    const parts = path.split('.').slice(path.startsWith('rules.') ? 1 : 0);
    const index = ['vipAddresses', 'vipDomains'].includes(parts[0]!) && /^\d+$/.test(parts[1] ?? '') ? `line ${Number(parts[1]) + 1}: ` : '';
    out[rulesField(parts)] ??= `${index}${message}`;
  }
  return out;
}
