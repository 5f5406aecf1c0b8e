import type { Db } from '../db/client.js';
import type { Mailbox } from '../db/schema/mailboxes.js';
import type { messageSources, SmtpEnvelope } from '../db/schema/messages.js';
import { AppError } from '../errors.js';
import type { Metrics } from '../metrics.js';
import type { RawStore } from './raw-store.js';
import { IngestionGate } from '../runtime/ingestion-gate.js';
import { storeRawMessage, type StoredMessage } from './store.js';

export type InboundSource = (typeof messageSources)[number];

/** The one way in for all four channels: store durably, count, and wake the pipeline. */
export class Inbound {
  constructor(
    private readonly db: Db,
    private readonly mailboxes: Mailbox[],
    private readonly metrics: Metrics,
    private readonly maxMessageBytes: number,
    private readonly onStored: (stored: StoredMessage) => Promise<void> | void,
    private readonly rawStore: RawStore,
    private readonly gate: IngestionGate = new IngestionGate(),
  ) {}

  mailboxByKey(key: string): Mailbox {
    const mailbox = this.mailboxes.find((m) => m.key === key);
    if (!mailbox) throw new AppError('not_found', `no mailbox with key ${key}`);
    return mailbox;
  }

  mailboxForRecipient(address: string): Mailbox | undefined {
    const wanted = address.toLowerCase();
    return this.mailboxes.find((m) => m.address === wanted);
  }

  async receive(mailbox: Mailbox, source: InboundSource, raw: Buffer, envelope?: SmtpEnvelope): Promise<StoredMessage> {
    if (raw.length > this.maxMessageBytes) {
      throw new AppError('payload_too_large', `the message is ${raw.length} bytes; the limit is ${this.maxMessageBytes}`);
    }
    return this.gate.around(async () => {
      const stored = await storeRawMessage(this.db, { mailboxId: mailbox.id, source, raw, envelope }, this.rawStore);
      if (!stored.duplicate) this.metrics.messagesIngested.inc({ source });
      await this.onStored(stored);
      return stored;
    });
  }
}
