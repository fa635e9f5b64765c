import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '../src/db/embedded-postgres.js';
import { applyMigrations } from '../src/db/migrate.js';
import { ensureQuellRoles, handDatabaseToOwner, OWNER_ROLE, urlForRole } from '../src/db/roles.js';

export const TEMPLATE_DATABASE = 'quell_template';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A server URL whose `quell_template` database has every migration applied. */
    postgresAdminUrl: string;
  }
}

let cluster: EmbeddedPostgres | null = null;

/**
 * One throwaway PostgreSQL for the whole run (or the one DATABASE_URL names). Migrations go into a
 * template database once, as the owner role; each test file then clones it, which takes
 * milliseconds, and serves as the least-privilege app role, as production does.
 */
export async function setup(project: TestProject) {
  let adminUrl: string;
  if (process.env.DATABASE_URL) {
    const url = new URL(process.env.DATABASE_URL);
    url.pathname = '/postgres';
    adminUrl = url.toString();
  } else {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'quell-test-')), 'data');
    cluster = await startEmbeddedPostgres({ dataDir, throwaway: true, database: 'postgres' });
    adminUrl = cluster.adminUrl;
  }
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE} WITH (FORCE)`);
  await ensureQuellRoles(admin);
  await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE} OWNER ${OWNER_ROLE}`);
  await admin.end();
  await handDatabaseToOwner(adminUrl, TEMPLATE_DATABASE);
  const templateUrl = new URL(adminUrl);
  templateUrl.pathname = `/${TEMPLATE_DATABASE}`;
  await applyMigrations(urlForRole(templateUrl.toString(), OWNER_ROLE));
  project.provide('postgresAdminUrl', adminUrl);
}

export async function teardown() {
  await cluster?.stop();
}
