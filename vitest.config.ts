import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Test files run in parallel processes (2 cores); each gets its own database.
    pool: 'forks',
    fileParallelism: true,
    // Let Vite load graphql-inspector so it shares the one `graphql` module the tests use.
    server: { deps: { inline: ['@graphql-inspector/core'] } },
  },
});
