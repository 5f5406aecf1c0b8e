import { defineConfig } from 'vitest/config';

// Tests named *.db.test.ts exercise the database layer: they run twice, on PGlite in process (the embedded default)
// and through node-postgres on a real PostgreSQL 15 with pgvector, a throwaway cluster the global setup starts.
// *.pg.test.ts only make sense with several real sessions at once (concurrency, several processes): pg project only.
// Everything else runs once, on PGlite.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
    globalSetup: ['test/support/postgres-global-setup.ts'],
    projects: [
      { extends: true, test: { name: 'pglite', include: ['src/**/*.test.ts', 'test/**/*.test.ts'], exclude: ['**/node_modules/**', 'test/**/*.pg.test.ts'], env: { TEST_DB: 'pglite' } } },
      { extends: true, test: { name: 'pg', include: ['test/**/*.db.test.ts', 'test/**/*.pg.test.ts'], env: { TEST_DB: 'pg' } } },
    ],
  },
});
