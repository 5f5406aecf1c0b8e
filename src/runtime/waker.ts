import { errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';

/**
 * Runs `work` whenever kicked, and every `pollMs` as a safety net; never two runs at once, and a kick
 * during a run schedules exactly one more run so no wake-up is lost.
 */
export class Waker {
  stopping = false;
  private running: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly work: () => Promise<unknown>,
    private readonly pollMs: number,
    private readonly log: Logger,
  ) {}

  /** `firstRunNow` false: the first run comes after `pollMs` (the caller has just done the work itself). */
  start(firstRunNow = true): void {
    this.stopping = false;
    if (firstRunNow) this.kick();
    else this.timer = setTimeout(() => this.kick(), this.pollMs);
  }

  kick(): void {
    if (this.stopping) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.running = this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private async run(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.work();
      } catch (err) {
        this.log.error({ err: errorMessage(err) }, 'background work failed; retrying on the next tick');
      }
    } while (this.again && !this.stopping);
    this.running = null;
    if (!this.stopping) this.timer = setTimeout(() => this.kick(), this.pollMs);
  }
}

/** A worker driven by a Waker: start, kick on new work, stop waiting for the run in progress. */
export abstract class WakingWorker {
  protected readonly waker: Waker;

  constructor(pollMs: number, log: Logger) {
    this.waker = new Waker(() => this.drain(), pollMs, log);
  }

  abstract drain(): Promise<unknown>;

  start(): void {
    this.waker.start();
  }

  kick(): void {
    this.waker.kick();
  }

  stop(): Promise<void> {
    return this.waker.stop();
  }
}
