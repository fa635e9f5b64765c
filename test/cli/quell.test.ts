// The `quell` binary (package.json "bin"), run as a user runs it, against a real server.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchIdempotencyKey } from '../../cli/idempotency.js';
import packageJson from '../../package.json' with { type: 'json' };
import { fixtures } from '../support/fixtures.js';
import { globalId } from '../support/global-ids.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { waitFor } from '../support/subscriptions.js';
import { APPROVE, sha, tenantOf } from '../support/workflow.js';

const BIN = new URL(`../../${packageJson.bin.quell}`, import.meta.url).pathname;
const run = promisify(execFile);

let server: TestServer;
const TENANT = 'cli-a';

async function quell(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      env: { ...process.env, QUELL_URL: server.url, ...env },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const STATUS = `query($filter: RemediationActionFilter) { remediationActions(first: 100, filter: $filter) {
  totalCount edges { node { id status decidedBy decidedAt decisionComment } } } }`;

async function actions(filter: Record<string, unknown>, bearer?: string) {
  const data = await server.gqlData(STATUS, { filter }, bearer ?? (await adminToken()));
  return data.remediationActions as { totalCount: number; edges: { node: any }[] };
}
const adminToken = () => server.token({ tid: TENANT, roles: ['admin'] });

let servers: { id: string };
let laptops: { id: string };

/** `count` pending ISOLATE_DEVICE actions on a device of `groupId`, written straight to the table. */
async function pendingActions(groupId: string, deviceId: string, count: number) {
  await server.prisma.remediationAction.createMany({
    data: Array.from({ length: count }, (_, i) => ({
      tenantId: TENANT,
      deviceId,
      deviceGroupId: groupId,
      type: 'ISOLATE_DEVICE' as const,
      source: 'MANUAL' as const,
      status: 'PENDING_APPROVAL' as const,
      undoable: true,
      createdAt: new Date(Date.parse('2026-11-20T00:00:00Z') + i * 1000),
    })),
  });
}

beforeAll(async () => {
  server = await startTestServer();
  const f = fixtures(server.prisma, TENANT);
  await f.tenant();
  servers = await f.group('Servers');
  laptops = await f.group('Laptops');
  const srv = await f.device(servers.id, 'srv-1');
  const lap = await f.device(laptops.id, 'lap-1');
  await pendingActions(servers.id, srv.id, 230);
  await pendingActions(laptops.id, lap.id, 7);
}, 120_000);
afterAll(() => server?.close());

// Each command is a fresh node + tsx process: on a busy 2-core machine one takes seconds.
describe('quell', { timeout: 240_000 }, () => {
  it('token mints a token the server accepts, with the options of the token command', async () => {
    const minted = await quell(['token', '--tid', TENANT, '--roles', 'viewer', '--sub', 'cli']);
    expect(minted.code, minted.stderr).toBe(0);
    const token = minted.stdout.trim();
    expect((await actions({}, token)).totalCount).toBe(237);
  });

  it('migrate finds the database of DATABASE_URL up to date', async () => {
    const result = await quell(['migrate'], { DATABASE_URL: server.databaseUrl });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('up to date');
  });

  it('seed fills a tenant through the seed function; a second run leaves it alone', async () => {
    const env = { DATABASE_URL: server.databaseUrl };
    const first = await quell(['seed', '--tenant', 'cli-seeded', '--devices', '12'], env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('Tenant "cli-seeded" seeded');
    const incidents = await server.prisma.incident.count({ where: { tenantId: 'cli-seeded' } });
    expect(incidents).toBeGreaterThan(0);
    const again = await quell(['seed', '--tenant', 'cli-seeded', '--devices', '12'], env);
    expect(again.stdout).toContain('nothing to seed');
    expect(await server.prisma.incident.count({ where: { tenantId: 'cli-seeded' } })).toBe(
      incidents,
    );
  });

  it('seed --incidents opens that many incidents over --devices devices, with a progress bar', async () => {
    const env = { DATABASE_URL: server.databaseUrl };
    const tenant = 'cli-sized';
    const tooMany = await quell(
      ['seed', '--tenant', tenant, '--devices', '4', '--incidents', '5'],
      env,
    );
    expect(tooMany.code).toBe(2);
    expect(tooMany.stderr).toBe(
      'quell: --incidents: at most --devices (4): a device has one open incident.\n',
    );
    const notANumber = await quell(['seed', '--tenant', tenant, '--incidents', 'many'], env);
    expect(notANumber.code).toBe(2);
    expect(notANumber.stderr).toContain('--incidents: a whole number of at least 0 (got "many")');
    expect(await server.prisma.tenant.count({ where: { id: tenant } })).toBe(0);

    const sized = ['seed', '--tenant', tenant, '--devices', '12', '--incidents', '5', '--progress'];
    const seeded = await quell(sized, env);
    expect(seeded.code, seeded.stderr).toBe(0);
    expect(seeded.stdout).toContain(`Tenant "${tenant}" seeded`);
    expect(seeded.stderr).toMatch(/seed devices \[.*\] 12\/12 devices/);
    expect(seeded.stderr).toMatch(/seed incidents \[.*\] 5\/5 incidents/);
    expect(await server.prisma.device.count({ where: { tenantId: tenant } })).toBe(12);
    const incidents = await server.prisma.incident.findMany({
      where: { tenantId: tenant },
      select: { primaryDeviceId: true },
    });
    expect(incidents).toHaveLength(5);
    expect(new Set(incidents.map((i) => i.primaryDeviceId)).size).toBe(5);
  });

  it('export writes the CSV of the filter to a file or stdout; a bad filter names it, exit 2', async () => {
    const token = await adminToken();
    const dir = mkdtempSync(join(tmpdir(), 'quell-cli-'));
    const file = join(dir, 'actions.csv');
    const groupId = globalId('DeviceGroup', laptops.id);
    const toFile = await quell([
      'export',
      '--device-group-ids',
      groupId,
      '-o',
      file,
      '--token',
      token,
    ]);
    expect(toFile.code, toFile.stderr).toBe(0);
    const rows = parse(readFileSync(file, 'utf8'), { columns: true }) as { id: string }[];
    const expected = await actions({ deviceGroupIds: [groupId] });
    expect(rows.map((row) => row.id)).toEqual(expected.edges.map((edge) => edge.node.id));
    const toStdout = await quell(['--token', token, 'export', '--device-group-ids', groupId]);
    expect(toStdout.stdout).toBe(readFileSync(file, 'utf8'));
    const bad = await quell(['export', '--statuses', 'PENDING', '--token', token]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/BAD_USER_INPUT: statuses/);
    const none = await quell(['export']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('QUELL_TOKEN');
  });

  it('approve --dry-run lists what would be decided and changes nothing', async () => {
    const before = await actions({ statuses: ['PENDING_APPROVAL'] });
    const dry = await quell(['approve', '--dry-run', '--token', await adminToken()]);
    expect(dry.code, dry.stderr).toBe(0);
    const listed = dry.stdout.split('\n').filter((line) => line.startsWith('would approve'));
    expect(listed).toHaveLength(237);
    expect(dry.stdout).toContain('237 actions would be approved (dry run: nothing changed).');
    expect((await actions({ statuses: ['PENDING_APPROVAL'] })).totalCount).toBe(before.totalCount);
  });

  it('reject with a group-scoped token decides only its groups, with a progress bar', async () => {
    const token = await server.token({
      tid: TENANT,
      sub: 'lap-lead',
      roles: ['responder'],
      groups: ['Laptops'],
    });
    const result = await quell(
      ['reject', '--comment', 'not here', '--batch-size', '3', '--progress'],
      {
        QUELL_TOKEN: token,
      },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('rejected 7 of 7 actions.');
    expect(result.stderr).toMatch(/reject \[.*\] 7\/7 actions/);
    const laptopRows = await actions({ deviceGroupIds: [globalId('DeviceGroup', laptops.id)] });
    expect(laptopRows.edges.map((edge) => edge.node.status)).toEqual(Array(7).fill('REJECTED'));
    const serverRows = await actions({
      deviceGroupIds: [globalId('DeviceGroup', servers.id)],
      statuses: ['PENDING_APPROVAL'],
    });
    expect(serverRows.totalCount).toBe(230);
  });

  it('approve decides every pending action in batches; a retried batch replays, never doubles', async () => {
    const token = await server.token({ tid: TENANT, sub: 'srv-lead', roles: ['responder'] });
    const result = await quell(['approve', '--comment', 'go', '--batch-size', '1000'], {
      QUELL_TOKEN: token,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('approved 230 of 230 actions.');
    const decided = await server.prisma.remediationAction.findMany({
      where: { tenantId: TENANT, decidedBy: 'srv-lead' },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    });
    expect(decided).toHaveLength(230);
    // The same batch again, as the CLI's retry sends it: the first result, nothing decided twice.
    const ids = decided.map((action) => globalId('RemediationAction', action.id));
    const audits = await server.prisma.auditEvent.count({ where: { tenantId: TENANT } });
    const replay = await server.gqlData(
      APPROVE,
      {
        input: {
          ids,
          comment: 'go',
          idempotencyKey: batchIdempotencyKey('approve', ids, { comment: 'go' }),
        },
      },
      token,
    );
    expect(replay.approveRemediationActions.outcomes.every((o: any) => o.error === null)).toBe(
      true,
    );
    expect(await server.prisma.auditEvent.count({ where: { tenantId: TENANT } })).toBe(audits);
    const rerun = await quell(['approve'], { QUELL_TOKEN: token });
    expect(rerun.stdout).toContain('approved 0 of 0 actions.');
  });

  it('undo by filter undoes the completed actions it selects', async () => {
    const token = await adminToken();
    const completed = async () => (await actions({ statuses: ['COMPLETED'] })).totalCount;
    // The simulated executor completes approved actions on its own; wait for it to have done so.
    await waitFor(async () => (await completed()) >= 230, '230 completed actions', 30_000);
    const deviceId = (
      await server.prisma.device.findFirstOrThrow({
        where: { tenantId: TENANT, hostname: 'srv-1' },
      })
    ).id;
    const dry = await quell([
      'undo',
      '--dry-run',
      '--device-ids',
      globalId('Device', deviceId),
      '--token',
      token,
    ]);
    expect(dry.stdout).toContain('230 actions would be undone');
    const result = await quell([
      'undo',
      '--created-after',
      '2026-11-20T00:03:00Z',
      '--token',
      token,
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('undone 50 of 50 actions.');
    expect((await actions({ statuses: ['UNDONE'] })).totalCount).toBe(50);
  });

  it('tail follows pending actions (one line or JSON per event) and resumes with --after', async () => {
    const t = tenantOf(server);
    const semi = await t.group('Semi', 'SEMI_REQUIRE_APPROVAL_ANY');
    const device = await t.device('tail-host', semi.id);
    const cursorData = await server.gqlData('{ actionStreamCursor }', {}, await t.tokens.viewer());
    const start = cursorData.actionStreamCursor as string;
    const token = await t.tokens.viewer();
    const child = spawn(
      process.execPath,
      [BIN, 'tail', '--json', '--count', '2', '--after', start],
      {
        env: { ...process.env, QUELL_URL: server.url, QUELL_TOKEN: token },
      },
    );
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    for (const name of ['a', 'b']) {
      const alert = await t.reportAlert(device.id, []);
      await t.submit(alert.investigation!.id, [
        {
          evidence: { kind: 'FILE', path: `C:\\Users\\x\\Downloads\\${name}.exe`, sha256: sha() },
          verdict: 'MALICIOUS',
        },
      ]);
    }
    expect(await exited).toBe(0);
    const events = out
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(events.map((event) => event.action.evidence.path)).toEqual([
      'C:\\Users\\x\\Downloads\\a.exe',
      'C:\\Users\\x\\Downloads\\b.exe',
    ]);
    const resumed = await quell([
      'tail',
      '--count',
      '1',
      '--after',
      events[0].cursor,
      '--token',
      token,
    ]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout.trim().split('\n')).toHaveLength(1);
    expect(resumed.stdout).toContain('b.exe');
    expect(resumed.stdout).toContain(`cursor=${events[1].cursor}`);
  });
});
