import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawId } from '../support/global-ids.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { waitFor } from '../support/subscriptions.js';
import { sha, tenantOf } from '../support/workflow.js';

const CREATE = `mutation($input: CreateAutomationRuleInput!) { createAutomationRule(input: $input) {
  rule { id name enabled trigger step createdBy condition { deviceGroupIds actionTypes minSeverity sha256In } } } }`;
const UPDATE = `mutation($input: UpdateAutomationRuleInput!) { updateAutomationRule(input: $input) { rule { id name enabled } } }`;
const DELETE = `mutation($input: DeleteAutomationRuleInput!) { deleteAutomationRule(input: $input) { deletedId } }`;
const LIST = `{ automationRules(first: 10) { totalCount edges { node { id name enabled } } } }`;
const FAST = { ruleWorker: { intervalMs: 50 } };

let a: TestServer;
let b: TestServer | null = null;
beforeAll(async () => {
  a = await startTestServer(FAST);
});
afterAll(async () => {
  await b?.close();
  await a?.close();
});

/** Polls the database until `check` holds (each look is a real read; the test fails on timeout). */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean): Promise<T> {
  let value: T | undefined;
  await waitFor(
    async () => {
      value = await read();
      return check(value);
    },
    'the database to reach the state',
    30_000,
  );
  return value as T;
}

/** Waits until the tenant's rule worker has read past the newest event of its log. */
async function workerCaughtUp(server: TestServer, tid: string) {
  const newest = await server.prisma.streamEvent.aggregate({
    where: { tenantId: tid },
    _max: { id: true },
  });
  await eventually(
    () => server.prisma.automationPosition.findUnique({ where: { tenantId: tid } }),
    (position) => position !== null && position.lastEventId >= (newest._max.id ?? 0n),
  );
}

describe('automation rules: CRUD (SPEC §7.2)', () => {
  it('creates, lists, renames, disables and deletes; bad input changes nothing', async () => {
    const t = tenantOf(a);
    const admin = await t.tokens.admin();
    const group = await t.group('Servers', 'SEMI_REQUIRE_APPROVAL_ANY');
    const file = sha();
    const created = await a.gqlData(
      CREATE,
      {
        input: {
          name: 'auto-approve',
          trigger: 'ACTION_PENDING',
          step: 'APPROVE',
          condition: {
            deviceGroupIds: [group.id],
            actionTypes: ['QUARANTINE_FILE'],
            sha256In: [file.toUpperCase()],
          },
        },
      },
      admin,
    );
    const rule = created.createAutomationRule.rule;
    expect(rule).toMatchObject({
      name: 'auto-approve',
      enabled: true,
      createdBy: 'admin',
      condition: {
        deviceGroupIds: [group.id],
        actionTypes: ['QUARANTINE_FILE'],
        minSeverity: null,
        sha256In: [file],
      },
    });
    const wrongStep = await a.gql(
      CREATE,
      { input: { name: 'bad', trigger: 'ACTION_STATUS_CHANGED', step: 'APPROVE' } },
      admin,
    );
    expect(wrongStep.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.step',
    });
    const duplicate = await a.gql(
      CREATE,
      { input: { name: 'auto-approve', trigger: 'ACTION_PENDING', step: 'REJECT' } },
      admin,
    );
    expect(duplicate.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.name',
    });
    const asResponder = await a.gql(
      CREATE,
      { input: { name: 'x', trigger: 'ACTION_PENDING', step: 'REJECT' } },
      await t.tokens.responder(),
    );
    expect(asResponder.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    await a.gqlData(
      UPDATE,
      { input: { id: rule.id, name: 'approve-known', enabled: false } },
      admin,
    );
    const listed = await a.gqlData(LIST, {}, admin);
    expect(listed.automationRules).toMatchObject({
      totalCount: 1,
      edges: [{ node: { id: rule.id, name: 'approve-known', enabled: false } }],
    });
    await a.gqlData(DELETE, { input: { id: rule.id } }, admin);
    expect((await a.gqlData(LIST, {}, admin)).automationRules.totalCount).toBe(0);
    const other = tenantOf(a);
    const foreign = await a.gql(
      UPDATE,
      { input: { id: rule.id, enabled: true } },
      await other.tokens.admin(),
    );
    expect(foreign.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'input.id' });
  });
});

