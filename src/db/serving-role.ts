import pg from 'pg';
import { roleFacts } from './roles.js';

/**
 * Says, once at start, when the serving connection could undo the database's own guarantees
 * (SPEC §5): a superuser or the tables' owner bypasses row security and may disable the audit
 * triggers. Development on one URL is allowed; production gets a warning naming the fix.
 */
export async function checkServingRole(
  databaseUrl: string,
  options: { production: boolean; warn?: (message: string) => void },
): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const facts = await roleFacts(client);
    const powers = [
      facts.superuser && 'is a superuser',
      facts.bypassesRowSecurity && 'bypasses row-level security',
      facts.ownsTables && 'owns the tables',
      facts.mayRunServerPrograms && 'may run server programs',
    ].filter(Boolean);
    if (powers.length === 0 || !options.production) return;
    (options.warn ?? console.warn)(
      `quell: the serving database role "${facts.role}" ${powers.join(', ')}. Serve as a member of quell_app and run migrations through QUELL_MIGRATION_DATABASE_URL (src/db/README.md).`,
    );
  } finally {
    await client.end();
  }
}
