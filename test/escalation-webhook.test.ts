import { createHmac } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EscalationReason } from '../src/domain/escalation/reasons.js';
import {
  checkWebhookSignature, deliverWebhook, escalationDedupeKey, escalationNoticeRow, escalationWebhookPayload, signWebhook,
  verifyWebhookSignature,
} from '../src/escalation/notify.js';

const SECRET = 'whsec_0123456789abcdef';

// A receiver as an integrator would write one: it checks the signature over the raw body, then answers as scripted.
type Answer = number | 'hang';
interface Received {
  body: string;
  signature: string;
  valid: boolean;
  delivery: string;
  attempt: string;
}
let server: Server;
let url: string;
let script: Answer[] = [];
let received: Received[] = [];
const hanging: ServerResponse[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const signature = String(req.headers['x-firstreply-signature'] ?? '');
      const valid = verifyWebhookSignature(signature, body, SECRET, 300, Date.now() / 1000);
      received.push({ body, signature, valid, delivery: String(req.headers['x-firstreply-delivery']), attempt: String(req.headers['x-firstreply-attempt']) });
      if (!valid) return void res.writeHead(401).end('bad signature');
      const answer = script.shift() ?? 200;
      if (answer === 'hang') return void hanging.push(res);
      res.writeHead(answer, { 'content-type': 'text/plain' }).end(String(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/firstreply`;
});
beforeEach(() => {
  script = [];
  received = [];
});
afterEach(() => {
  for (const res of hanging.splice(0)) res.destroy();
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const payload = { event: 'case.escalated', case: { reference: 'FR-7K3Q9X' }, reasons: [{ code: 'legal_threat' }] };
const fast = { baseDelayMs: 10, timeoutMs: 2000, attempts: 3 };

describe('deliverWebhook against a real HTTP receiver', () => {
  it('retries a 500 and delivers on the next attempt, signed each time, with one delivery id', async () => {
    script = [500, 200];
    const result = await deliverWebhook(url, SECRET, payload, fast);
    expect(result).toEqual({ delivered: true, attempts: 2, status: 200, error: null, retryable: false });
    expect(received).toHaveLength(2);
    expect(received.every((r) => r.valid)).toBe(true);
    expect(JSON.parse(received[1]!.body)).toEqual(payload);
    expect(new Set(received.map((r) => r.delivery)).size).toBe(1);
    expect(received.map((r) => r.attempt)).toEqual(['1', '2']);
  });

  it('does not retry a 400: the receiver rejected the call', async () => {
    script = [400, 200];
    const result = await deliverWebhook(url, SECRET, payload, fast);
    expect(result).toEqual({ delivered: false, attempts: 1, status: 400, error: 'HTTP 400', retryable: false });
    expect(received).toHaveLength(1);
  });

  it('retries a timeout', async () => {
    script = ['hang', 200];
    const started = Date.now();
    const result = await deliverWebhook(url, SECRET, payload, { ...fast, timeoutMs: 200 });
    expect(result).toEqual({ delivered: true, attempts: 2, status: 200, error: null, retryable: false });
    expect(received).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('reports the last failure after the last attempt', async () => {
    script = [503, 502, 500];
    const result = await deliverWebhook(url, SECRET, payload, fast);
    expect(result).toEqual({ delivered: false, attempts: 3, status: 500, error: 'HTTP 500', retryable: true });
  });

  it('reports a timeout when every attempt times out', async () => {
    script = ['hang', 'hang'];
    const result = await deliverWebhook(url, SECRET, payload, { ...fast, attempts: 2, timeoutMs: 100 });
    expect(result).toEqual({ delivered: false, attempts: 2, status: null, error: 'timed out after 100 ms', retryable: true });
  });

  it('retries 429 (too many requests)', async () => {
    script = [429, 200];
    expect(await deliverWebhook(url, SECRET, payload, fast)).toMatchObject({ delivered: true, attempts: 2 });
  });

  it('does not follow a redirect', async () => {
    script = [302];
    expect(await deliverWebhook(url, SECRET, payload, fast)).toEqual({
      delivered: false, attempts: 1, status: 302, error: 'HTTP 302 (redirects are not followed)', retryable: false,
    });
  });

  it('retries a refused connection', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await deliverWebhook(`http://127.0.0.1:${port}/`, SECRET, payload, { ...fast, attempts: 2 });
    expect(result).toEqual({ delivered: false, attempts: 2, status: null, error: 'ECONNREFUSED', retryable: true });
  });

  it('refuses a URL that is not http(s) without trying', async () => {
    expect(await deliverWebhook('file:///etc/passwd', SECRET, payload, fast)).toMatchObject({ delivered: false, attempts: 0 });
  });

  it('the receiver rejects a tampered body with the original signature', async () => {
    const body = JSON.stringify(payload);
    const signature = signWebhook(body, SECRET, Date.now() / 1000);
    const res = await fetch(url, {
      method: 'POST', body: body.replace('legal_threat', 'complaint'), headers: { 'x-firstreply-signature': signature },
    });
    expect(res.status).toBe(401);
    expect(received[0]!.valid).toBe(false);
  });
});

