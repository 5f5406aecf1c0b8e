// How many bytes of SMTP DATA the listener holds in memory, per client address and in total. smtp-server hands the
// message over in chunks and the listener keeps them until the final dot (the message is stored in one piece); without
// a budget, a client announcing nothing and sending 700 MB made the process keep all of it (issue 17, item 7).

export interface DataBudgetLimits {
  /** bytes held at once for one client address, over all its connections */
  perClient: number;
  /** bytes held at once for everyone */
  total: number;
}

export class DataBudget {
  private readonly byClient = new Map<string, number>();
  private held = 0;
  private highest = 0;

  constructor(readonly limits: DataBudgetLimits) {}

  /** Reserves n more bytes for a client; false (nothing reserved) when that would pass either limit. */
  take(client: string, n: number): boolean {
    const mine = this.byClient.get(client) ?? 0;
    if (mine + n > this.limits.perClient || this.held + n > this.limits.total) return false;
    this.byClient.set(client, mine + n);
    this.held += n;
    this.highest = Math.max(this.highest, this.held);
    return true;
  }

  release(client: string, n: number): void {
    if (n <= 0) return;
    const left = (this.byClient.get(client) ?? 0) - n;
    if (left > 0) this.byClient.set(client, left);
    else this.byClient.delete(client);
    this.held = Math.max(0, this.held - n);
  }

  /** bytes of DATA held right now */
  get bufferedBytes(): number {
    return this.held;
  }

  /** the most ever held at once since start (the bound the tests check) */
  get peakBytes(): number {
    return this.highest;
  }

  heldFor(client: string): number {
    return this.byClient.get(client) ?? 0;
  }
}
