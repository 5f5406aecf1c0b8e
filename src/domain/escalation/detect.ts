// Decides whether a case goes to humans, and why. Pure: the caller supplies the customer's own words (quoted
// history already stripped), the knowledge-base match and the mailbox's rules; every reason that fires is reported
// with a sentence an agent understands, quoting what matched, so an escalation can always be explained.
import type { EscalationReasonCode, EscalationRules } from '../escalation-rules.js';
import { fold, MAX_SCAN_CHARS, quote } from './fold.js';
import { NEGATIVE_SENTIMENT_THRESHOLD } from './lexicon/sentiment.js';
import { BUILT_IN, extraRegex, findPhrase, MATCH_REASONS, NEGATABLE, type MatchReason } from './phrases.js';
import { ESCALATION_SEVERITY, escalationTeam, type EscalationReason } from './reasons.js';
import { scoreNegativeSentiment } from './sentiment.js';

export interface EscalationInput {
  subject: string;
  /** the customer's own words (customerText(): subject + body without quoted history and signatures) */
  text: string;
  /**
   * detected language. Every language's lexicon is applied whatever it says (short messages are often mis-detected
   * and customers mix languages); kept so callers pass it and rules can use it.
   */
  language: string;
  fromAddress: string | null;
  /** the customer's messages in this case, this one included */
  customerMessageCount: number;
  /** the knowledge-base match; null when none was made (no reason is claimed then) */
  match: { escalate: boolean; confidence: number; threshold: number; reason?: string | null } | null;
  rules: EscalationRules;
}

export interface EscalationDecision {
  /** most severe first; empty = no escalation */
  reasons: EscalationReason[];
  /** the team of the most severe reason that has a route (rules.teamByReason), else rules.defaultTeam */
  team: string;
}

const REPLY_PREFIX = /^\s*((re|fw|fwd|aw|wg|tr|rv|enc|res|sv|ответ|отв|回复|回覆|答复|转发|轉寄|balas|trs)\s?(\[\d+\])?\s?[:：]\s*)+/iu;
const REFERENCE_TAG = /\[[A-Z]{1,10}-[A-Z0-9]{3,}\]/g;

/** Subject and text once: customerText() already starts with the subject, which must not be counted twice. */
function scanText(subject: string, text: string): string {
  const s = (subject ?? '').replace(REFERENCE_TAG, ' ').replace(REPLY_PREFIX, '').replace(/\s+/g, ' ').trim();
  const t = text ?? '';
  const combined = !s || t.replace(/\s+/g, ' ').includes(s) ? t : `${s}\n${t}`;
  return combined.slice(0, MAX_SCAN_CHARS);
}

function joinQuotes(quotes: string[], max = 60): string {
  const out: string[] = [];
  let length = 0;
  for (const q of quotes) {
    if (!q || out.includes(`"${q}"`)) continue;
    const piece = `"${q}"`;
    if (out.length > 0 && length + piece.length + 2 > max) break;
    out.push(piece);
    length += piece.length + 2;
  }
  return out.join(', ');
}

function senderAddress(from: string | null): string | null {
  if (!from) return null;
  const bracketed = /<([^<>]+)>/.exec(from)?.[1];
  const address = (bracketed ?? from).trim().toLowerCase();
  return /^[^@\s]+@[^@\s]+$/.test(address) ? address : null;
}

const PHRASE_DETAIL: Record<MatchReason, string> = {
  asks_for_human: 'The customer asks for a person',
  complaint: 'The customer makes a complaint',
  legal_threat: 'The customer mentions legal action',
  cancellation_threat: 'The customer threatens to leave or cancel',
  prompt_injection: 'The message contains instructions aimed at an AI or the system',
};

export function detectEscalation(input: EscalationInput): EscalationDecision {
  const { rules } = input;
  const on = (code: EscalationReasonCode) => rules.enabled[code] !== false;
  const reasons: EscalationReason[] = [];

  if (on('no_confident_article') && input.match?.escalate) {
    const m = input.match;
    reasons.push({
      code: 'no_confident_article',
      detail: m.reason === 'empty_knowledge_base'
        ? 'The knowledge base has no articles to answer with yet.'
        : m.reason === 'no_article_in_language'
        ? `No knowledge-base article is written in the customer's language (${input.language}).`
        : `No knowledge-base article is confident enough (confidence ${m.confidence.toFixed(2)}, threshold ${m.threshold.toFixed(2)}).`,
    });
  }

  const f = fold(scanText(input.subject, input.text));
  for (const code of MATCH_REASONS) {
    if (!on(code)) continue;
    const hit = findPhrase(f, [BUILT_IN[code], extraRegex(rules, code)], NEGATABLE.has(code));
    if (hit) reasons.push({ code, detail: `${PHRASE_DETAIL[code]}: "${quote(f, hit.start, hit.end)}".` });
  }

  if (on('negative_sentiment')) {
    const { score, hits } = scoreNegativeSentiment(f.original, extraRegex(rules, 'negative_sentiment'));
    if (score >= NEGATIVE_SENTIMENT_THRESHOLD) {
      reasons.push({
        code: 'negative_sentiment',
        detail: `Strongly negative wording (score ${Number(score.toFixed(1))}, threshold ${NEGATIVE_SENTIMENT_THRESHOLD}): ${joinQuotes(hits)}.`,
      });
    }
  }

  const sender = senderAddress(input.fromAddress);
  if (on('vip_sender') && sender) {
    const domain = sender.slice(sender.lastIndexOf('@') + 1);
    const vipDomain = rules.vipDomains.map((d) => d.toLowerCase()).find((d) => domain === d || domain.endsWith(`.${d}`));
    if (rules.vipAddresses.some((a) => a.trim().toLowerCase() === sender)) {
      reasons.push({ code: 'vip_sender', detail: `The sender ${sender} is on the VIP list.` });
    } else if (vipDomain) {
      reasons.push({ code: 'vip_sender', detail: `The sender ${sender} belongs to the VIP domain ${vipDomain}.` });
    }
  }

  if (on('repeated_contact') && input.customerMessageCount >= rules.maxCustomerMessages) {
    reasons.push({
      code: 'repeated_contact',
      detail: `The customer has written ${input.customerMessageCount} messages in this case (escalates from ${rules.maxCustomerMessages}).`,
    });
  }

  reasons.sort((a, b) => ESCALATION_SEVERITY[b.code] - ESCALATION_SEVERITY[a.code]);
  return { reasons, team: escalationTeam(reasons, rules) };
}
