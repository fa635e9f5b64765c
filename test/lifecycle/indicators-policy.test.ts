// Indicators in the policy engine over the real server (SPEC §7.1): findings on a file the tenant
// blocks or allows, the spread, expiry, tenant scope, evaluatePolicy, and the agents' BLOCK list.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { rawId } from '../support/global-ids.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { collect, subscribers } from '../support/subscriptions.js';
import { sha, type Tenant, tenantOf } from '../support/workflow.js';

// The clock moves forward to expire indicators; each test uses its own tenant.
let clockOffsetMs = 0;
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ now: () => new Date(Date.now() + clockOffsetMs) });
});
afterAll(() => server?.close());
const subs = subscribers(() => server);
afterEach(async () => {
  clockOffsetMs = 0;
  await subs.disposeAll();
});

const CREATE = `mutation($input: CreateIndicatorInput!) { createIndicator(input: $input) { indicator { id sha256 } } }`;
const EVIDENCE = `query($id: ID!) { node(id: $id) { ... on Evidence { verdict remediationStatus } } }`;
const UPDATED = `subscription { remediationActionUpdated { previousStatus status action { id type explanation } } }`;
const PENDING = `subscription { pendingActionAdded { action { id type explanation } } }`;
const AUDIT = `query($filter: AuditEventFilter) { auditEvents(first: 50, filter: $filter) {
  edges { node { operation targetType targetIds after } } } }`;
const EVALUATE = `query($level: AutomationLevel!, $verdict: Verdict!, $evidence: EvidenceInput!) {
  evaluatePolicy(automationLevel: $level, verdict: $verdict, evidence: $evidence, osPlatform: WINDOWS) {
    decision actionType verdict explanation indicator { id action title } } }`;
const BLOCK_LIST = `query($first: Int, $after: String) { agentBlockList(first: $first, after: $after) {
  totalCount edges { node { sha256 title expiresAt } } pageInfo { hasNextPage endCursor } } }`;

async function indicator(t: Tenant, sha256: string, action: 'BLOCK' | 'ALLOW', extra = {}) {
  const data = await server.gqlData(
    CREATE,
    { input: { sha256, action, title: action === 'BLOCK' ? 'Dropper' : 'Build tool', ...extra } },
    await t.tokens.responder(),
  );
  return data.createIndicator.indicator.id as string;
}

const file = (sha256: string, name: string) => ({
  kind: 'FILE',
  path: `D:\\tools\\${name}.exe`,
  sha256,
});

