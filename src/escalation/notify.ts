// Telling the team about an escalation: an e-mail through the outbox (idempotent per case and set of reasons) and
// an optional webhook, signed like Stripe's: header `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, so a
// receiver can check both who sent it and that it is fresh (no replays).
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { newMessageId } from '../domain/message-ids.js';
import type { Case } from '../db/schema/cases.js';
import type { Mailbox } from '../db/schema/mailboxes.js';
import type { outbox } from '../db/schema/outbox.js';
import { ESCALATION_LABELS, ESCALATION_SEVERITY, type EscalationReason } from '../domain/escalation/reasons.js';

export const SIGNATURE_HEADER = 'X-Firstreply-Signature';
export const DEFAULT_SIGNATURE_TOLERANCE_SECONDS = 300;

type NoticeCase = Pick<Case, 'id' | 'reference' | 'customerAddress' | 'customerName' | 'subject' | 'language' | 'firstReplyDueAt'>;

/** `path` under the public base URL (PUBLIC_BASE_URL, see publicBaseUrl in config.ts): links in mail must be absolute. */
export function absoluteUrl(baseUrl: string, path: string): string {
  return new URL(path.replace(/^\/*/, ''), `${baseUrl.replace(/\/+$/, '')}/`).toString();
}

/** A case in the web app, as a full URL under the public base URL. */
export const caseLink = (caseId: string, baseUrl: string) => absoluteUrl(baseUrl, `/app/cases/${encodeURIComponent(caseId)}`);

/** Customer-supplied text on one line, bounded: it ends up in a notification written by us. */
function oneLine(value: string | null | undefined, max = 200): string {
  const s = (value ?? '').replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim();
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

const bySeverity = (reasons: readonly EscalationReason[]) =>
  [...reasons].sort((a, b) => ESCALATION_SEVERITY[b.code] - ESCALATION_SEVERITY[a.code]);

/** Same case + same set of reasons = same key: the outbox's unique dedupe_key makes the notice go out once. */
export function escalationDedupeKey(caseId: string, reasons: readonly { code: string }[]): string {
  return `escalation:${caseId}:${[...new Set(reasons.map((r) => r.code))].sort().join(',')}`;
}

/** The outbox row that tells a team about an escalated case. Plain text, English (it goes to staff). */
export function escalationNoticeRow(input: {
  kase: NoticeCase;
  mailbox: Pick<Mailbox, 'address' | 'displayName'>;
  team: string;
  teamAddress: string;
  reasons: readonly EscalationReason[];
  messageIdDomain: string;
  inboundMessageId?: string | null;
  /** public base URL of the web app, e.g. https://support.example.com (publicBaseUrl(config)) */
  appUrl: string;
}): typeof outbox.$inferInsert {
  const { kase, mailbox } = input;
  const reasons = bySeverity(input.reasons);
  if (reasons.length === 0) throw new Error('an escalation notice needs at least one reason');
  const labels = [...new Set(reasons.map((r) => ESCALATION_LABELS[r.code] ?? r.code))];
  const customer = kase.customerName ? `${oneLine(kase.customerName, 100)} <${kase.customerAddress}>` : kase.customerAddress;
  const text = [
    `Case ${kase.reference} has been escalated to the ${oneLine(input.team, 64)} team.`,
    '',
    `Customer: ${customer}`,
    `Subject:  ${oneLine(kase.subject) || '(no subject)'}`,
    `Mailbox:  ${oneLine(mailbox.displayName, 100)} <${mailbox.address}>`,
    `Language: ${kase.language}`,
    `Reply due: ${kase.firstReplyDueAt.toISOString().replace('T', ' ').slice(0, 16)} UTC`,
    '',
    'Why:',
    ...reasons.map((r) => `- ${ESCALATION_LABELS[r.code] ?? r.code}: ${oneLine(r.detail, 300)}`),
    '',
    `Open the case: ${caseLink(kase.id, input.appUrl)}`,
    '',
    '-- ',
    'Sent automatically by firstreply. Answer the customer from the case, not by replying to this message.',
    '',
  ].join('\n');
  return {
    caseId: kase.id,
    inboundMessageId: input.inboundMessageId ?? null,
    kind: 'notification',
    messageId: newMessageId('esc', kase.reference, input.messageIdDomain),
    fromAddress: mailbox.address,
    fromName: mailbox.displayName,
    toAddress: input.teamAddress,
    subject: `[${kase.reference}] Escalated: ${labels.join(', ')}`,
    textBody: text,
    headers: {
      'Auto-Submitted': 'auto-generated',
      'X-Auto-Response-Suppress': 'All',
      'Content-Language': 'en',
      'X-Firstreply-Case': kase.reference,
      'X-Firstreply-Escalation': reasons.map((r) => r.code).join(', '),
    },
    dedupeKey: escalationDedupeKey(kase.id, reasons),
  };
}

/** The JSON body of the escalation webhook. */
export function escalationWebhookPayload(input: {
  kase: NoticeCase & { status?: string };
  team: string;
  reasons: readonly EscalationReason[];
  at?: Date;
  appUrl: string;
}) {
  const { kase } = input;
  return {
    event: 'case.escalated' as const,
    occurredAt: (input.at ?? new Date()).toISOString(),
    team: input.team,
    case: {
      id: kase.id,
      reference: kase.reference,
      status: kase.status ?? 'escalated',
      subject: kase.subject,
      language: kase.language,
      customer: { address: kase.customerAddress, name: kase.customerName },
      firstReplyDueAt: kase.firstReplyDueAt.toISOString(),
      link: caseLink(kase.id, input.appUrl),
    },
    reasons: bySeverity(input.reasons).map((r) => ({ code: r.code, label: ESCALATION_LABELS[r.code] ?? r.code, detail: r.detail })),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Signatures

const hmac = (secret: string, timestamp: number, body: string) =>
  createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');

/** The signature header value for `body` sent at `timestamp` (unix seconds). */
export function signWebhook(body: string, secret: string, timestamp: number): string {
  const t = Math.floor(timestamp);
  return `t=${t},v1=${hmac(secret, t, body)}`;
}

export type SignatureCheck = { valid: true; reason: null } | { valid: false; reason: 'malformed' | 'stale' | 'mismatch' };

/**
 * Checks a signature header against the raw request body. Several v1 values are allowed (secret rotation: the
 * sender signs with old and new); the timestamp must be within `toleranceSeconds` of `now` (either direction).
 */
export function checkWebhookSignature(
  header: string | null | undefined,
  body: string,
  secret: string,
  toleranceSeconds = DEFAULT_SIGNATURE_TOLERANCE_SECONDS,
  now: number | Date = new Date(),
): SignatureCheck {
  let timestamp: number | null = null;
  const signatures: string[] = [];
  for (const part of (header ?? '').split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) signatures.push(value.toLowerCase());
  }
  if (timestamp === null || signatures.length === 0) return { valid: false, reason: 'malformed' };
  const nowSeconds = now instanceof Date ? now.getTime() / 1000 : now;
  if (!(Math.abs(nowSeconds - timestamp) <= toleranceSeconds)) return { valid: false, reason: 'stale' };
  const expected = Buffer.from(hmac(secret, timestamp, body), 'hex');
  const ok = signatures.some((s) => timingSafeEqual(Buffer.from(s, 'hex'), expected));
  return ok ? { valid: true, reason: null } : { valid: false, reason: 'mismatch' };
}

export function verifyWebhookSignature(
  header: string | null | undefined,
  body: string,
  secret: string,
  toleranceSeconds = DEFAULT_SIGNATURE_TOLERANCE_SECONDS,
  now: number | Date = new Date(),
): boolean {
  return checkWebhookSignature(header, body, secret, toleranceSeconds, now).valid;
}

// ---------------------------------------------------------------------------------------------------------------
// Delivery

export interface WebhookDeliveryOptions {
  /** per attempt, until the response headers arrive (default 5000) */
  timeoutMs?: number;
  /** attempts in total, the first included (default 3) */
  attempts?: number;
  /** backoff before retry n is baseDelayMs * 2^(n-1), jittered down to half, capped at maxDelayMs (default 500) */
  baseDelayMs?: number;
  maxDelayMs?: number;
  fetch?: typeof fetch;
  /** sent as X-Firstreply-Delivery, the same on every attempt, so receivers can drop duplicates */
  deliveryId?: string;
  /** unix milliseconds; for tests */
  now?: () => number;
}

export interface WebhookDeliveryResult {
  delivered: boolean;
  attempts: number;
  /** the last HTTP status, null when no response arrived */
  status: number | null;
  error: string | null;
  /** whether a later attempt may succeed (false: the receiver rejected it, or the target is refused) */
  retryable: boolean;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function failure(err: unknown): string {
  const e = err as { message?: string; cause?: { code?: string; message?: string } };
  return e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(err);
}

/**
 * POSTs `payload` as JSON, signed with `secret`. Retries network errors, timeouts, 5xx, 408 and 429 with
 * exponential backoff; any other 4xx (and a redirect, which is not followed) fails at once: the receiver rejected it.
 */
export async function deliverWebhook(
  url: string,
  secret: string,
  payload: unknown,
  options: WebhookDeliveryOptions = {},
): Promise<WebhookDeliveryResult> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const attempts = Math.max(1, Math.floor(options.attempts ?? 3));
  const baseDelayMs = options.baseDelayMs ?? 500;
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  const fetchFn = options.fetch ?? globalThis.fetch;
  const now = options.now ?? Date.now;
  const deliveryId = options.deliveryId ?? randomUUID();
  try {
    if (!['http:', 'https:'].includes(new URL(url).protocol)) throw new Error('not http(s)');
  } catch {
    return { delivered: false, attempts: 0, status: null, error: `unsupported webhook URL: ${url}`, retryable: false };
  }
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const event = (payload as { event?: unknown } | null)?.event;

  let status: number | null = null;
  let error: string | null = null;
  let retryable = false;
  let attempt = 0;
  while (attempt < attempts) {
    attempt++;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    try {
      const res = await fetchFn(url, {
        method: 'POST',
        body,
        redirect: 'manual',
        signal: controller.signal,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'firstreply-webhook/1',
          [SIGNATURE_HEADER]: signWebhook(body, secret, now() / 1000),
          'X-Firstreply-Delivery': deliveryId,
          'X-Firstreply-Attempt': String(attempt),
          ...(typeof event === 'string' ? { 'X-Firstreply-Event': event } : {}),
        },
      });
      status = res.status;
      await res.body?.cancel().catch(() => {});
      if (status >= 200 && status < 300) return { delivered: true, attempts: attempt, status, error: null, retryable: false };
      error = status >= 300 && status < 400 ? `HTTP ${status} (redirects are not followed)` : `HTTP ${status}`;
      retryable = status >= 500 || status === 408 || status === 429;
    } catch (err) {
      status = null;
      error = timedOut ? `timed out after ${timeoutMs} ms` : failure(err);
      // a refused target (a private address, see webhook-target.ts) stays refused
      const e = err as { retryable?: unknown; cause?: { retryable?: unknown } };
      retryable = e?.retryable !== false && e?.cause?.retryable !== false;
    } finally {
      clearTimeout(timer);
    }
    if (!retryable || attempt >= attempts) break;
    const delay = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
    await sleep(delay);
  }
  return { delivered: false, attempts: attempt, status, error, retryable };
}
