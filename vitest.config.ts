import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: more forks than that only adds PGlite start-up contention.
    maxWorkers: 2,
    // `npm test` runs both; `npx vitest run --project unit` needs neither the client build nor a database.
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts', 'test/engine/**/*.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'product',
          include: ['test/integration/**/*.test.ts', 'test/browser/**/*.test.ts'],
          // The client build and the PGlite template the database and browser suites share.
          globalSetup: ['test/setup/global.ts'],
        },
      },
    ],
  },
});
