// vitest globalSetup: one throwaway PostgreSQL for the whole run, with a template database that already has the
// migrations, so each test file copies it (CREATE DATABASE ... TEMPLATE, test/support/database.ts) instead of
// migrating its own. With TEST_POSTGRES_URL (a server with pgvector, as a user that may create databases) the
// template goes there and no cluster is started.
//
// Both projects list this file, and vitest runs a project's global setup only when that project has tests queued.
// Both run in the one main process, so they share one cluster through globalThis and the last teardown stops it.
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/db/client.js';
import { postgresMissing, startPostgresCluster } from './postgres-cluster.js';

export type ProvidedPostgres = { adminUrl: string; template: string } | { unavailable: string };

declare module 'vitest' {
  export interface ProvidedContext {
    postgres: ProvidedPostgres;
  }
}

interface Shared {
  users: number;
  ready: Promise<{ provided: ProvidedPostgres; stop(): Promise<void> }>;
}
const key = Symbol.for('firstreply.test-postgres');
const store = globalThis as unknown as Record<symbol, Shared | undefined>;

async function start(): Promise<{ provided: ProvidedPostgres; stop(): Promise<void> }> {
  const external = process.env.TEST_POSTGRES_URL;
  const missing = external ? undefined : postgresMissing();
  // Files that do not need PostgreSQL (unit tests on a machine without it) still run; the ones that do fail
  // with this line in openTestDatabase.
  if (missing) return { provided: { unavailable: missing }, stop: async () => undefined };
  const cluster = external ? undefined : await startPostgresCluster({ volatile: true });
  const adminUrl = external ?? cluster!.url();
  const template = `firstreply_template_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${template}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${template}`;
  const database = await openDatabase({ databaseUrl: url.toString(), maxConnections: 1 });
  try {
    await database.migrate();
  } finally {
    await database.close(); // a template must have no connections while it is copied
  }
  return {
    provided: { adminUrl, template },
    async stop() {
      if (cluster) return cluster.stop();
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`).finally(() => client.end());
    },
  };
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const shared = (store[key] ??= { users: 0, ready: start() });
  shared.users++;
  const { provided } = await shared.ready;
  project.provide('postgres', provided);
  return async () => {
    if (--shared.users > 0) return;
    store[key] = undefined;
    await (await shared.ready).stop();
  };
}
