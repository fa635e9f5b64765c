import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { globalId, rawId } from '../support/global-ids.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { REJECT, sha, tenantOf } from '../support/workflow.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const AUDIT = `query($first: Int, $after: String, $filter: AuditEventFilter) {
  auditEvents(first: $first, after: $after, filter: $filter) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id operation subject roles targetType targetIds before after comment requestId outcome occurredAt } }
  } }`;

describe('auditEvents (admin)', () => {
  it('lists the tenant log newest first, filtered and paginated', async () => {
    const t = tenantOf(server);
    const group = await t.group('Approval', 'SEMI_REQUIRE_APPROVAL_ANY');
    const device = await t.device('audit-host', group.id);
    await t.reportAlert(device.id, [
      { kind: 'FILE', path: 'D:\\1.exe', verdict: 'SUSPICIOUS' },
      { kind: 'FILE', path: 'D:\\2.exe', verdict: 'SUSPICIOUS' },
    ]);
    const actions = await server.prisma.remediationAction.findMany({
      where: { tenantId: t.tid },
      orderBy: { id: 'asc' },
    });
    const ids = actions.map((a) => globalId('RemediationAction', a.id));
    const response = await fetch(server.graphqlUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await t.tokens.responder('judge')}`,
        'x-request-id': 'req-42',
      },
      body: JSON.stringify({ query: REJECT, variables: { input: { ids, comment: 'noise' } } }),
    });
    expect(response.status).toBe(200);

    const admin = await t.tokens.admin();
    const rejected = await server.gqlData(
      AUDIT,
      { filter: { operations: ['rejectRemediationActions'] } },
      admin,
    );
    expect(rejected.auditEvents.totalCount).toBe(2);
    for (const { node } of rejected.auditEvents.edges) {
      expect(node).toMatchObject({
        subject: 'judge',
        roles: ['responder'],
        targetType: 'RemediationAction',
        comment: 'noise',
        requestId: 'req-42',
        outcome: 'SUCCEEDED',
      });
      expect(JSON.parse(node.before)).toEqual({ status: 'PENDING_APPROVAL' });
      expect(JSON.parse(node.after)).toEqual({ status: 'REJECTED' });
    }
    const one = await server.gqlData(
      AUDIT,
      { filter: { targetIds: [ids[0]], operations: ['rejectRemediationActions'] } },
      admin,
    );
    expect(one.auditEvents.edges.map((e: any) => e.node.targetIds)).toEqual([[actions[0]!.id]]);

    const all = await server.gqlData(AUDIT, { first: 100 }, admin);
    const pages: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: any = await server.gqlData(AUDIT, { first: 2, after }, admin);
      pages.push(...page.auditEvents.edges.map((e: any) => e.node.id));
      if (!page.auditEvents.pageInfo.hasNextPage) break;
      after = page.auditEvents.pageInfo.endCursor;
    }
    expect(pages).toEqual(all.auditEvents.edges.map((e: any) => e.node.id));
    expect(pages.map(Number)).toEqual([...pages.map(Number)].sort((a, b) => b - a));

    const stranger = await tenantOf(server).tokens.admin();
    expect(
      (await server.gqlData(AUDIT, { filter: { targetIds: [ids[0]] } }, stranger)).auditEvents
        .totalCount,
    ).toBe(0);
    const badCursor = await server.gql(AUDIT, { after: 'nope' }, admin);
    expect(badCursor.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'after',
    });
  });

  it('shows a group-limited admin every event of its groups, whoever caused it, and none that touches another group', async () => {
    const t = tenantOf(server);
    const mine = await t.group('Mine', 'SEMI_REQUIRE_APPROVAL_ANY');
    const theirs = await t.group('Theirs', 'SEMI_REQUIRE_APPROVAL_ANY');
    const onMine = await t.device('audit-mine', mine.id);
    const onTheirs = await t.device('audit-theirs', theirs.id);
    const lone = await t.device('audit-lone', mine.id);
    const threat = sha();
    // Seen on their device first; found malicious on mine, it spreads there: one submission touches both groups.
    const theirAlert = await t.reportAlert(onTheirs.id, [
      { kind: 'FILE', path: 'D:\\t.exe', sha256: threat },
    ]);
    const myAlert = await t.reportAlert(onMine.id, [
      { kind: 'FILE', path: 'D:\\t.exe', sha256: threat },
    ]);
    const [evidence] = await t.evidenceOf(myAlert.investigation!.id);
    await t.submit(
      myAlert.investigation!.id,
      [{ evidenceId: evidence!.id, verdict: 'MALICIOUS' }],
      false,
    );
    const loneAlert = await t.reportAlert(lone.id, [
      { kind: 'FILE', path: 'D:\\l.exe', verdict: 'SUSPICIOUS' },
    ]);
    const actions = await server.prisma.remediationAction.findMany({
      where: { tenantId: t.tid },
      include: { device: true },
    });
    const gid = (id: string) => globalId('RemediationAction', id);
    const ids = actions.map((a) => gid(a.id));
    await server.gqlData(REJECT, { input: { ids } }, await t.tokens.responder('judge'));

    const targetsSeenBy = async (bearer: string) => {
      const data = await server.gqlData(AUDIT, { first: 100 }, bearer);
      return new Set<string>(data.auditEvents.edges.flatMap((e: any) => e.node.targetIds));
    };
    const raw = (globalId: string) => rawId(globalId);
    const mineActions = actions
      .filter((a) => a.device.deviceGroupId === raw(mine.id))
      .map((a) => a.id);
    const theirActions = actions
      .filter((a) => a.device.deviceGroupId === raw(theirs.id))
      .map((a) => a.id);
    expect(mineActions).toHaveLength(2);
    expect(theirActions).toHaveLength(1);

    const everything = await targetsSeenBy(await t.tokens.admin());
    const limited = await targetsSeenBy(
      await t.token({ sub: 'overseer', roles: ['admin'], groups: ['Mine'] }),
    );
    for (const id of [
      ...mineActions,
      raw(myAlert.alert.id),
      raw(loneAlert.alert.id),
      raw(mine.id),
      raw(onMine.id),
    ]) {
      expect(everything.has(id)).toBe(true);
      expect(limited.has(id), `limited admin sees ${id}`).toBe(true);
    }
    // Their action and alert, their group and device, and the submission that spread to them.
    for (const id of [
      ...theirActions,
      raw(theirAlert.alert.id),
      raw(theirs.id),
      raw(onTheirs.id),
      raw(myAlert.investigation!.id),
    ]) {
      expect(everything.has(id)).toBe(true);
      expect(limited.has(id), `limited admin must not see ${id}`).toBe(false);
    }
  });
});
