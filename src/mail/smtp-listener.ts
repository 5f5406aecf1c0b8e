import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { Mailbox } from '../db/schema/mailboxes.js';
import type { SmtpEnvelope } from '../db/schema/messages.js';
import { AppError, errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Inbound } from './inbound.js';
import { DataBudget, type DataBudgetLimits } from './smtp-data-budget.js';

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
  /** bytes of DATA held in memory at once for one remote address (all its connections) */
  maxBytesInFlightPerIp: number;
  /** bytes of DATA held in memory at once for everyone */
  maxBytesInFlight: number;
}

/** An MTA uses a handful of parallel connections (Postfix: 20 per destination); a flood from one address is refused. */
export const DEFAULT_SMTP_CONNECTION_LIMITS: SmtpConnectionLimits = {
  maxClients: 100, maxClientsPerIp: 20, maxBytesInFlightPerIp: 64 * 1024 * 1024, maxBytesInFlight: 256 * 1024 * 1024,
};

export type SmtpListener = SMTPServer & { dataBudget: DataBudget };

const tooMany = (what: string) => Object.assign(new Error(`4.7.0 too many connections ${what}, try again later`), { responseCode: 421 });

/**
 * SMTP for an MTA that forwards support mail. A message is answered 250 only once it is stored, so the
 * MTA keeps and retries anything we could not store. Recipients must be a configured mailbox address,
 * except on loopback where any recipient lands in the default mailbox.
 */
export function createSmtpListener(opts: {
  inbound: Inbound; defaultMailbox: Mailbox; host: string; maxBytes: number; log: Logger; limits?: Partial<SmtpConnectionLimits>;
}): SmtpListener {
  const { inbound, log } = opts;
  const limits = { ...DEFAULT_SMTP_CONNECTION_LIMITS, ...opts.limits };
  const budget = new DataBudget({ perClient: limits.maxBytesInFlightPerIp, total: limits.maxBytesInFlight } satisfies DataBudgetLimits);
  // Open sessions per remote address; only sessions onConnect accepted are counted, and each is released once.
  const perIp = new Map<string, number>();
  const counted = new Map<string, string>();
  const loopbackOnly = ['127.0.0.1', '::1', 'localhost'].includes(opts.host);
  const target = (session: SMTPServerSession): Mailbox => {
    const rcpt = session.envelope.rcptTo[0]?.address ?? '';
    return inbound.mailboxForRecipient(rcpt) ?? opts.defaultMailbox;
  };
  const server = new SMTPServer({
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
      const ip = session.remoteAddress ?? 'unknown';
      let chunks: Buffer[] = [];
      let held = 0;
      let decided = false;
      const release = () => {
        budget.release(ip, held);
        held = 0;
        chunks = [];
      };
      // Decided before the end of DATA: nothing more is kept (smtp-server still reads the rest, counting it, and sends
      // this answer right after the final dot, which is the earliest SMTP allows; a sender that announced SIZE= got
      // 552 at MAIL FROM already).
      const refuse = (code: 552 | 452, text: string) => {
        if (decided) return;
        decided = true;
        release();
        callback(Object.assign(new Error(text), { responseCode: code }));
      };
      stream.on('data', (c: Buffer) => {
        if (decided) return;
        if (stream.sizeExceeded || held + c.length > opts.maxBytes) return refuse(552, `5.3.4 message too big, the limit is ${opts.maxBytes} bytes`);
        if (!budget.take(ip, c.length)) {
          log.warn({ remoteAddress: ip, held: budget.heldFor(ip) }, 'SMTP message refused: too many bytes in flight');
          return refuse(452, '4.3.1 too much mail in flight from your address, try again later');
        }
        chunks.push(c);
        held += c.length;
      });
      // the client went away mid-message: smtp-server destroys the stream, and what it held is given back
      stream.on('error', () => undefined);
      stream.on('close', () => {
        if (!decided) {
          decided = true;
          release();
        }
      });
      stream.on('end', () => {
        if (decided) return;
        if (stream.sizeExceeded) return refuse(552, `5.3.4 message too big, the limit is ${opts.maxBytes} bytes`);
        decided = true;
        const raw = Buffer.concat(chunks);
        chunks = [];
        inbound.receive(target(session), 'smtp', raw, envelopeOf(session)).then(
          () => callback(),
          (err) => {
            log.error({ err: errorMessage(err) }, 'could not store a message received over SMTP');
            const permanent = err instanceof AppError && !err.retryable && err.code !== 'unavailable';
            callback(Object.assign(new Error(permanent ? `5.6.0 ${err.message}` : '4.3.0 try again later'), { responseCode: permanent ? 554 : 451 }));
          },
        ).finally(release);
      });
    },
  });
  return Object.assign(server, { dataBudget: budget });
}