describe('findings on files with indicators', () => {
  it('a BLOCK makes a clean file malicious and remediates it; an ALLOW leaves a malicious one alone; streamed and audited', async () => {
    const t = tenantOf(server);
    const device = await t.device('ind-full-1', null);
    const [blocked, allowed] = [sha(), sha()];
    const blockId = await indicator(t, blocked, 'BLOCK');
    await indicator(t, allowed, 'ALLOW');
    const started = await t.reportAlert(device.id, []);
    const client = await subs.client({ tid: t.tid, roles: ['viewer'] });
    const stream = collect(client, UPDATED);
    await subs.live(1, t.tid);

    const findings = [
      { evidence: file(blocked, 'dropper'), verdict: 'NO_THREATS_FOUND' },
      { evidence: file(allowed, 'buildtool'), verdict: 'MALICIOUS' },
    ];
    const input = { findings, idempotencyKey: 'ind-submit-1' };
    const result = await t.submit(started.investigation!.id, findings, true, input);
    expect(result.remediationActions).toHaveLength(1);
    const [action] = result.remediationActions;
    expect(action).toMatchObject({ type: 'QUARANTINE_FILE', decision: 'TAKE_AUTOMATICALLY' });
    expect(action.explanation).toBe(
      `Malicious file D:\\tools\\dropper.exe — the tenant's BLOCK indicator "Dropper" on its sha256 ${blocked} makes it malicious (reported: no threats found) — neither in an operating-system directory nor in a temporary folder — and the group (FULL) remediates malicious threats automatically, wherever they are: QUARANTINE_FILE is taken automatically.`,
    );
    const admin = await t.tokens.admin();
    const blockedEvidence = await server.gqlData(EVIDENCE, { id: action.evidence.id }, admin);
    expect(blockedEvidence.node).toMatchObject({ verdict: 'MALICIOUS' });
    const evidence = await t.evidenceOf(started.investigation!.id);
    const allowedEvidence = evidence.find((e) => e.sha256 === allowed)!;
    expect((await server.gqlData(EVIDENCE, { id: allowedEvidence.id }, admin)).node).toEqual({
      verdict: 'MALICIOUS',
      remediationStatus: 'NONE',
    });

    // The only action events are those of the blocked file's action (created with the allowed
    // file's finding in one transaction, so an action for it would be in the same stream).
    const events = await stream.untilCount(2);
    expect(events.map((e: any) => e.remediationActionUpdated.action.id)).toEqual([
      action.id,
      action.id,
    ]);
    expect(events.map((e: any) => e.remediationActionUpdated.status)).toEqual([
      'IN_PROGRESS',
      'COMPLETED',
    ]);

    const replay = await t.submit(started.investigation!.id, findings, true, input);
    expect(replay.remediationActions.map((a) => a.id)).toEqual([action.id]);
    const audit = await server.gqlData(
      AUDIT,
      { filter: { targetTypes: ['RemediationAction'] } },
      admin,
    );
    const creation = audit.auditEvents.edges
      .map((e: any) => e.node)
      .filter((n: any) => n.after && JSON.parse(n.after).status === 'IN_PROGRESS');
    expect(creation).toHaveLength(1);
    expect(JSON.parse(creation[0].after)).toMatchObject({ decision: 'TAKE_AUTOMATICALLY' });
    // The audit names the indicator the policy applied (its database id, as audit events do).
    expect(JSON.parse(creation[0].after).indicatorId).toBe(rawId(blockId));
  });

  it('under approval levels a BLOCKed process image goes to the Pending tab, named in the explanation', async () => {
    const t = tenantOf(server);
    const semi = await t.group('Semi', 'SEMI_REQUIRE_APPROVAL_ANY');
    const device = await t.device('ind-semi-1', semi.id);
    const hash = sha();
    await indicator(t, hash, 'BLOCK', { title: null });
    const client = await subs.client({ tid: t.tid, roles: ['viewer'] });
    const pending = collect(client, PENDING);
    await subs.live(1, t.tid);
    const alert = await t.reportAlert(device.id, [
      {
        kind: 'PROCESS',
        path: 'D:\\apps\\tool.exe',
        processId: 7,
        sha256: hash,
        verdict: 'SUSPICIOUS',
      },
    ]);
    const event = (await pending.untilCount(1))[0]!;
    expect(event.pendingActionAdded.action.type).toBe('KILL_PROCESS');
    expect(event.pendingActionAdded.action.explanation).toContain(
      `the tenant's BLOCK indicator on its sha256 ${hash} makes it malicious (reported: suspicious)`,
    );
    expect(alert.incident.remediationStatus).toBe('PENDING_APPROVAL');
  });

  it('an allowed file does not spread; a blocked one spreads to the other devices where it was seen', async () => {
    const t = tenantOf(server);
    const [here, there] = [await t.device('ind-sp-1', null), await t.device('ind-sp-2', null)];
    const [allowed, blocked] = [sha(), sha()];
    await indicator(t, allowed, 'ALLOW');
    await indicator(t, blocked, 'BLOCK');
    // Seen on the other device first, without a verdict.
    await t.reportAlert(there.id, [file(allowed, 'a'), file(blocked, 'b')]);
    const started = await t.reportAlert(here.id, []);
    const result = await t.submit(started.investigation!.id, [
      { evidence: file(allowed, 'a'), verdict: 'MALICIOUS' },
      { evidence: file(blocked, 'b'), verdict: 'NO_THREATS_FOUND' },
    ]);
    const targets = result.remediationActions.map(
      (a) => `${a.device.hostname}:${a.evidence.sha256}`,
    );
    expect(targets.sort()).toEqual([`ind-sp-1:${blocked}`, `ind-sp-2:${blocked}`].sort());
    const investigation = await t.investigation(started.investigation!.id);
    expect(investigation.devices.map((d: any) => d.hostname).sort()).toEqual([
      'ind-sp-1',
      'ind-sp-2',
    ]);
  });

  it('an expired indicator no longer applies, and another tenant’s indicators never do', async () => {
    const t = tenantOf(server);
    const other = tenantOf(server);
    const device = await t.device('ind-exp-1', null);
    const [expiring, foreign] = [sha(), sha()];
    await indicator(t, expiring, 'ALLOW', {
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    await indicator(other, foreign, 'ALLOW');
    clockOffsetMs = 2 * 3_600_000;
    const started = await t.reportAlert(device.id, []);
    const result = await t.submit(started.investigation!.id, [
      { evidence: file(expiring, 'e'), verdict: 'MALICIOUS' },
      { evidence: file(foreign, 'f'), verdict: 'MALICIOUS' },
    ]);
    expect(result.remediationActions.map((a) => a.decision)).toEqual([
      'TAKE_AUTOMATICALLY',
      'TAKE_AUTOMATICALLY',
    ]);
    expect(result.remediationActions.every((a) => !a.explanation.includes('indicator'))).toBe(true);
    // An expired indicator no longer holds its sha256: a new one takes its place.
    await indicator(t, expiring, 'BLOCK');
    const list = await server.gqlData(
      `{ indicators(first: 10) { edges { node { sha256 action } } } }`,
      {},
      await t.tokens.viewer(),
    );
    expect(list.indicators.edges.map((e: any) => e.node)).toEqual([
      { sha256: expiring, action: 'BLOCK' },
    ]);
  });
});

describe('evaluatePolicy with indicators', () => {
  it('shows the indicator that applies, only the caller’s tenant’s, and names a bad sha256', async () => {
    const t = tenantOf(server);
    const hash = sha();
    const id = await indicator(t, hash, 'ALLOW');
    const variables = {
      level: 'FULL',
      verdict: 'MALICIOUS',
      evidence: { kind: 'FILE', path: 'C:\\Temp\\x.exe', sha256: hash.toUpperCase() },
    };
    const mine = await server.gqlData(EVALUATE, variables, await t.tokens.viewer());
    expect(mine.evaluatePolicy).toMatchObject({
      decision: 'NO_ACTION',
      actionType: null,
      verdict: 'MALICIOUS',
      indicator: { id, action: 'ALLOW', title: 'Build tool' },
    });
    expect(mine.evaluatePolicy.explanation).toContain(
      `ALLOW indicator "Build tool" on its sha256 ${hash}`,
    );
    const theirs = await server.gqlData(
      EVALUATE,
      variables,
      await tenantOf(server).tokens.viewer(),
    );
    expect(theirs.evaluatePolicy).toMatchObject({
      decision: 'TAKE_AUTOMATICALLY',
      indicator: null,
    });
    const bad = await server.gql(
      EVALUATE,
      { ...variables, evidence: { kind: 'FILE', path: 'C:\\x', sha256: 'xyz' } },
      await t.tokens.viewer(),
    );
    expect(bad.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'evidence.sha256',
    });
  });
});

describe("the agents' BLOCK list", () => {
  it("lists the live BLOCK indicators of the agent's own tenant, pages through them, and is the agent's only", async () => {
    const t = tenantOf(server);
    const other = tenantOf(server);
    const device = await t.device('ind-agent-1', null);
    const blocks = [sha(), sha(), sha()];
    for (const hash of blocks) await indicator(t, hash, 'BLOCK');
    await indicator(t, sha(), 'ALLOW');
    const soon = sha();
    await indicator(t, soon, 'BLOCK', {
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    await indicator(other, sha(), 'BLOCK');
    const agent = await t.tokens.agent(device.id);

    const first = await server.gqlData(BLOCK_LIST, { first: 3 }, agent);
    expect(first.agentBlockList.totalCount).toBe(4);
    expect(first.agentBlockList.pageInfo.hasNextPage).toBe(true);
    const rest = await server.gqlData(
      BLOCK_LIST,
      { first: 3, after: first.agentBlockList.pageInfo.endCursor },
      agent,
    );
    const listed = [...first.agentBlockList.edges, ...rest.agentBlockList.edges].map(
      (e: any) => e.node.sha256,
    );
    expect(listed).toEqual([...blocks, soon]);

    clockOffsetMs = 2 * 3_600_000;
    const later = await server.gqlData(BLOCK_LIST, { first: 10 }, agent);
    expect(later.agentBlockList.edges.map((e: any) => e.node.sha256)).toEqual(blocks);

    const viewer = await server.gql(BLOCK_LIST, { first: 10 }, await t.tokens.viewer());
    expect(viewer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const noDevice = await server.gql(
      BLOCK_LIST,
      { first: 10 },
      await t.token({ roles: ['agent'] }),
    );
    expect(noDevice.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const tooMany = await server.gql(BLOCK_LIST, { first: 101 }, agent);
    expect(tooMany.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
