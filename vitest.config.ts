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
    // Test files run in parallel processes; each gets its own database. Vitest's default is one
    // worker per core minus one, which is a single worker on a 2-core machine: the suite then ran
    // serially at ~1.2 cores busy, most files waiting on PostgreSQL, sockets and child processes.
    // Three workers keep both cores busy (4 min 52 s -> 3 min 30 s on a quiet 2-core machine).
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 3,
    // Each worker imports the app once for all its files (the import was 156 s of 535 s when every
    // file re-imported it); files still share nothing else: each gets its own database and server.
    isolate: false,
  },
});
