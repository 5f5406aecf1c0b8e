import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { workerLeases, type WorkerLease } from '../db/schema/leases.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';
import { Waker } from '../runtime/waker.js';

/**
 * Takes the lease `name` for `holder` when it is free, expired, or already ours (then it is renewed); one statement,
 * so two workers racing for it cannot both win. Times come from the database clock, never the workers'.
 */
export async function acquireLease(db: Db, name: string, holder: string, ttlSeconds: number): Promise<boolean> {
  const expires = sql`now() + make_interval(secs => ${ttlSeconds})`;
  const rows = await db
    .insert(workerLeases)
    .values({ name, holder, expiresAt: expires })
    .onConflictDoUpdate({
      target: workerLeases.name,
      set: {
        holder,
        expiresAt: expires,
        renewedAt: sql`now()`,
        acquiredAt: sql`case when ${workerLeases.holder} = ${holder} then ${workerLeases.acquiredAt} else now() end`,
      },
      setWhere: sql`${workerLeases.holder} = ${holder} or ${workerLeases.expiresAt} < now()`,
    })
    .returning({ holder: workerLeases.holder });
  return rows.length === 1;
}

/** Gives the lease up at once (a clean stop), so another worker need not wait for it to expire. */
export async function releaseLease(db: Db, name: string, holder: string): Promise<void> {
  await db.delete(workerLeases).where(sql`${workerLeases.name} = ${name} and ${workerLeases.holder} = ${holder}`);
}

export async function listLeases(db: Db): Promise<(WorkerLease & { expired: boolean })[]> {
  const rows = await db.select({ lease: workerLeases, expired: sql<boolean>`${workerLeases.expiresAt} < now()` }).from(workerLeases).orderBy(workerLeases.name);
  return rows.map((r) => ({ ...r.lease, expired: r.expired }));
}

export async function leaseHolder(db: Db, name: string): Promise<string | null> {
  const [row] = await db.select({ holder: workerLeases.holder }).from(workerLeases).where(eq(workerLeases.name, name));
  return row?.holder ?? null;
}

export interface LeasedWork {
  /** the lease's name, e.g. `imap:<mailbox key>` */
  name: string;
  start(): void;
  stop(): Promise<void>;
}

/**
 * Runs each piece of work only while this process holds its lease: tries to take free leases and renews held ones
 * every ttl/3; a lease lost (a renewal that failed for longer than the ttl, or taken over) stops the work at once.
 */
export class LeaseKeeper {
  private readonly held = new Set<string>();
  /** when each held lease was last renewed, by this process's clock */
  private readonly renewedAt = new Map<string, number>();
  private readonly rounds: Waker;

  constructor(
    private readonly db: Db,
    private readonly holder: string,
    private readonly ttlSeconds: number,
    private readonly work: LeasedWork[],
    private readonly log: Logger,
  ) {
    this.rounds = new Waker(() => this.renewAll(), (ttlSeconds * 1000) / 3, log);
  }

  start(): void {
    this.rounds.start();
  }

  async stop(): Promise<void> {
    await this.rounds.stop();
    for (const w of this.work) {
      if (!this.held.has(w.name)) continue;
      await w.stop();
      this.held.delete(w.name);
      await releaseLease(this.db, w.name, this.holder).catch((err) => this.log.warn({ err: errorMessage(err), lease: w.name }, 'could not release a lease; it will expire'));
    }
  }

  private async renewAll(): Promise<void> {
    for (const w of this.work) {
      if (this.rounds.stopping) return;
      let ours: boolean;
      try {
        ours = await acquireLease(this.db, w.name, this.holder, this.ttlSeconds);
        // Only a renewal the database confirmed moves the deadline: counting a failed one as renewed kept a worker
        // cut off from the database reading forever, beside the worker that took the lease over.
        if (ours) this.renewedAt.set(w.name, Date.now());
      } catch (err) {
        // Cannot reach the database: keep working until the lease would have run out, then stop (another worker
        // may have taken it over by then).
        this.log.warn({ err: errorMessage(err), lease: w.name }, 'could not renew a lease');
        ours = this.held.has(w.name) && Date.now() - (this.renewedAt.get(w.name) ?? 0) < this.ttlSeconds * 1000;
      }
      if (ours && !this.held.has(w.name)) {
        this.held.add(w.name);
        this.log.info({ lease: w.name, holder: this.holder }, 'lease taken: starting its work');
        w.start();
      } else if (!ours && this.held.has(w.name)) {
        this.held.delete(w.name);
        this.log.warn({ lease: w.name, holder: this.holder }, 'lease lost: stopping its work');
        await w.stop();
      }
    }
  }
}