describe('webhook signatures', () => {
  const body = '{"event":"case.escalated"}';
  const now = 1_750_000_000;

  it('is t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">', () => {
    const expected = createHmac('sha256', SECRET).update(`${now}.${body}`).digest('hex');
    expect(signWebhook(body, SECRET, now + 0.7)).toBe(`t=${now},v1=${expected}`);
  });

  it.each<[string, () => string, string, string, number, string | null]>([
    ['a good signature', () => signWebhook(body, SECRET, now), body, SECRET, now + 10, null],
    ['a tampered body', () => signWebhook(body, SECRET, now), body.replace('escalated', 'closed'), SECRET, now, 'mismatch'],
    ['another secret', () => signWebhook(body, 'another-secret-0000', now), body, SECRET, now, 'mismatch'],
    ['a stale timestamp', () => signWebhook(body, SECRET, now - 301), body, SECRET, now, 'stale'],
    ['a timestamp just within tolerance', () => signWebhook(body, SECRET, now - 299), body, SECRET, now, null],
    ['a timestamp in the future', () => signWebhook(body, SECRET, now + 301), body, SECRET, now, 'stale'],
    ['a forged timestamp on a valid signature', () => signWebhook(body, SECRET, now - 1000).replace(`t=${now - 1000}`, `t=${now}`), body, SECRET, now, 'mismatch'],
    ['no header', () => '', body, SECRET, now, 'malformed'],
    ['no v1', () => `t=${now}`, body, SECRET, now, 'malformed'],
    ['a rotated secret (old and new signature)', () => `${signWebhook(body, 'old-secret-0000000', now)},v1=${signWebhook(body, SECRET, now).split('v1=')[1]}`, body, SECRET, now, null],
  ])('%s', (_name, header, checkedBody, secret, at, reason) => {
    const check = checkWebhookSignature(header(), checkedBody, secret, 300, at);
    expect(check.reason).toBe(reason);
    expect(verifyWebhookSignature(header(), checkedBody, secret, 300, at)).toBe(reason === null);
  });

  it('takes `now` as a Date too', () => {
    expect(verifyWebhookSignature(signWebhook(body, SECRET, now), body, SECRET, 300, new Date(now * 1000))).toBe(true);
  });
});

