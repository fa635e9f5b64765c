import { defineConfig } from 'prisma/config';

// The URL is only needed by Prisma CLI commands that talk to a database; the server and the
// tests resolve their own (embedded PostgreSQL or DATABASE_URL) at run time.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5433/quell' },
});
