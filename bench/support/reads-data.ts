import { readFileSync } from 'node:fs';
import pg from 'pg';

/**
 * Seeds Quell's tables with the peer harness's shape (reads-seed.sql: tenant `contoso`, 10 groups,
 * 2,000 devices, `incidents` × 5 evidence × 4 actions, a seventh of the actions pending), then
 * VACUUM ANALYZE so plans see the real sizes.
 */
export async function seedReadsData(url: string, incidents: number): Promise<void> {
  const sql = readFileSync(new URL('./reads-seed.sql', import.meta.url), 'utf8');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql.replaceAll('{{INCIDENTS}}', String(incidents)));
    await client.query('VACUUM ANALYZE');
  } finally {
    await client.end();
  }
}
