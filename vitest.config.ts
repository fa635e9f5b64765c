import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  // One graphql module for everyone: Vite would otherwise hand our code graphql's ESM build while
  // the server libraries load its CommonJS build, and graphql refuses objects of the other one.
  resolve: { alias: { graphql: require.resolve('graphql') } },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Test files run in parallel processes (2 cores); each gets its own database.
    pool: 'forks',
    fileParallelism: true,
    // Each worker imports the app once for all its files (the import was 156 s of 535 s when every
    // file re-imported it); files still share nothing else: each gets its own database and server.
    isolate: false,
  },
});
