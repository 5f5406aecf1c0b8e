import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer, { type TransportOptions } from 'nodemailer';

export interface OutgoingMail {
  messageId: string;
  from: { address: string; name: string };
  to: string;
  subject: string;
  text: string;
  headers: Record<string, string>;
}

/** Where outgoing mail goes: a real SMTP server, or .eml files when none is configured. */
export interface MailSender {
  readonly kind: 'smtp' | 'file';
  send(mail: OutgoingMail): Promise<void>;
  verify(): Promise<void>;
  close(): void;
}

function toNodemailer(mail: OutgoingMail) {
  return {
    messageId: `<${mail.messageId}>`,
    from: { name: mail.from.name, address: mail.from.address },
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    headers: mail.headers,
  };
}

export function smtpSender(url: string): MailSender {
  // A pool keeps connections open: smtp-server style servers delay each new connection by ~100 ms.
  const transport = nodemailer.createTransport({
    url,
    pool: true,
    maxConnections: 4,
    // The default (100 messages a connection) makes every hundredth mail pay for a new connection.
    maxMessages: Infinity,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  } as TransportOptions);
  return {
    kind: 'smtp',
    send: async (mail) => void (await transport.sendMail(toNodemailer(mail))),
    verify: async () => void (await transport.verify()),
    close: () => transport.close(),
  };
}

/** Writes each message to dir/<message-id>.eml atomically; an existing file means it was already sent. */
export function fileSender(dir: string): MailSender {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  return {
    kind: 'file',
    async send(mail) {
      await mkdir(dir, { recursive: true });
      const file = path.join(dir, `${mail.messageId.replace(/[^a-zA-Z0-9._@-]/g, '_')}.eml`);
      if (await stat(file).then(() => true, () => false)) return;
      const info = (await transport.sendMail(toNodemailer(mail))) as unknown as { message: Buffer };
      await writeFile(`${file}.tmp`, info.message);
      await rename(`${file}.tmp`, file);
    },
    verify: async () => void (await mkdir(dir, { recursive: true })),
    close: () => undefined,
  };
}

/** Whether trying again can help: 4xx answers, timeouts and connection trouble can; 5xx answers cannot. */
export function isRetryableSendError(err: unknown): boolean {
  const e = err as { responseCode?: number; code?: string };
  if (typeof e.responseCode === 'number') return e.responseCode < 500;
  return true;
}
