// Decides whether a message may get an automatic acknowledgement. Answering an auto-responder, a bounce or a list
// creates mail loops and spam complaints, so the guard errs towards silence: every rule that fires is reported, so a
// suppressed acknowledgement can always be explained to an agent.
import {
  decodeEncodedWords, extractAddresses, extractMailboxTokens, extractMessageIds, type RawHeaders,
} from './raw-headers.js';
import { foldAddress, foldedLocalPart } from './address-identity.js';
import {
  AUTOREPLY_HEADERS, AUTOREPLY_SUBJECT, BOUNCE_SUBJECT, BULK_PRECEDENCE, FEEDBACK_LOOP_SENDERS, LIST_HEADERS, NO_REPLY_LOCAL_PART, REPLY_FORWARD_PREFIX,
  REPORT_TYPES, SYSTEM_LOCAL_PARTS,
} from './guard-patterns.js';
import type { RecipientChoice } from './acknowledgement-recipient.js';
import type { SenderAuthVerdict } from './sender-trust.js';

export type SuppressionReason =
  | 'auto_submitted' | 'precedence_bulk' | 'list_mail' | 'auto_response_suppressed' | 'autoreply_header'
  | 'delivery_report' | 'failed_recipients' | 'system_sender' | 'empty_return_path' | 'no_sender'
  | 'own_address' | 'own_message_id' | 'case_already_acknowledged' | 'sender_rate_limit' | 'unparseable' | 'stale_message'
  | 'sender_not_authenticated' | 'acknowledged_in_other_mailbox' | 'forwarded_bounce' | 'sender_not_verified'
  | 'no_provable_recipient' | 'repeated_message';

/** What a mailbox does with a sender DMARC could not vouch for (mailboxes.dmarc_none_action / dmarc_temperror_action). */
export interface UnverifiedSenderPolicy {
  /** the From domain publishes no DMARC record */
  none: 'acknowledge' | 'withhold';
  /** DMARC could not be checked: DNS timed out, failed, or looks broken (the canary lookup failed) */
  temperror: 'acknowledge' | 'withhold';
}

export interface GuardInput {
  headers: RawHeaders;
  ourAddresses: string[];
  ourMessageIdDomain: string;
  caseAlreadyAcknowledged: boolean;
  acknowledgementsToSenderLast24h: number;
  maxAcknowledgementsPerSender24h: number;
  parseFailed?: boolean;
  /** How old the message is by its Date header, in hours; old mail (a first sync of a long-used mailbox) gets no acknowledgement. */
  ageHours?: number | null;
  maxAgeHours?: number;
  /** The sender-authentication verdict (src/mail/sender-auth.ts); one that withholds the acknowledgement suppresses it. */
  senderAuth?: Pick<SenderAuthVerdict, 'acknowledge' | 'reason' | 'dmarc' | 'fromDomain'> | null;
  /** The mailbox's policy for DMARC none/temperror; without one both acknowledge (the verdict's own rule). */
  unverifiedSenders?: UnverifiedSenderPolicy;
  /**
   * The SMTP envelope sender (MAIL FROM) when the message came through our listener: '' is the null sender `<>`,
   * which RFC 5321 section 4.5.5 reserves for bounces and RFC 3834 section 3.3 for automatic responses. null: unknown.
   */
  envelopeSender?: string | null;
  /** Who automatic mail would go to (src/domain/acknowledgement-recipient.ts); null: nobody we can stand behind. */
  recipient?: RecipientChoice | null;
  /** The same text from the same sender already reached a case today: a naive responder answering again. */
  repeatsEarlierMessage?: boolean;
}

export interface GuardDecision {
  acknowledge: boolean;
  reasons: { code: SuppressionReason; detail: string }[];
}

export const DEFAULT_MAX_ACKNOWLEDGEMENTS_PER_SENDER_24H = 5;

