/**
 * One batch at a time, and everything that arrives meanwhile goes into the next one (group commit). Under load the
 * batches grow by themselves, so the fixed cost of a batch (a transaction, a lock, an embedding call) is shared;
 * when idle, an item runs at once on its own. Results come back to each caller in the order of its batch.
 */
export class BatchQueue<T, R> {
  private pending: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  private running = false;

  constructor(private readonly run: (items: T[]) => Promise<R[]>, private readonly maxBatch = 50) {}

  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, this.maxBatch);
        try {
          const results = await this.run(batch.map((b) => b.item));
          batch.forEach((b, i) => b.resolve(results[i]!));
        } catch (err) {
          for (const b of batch) b.reject(err);
        }
      }
    } finally {
      this.running = false;
    }
  }
}
