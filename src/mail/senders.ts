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
  /** The SMTP envelope sender; '' is the null sender MAIL FROM:<> (RFC 3834 section 3.3). Default: the From address. */
  envelopeFrom?: string;
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
    ...(mail.envelopeFrom !== undefined ? { envelope: { from: mail.envelopeFrom, to: [mail.to] } } : {}),
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
      // A file in the outbox folder is a final delivery, so it carries the envelope sender as Return-Path, as RFC 5321
      // section 4.4 has the delivering server add it; whatever forwards the file later finds the null sender there.
      const withPath = mail.envelopeFrom !== undefined ? { ...mail, headers: { 'Return-Path': `<${mail.envelopeFrom}>`, ...mail.headers } } : mail;
      const info = (await transport.sendMail(toNodemailer(withPath))) as unknown as { message: Buffer };
      await writeFile(`${file}.tmp`, info.message);
      await rename(`${file}.tmp`, file);
    },
    verify: async () => void (await mkdir(dir, { recursive: true })),
    close: () => undefined,
  };
}

/** Whether trying again can help: 4xx answers, timeouts and connection trouble can; 5xx answers cannot. */
export function isRetryableSendError(err: unknown): boolean {
  const e = err as { responseCode?: number; code?: string; retryable?: unknown };
  if (typeof e.retryable === 'boolean') return e.retryable;
  if (typeof e.responseCode === 'number') return e.responseCode < 500;
  return true;
}

/**
 * TLS failures say little by themselves ("wrong version number", "unable to verify the first certificate"): the
 * text kept on the outbox row leads with what to do. Only for transport errors; a server's answer is kept as it is.
 */
const TLS_HINTS: [RegExp, string][] = [
  [/wrong version number|packet length too long|unknown protocol|ssl3_get_record/i,
    'TLS handshake failed: the server does not speak TLS on this port (plain SMTP there? use smtp://, STARTTLS is used when offered)'],
  [/certificate|self[- ]signed/i, "the relay's TLS certificate is not trusted (renew it, or trust its CA with NODE_EXTRA_CA_CERTS)"],
];

export function describeSendError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (typeof (err as { responseCode?: unknown })?.responseCode === 'number') return message;
  const hint = TLS_HINTS.find(([pattern]) => pattern.test(message))?.[1];
  return hint ? `${hint}: ${message}` : message;
}