const DESCRIPTIONS: Record<SuppressionReason, string> = {
  auto_submitted: 'the message says it was sent automatically',
  precedence_bulk: 'the message is marked as bulk, list or junk mail',
  list_mail: 'the message came from a mailing list',
  auto_response_suppressed: 'the sender asked not to receive automatic replies',
  autoreply_header: 'the sender is an auto-responder',
  delivery_report: 'the message is a delivery or feedback report (a bounce)',
  failed_recipients: 'the message reports recipients that could not be reached (a bounce)',
  system_sender: 'the sender is a system or no-reply address',
  empty_return_path: 'the message has an empty return path, as bounces and auto-replies do',
  no_sender: 'the message has no usable sender address',
  own_address: 'the message comes from one of our own addresses',
  own_message_id: 'the message was sent by firstreply itself',
  case_already_acknowledged: 'the case has already been acknowledged',
  sender_rate_limit: 'the sender has reached the daily limit of acknowledgements',
  unparseable: 'the message could not be parsed',
  stale_message: 'the message is too old to acknowledge now',
  sender_not_authenticated: 'the sender failed authentication (DMARC), so the From address may be forged',
  acknowledged_in_other_mailbox: 'the same email also reached another of our mailboxes, which acknowledged it',
  forwarded_bounce: 'a person forwarded or answered a bounce: an agent reads it, but the quoted addresses get no automatic reply',
  repeated_message: 'the same text from the same sender arrived earlier today (an auto-responder answering again)',
  no_provable_recipient: 'the message names no From address, and a Reply-To alone is not proof of anyone',
  sender_not_verified: 'the sender could not be verified (no DMARC policy, or DNS failed) and this mailbox withholds automatic replies then',
};

export function describeSuppression(code: SuppressionReason): string {
  return DESCRIPTIONS[code] ?? code;
}

/** The keyword of a structured value, without comments and parameters: "Auto-Replied (x); p=1" -> "auto-replied". */
function keyword(value: string): string {
  return value.replace(/\([^)]*\)/g, ' ').split(';')[0]!.trim().toLowerCase();
}

