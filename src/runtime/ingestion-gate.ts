/**
 * Storing what arrives comes before processing what is stored: an SMTP client waits for its 250 until the message is
 * stored, and on the embedded database every statement takes turns on one session. The inbound side counts the
 * stores under way; extra pipeline lanes wait until there are none (one lane always keeps going).
 */
export class IngestionGate {
  private storing = 0;
  private waiters: (() => void)[] = [];

  async around<T>(store: () => Promise<T>): Promise<T> {
    this.storing++;
    try {
      return await store();
    } finally {
      if (--this.storing === 0) for (const wake of this.waiters.splice(0)) wake();
    }
  }

  /** Resolves at once when nothing is being stored, else when the stores under way are done. */
  idle(): Promise<void> {
    return this.storing === 0 ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }
}
