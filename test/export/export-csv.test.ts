// GET /export/remediation-actions.csv (SPEC §8): the CSV parsed back must be exactly what the
// GraphQL `remediationActions` answers for the same filter and token, every row, newest first.
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RATE_LIMITS } from '../../src/config.js';
import { fixtures } from '../support/fixtures.js';
import { globalId } from '../support/global-ids.js';
import { startTestServer, type TestServer } from '../support/server.js';

const LIST = `query($first: Int, $after: String, $filter: RemediationActionFilter) {
  remediationActions(first: $first, after: $after, filter: $filter) {
    pageInfo { hasNextPage endCursor }
    edges { node { id createdAt type source status decision comment requestedBy explanation sha256
      undoable decidedBy device { id hostname } deviceGroup { id name } incident { id title }
      evidence { id kind path } } }
  }
}`;

const TENANT = 'export-a';
const OTHER_TENANT = 'export-b';
/** Cells a spreadsheet would run as formulas, and cells RFC 4180 must quote. */
const TRICKY_COMMENTS = [
  '=HYPERLINK("http://evil","x")',
  '+1+2',
  '-2+3',
  '@SUM(A1)',
  '\tcmd',
  '\rcmd',
  'plain, with "quotes" and a\nnew line',
  null,
];
/** The rows are more than one database batch (1,000) and share timestamps across batch edges. */
const BULK = 2300;

let server: TestServer;
const ids: Record<string, string> = {};

async function seedTenant(tenantId: string, bulk: number) {
  const f = fixtures(server.prisma, tenantId);
  await f.tenant();
  const servers = await f.group('Servers');
  const laptops = await f.group('Laptops');
  const srv = await f.device(servers.id, 'srv-1');
  const lap = await f.device(laptops.id, 'lap-1');
  const { incident } = await f.incident([srv, lap], { title: '=cmd|calc' });
  const statuses = ['PENDING_APPROVAL', 'COMPLETED', 'REJECTED', 'UNDONE'] as const;
  const types = ['QUARANTINE_FILE', 'ISOLATE_DEVICE', 'STOP_AND_QUARANTINE_FILE'] as const;
  const base = Date.parse('2026-11-01T00:00:00Z');
  await server.prisma.remediationAction.createMany({
    data: Array.from({ length: bulk }, (_, i) => {
      const device = i % 3 === 0 ? lap : srv;
      return {
        tenantId,
        deviceId: device.id,
        deviceGroupId: device.deviceGroupId,
        type: types[i % types.length]!,
        source: i % 5 === 0 ? ('MANUAL' as const) : ('AUTOMATED_INVESTIGATION' as const),
        status: statuses[i % statuses.length]!,
        incidentId: i % 2 === 0 ? incident.id : null,
        comment: TRICKY_COMMENTS[i % TRICKY_COMMENTS.length],
        requestedBy: i % 5 === 0 ? '-analyst' : null,
        undoable: i % 2 === 1,
        undoneAt: statuses[i % statuses.length] === 'UNDONE' ? new Date(base) : null,
        undoneBy: statuses[i % statuses.length] === 'UNDONE' ? '@undoer' : null,
        // Seven rows per minute: equal timestamps everywhere, also across batch boundaries.
        createdAt: new Date(base + Math.floor(i / 7) * 60_000),
      };
    }),
  });
  return { servers, laptops, srv, lap, incident };
}

beforeAll(async () => {
  // This test reads thousands of rows back through GraphQL to compare: a budget for a bulk reader.
  const bulk = { capacity: 100_000_000, refillPerSecond: 1_000_000 };
  server = await startTestServer({
    rateLimits: { ...DEFAULT_RATE_LIMITS, subject: bulk, tenant: bulk },
  });
  const a = await seedTenant(TENANT, BULK);
  await seedTenant(OTHER_TENANT, 40);
  ids.servers = globalId('DeviceGroup', a.servers.id);
  ids.laptops = globalId('DeviceGroup', a.laptops.id);
  ids.srv = globalId('Device', a.srv.id);
  ids.incident = globalId('Incident', a.incident.id);
}, 120_000);
afterAll(() => server?.close());

