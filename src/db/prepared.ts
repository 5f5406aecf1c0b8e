import { createHash } from 'node:crypto';
import pg from 'pg';
import { SESSION_SETUP } from './session.js';

// Named prepared statements for every parameterised query, without naming them at each call site: the server parses
// and plans a statement once per connection instead of on every execution. A message runs the same few dozen
// statement shapes; on the embedded database, where each statement is a round trip into PGlite's single session, this
// was one of the steps that took `bench:workers` from 20 to 40+ acknowledgements/s (BENCHMARKS.md, 2026-11-24).
//
// The name is a hash of the SQL text, so the same text always gets the same name on a connection (node-postgres
// remembers what it prepared per connection). Statements without parameters are left alone: they may hold several
// commands, which cannot be prepared. Past `limit` distinct texts (IN lists of every length, say) further texts run
// unnamed, so neither side's statement cache grows without bound.

/**
 * Put in a statement's text to keep it unnamed, planned for its own parameters each time. After five executions
 * PostgreSQL may switch a prepared statement to a generic plan; for the knowledge-base search (HNSW + full-text rank)
 * that made p99 at 100k chunks 43 ms instead of 14 (bench:search, 2026-11-24).
 */
export const PLAN_EACH_TIME = '/* plan each time */';

export interface PreparePolicy {
  /** false: never name; 'unless-pglite': name once the server is known not to be PGlite (see below) */
  mode: boolean | 'unless-pglite';
  limit?: number;
}

/**
 * A node-postgres Client class that names statements as above and runs SESSION_SETUP on every new connection.
 * PGlite served on the wire runs ONE session for all its connections: a statement prepared by one connection
 * exists for the others, and a second connection preparing the same name fails. So on a DATABASE_URL the names are
 * only used once the server has said it is not PGlite; the embedded database (one connection, reset on connect)
 * always uses them.
 */
export function preparingClient(policy: PreparePolicy): typeof pg.Client {
  const names = new Map<string, string>();
  const limit = policy.limit ?? 500;
  let allowed = policy.mode === true;
  let probed = policy.mode !== 'unless-pglite';

  const nameFor = (text: string): string | undefined => {
    const known = names.get(text);
    if (known !== undefined || names.size >= limit || text.includes(PLAN_EACH_TIME)) return known;
    const name = `fr_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    names.set(text, name);
    return name;
  };

  class PreparingClient extends pg.Client {
    // node-postgres's connect has two overloads (promise or callback); both go through here
    override connect(callback?: (...args: any[]) => void): any {
      const connected = super.connect().then(async (client) => {
        await this.onConnected();
        return client;
      });
      if (!callback) return connected;
      connected.then(() => callback(null), callback);
    }

    private async onConnected(): Promise<void> {
      await super.query(SESSION_SETUP);
      if (policy.mode === true) {
        // The embedded session outlives a dropped connection: forget what an earlier connection prepared.
        await super.query('DEALLOCATE ALL');
      } else if (!probed) {
        const { rows } = await super.query<{ v: string }>('select version() as v');
        allowed = !/PGlite/i.test(rows[0]?.v ?? '');
        probed = true;
      }
    }

    override query(...args: unknown[]): never {
      const [config, values] = args as [unknown, unknown];
      if (allowed && config && typeof config === 'object' && !(config as { name?: unknown }).name && typeof (config as { text?: unknown }).text === 'string') {
        const params = (config as { values?: unknown[] }).values ?? (Array.isArray(values) ? values : undefined);
        const name = params && params.length > 0 ? nameFor((config as { text: string }).text) : undefined;
        if (name) args[0] = { ...config, name };
      } else if (allowed && typeof config === 'string' && Array.isArray(values) && values.length > 0) {
        const name = nameFor(config);
        if (name) args[0] = { text: config, name };
      }
      return (super.query as (...a: unknown[]) => never)(...args);
    }
  }
  return PreparingClient as unknown as typeof pg.Client;
}
