import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RATE_LIMITS } from '../../src/config.js';
import { encodeGlobalID } from '../../src/graphql/global-id.js';
import { fixtures } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';

// Issue 11: a read fetches the columns its query shows and no others (Pothos select mode), and a
// field asked for later (a node by id, the group's rules) still answers what the row holds.

let server: TestServer;
let recording: string[] | null = null;
let world: ReturnType<typeof fixtures>;
let actionId = '';
let groupId = '';

beforeAll(async () => {
  server = await startTestServer({
    onQuery: (sql) => recording?.push(sql),
    rateLimits: { ...DEFAULT_RATE_LIMITS, enabled: false },
    runRuleWorker: false,
    runWebhookDelivery: false,
  });
  world = fixtures(server.prisma, 'tenant-a');
  await world.tenant();
  const group = await world.group('Finance');
  groupId = group.id;
  await server.prisma.deviceGroup.update({
    where: { id: group.id },
    data: { ruleHostnamePrefix: 'fin-', ruleTag: 'finance' },
  });
  const device = await world.device(group.id, 'fin-1');
  const { actions } = await world.incident([device], { title: 'Columns' });
  actionId = actions[0]!.id;
});
afterAll(() => server?.close());

async function recorded(query: string, variables: Record<string, unknown> = {}) {
  await server.gqlData(query, variables); // warm the tenant provisioning and caches
  recording = [];
  const data = await server.gqlData(query, variables);
  // Each read also sends its row-level security scope (src/db/tenant-scope.ts): not a read statement.
  const statements = recording.filter(
    (sql) =>
      !/^(BEGIN|COMMIT|ROLLBACK)/i.test(sql) &&
      // A batch's scope is not a read; the statement that carries its own scope is one.
      (!sql.includes("set_config('quell.tenant_id'") || sql.includes('AS "result"')),
  );
  recording = null;
  return { data, statements };
}

const NESTED = `{ incidents(first: 5) { edges { node {
  id title evidence { edges { node { id path device { hostname deviceGroup { name } } } } }
  remediationActions { edges { node { id status } } }
} } } }`;

describe('the nested incidents read', () => {
  it('names in SQL the columns it shows and none it does not', async () => {
    const { data, statements } = await recorded(NESTED);
    expect(statements).toHaveLength(1);
    const sql = statements[0]!;
    // Each shown field's column, read by its table alias (`t3."path"`).
    for (const shown of ['."title"', '."path"', '."hostname"', '."name"', '."status"'])
      expect(sql).toContain(shown);
    // Columns of the same tables nobody asked for.
    for (const unasked of [
      'determination',
      'assignedTo',
      'commandLine',
      'registryKey',
      'osPlatform',
      'lastSeenAt',
      'ruleHostnamePrefix',
      'explanation',
      'failureReason',
    ])
      expect(sql).not.toContain(unasked);
    const node = data.incidents.edges[0].node;
    expect(node.title).toBe('Columns');
    expect(node.evidence.edges[0].node).toMatchObject({
      path: 'C:\\Users\\a\\Downloads\\x.exe',
      device: { hostname: 'fin-1', deviceGroup: { name: 'Finance' } },
    });
    expect(node.remediationActions.edges[0].node.status).toBe('PENDING_APPROVAL');
  });

  it('answers the fields it did not select before when a query asks for them', async () => {
    const { data } = await recorded(`{ incidents(first: 5) { edges { node {
      determination remediationStatus
      evidence { edges { node { sha256 locationClasses device { osPlatform tags
        deviceGroup { automationLevel rules { hostnamePrefix domain tag } } } } } }
      remediationActions { edges { node { explanation source decision undoable } } }
    } } } }`);
    const node = data.incidents.edges[0].node;
    expect(node).toMatchObject({ determination: null, remediationStatus: 'NONE' });
    expect(node.evidence.edges[0].node).toEqual({
      sha256: 'ab'.repeat(32),
      locationClasses: ['TEMP_FOLDER'],
      device: {
        osPlatform: 'WINDOWS',
        tags: ['fixture'],
        deviceGroup: {
          automationLevel: 'FULL',
          rules: { hostnamePrefix: 'fin-', domain: null, tag: 'finance' },
        },
      },
    });
    expect(node.remediationActions.edges[0].node).toEqual({
      explanation: 'fixture',
      source: 'AUTOMATED_INVESTIGATION',
      decision: 'REQUIRE_APPROVAL',
      undoable: true,
    });
  });
});

describe('a node by id', () => {
  it('answers each field from the row, loading only what the fragment names', async () => {
    const { data, statements } = await recorded(
      `query($action: ID!, $group: ID!) {
        action: node(id: $action) { ... on RemediationAction { type status sha256 incident { title } } }
        group: node(id: $group) { ... on DeviceGroup { name rules { hostnamePrefix tag } } }
      }`,
      {
        action: encodeGlobalID('RemediationAction', actionId),
        group: encodeGlobalID('DeviceGroup', groupId),
      },
    );
    expect(data.action).toEqual({
      type: 'QUARANTINE_FILE',
      status: 'PENDING_APPROVAL',
      sha256: 'ab'.repeat(32),
      incident: { title: 'Columns' },
    });
    expect(data.group).toEqual({
      name: 'Finance',
      rules: { hostnamePrefix: 'fin-', tag: 'finance' },
    });
    expect(statements.join('\n')).not.toContain('failureReason');
  });
});
