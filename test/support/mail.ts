import { randomUUID } from 'node:crypto';
import nodemailer from 'nodemailer';

/** A customer email as raw RFC 822 text, with sensible defaults. */
export function customerEmail(opts: {
  from?: string;
  to?: string;
  subject?: string;
  body?: string;
  messageId?: string;
  headers?: Record<string, string>;
} = {}): string {
  const messageId = opts.messageId ?? `${randomUUID()}@customer.test`;
  const headers = {
    From: opts.from ?? 'Maria Lopez <maria@customer.test>',
    To: opts.to ?? 'support@shop.test',
    Subject: opts.subject ?? 'Where is my order?',
    Date: new Date().toUTCString(),
    'Message-ID': `<${messageId}>`,
    'MIME-Version': '1.0',
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Transfer-Encoding': '8bit',
    ...opts.headers,
  };
  const head = Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\r\n');
  return `${head}\r\n\r\n${(opts.body ?? 'Hello, I ordered a blue lamp last week and it has not arrived yet. Can you check?').replace(/\r?\n/g, '\r\n')}\r\n`;
}

/** Sends a raw message to an SMTP server on loopback, as an MTA forwarding support mail would. */
export async function sendRaw(port: number, raw: string | Buffer, envelope = { from: 'maria@customer.test', to: ['support@shop.test'] }) {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
  try {
    return await transport.sendMail({ envelope, raw });
  } finally {
    transport.close();
  }
}

/** Polls until `check` returns a truthy value (no fixed sleeps in tests). */
export async function eventually<T>(check: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