const exportUrl = (params: Record<string, string>) =>
  `${server.url}/export/remediation-actions.csv?${new URLSearchParams(params)}`;

async function exportCsv(params: Record<string, string>, bearer: string) {
  const response = await fetch(exportUrl(params), {
    headers: { authorization: `Bearer ${bearer}` },
  });
  expect(response.status, await response.clone().text()).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
  const text = await response.text();
  return parse(text, { columns: true, relax_quotes: false }) as Record<string, string>[];
}

async function graphqlRows(filter: Record<string, unknown>, bearer: string) {
  const rows: any[] = [];
  let after: string | null = null;
  do {
    const data: any = await server.gqlData(LIST, { first: 100, after, filter }, bearer);
    rows.push(...data.remediationActions.edges.map((edge: any) => edge.node));
    after = data.remediationActions.pageInfo.hasNextPage
      ? data.remediationActions.pageInfo.endCursor
      : null;
  } while (after);
  return rows;
}

/** What a spreadsheet-safe cell of `value` reads as: text prefixed with ' when it would run. */
const asCell = (value: string | null | undefined) =>
  value == null ? '' : /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;

function expectedRecord(node: any) {
  return {
    id: node.id,
    createdAt: node.createdAt,
    type: node.type,
    source: node.source,
    status: node.status,
    decision: node.decision ?? '',
    deviceId: node.device.id,
    device: asCell(node.device.hostname),
    deviceGroupId: node.deviceGroup.id,
    deviceGroup: asCell(node.deviceGroup.name),
    incidentId: node.incident?.id ?? '',
    incident: asCell(node.incident?.title),
    evidenceId: node.evidence?.id ?? '',
    evidenceKind: node.evidence?.kind ?? '',
    evidencePath: asCell(node.evidence?.path),
    sha256: node.sha256 ?? '',
    explanation: asCell(node.explanation),
    requestedBy: asCell(node.requestedBy),
    comment: asCell(node.comment),
    decidedBy: asCell(node.decidedBy),
    undoable: String(node.undoable),
  };
}

function pick(record: Record<string, string>, like: Record<string, string>) {
  return Object.fromEntries(Object.keys(like).map((key) => [key, record[key]]));
}

const token = (claims: Record<string, unknown> = {}) => server.token({ tid: TENANT, ...claims });

