// A real SMTP server on loopback that records every message it accepts: the outbound side of tests.
import { SMTPServer } from 'smtp-server';
import net from 'node:net';

export interface SinkMessage {
  envelopeFrom: string;
  envelopeTo: string[];
  raw: Buffer;
  /** Lowercased header names; the first occurrence's unfolded value. */
  headers: Map<string, string>;
  messageId: string | undefined;
  /** delivered inside TLS (after STARTTLS) */
  secure?: boolean;
}

export interface SmtpSink {
  port: number;
  /** smtp://127.0.0.1:port */
  url: string;
  messages: SinkMessage[];
  /** Resolves with the first `count` messages once that many have arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<SinkMessage[]>;
  /** Rejects DATA with this code (4xx temporary, 5xx permanent) until set back to null. */
  setFailure(mode: null | { code: number; message?: string }): void;
  stop(): Promise<void>;
  /** Listens again on the same port after stop(). */
  start(): Promise<void>;
}

export function parseHeaders(raw: Buffer): Map<string, string> {
  const text = raw.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const block = end === -1 ? text : text.slice(0, end);
  const headers = new Map<string, string>();
  for (const line of block.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
  }
  return headers;
}

export interface SmtpSinkOptions {
  port?: number;
  /** Offer STARTTLS with this key and certificate (PEM) and refuse MAIL FROM before it, as a relay requiring TLS does. */
  requireStartTls?: { key: string; cert: string };
}

export async function startSmtpSink(opts: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const messages: SinkMessage[] = [];
  const waiters = new Set<() => void>();
  let failure: null | { code: number; message?: string } = null;
  let server: SMTPServer | null = null;
  let port = opts.port ?? 0;

  const create = () =>
    new SMTPServer({
      authOptional: true,
      ...(opts.requireStartTls ? { key: opts.requireStartTls.key, cert: opts.requireStartTls.cert } : { disabledCommands: ['STARTTLS'] }),
      logger: false,
      size: 100 * 1024 * 1024,
      closeTimeout: 500, // stop() should not wait 30 s for pooled client connections
      onMailFrom(_address, session, callback) {
        if (opts.requireStartTls && !session.secure) {
          return callback(Object.assign(new Error('5.7.0 Must issue a STARTTLS command first'), { responseCode: 530 }));
        }
        callback();
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('error', callback);
        stream.on('end', () => {
          if (failure) {
            const err = new Error(failure.message ?? `sink failure ${failure.code}`) as Error & { responseCode: number };
            err.responseCode = failure.code;
            return callback(err);
          }
          const raw = Buffer.concat(chunks);
          const headers = parseHeaders(raw);
          const from = session.envelope.mailFrom;
          messages.push({
            envelopeFrom: from ? from.address : '',
            envelopeTo: session.envelope.rcptTo.map((r) => r.address),
            raw,
            headers,
            messageId: headers.get('message-id'),
            secure: session.secure,
          });
          for (const w of [...waiters]) w();
          callback();
        });
      },
    });

  const start = async () => {
    if (server) return;
    const s = create();
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        s.off('error', reject);
        resolve();
      });
    });
    s.on('error', () => undefined); // client resets must not crash the test process
    port = (s.server.address() as net.AddressInfo).port;
    server = s;
  };

  await start();
  return {
    get port() { return port; },
    get url() { return `smtp://127.0.0.1:${port}`; },
    messages,
    setFailure: (mode) => { failure = mode; },
    start,
    stop: async () => {
      const s = server;
      server = null;
      if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    waitFor: (count, timeoutMs = 5000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (messages.length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(messages.slice(0, count));
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`smtp sink: expected ${count} message(s), got ${messages.length} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
  };
}
