// A team's webhook endpoint for escalation tests: checks each call's signature over the raw body and answers with
// the status codes a test scripts (then 200).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SIGNATURE_HEADER, verifyWebhookSignature } from '../../src/escalation/notify.js';

export interface ReceivedWebhook { verified: boolean; delivery: string; body: any }

export interface WebhookReceiver {
  /** where to point a mailbox's webhookUrl */
  readonly url: string;
  readonly received: ReceivedWebhook[];
  /** status codes for the next calls, in order; 200 once they are used up */
  readonly answers: number[];
  /** forgets what was received and what was scripted */
  clear(): void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(secret: string): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const answers: number[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({
        verified: verifyWebhookSignature(req.headers[SIGNATURE_HEADER.toLowerCase()] as string, body, secret),
        delivery: String(req.headers['x-firstreply-delivery']), body: JSON.parse(body),
      });
      res.writeHead(answers.shift() ?? 200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    answers,
    clear() {
      received.length = 0;
      answers.length = 0;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
