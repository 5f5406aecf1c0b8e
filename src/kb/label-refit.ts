// Re-fits mailboxes' thresholds from their agents' labels in the background (issue 16 review): a label is written in
// the agent's transaction, the refit — reading up to 1,000 labels — runs after commit, in its own transaction,
// coalesced per mailbox. Several labels within `delayMs` cost one refit; a label arriving during a refit schedules
// one more after it, so the last label is always counted.
import type { Db } from '../db/client.js';
import type { Logger } from '../logger.js';
import { refitMailboxThreshold } from './labels.js';

export interface RefitScheduler {
  /** a label of this mailbox was committed: re-fit its threshold soon */
  request(mailboxId: number): void;
}

interface Slot {
  timer?: NodeJS.Timeout;
  running?: Promise<void>;
  again: boolean;
}

export class Debounced {
  private readonly slots = new Map<number, Slot>();
  private stopped = false;
  constructor(private readonly run: (key: number) => Promise<void>, private readonly delayMs: number) {}

  request(key: number): void {
    if (this.stopped) return;
    const slot = this.slots.get(key) ?? { again: false };
    this.slots.set(key, slot);
    if (slot.running) slot.again = true;
    else if (!slot.timer) this.arm(key, slot);
  }

  /** Resolves when nothing is scheduled or running (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.slots.size > 0) await Promise.all([...this.slots.values()].map((s) => s.running ?? new Promise((r) => setTimeout(r, this.delayMs))));
  }

  /** Drops what is scheduled and refuses new requests; a refit under way finishes (await idle()). */
  stop(): void {
    this.stopped = true;
    for (const slot of this.slots.values()) clearTimeout(slot.timer);
    for (const [key, slot] of this.slots) if (!slot.running) this.slots.delete(key);
  }

  private arm(key: number, slot: Slot): void {
    slot.timer = setTimeout(() => {
      slot.timer = undefined;
      slot.running = this.run(key).finally(() => {
        slot.running = undefined;
        if (slot.again && !this.stopped) {
          slot.again = false;
          this.arm(key, slot);
        } else this.slots.delete(key);
      });
    }, this.delayMs);
    slot.timer.unref?.();
  }
}

export class LabelRefitter implements RefitScheduler {
  private readonly debounced: Debounced;
  constructor(db: Db, log: Pick<Logger, 'error'>, delayMs = 2000) {
    this.debounced = new Debounced(
      (mailboxId) => db.transaction((tx) => refitMailboxThreshold(tx, mailboxId)).then(() => undefined, (err) => log.error({ err, mailboxId }, 'label threshold refit failed')),
      delayMs,
    );
  }

  request(mailboxId: number): void {
    this.debounced.request(mailboxId);
  }

  idle(): Promise<void> {
    return this.debounced.idle();
  }

  stop(): void {
    this.debounced.stop();
  }
}