describe('the CSV export', () => {
  const cases: [string, () => Record<string, unknown>][] = [
    ['no filter', () => ({})],
    [
      'statuses and types',
      () => ({ statuses: ['PENDING_APPROVAL', 'COMPLETED'], types: ['QUARANTINE_FILE'] }),
    ],
    [
      'a device group and a time window',
      () => ({
        deviceGroupIds: [ids.servers],
        createdAfter: '2026-11-01T01:00:00.000Z',
        createdBefore: '2026-11-01T03:30:00.000Z',
      }),
    ],
    ['an incident and a source', () => ({ incidentIds: [ids.incident], sources: ['MANUAL'] })],
    ['a device', () => ({ deviceIds: [ids.srv], statuses: ['UNDONE'] })],
  ];

  const asParams = (filter: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(filter).map(([key, value]) => [
        key,
        Array.isArray(value) ? value.join(',') : String(value),
      ]),
    );

  for (const [name, filterOf] of cases) {
    it(`is the GraphQL answer, row for row, for ${name} (all groups and a group-scoped token)`, async () => {
      for (const bearer of [
        await token(),
        await token({ roles: ['responder'], groups: ['Servers'] }),
      ]) {
        const filter = filterOf();
        const expected = (await graphqlRows(filter, bearer)).map(expectedRecord);
        const csv = await exportCsv(asParams(filter), bearer);
        expect(expected.length).toBeGreaterThan(0);
        expect(csv.map((record, i) => pick(record, expected[i] ?? expected[0]!))).toEqual(expected);
      }
    }, 120_000);
  }

  it('streams every row of the scope (more than one batch) newest first, and no other tenant', async () => {
    const csv = await exportCsv({}, await token());
    expect(csv).toHaveLength(BULK + 2);
    const times = csv.map((record) => Date.parse(record.createdAt!));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(new Set(csv.map((record) => record.id)).size).toBe(csv.length);
    const other = await exportCsv({}, await server.token({ tid: OTHER_TENANT }));
    expect(other).toHaveLength(42);
    expect(other.some((record) => csv.some((mine) => mine.id === record.id))).toBe(false);
  }, 60_000);

  it('neutralises cells a spreadsheet would run, and quotes per RFC 4180', async () => {
    const response = await fetch(exportUrl({ types: 'ISOLATE_DEVICE' }), {
      headers: { authorization: `Bearer ${await token()}` },
    });
    const text = await response.text();
    expect(text.split('\r\n')[0]).toMatch(/^id,createdAt,type,source,status,/);
    expect(text).toContain(`"'=HYPERLINK(""http://evil"",""x"")"`);
    expect(text).toContain(`'=cmd|calc`);
    expect(text).toContain(`"plain, with ""quotes"" and a\nnew line"`);
    const comments = new Set(parse(text, { columns: true }).map((r: any) => r.comment));
    for (const cell of ["'+1+2", "'-2+3", "'@SUM(A1)", "'\tcmd", "'\rcmd"]) {
      expect(comments.has(cell), cell).toBe(true);
    }
    expect(text).not.toMatch(/(^|,)[=+\-@][^,]*/m);
  });

  it('a token of a group the filter names outside its scope exports the header only, like GraphQL', async () => {
    const bearer = await token({ roles: ['viewer'], groups: ['Servers'] });
    expect(await graphqlRows({ deviceGroupIds: [ids.laptops] }, bearer)).toEqual([]);
    const response = await fetch(exportUrl({ deviceGroupIds: ids.laptops! }), {
      headers: { authorization: `Bearer ${bearer}` },
    });
    expect((await response.text()).trim().split('\r\n')).toHaveLength(1);
  });

  it('refuses a bad parameter with 400 and a JSON error naming it', async () => {
    const bearer = await token();
    const bad: [Record<string, string>, string][] = [
      [{ statuses: 'PENDING_APPROVAL,NOPE' }, 'statuses'],
      [{ types: '' }, 'types'],
      [{ sources: 'MANUAL,' }, 'sources'],
      [{ createdAfter: 'yesterday' }, 'createdAfter'],
      [{ createdBefore: '2026-13-01T00:00:00Z' }, 'createdBefore'],
      [{ deviceIds: ids.incident! }, 'deviceIds'],
      [{ incidentIds: 'not-an-id!' }, 'incidentIds'],
      [{ deviceGroupIds: Array.from({ length: 1001 }, () => 'x').join(',') }, 'deviceGroupIds'],
      [{ first: '10' }, 'first'],
    ];
    for (const [params, parameter] of bad) {
      const response = await fetch(exportUrl(params), {
        headers: { authorization: `Bearer ${bearer}` },
      });
      expect(response.status, parameter).toBe(400);
      const body = (await response.json()) as {
        error: { code: string; parameter: string; message: string };
      };
      expect(body.error.code).toBe('BAD_USER_INPUT');
      expect(body.error.parameter).toBe(parameter);
      expect(body.error.message).toContain(parameter);
    }
  });

  it('answers 401 without a token or with a bad one, 403 for a role that may not read', async () => {
    const none = await fetch(exportUrl({}));
    expect(none.status).toBe(401);
    expect(((await none.json()) as any).error.code).toBe('UNAUTHENTICATED');
    const forged = await fetch(exportUrl({}), { headers: { authorization: 'Bearer x.y.z' } });
    expect(forged.status).toBe(401);
    const agent = await fetch(exportUrl({}), {
      headers: {
        authorization: `Bearer ${await token({ roles: ['agent'], did: '00000000-0000-0000-0000-000000000001' })}`,
      },
    });
    expect(agent.status).toBe(403);
  });
});
