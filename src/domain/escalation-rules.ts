// Per-mailbox escalation rules: which reasons hand a case to humans, who the VIPs are, which team gets which
// reason and where teams are notified. Stored as JSON (one document per mailbox) and validated here, once, with
// every field defaulted, so an empty document - or none at all - means "all rules on, built-in lexicons only".
import { z } from 'zod';

export const ESCALATION_REASON_CODES = [
  'no_confident_article', 'asks_for_human', 'negative_sentiment', 'complaint', 'legal_threat', 'cancellation_threat',
  'vip_sender', 'repeated_contact', 'prompt_injection', 'sla_breach',
] as const;
export type EscalationReasonCode = (typeof ESCALATION_REASON_CODES)[number];

/** The reasons detected from the customer's words; operators can add phrases to each of them. */
export const PHRASE_REASON_CODES = [
  'asks_for_human', 'negative_sentiment', 'complaint', 'legal_threat', 'cancellation_threat', 'prompt_injection',
] as const;
export type PhraseReasonCode = (typeof PHRASE_REASON_CODES)[number];

/**
 * Reasons that say the message is not a question for the knowledge base: a person is wanted, or the customer is
 * unhappy, threatening or steering. Its acknowledgement carries no article links (a link would say we did not read
 * it) and its question is no knowledge-gap candidate.
 */
export const NON_KNOWLEDGE_REASON_CODES: ReadonlySet<string> = new Set<EscalationReasonCode>([
  'asks_for_human', 'negative_sentiment', 'complaint', 'legal_threat', 'cancellation_threat', 'prompt_injection',
]);

export const DEFAULT_TEAM = 'support';
/** Merged under whatever a mailbox configures: a mailbox can re-route legal threats, not lose the route by accident. */
export const DEFAULT_TEAM_BY_REASON: Partial<Record<EscalationReasonCode, string>> = { legal_threat: 'legal' };
export const DEFAULT_MAX_CUSTOMER_MESSAGES = 3;

const team = z.string().trim().toLowerCase().min(1).max(64).regex(/^[\p{L}\p{N}][\p{L}\p{N} ._-]*$/u, 'expected a team name like "support"');
const address = z.string().trim().toLowerCase().pipe(z.email('expected an email address'));
const domain = z
  .string()
  .trim()
  .toLowerCase()
  .transform((d) => d.replace(/^(\*\.|@|\.)/, '').replace(/\.$/, ''))
  .pipe(z.string().regex(/^(?=.{1,253}$)([\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)*[\p{L}\p{N}-]{2,63}$/u, 'expected a domain like example.com'));
const httpUrl = z
  .string()
  .trim()
  .refine((v) => {
    try {
      return ['http:', 'https:'].includes(new URL(v).protocol);
    } catch {
      return false;
    }
  }, 'expected an http(s) URL');
/** One phrase in the lexicon syntax of escalation/lexicon/phrases.ts (plain words, `*` word ending, `~` up to 3 words). */
const phrase = z.string().trim().min(2).max(200);
const WHOLE_2_TO_1000 = 'expected a whole number from 2 to 1000';
const phraseLanguage = z.string().regex(/^([a-z]{2,3}|\*)$/, 'expected a language code like "en", or "*"');

const enabledShape = Object.fromEntries(ESCALATION_REASON_CODES.map((c) => [c, z.boolean().default(true)])) as {
  [K in EscalationReasonCode]: z.ZodDefault<z.ZodBoolean>;
};

export const escalationRulesSchema = z
  .strictObject({
    /** Each reason can be switched off for the mailbox; all are on by default. */
    enabled: z.strictObject(enabledShape).prefault({}),
    /** Senders whose mail always goes to a person. Compared case-insensitively. */
    vipAddresses: z.array(address).max(10_000).default([]),
    /** Domains whose senders are VIPs; subdomains count ("example.com" covers "eu.example.com"). */
    vipDomains: z.array(domain).max(10_000).default([]),
    defaultTeam: team.default(DEFAULT_TEAM),
    /** The team a reason routes to; the most severe routed reason decides. Merged over DEFAULT_TEAM_BY_REASON. */
    teamByReason: z
      .partialRecord(z.enum(ESCALATION_REASON_CODES), team)
      .default({})
      .transform((v): Partial<Record<EscalationReasonCode, string>> => ({ ...DEFAULT_TEAM_BY_REASON, ...v })),
    /** team -> address that gets the escalation notice. */
    teamAddresses: z
      .record(z.string(), address)
      .default({})
      .transform((v) => Object.fromEntries(Object.entries(v).map(([k, a]) => [k.trim().toLowerCase(), a])) as Record<string, string>),
    /** Optional webhook called for every escalation, signed with webhookSecret (see src/escalation/notify.ts). */
    webhookUrl: httpUrl.optional(),
    webhookSecret: z.string().min(16, 'expected a secret of at least 16 characters').max(512).optional(),
    /** The customer's n-th message in one case escalates it (repeated_contact). */
    maxCustomerMessages: z.number(WHOLE_2_TO_1000).int(WHOLE_2_TO_1000).min(2, WHOLE_2_TO_1000).max(1000, WHOLE_2_TO_1000).default(DEFAULT_MAX_CUSTOMER_MESSAGES),
    /** Phrases added to the built-in lexicons: reason -> language ("en", ..., or "*") -> phrases. */
    extraPhrases: z
      .partialRecord(z.enum(PHRASE_REASON_CODES), z.record(phraseLanguage, z.array(phrase).max(1000)))
      .default({}),
  })
  .superRefine((rules, ctx) => {
    if (rules.webhookUrl && !rules.webhookSecret) {
      ctx.addIssue({ code: 'custom', path: ['webhookSecret'], message: 'a webhookUrl needs a webhookSecret to sign its calls' });
    }
  });

export type EscalationRules = z.output<typeof escalationRulesSchema>;
/** What an operator writes (every field optional). */
export type EscalationRulesInput = z.input<typeof escalationRulesSchema>;

export class EscalationRulesError extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid escalation rules: ${issues.join('; ')}`);
    this.name = 'EscalationRulesError';
  }
}

/**
 * Validates a mailbox's rules: a JSON string, an already parsed object, or null/undefined (= the defaults).
 * Throws EscalationRulesError naming every wrong field.
 */
export function parseEscalationRules(json: unknown): EscalationRules {
  let value = json;
  if (typeof json === 'string') {
    if (json.trim() === '') value = null;
    else {
      try {
        value = JSON.parse(json);
      } catch (err) {
        throw new EscalationRulesError([`not JSON (${(err as Error).message})`]);
      }
    }
  }
  const result = escalationRulesSchema.safeParse(value ?? {});
  if (!result.success) {
    throw new EscalationRulesError(result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  }
  return result.data;
}

export const DEFAULT_ESCALATION_RULES: EscalationRules = parseEscalationRules(null);

/** Where a team's escalation notice goes: its own address, else the default team's, else `fallback` (e.g. the mailbox). */
export function teamAddressFor(rules: EscalationRules, team: string, fallback: string | null = null): string | null {
  const key = team.trim().toLowerCase();
  return rules.teamAddresses[key] ?? rules.teamAddresses[rules.defaultTeam] ?? fallback;
}
