// Transactions sent through pg itself (src/db/pg-transaction.ts) return what Prisma's $queryRaw
// returns for the same statement, value for value: every column of every table after a
// workflow that fills them, and a row of each type a statement can return. The use cases that
// run on them (decisions) then read the same rows whichever transaction they are in.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma, sqlSourceOf } from '../../src/db/client.js';
import {
  ConnectionWaitError,
  runPgTransaction,
  type SqlSource,
} from '../../src/db/pg-transaction.js';
import { TransactionExpiredError } from '../../src/db/raw-sql.js';
import { ALL_TENANTS, tenantScope } from '../../src/db/tenant-scope.js';
import { serviceWorld } from '../services/support.js';

let world: Awaited<ReturnType<typeof serviceWorld>>;
let source: SqlSource;
const WAITS = { timeoutMs: 10_000, maxWaitMs: 10_000 };

beforeAll(async () => {
  world = await serviceWorld();
  source = sqlSourceOf(world.prisma);
  const ingest = world.actor('detector', 'ingest');
  const responder = world.actor('analyst', 'responder');
  const device = await world.device('raw-1', 'SEMI_REQUIRE_APPROVAL_ANY');
  const alert = await world.services.reportAlert(ingest, {
    deviceId: device.id,
    title: 'raw',
    severity: 'HIGH',
    evidence: [1, 2].map((i) => ({
      kind: 'FILE' as const,
      path: `C:\\Users\\u\\Downloads\\${i}.exe`,
      verdict: 'MALICIOUS' as const,
      sha256: `${i}`.repeat(64),
    })),
  });
  await world.services.submitInvestigationFindings(ingest, {
    investigationId: alert.investigationId!,
    findings: [],
    complete: true,
  });
  const [action] = await world.prisma.remediationAction.findMany({ take: 1 });
  await world.services.approveRemediationActions(responder, {
    ids: [action!.id],
    comment: 'ok "quoted", {braced}',
  });
}, 60_000);

afterAll(async () => {
  await world?.close();
});

const viaPrisma = (statement: Prisma.Sql) =>
  world.prisma.$transaction((tx) => tx.$queryRaw<Record<string, unknown>[]>(statement));
const viaPg = (statement: Prisma.Sql) =>
  runPgTransaction(
    source,
    ALL_TENANTS,
    (tx) => tx.$queryRaw<Record<string, unknown>[]>(statement),
    WAITS,
  );

