import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type PrismaClient } from '../../src/db/client.js';
import { roleFacts } from '../../src/db/roles.js';
import { checkServingRole } from '../../src/db/serving-role.js';
import { ALL_TENANTS, scopedClient, tenantScope } from '../../src/db/tenant-scope.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { fixtures } from '../support/fixtures.js';

/** Every table holding a tenant's rows, directly or through its parent (the link tables). */
const TENANT_TABLES = [
  'tenants',
  'device_groups',
  'devices',
  'incidents',
  'incident_devices',
  'alerts',
  'evidence',
  'investigations',
  'investigation_devices',
  'remediation_actions',
  'indicators',
  'audit_events',
  'stream_events',
  'idempotency_records',
];

let database: TestDatabase;
/** The cluster's superuser: fixtures and counts across tenants (it alone bypasses row security). */
let owner: PrismaClient;
let app: pg.Client;

async function seedTenant(tenantId: string) {
  const world = fixtures(owner, tenantId);
  const group = await world.tenant();
  const devices = [await world.device(group.id), await world.device(group.id)];
  await world.incident(devices);
  await owner.indicator.create({ data: { tenantId, sha256: 'a'.repeat(64), createdBy: 'seed' } });
  await owner.auditEvent.create({
    data: {
      tenantId,
      subject: 'seed',
      roles: [],
      operation: 'seed',
      targetType: 'Test',
      targetIds: [],
      outcome: 'OK',
    },
  });
  await owner.streamEvent.create({
    data: {
      tenantId,
      actionId: devices[0]!.id,
      deviceGroupId: group.id,
      actionType: 'QUARANTINE_FILE',
      status: 'PENDING_APPROVAL',
    },
  });
  await owner.idempotencyRecord.create({
    data: {
      tenantId,
      subject: 'seed',
      key: 'k',
      operation: 'seed',
      requestHash: 'h',
      response: {},
      expiresAt: new Date(Date.now() + 3_600_000),
    },
  });
}

