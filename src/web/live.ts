// Live updates for the inbox and case pages over server-sent events. One poller per process looks at a cheap
// change marker (counts and maxima, see changeMarks) every couple of seconds while anyone is connected, and tells
// every open page when it moved. Case pages also register as viewers, so agents see who else has a case open.
import { createHash } from 'node:crypto';
import type { Db } from '../db/client.js';
import { caseMark, changeMarks } from './queries/cases.js';

export interface Subscriber {
  userId: string;
  name: string;
  caseId?: string;
  /** something changed somewhere; `marks` is the new signature */
  changed(marks: string): void;
  /** the list of viewers of this subscriber's case changed */
  viewers(): void;
}

export const signatureOf = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);

export class LiveHub {
  private readonly subs = new Set<Subscriber>();
  private timer: NodeJS.Timeout | undefined;
  private last: string | undefined;
  private ticking = false;

  constructor(private readonly db: Db, private readonly intervalMs = 2000) {}

  /** The current signature of everything agents see; pages embed it so a change between render and connect is not lost. */
  async marks(): Promise<string> {
    return signatureOf(await changeMarks(this.db));
  }

  caseMark(caseId: string): Promise<string> {
    return caseMark(this.db, caseId).then(signatureOf);
  }

  subscribe(sub: Subscriber): () => void {
    this.subs.add(sub);
    if (!this.timer) {
      this.timer = setInterval(() => void this.tick(), this.intervalMs);
      this.timer.unref();
    }
    if (sub.caseId) this.announce(sub.caseId);
    return () => {
      this.subs.delete(sub);
      if (sub.caseId) this.announce(sub.caseId);
      if (this.subs.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = undefined;
        this.last = undefined;
      }
    };
  }

  /** Everyone with the case open, one entry per user, in the order they arrived. */
  viewersOf(caseId: string): { id: string; name: string }[] {
    const seen = new Map<string, string>();
    for (const s of this.subs) if (s.caseId === caseId && !seen.has(s.userId)) seen.set(s.userId, s.name);
    return [...seen].map(([id, name]) => ({ id, name }));
  }

  private announce(caseId: string) {
    for (const s of this.subs) if (s.caseId === caseId) s.viewers();
  }

  private async tick() {
    if (this.ticking) return;
    this.ticking = true;
    try {
      const marks = await this.marks();
      if (marks !== this.last) {
        this.last = marks;
        for (const s of this.subs) s.changed(marks);
      }
    } catch {
      // The database is briefly unavailable (or shutting down): try again at the next tick.
    } finally {
      this.ticking = false;
    }
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.subs.clear();
  }
}
