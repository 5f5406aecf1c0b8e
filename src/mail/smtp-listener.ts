import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { Mailbox } from '../db/schema/mailboxes.js';
import type { SmtpEnvelope } from '../db/schema/messages.js';
import { AppError, errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Inbound } from './inbound.js';

function envelopeOf(session: SMTPServerSession): SmtpEnvelope {
  const from = session.envelope.mailFrom;
  return {
    remoteAddress: session.remoteAddress ?? null,
    helo: session.hostNameAppearsAs ?? null,
    mailFrom: from === false ? '' : from?.address ?? null,
    rcptTo: session.envelope.rcptTo.map((r) => r.address),
  };
}

export interface SmtpConnectionLimits {
  /** connections open at once, from everyone (smtp-server's maxClients) */
  maxClients: number;
  /** connections open at once from one remote address */
  maxClientsPerIp: number;
}

/** An MTA uses a handful of parallel connections (Postfix: 20 per destination); a flood from one address is refused. */
export const DEFAULT_SMTP_CONNECTION_LIMITS: SmtpConnectionLimits = { maxClients: 100, maxClientsPerIp: 20 };

const tooMany = (what: string) => Object.assign(new Error(`4.7.0 too many connections ${what}, try again later`), { responseCode: 421 });

/**
 * SMTP for an MTA that forwards support mail. A message is answered 250 only once it is stored, so the
 * MTA keeps and retries anything we could not store. Recipients must be a configured mailbox address,
 * except on loopback where any recipient lands in the default mailbox.
 */
export function createSmtpListener(opts: {
  inbound: Inbound; defaultMailbox: Mailbox; host: string; maxBytes: number; log: Logger; limits?: Partial<SmtpConnectionLimits>;
}): SMTPServer {
  const { inbound, log } = opts;
  const limits = { ...DEFAULT_SMTP_CONNECTION_LIMITS, ...opts.limits };
  // Open sessions per remote address; only sessions onConnect accepted are counted, and each is released once.
  const perIp = new Map<string, number>();
  const counted = new Map<string, string>();
  const loopbackOnly = ['127.0.0.1', '::1', 'localhost'].includes(opts.host);
  const target = (session: SMTPServerSession): Mailbox => {
    const rcpt = session.envelope.rcptTo[0]?.address ?? '';
    return inbound.mailboxForRecipient(rcpt) ?? opts.defaultMailbox;
  };
  return new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    banner: 'firstreply',
    size: opts.maxBytes,
    logger: false,
    // close() waits this long for open sessions (default 30 s) before answering them 421: an MTA's idle pooled
    // connection must not hold up a shutdown, and the MTA retries whatever was not answered 250.
    closeTimeout: 2000,
    // Beyond this smtp-server answers 421 itself before onConnect.
    maxClients: limits.maxClients,
    onConnect(session, callback) {
      const ip = session.remoteAddress ?? 'unknown';
      const open = perIp.get(ip) ?? 0;
      if (open >= limits.maxClientsPerIp) {
        log.warn({ remoteAddress: ip, open }, 'SMTP connection refused: too many from one address');
        return callback(tooMany('from your address'));
      }
      perIp.set(ip, open + 1);
      counted.set(session.id, ip);
      callback();
    },
    onClose(session) {
      const ip = counted.get(session.id);
      if (ip === undefined) return;
      counted.delete(session.id);
      const open = (perIp.get(ip) ?? 1) - 1;
      if (open > 0) perIp.set(ip, open);
      else perIp.delete(ip);
    },
    onRcptTo(address, _session, callback) {
      if (inbound.mailboxForRecipient(address.address) || loopbackOnly) return callback();
      callback(Object.assign(new Error('5.1.1 no such mailbox here'), { responseCode: 550 }));
    },
    onData(stream: SMTPServerDataStream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (stream.sizeExceeded) {
          return callback(Object.assign(new Error('5.3.4 message too big'), { responseCode: 552 }));
        }
        inbound.receive(target(session), 'smtp', Buffer.concat(chunks), envelopeOf(session)).then(
          () => callback(),
          (err) => {
            log.error({ err: errorMessage(err) }, 'could not store a message received over SMTP');
            const permanent = err instanceof AppError && !err.retryable && err.code !== 'unavailable';
            callback(Object.assign(new Error(permanent ? `5.6.0 ${err.message}` : '4.3.0 try again later'), { responseCode: permanent ? 554 : 451 }));
          },
        );
      });
    },
  });
}