/** Rows per tenant table as the superuser sees them (row security does not apply to it). */
async function ownerCounts(tenantId: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of TENANT_TABLES) {
    const where =
      table === 'tenants'
        ? `id = $1`
        : table === 'incident_devices'
          ? `"incidentId" IN (SELECT id FROM incidents WHERE "tenantId" = $1)`
          : table === 'investigation_devices'
            ? `"investigationId" IN (SELECT id FROM investigations WHERE "tenantId" = $1)`
            : `"tenantId" = $1`;
    const rows = await owner.$queryRawUnsafe<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM ${table} WHERE ${where}`,
      tenantId,
    );
    counts[table] = rows[0]!.n;
  }
  return counts;
}

async function appCounts(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of TENANT_TABLES) {
    const result = await app.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
    counts[table] = result.rows[0]!.n;
  }
  return counts;
}

async function inTenant<T>(tenantId: string, work: () => Promise<T>): Promise<T> {
  await app.query('BEGIN');
  try {
    await app.query(`SELECT set_config('quell.tenant_id', $1, true)`, [tenantId]);
    return await work();
  } finally {
    await app.query('ROLLBACK');
  }
}

beforeAll(async () => {
  database = await createTestDatabase();
  owner = createPrismaClient(database.adminUrl);
  await seedTenant('tenant-a');
  await seedTenant('tenant-b');
  app = new pg.Client({ connectionString: database.url });
  await app.connect();
});

afterAll(async () => {
  await app?.end();
  await owner?.$disconnect();
  await database?.drop();
});

describe('the serving role', () => {
  it('is no superuser, owns no table, cannot bypass row security or run server programs', async () => {
    expect(await roleFacts(app)).toEqual({
      role: 'quell_app',
      superuser: false,
      bypassesRowSecurity: false,
      ownsTables: false,
      mayRunServerPrograms: false,
    });
  });

  it('cannot run shell commands with COPY … TO PROGRAM', async () => {
    await expect(app.query(`COPY (SELECT 1) TO PROGRAM 'true'`)).rejects.toMatchObject({
      code: '42501',
    });
  });

  it('cannot update, delete or truncate the audit log, nor disable its triggers', async () => {
    await inTenant('tenant-a', async () => {
      await app.query('SAVEPOINT s');
      for (const statement of [
        `UPDATE audit_events SET subject = 'mallory'`,
        'DELETE FROM audit_events',
        'TRUNCATE audit_events',
        'ALTER TABLE audit_events DISABLE TRIGGER USER',
      ]) {
        await expect(app.query(statement), statement).rejects.toMatchObject({ code: '42501' });
        await app.query('ROLLBACK TO SAVEPOINT s');
      }
    });
    expect((await ownerCounts('tenant-a')).audit_events).toBe(1);
  });

  it('may still insert audit events of its own tenant', async () => {
    await inTenant('tenant-a', async () => {
      const inserted = await app.query(
        `INSERT INTO audit_events ("tenantId", subject, roles, operation, "targetType", "targetIds", outcome)
         VALUES ('tenant-a', 's', '{}', 'op', 'T', '{}', 'OK')`,
      );
      expect(inserted.rowCount).toBe(1);
    });
  });
});

/** Tables with a "tenantId" column that lack row security enabled, forced, and a policy. */
const UNPROTECTED_TENANT_TABLES = `
  SELECT c.relname AS table FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
  WHERE c.relkind IN ('r', 'p')
    AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenantId' AND NOT a.attisdropped)
    AND NOT (c.relrowsecurity AND c.relforcerowsecurity
             AND EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid))
  ORDER BY 1`;

describe('row-level security', () => {
  it('is enabled, forced and has a policy on every table with a tenantId column (tables added later too)', async () => {
    const tenantTables = await app.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'tenantId'`,
    );
    expect(tenantTables.rows[0]!.n).toBeGreaterThanOrEqual(15);
    expect((await app.query(UNPROTECTED_TENANT_TABLES)).rows).toEqual([]);
  });

  it('leaves only the migration history and the rate buckets unprotected, by design', async () => {
    // Every other table holds a tenant's rows (directly or through its parent). These two hold
    // none: Prisma's migration log, and token buckets keyed by `tenant:`/`subject:` strings that
    // the rate limiter charges before any tenant scope exists.
    const unprotected = await app.query<{ table: string }>(`
      SELECT c.relname AS table FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
      WHERE c.relkind IN ('r', 'p')
        AND NOT (c.relrowsecurity AND c.relforcerowsecurity
                 AND EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid))
      ORDER BY 1`);
    expect(unprotected.rows.map((row) => row.table)).toEqual([
      '_prisma_migrations',
      'rate_limit_buckets',
    ]);
  });

  it('binds the owner role too (forced): without a scope it sees no row', async () => {
    const ownerClient = new pg.Client({ connectionString: database.ownerUrl });
    await ownerClient.connect();
    try {
      const seen = await ownerClient.query<{ n: number }>(
        'SELECT (SELECT count(*) FROM devices) + (SELECT count(*) FROM audit_events) AS n',
      );
      expect(Number(seen.rows[0]!.n)).toBe(0);
      expect((await ownerCounts('tenant-a')).devices).toBe(2);
    } finally {
      await ownerClient.end();
    }
  });

  it('shows no row of any tenant table to a query without the tenant setting', async () => {
    const seeded = await ownerCounts('tenant-a');
    for (const table of TENANT_TABLES) expect(seeded[table], table).toBeGreaterThan(0);
    const visible = await appCounts();
    expect(visible).toEqual(Object.fromEntries(TENANT_TABLES.map((t) => [t, 0])));
  });

  it("shows tenant A's setting exactly A's rows and none of B's, on every table", async () => {
    const expected = await ownerCounts('tenant-a');
    const visible = await inTenant('tenant-a', async () => {
      const others = await app.query<{ n: number }>(
        `SELECT (SELECT count(*) FROM devices WHERE "tenantId" <> 'tenant-a')
              + (SELECT count(*) FROM remediation_actions WHERE "tenantId" <> 'tenant-a')
              + (SELECT count(*) FROM audit_events WHERE "tenantId" <> 'tenant-a') AS n`,
      );
      expect(Number(others.rows[0]!.n)).toBe(0);
      return appCounts();
    });
    expect(visible).toEqual(expected);
  });

  it('forgets the setting when the transaction ends (pooled connections carry nothing over)', async () => {
    await inTenant('tenant-a', async () => undefined);
    expect((await app.query('SELECT count(*)::int AS n FROM devices')).rows[0].n).toBe(0);
  });

  it("refuses to write a row of tenant B under tenant A's setting", async () => {
    const groupOfB = await owner.deviceGroup.findFirstOrThrow({ where: { tenantId: 'tenant-b' } });
    await inTenant('tenant-a', async () => {
      await expect(
        app.query(
          `INSERT INTO devices (id, "tenantId", "deviceGroupId", hostname, "osPlatform")
           VALUES (gen_random_uuid(), 'tenant-b', $1, 'sneaky', 'WINDOWS')`,
          [groupOfB.id],
        ),
      ).rejects.toMatchObject({ code: '42501' });
    });
    expect(await owner.device.count({ where: { hostname: 'sneaky' } })).toBe(0);
  });

  it("gives Prisma reads through a tenant's scoped client only that tenant's rows", async () => {
    const serving = createPrismaClient(database.url);
    try {
      expect(await serving.device.count()).toBe(0);
      const scopedA = scopedClient(serving, tenantScope('tenant-a'));
      const devices = await scopedA.device.findMany({ include: { incidents: true } });
      expect(devices.map((d) => d.tenantId)).toEqual(['tenant-a', 'tenant-a']);
      expect(
        await scopedA.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM devices`,
      ).toEqual([{ n: 2 }]);
      expect(await scopedClient(serving, ALL_TENANTS).device.count()).toBe(4);
    } finally {
      await serving.$disconnect();
    }
  });
});

describe('the start-up check', () => {
  it('warns in production when the serving role owns the tables, and not for the app role', async () => {
    const warnings: string[] = [];
    const warn = (message: string) => warnings.push(message);
    await checkServingRole(database.url, { production: true, warn });
    expect(warnings).toEqual([]);
    await checkServingRole(database.ownerUrl, { production: true, warn });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/"quell_owner" owns the tables/);
  });
});