describe('escalation notice (outbox row)', () => {
  const kase = {
    id: '6f1c2a9e-8b1d-4c44-9a53-0d2b8f7e1a10',
    reference: 'FR-7K3Q9X',
    customerAddress: 'anna@customer.example',
    customerName: 'Anna Schmidt',
    subject: 'My order\r\nBcc: evil@example.com',
    language: 'de',
    firstReplyDueAt: new Date('2025-03-03T13:00:00Z'),
  };
  const mailbox = { address: 'support@example.com', displayName: 'Example Support' };
  const reasons: EscalationReason[] = [
    { code: 'asks_for_human', detail: 'The customer asks for a person: "mit einer Person sprechen".' },
    { code: 'legal_threat', detail: 'The customer mentions legal action: "meinen Anwalt".' },
  ];
  const APP = 'https://support.example.com';
  const row = escalationNoticeRow({ kase, mailbox, team: 'legal', teamAddress: 'legal@example.com', reasons, messageIdDomain: 'firstreply.test', appUrl: APP });

  it('is a notification to the team address, most severe reason first', () => {
    expect(row).toMatchObject({
      caseId: kase.id,
      kind: 'notification',
      fromAddress: 'support@example.com',
      fromName: 'Example Support',
      toAddress: 'legal@example.com',
      subject: '[FR-7K3Q9X] Escalated: legal threat, asks for a person',
      dedupeKey: `escalation:${kase.id}:asks_for_human,legal_threat`,
    });
    expect(row.messageId).toMatch(/^esc\.FR-7K3Q9X\.[0-9a-f]{12}@firstreply\.test$/);
    expect(row.headers).toMatchObject({ 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All', 'X-Firstreply-Case': 'FR-7K3Q9X' });
  });

  it('has the case reference, the customer, the reasons in words and the link in its body', () => {
    const text = row.textBody;
    expect(text).toContain('Case FR-7K3Q9X has been escalated to the legal team.');
    expect(text).toContain('Customer: Anna Schmidt <anna@customer.example>');
    expect(text).toContain('- legal threat: The customer mentions legal action: "meinen Anwalt".');
    expect(text).toContain('- asks for a person: The customer asks for a person: "mit einer Person sprechen".');
    expect(text).toContain(`Open the case: ${APP}/app/cases/${kase.id}`);
    expect(text).toContain('Subject:  My order Bcc: evil@example.com'); // customer text stays on one line
    expect(text.indexOf('legal threat')).toBeLessThan(text.indexOf('asks for a person'));
  });

  it('has the same dedupe key for the same reasons in any order, another for another set', () => {
    expect(escalationDedupeKey(kase.id, [...reasons].reverse())).toBe(row.dedupeKey);
    expect(escalationDedupeKey(kase.id, [reasons[0]!])).not.toBe(row.dedupeKey);
  });

  it.each([
    ['https://help.example.com/', `https://help.example.com/app/cases/${kase.id}`],
    ['https://example.com/support', `https://example.com/support/app/cases/${kase.id}`],
    ['http://127.0.0.1:3000', `http://127.0.0.1:3000/app/cases/${kase.id}`],
  ])('links absolutely under the public base URL %s', (appUrl, link) => {
    const withUrl = escalationNoticeRow({ kase, mailbox, team: 'legal', teamAddress: 'legal@example.com', reasons, messageIdDomain: 'firstreply.test', appUrl });
    expect(withUrl.textBody).toContain(`Open the case: ${link}\n`);
  });

  it('needs a reason', () => {
    expect(() => escalationNoticeRow({ kase, mailbox, team: 'x', teamAddress: 'x@example.com', reasons: [], messageIdDomain: 'd', appUrl: APP })).toThrow();
  });

  it('has a webhook payload with the case, the team and the reasons', () => {
    const body = escalationWebhookPayload({ kase, team: 'legal', reasons, at: new Date('2025-03-03T12:00:00Z'), appUrl: APP });
    expect(body).toMatchObject({
      event: 'case.escalated',
      occurredAt: '2025-03-03T12:00:00.000Z',
      team: 'legal',
      case: { id: kase.id, reference: 'FR-7K3Q9X', status: 'escalated', link: `${APP}/app/cases/${kase.id}` },
      reasons: [{ code: 'legal_threat', label: 'legal threat' }, { code: 'asks_for_human', label: 'asks for a person' }],
    });
  });
});
