// Who automatic mail (the acknowledgement, the SLA "still on it" update) may go to. Sender authentication vouches for
// the From domain only; Reply-To is whatever the sender typed. Answering a Reply-To on a stranger's domain lets anyone
// make us mail a victim of their choice (backscatter), one new victim per message, past every per-sender cap. So we
// answer only an address we can stand behind, and say which one and why.
import { getDomain } from 'tldts';
import { foldAddress } from './address-identity.js';

export type RecipientWhy = 'from' | 'reply_to_same_domain' | 'reply_to_trusted_relay' | 'reply_to_not_trusted';

export interface RecipientChoice {
  address: string;
  why: RecipientWhy;
  /**
   * Whether the address is proven: DMARC passed for the From domain (or sender checks are off, the admin's choice).
   * An unproven address still gets a short acknowledgement, but without the customer's subject or name: those are
   * the sender's words, and echoing them to someone who may never have written to us makes us a spam relay.
   */
  proven: boolean;
  /** the Reply-To that was not used, for the agent */
  ignoredReplyTo?: string;
}

export interface RecipientInput {
  from: string | null;
  replyTo: string | null;
  /** mailbox setting: addresses ("noreply@shop.example") or domains ("shop.example") whose Reply-To is honoured */
  trustedRelays: readonly string[];
  /** the DMARC result for the From domain; 'skipped' when sender authentication is off */
  dmarc: string | null;
  authSkipped: boolean;
}

const WHY_TEXT: Record<RecipientWhy, string> = {
  from: 'the From address',
  reply_to_same_domain: "the Reply-To address, on the From address's own domain",
  reply_to_trusted_relay: 'the Reply-To address, given by a relay this mailbox trusts',
  reply_to_not_trusted: 'the From address: the Reply-To is on another domain and the sender is not a trusted relay',
};

export function describeRecipientChoice(why: RecipientWhy): string {
  return WHY_TEXT[why] ?? why;
}

function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at >= 0 ? address.slice(at + 1).replace(/\.$/, '') : '';
}

/** The organisational domain (public suffix list: shop.co.uk for a.shop.co.uk); the domain itself when unknown. */
export function organisationalDomain(domain: string): string {
  const d = domain.toLowerCase();
  return getDomain(d, { allowPrivateDomains: false }) ?? d;
}

function isTrustedRelay(from: string, relays: readonly string[]): boolean {
  const folded = foldAddress(from);
  const domain = domainOf(folded);
  return relays.some((entry) => {
    const e = foldAddress(entry).replace(/^@/, '');
    if (!e) return false;
    return e.includes('@') ? e === folded : e === domain;
  });
}

export function chooseAcknowledgementRecipient(input: RecipientInput): RecipientChoice | null {
  const { from, replyTo } = input;
  const proven = input.authSkipped || input.dmarc === 'pass';
  if (!from) return null; // no From: nobody stands behind a Reply-To either
  if (!replyTo || foldAddress(replyTo) === foldAddress(from)) return { address: from, why: 'from', proven };
  const sameOrg = organisationalDomain(domainOf(foldAddress(replyTo))) === organisationalDomain(domainOf(foldAddress(from)));
  if (sameOrg) return { address: replyTo, why: 'reply_to_same_domain', proven };
  // A relay is trusted only when its own From is proven: otherwise anyone could forge the relay's address.
  if (proven && isTrustedRelay(from, input.trustedRelays)) return { address: replyTo, why: 'reply_to_trusted_relay', proven };
  return { address: from, why: 'reply_to_not_trusted', proven, ignoredReplyTo: replyTo };
}