describe('automation rules: firing from the action log', () => {
  it('fires once per matching event with two instances and across a restart, within the creator scope, never overriding', async () => {
    const t = tenantOf(a);
    const servers = await t.group('Servers', 'SEMI_REQUIRE_APPROVAL_ANY');
    const laptops = await t.group('Laptops', 'SEMI_REQUIRE_APPROVAL_ANY');
    const srv = await t.device('srv-1', servers.id);
    const lap = await t.device('lap-1', laptops.id);
    const known = [sha(), sha(), sha(), sha()];
    await a.gqlData(
      CREATE,
      {
        input: {
          name: 'approve-known',
          trigger: 'ACTION_PENDING',
          step: 'APPROVE',
          condition: { sha256In: known },
        },
      },
      await t.tokens.admin(),
    );
    // Made later, so it comes second on the same events: it must find them decided already.
    await a.gqlData(
      CREATE,
      {
        input: {
          name: 'reject-all',
          trigger: 'ACTION_PENDING',
          step: 'REJECT',
          condition: { sha256In: known },
        },
      },
      await t.tokens.admin(),
    );
    // An admin of Laptops only: its rule cannot touch Servers.
    await a.gqlData(
      CREATE,
      {
        input: {
          name: 'laptops-only',
          trigger: 'ACTION_PENDING',
          step: 'REJECT',
          condition: { actionTypes: ['KILL_PROCESS'] },
        },
      },
      await t.token({ sub: 'lap-admin', roles: ['admin'], groups: ['Laptops'] }),
    );
    b = await startTestServer({ ...FAST, databaseUrl: a.databaseUrl });
    const suspicious = (hash: string) => ({
      kind: 'FILE',
      path: 'D:\\x\\f.exe',
      sha256: hash,
      verdict: 'SUSPICIOUS',
    });
    await t.reportAlert(srv.id, [suspicious(known[0]!), suspicious(known[1]!)]);
    await t.reportAlert(lap.id, [suspicious(known[2]!), suspicious(sha())]);
    await t.reportAlert(srv.id, [
      { kind: 'PROCESS', path: 'D:\\x\\p.exe', processId: 4, verdict: 'SUSPICIOUS' },
    ]);
    await workerCaughtUp(a, t.tid);

    // A restart: instance b stops, an event arrives, a new instance takes over with a.
    await b.services.ruleWorker.stop();
    await b.close();
    b = null;
    await t.reportAlert(lap.id, [suspicious(known[3]!)]);
    b = await startTestServer({ ...FAST, databaseUrl: a.databaseUrl });
    await workerCaughtUp(a, t.tid);

    const actions = await a.prisma.remediationAction.findMany({ where: { tenantId: t.tid } });
    const bySha = (hash: string) => actions.find((x) => x.sha256 === hash)!;
    for (const hash of known)
      expect(bySha(hash)).toMatchObject({ status: 'COMPLETED', decidedBy: 'rule:approve-known' });
    expect(
      actions
        .filter((x) => x.status === 'PENDING_APPROVAL')
        .map((x) => x.type)
        .sort(),
    ).toEqual(['KILL_PROCESS', 'QUARANTINE_FILE']);
    const approvals = await a.prisma.auditEvent.count({
      where: {
        tenantId: t.tid,
        subject: 'rule:approve-known',
        operation: 'approveRemediationActions',
      },
    });
    expect(approvals).toBe(known.length);
    const firings = await a.prisma.automationFiring.findMany({ where: { tenantId: t.tid } });
    const rules = await a.prisma.automationRule.findMany({ where: { tenantId: t.tid } });
    const ruleNames = new Map(rules.map((r) => [r.id, r.name]));
    const outcomes = (name: string) =>
      firings.filter((f) => ruleNames.get(f.ruleId) === name).map((f) => f.outcome);
    expect(outcomes('approve-known')).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    expect(outcomes('reject-all')).toEqual([
      'ALREADY_DECIDED',
      'ALREADY_DECIDED',
      'ALREADY_DECIDED',
      'ALREADY_DECIDED',
    ]);
    // The KILL_PROCESS on srv-1 is outside the Laptops admin's groups: it looks missing.
    expect(outcomes('laptops-only')).toEqual(['NOT_FOUND']);
    expect(rawId(srv.id)).toBe(bySha(known[0]!).deviceId);
  });
});
