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

/**
 * SMTP for an MTA that forwards support mail. A message is answered 250 only once it is stored, so the
 * MTA keeps and retries anything we could not store. Recipients must be a configured mailbox address,
 * except on loopback where any recipient lands in the default mailbox.
 */
export function createSmtpListener(opts: { inbound: Inbound; defaultMailbox: Mailbox; host: string; maxBytes: number; log: Logger }): SMTPServer {
  const { inbound, log } = opts;
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