export function decideAcknowledgement(input: GuardInput): GuardDecision {
  const h = input.headers.headers;
  const all = (name: string) => h.get(name) ?? [];
  const reasons: GuardDecision['reasons'] = [];
  const add = (code: SuppressionReason, rawDetail: string) => {
    // details quote headers; NUL cannot be stored in the JSON event column
    const detail = rawDetail.replace(/\u0000/g, '');
    const existing = reasons.find((r) => r.code === code);
    if (existing) existing.detail += `; ${detail}`;
    else reasons.push({ code, detail });
  };
  // Folded (case, NFKC, confusables): "suppоrt@" with a Cyrillic о is our support@ for this rule.
  // A relay the mailbox trusts (a web form) writes from noreply@ on the customer's behalf; its Reply-To is answered.
  const relayed = input.recipient?.why === 'reply_to_trusted_relay';
  const isSystemSender = (address: string) => {
    const local = foldedLocalPart(address);
    return SYSTEM_LOCAL_PARTS.some((re) => re.test(local)) && !(relayed && NO_REPLY_LOCAL_PART.test(local));
  };
  const ours = new Set(input.ourAddresses.map(foldAddress).filter(Boolean));

  for (const v of all('auto-submitted')) if (keyword(v) !== 'no') add('auto_submitted', `Auto-Submitted: ${v}`);
  for (const v of all('precedence')) if (BULK_PRECEDENCE.has(keyword(v))) add('precedence_bulk', `Precedence: ${v}`);
  for (const name of h.keys()) {
    if (name.startsWith('list-') || LIST_HEADERS.has(name)) add('list_mail', `${name} header`);
  }
  for (const v of all('x-auto-response-suppress')) {
    if (v.split(',').some((t) => !['', 'none'].includes(t.trim().toLowerCase()))) {
      add('auto_response_suppressed', `X-Auto-Response-Suppress: ${v}`);
    }
  }

  for (const name of AUTOREPLY_HEADERS) {
    for (const v of all(name)) if (!['no', 'false'].includes(keyword(v))) add('autoreply_header', `${name}: ${v}`);
  }
  for (const v of all('x-loop')) {
    const loop = foldAddress(v);
    if ([...ours].some((a) => a && loop.includes(a))) add('autoreply_header', `X-Loop: ${v}`);
  }
  for (const v of all('x-post-messageclass')) if (/autoresponder/i.test(v)) add('autoreply_header', `X-POST-MessageClass: ${v}`);
  for (const v of all('delivered-to')) if (keyword(v) === 'autoresponder') add('autoreply_header', `Delivered-To: ${v}`);
  for (const v of all('x-apple-action')) if (/vacation/i.test(v)) add('autoreply_header', `X-Apple-Action: ${v}`);
  const subject = decodeEncodedWords(all('subject')[0] ?? '').trim();
  if (AUTOREPLY_SUBJECT.test(subject) || subject.startsWith('AUTO:')) add('autoreply_header', `Subject: ${subject}`);

  const contentType = keyword(all('content-type')[0] ?? '');
  if (REPORT_TYPES.has(contentType)) add('delivery_report', `Content-Type: ${contentType}`);
  if (BOUNCE_SUBJECT.test(subject)) add('delivery_report', `Subject: ${subject}`);
  else if (REPLY_FORWARD_PREFIX.test(subject) && BOUNCE_SUBJECT.test(subject.replace(REPLY_FORWARD_PREFIX, ''))) {
    add('forwarded_bounce', `Subject: ${subject}`);
  }
  for (const v of all('x-failed-recipients')) add('failed_recipients', `X-Failed-Recipients: ${v}`);

  for (const name of ['from', 'sender', 'return-path']) {
    for (const token of all(name).flatMap(extractMailboxTokens)) {
      if (isSystemSender(token) || FEEDBACK_LOOP_SENDERS.has(foldAddress(token))) {
        add('system_sender', `${name}: ${token}`);
      }
    }
  }
  const returnPath = all('return-path')[0];
  if (returnPath !== undefined && ['', '<>'].includes(returnPath.replace(/\([^)]*\)|\s/g, ''))) {
    add('empty_return_path', `Return-Path: ${returnPath}`);
  }
  // The envelope is what the sending server said, not a header the sender wrote: a bounce or auto-reply relayed with
  // its Return-Path stripped still arrives with MAIL FROM:<>.
  if (input.envelopeSender === '') add('empty_return_path', 'SMTP envelope sender MAIL FROM:<>');
  else if (input.envelopeSender && isSystemSender(input.envelopeSender)) {
    add('system_sender', `MAIL FROM: ${input.envelopeSender}`);
  }

  const senders = [...all('from'), ...all('reply-to')].flatMap(extractAddresses);
  if (senders.length === 0) add('no_sender', 'no address in From or Reply-To');
  else if (input.recipient === null) add('no_provable_recipient', 'only a Reply-To address, no From');
  for (const a of senders) if (ours.has(foldAddress(a))) add('own_address', `sender ${a} is ours`);

  // Only our own Message-ID counts: In-Reply-To pointing at us is a customer answering our mail, which is welcome.
  const domain = input.ourMessageIdDomain.trim().toLowerCase();
  for (const id of all('message-id').flatMap(extractMessageIds)) {
    if (domain && id.toLowerCase().endsWith(`@${domain}`)) add('own_message_id', `Message-ID: <${id}>`);
  }
  for (const name of h.keys()) if (name.startsWith('x-firstreply-')) add('own_message_id', `${name} header`);

  if (input.caseAlreadyAcknowledged) add('case_already_acknowledged', 'an acknowledgement was already sent for this case');
  const max = Number.isFinite(input.maxAcknowledgementsPerSender24h)
    ? input.maxAcknowledgementsPerSender24h
    : DEFAULT_MAX_ACKNOWLEDGEMENTS_PER_SENDER_24H;
  if (input.acknowledgementsToSenderLast24h >= max) {
    add('sender_rate_limit', `${input.acknowledgementsToSenderLast24h} acknowledgements in 24 h, limit ${max}`);
  }
  if (input.repeatsEarlierMessage) add('repeated_message', 'an earlier message from this sender today has the same text');
  if (input.parseFailed) add('unparseable', 'the message could not be parsed');
  if (input.ageHours != null && input.maxAgeHours != null && input.ageHours > input.maxAgeHours) {
    add('stale_message', `written ${Math.round(input.ageHours)} h ago, limit ${input.maxAgeHours} h`);
  }
  if (input.senderAuth && !input.senderAuth.acknowledge) {
    const auth = input.senderAuth;
    add('sender_not_authenticated', auth.reason ?? `DMARC ${auth.dmarc} for ${auth.fromDomain || 'the sender'}`);
  } else if (input.senderAuth && input.unverifiedSenders) {
    const { dmarc, fromDomain } = input.senderAuth;
    const domain = fromDomain || 'the sender';
    if (dmarc === 'temperror' && input.unverifiedSenders.temperror === 'withhold') {
      const reason = input.senderAuth.reason;
      add('sender_not_verified', reason?.startsWith('not verified') ? reason : `not verified: DNS failed for ${domain}${reason ? ` (${reason})` : ''}`);
    } else if (dmarc === 'none' && fromDomain && input.unverifiedSenders.none === 'withhold') {
      add('sender_not_verified', `not verified: ${domain} publishes no DMARC policy`);
    }
  }

  return { acknowledge: reasons.length === 0, reasons };
}