describe('a transaction through pg', () => {
  it('reads every column of every table as Prisma does', async () => {
    const tables = await world.prisma.$queryRaw<{ name: string }[]>`
      SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations'
      ORDER BY 1`;
    expect(tables.length).toBeGreaterThan(15);
    let filled = 0;
    for (const { name } of tables) {
      const statement = Prisma.sql`SELECT * FROM ${Prisma.raw(`"${name}"`)} ORDER BY 1`;
      const expected = await viaPrisma(statement);
      if (expected.length > 0) filled++;
      expect(await viaPg(statement), name).toEqual(expected);
    }
    expect(filled).toBeGreaterThan(8);
  });

  it('returns each type as Prisma does, nulls and arrays included', async () => {
    const now = new Date('2026-12-02T17:43:22.123Z');
    const statement = Prisma.sql`SELECT
      ${now}::timestamp AS ts, ${now}::timestamptz AS tstz, ARRAY[${now}::timestamp, NULL] AS ts_list,
      ${'2026-12-02'}::date AS day, 9007199254740993::int8 AS big, ARRAY[1, NULL]::int8[] AS bigs,
      count(*) AS counted, 1.50::numeric AS money, 7::int AS small, 2.5::float8 AS float, true AS yes,
      ${'a"b'}::text AS quoted, ARRAY['a,b', 'c"d', NULL]::text[] AS texts,
      ARRAY[gen_random_uuid()]::uuid[] IS NOT NULL AS uuids_made,
      '{"k": [1, "v"]}'::jsonb AS doc, 'PENDING_APPROVAL'::"RemediationActionStatus" AS status,
      ARRAY['PENDING_APPROVAL', 'IN_PROGRESS']::"RemediationActionStatus"[] AS statuses,
      '\\x0102ff'::bytea AS bytes, NULL::text AS nothing
      FROM (VALUES (1), (2)) v(n)`;
    const expected = await viaPrisma(statement);
    expect(expected[0]!.ts).toEqual(now);
    expect(await viaPg(statement)).toEqual(expected);
  });

  it('sends parameters as Prisma does: a Date as UTC, arrays element by element', async () => {
    const at = new Date('2026-01-02T03:04:05.006Z');
    const statement = Prisma.sql`SELECT ${at}::timestamp::text AS at,
      ${[at, at]}::timestamp[]::text AS ats, ${['x', 'y"z']}::text[]::text AS names,
      ${{ a: 1 }}::jsonb AS object, ${12n}::int8 AS big, ${null}::text AS none`;
    const expected = await viaPrisma(statement);
    expect(expected[0]!.at).toBe('2026-01-02 03:04:05.006');
    expect(await viaPg(statement)).toEqual(expected);
  });

  it('sets the tenant scope with BEGIN and ends it with the transaction', async () => {
    const scope = await runPgTransaction(
      source,
      tenantScope("it's-a-tenant"),
      (tx) =>
        tx.$queryRaw<
          { tenant: string; all: string }[]
        >`SELECT current_setting('quell.tenant_id') AS tenant, current_setting('quell.all_tenants') AS all`,
      WAITS,
    );
    expect(scope).toEqual([{ tenant: "it's-a-tenant", all: 'off' }]);
    const after = await world.prisma.$queryRaw<{ tenant: string | null }[]>`
      SELECT current_setting('quell.tenant_id', true) AS tenant`;
    expect(after[0]!.tenant ?? '').toBe('');
  });

  it('rolls back when the work throws, and commits when it returns', async () => {
    const name = `raw-rollback-${Date.now()}`;
    const insert = Prisma.sql`INSERT INTO tenants (id, name) VALUES (${name}, ${name})`;
    await expect(
      runPgTransaction(
        source,
        ALL_TENANTS,
        async (tx) => {
          await tx.$executeRaw(insert);
          throw new Error('work failed');
        },
        WAITS,
      ),
    ).rejects.toThrow('work failed');
    expect(await world.prisma.tenant.findUnique({ where: { id: name } })).toBeNull();
    const inserted = await runPgTransaction(
      source,
      ALL_TENANTS,
      (tx) => tx.$executeRaw(insert),
      WAITS,
    );
    expect(inserted).toBe(1);
    expect(await world.prisma.tenant.findUnique({ where: { id: name } })).not.toBeNull();
  });

  it('rolls back work that ran past its timeout, as Prisma does', async () => {
    const name = `raw-timeout-${Date.now()}`;
    await expect(
      runPgTransaction(
        source,
        ALL_TENANTS,
        async (tx) => {
          await tx.$executeRaw`INSERT INTO tenants (id, name) VALUES (${name}, ${name})`;
          await tx.$executeRaw`SELECT pg_sleep(0.3)`;
        },
        { timeoutMs: 100, maxWaitMs: 1_000 },
      ),
    ).rejects.toBeInstanceOf(TransactionExpiredError);
    expect(await world.prisma.tenant.findUnique({ where: { id: name } })).toBeNull();
  });

  it('gives up waiting for a connection after maxWait, and the busy one still commits', async () => {
    const pool = new pg.Pool({ connectionString: source.pool.options.connectionString, max: 1 });
    const single = { pool };
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started = () => {};
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const first = runPgTransaction(
      single,
      ALL_TENANTS,
      async (tx) => {
        started();
        await held;
        return tx.$queryRaw<{ one: number }[]>`SELECT 1 AS one`;
      },
      WAITS,
    );
    await running;
    await expect(
      runPgTransaction(single, ALL_TENANTS, (tx) => tx.$executeRaw`SELECT 1`, {
        timeoutMs: 1_000,
        maxWaitMs: 50,
      }),
    ).rejects.toBeInstanceOf(ConnectionWaitError);
    release();
    expect(await first).toEqual([{ one: 1 }]);
    await pool.end();
  });
});
