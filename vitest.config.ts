import { defineConfig } from 'vitest/config';

// Tests named *.db.test.ts exercise the database layer: they run twice, on PGlite in process and through
// node-postgres against PGlite's socket server. Everything else runs once, on PGlite.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
    projects: [
      { extends: true, test: { name: 'pglite', include: ['src/**/*.test.ts', 'test/**/*.test.ts'], env: { TEST_DB: 'pglite' } } },
      { extends: true, test: { name: 'pg', include: ['test/**/*.db.test.ts'], env: { TEST_DB: 'pg' } } },
    ],
  },
});
