import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import { REJECT, tenantOf } from '../support/workflow.js';

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
  it('lists the tenant log newest first, filtered and paginated; a group-limited admin sees only its own events', async () => {
    const t = tenantOf(server);
    const group = await t.group('Approval', 'SEMI_REQUIRE_APPROVAL_ANY');
    const device = await t.device('audit-host', group.id);
    await t.reportAlert(device.id, [
      { kind: 'FILE', path: 'D:\\1.exe', verdict: 'SUSPICIOUS' },
      { kind: 'FILE', path: 'D:\\2.exe', verdict: 'SUSPICIOUS' },
    ]);
    const actions = await server.prisma.remediationAction.findMany({ where: { tenantId: t.tid }, orderBy: { id: 'asc' } });
    const ids = actions.map((a) => Buffer.from(`RemediationAction:${a.id}`).toString('base64'));
    const response = await fetch(server.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await t.tokens.responder('judge')}`, 'x-request-id': 'req-42' },
      body: JSON.stringify({ query: REJECT, variables: { input: { ids, comment: 'noise' } } }),
    });
    expect(response.status).toBe(200);

    const admin = await t.tokens.admin();
    const rejected = await server.gqlData(AUDIT, { filter: { operations: ['rejectRemediationActions'] } }, admin);
    expect(rejected.auditEvents.totalCount).toBe(2);
    for (const { node } of rejected.auditEvents.edges) {
      expect(node).toMatchObject({ subject: 'judge', roles: ['responder'], targetType: 'RemediationAction', comment: 'noise', requestId: 'req-42', outcome: 'SUCCEEDED' });
      expect(JSON.parse(node.before)).toEqual({ status: 'PENDING_APPROVAL' });
      expect(JSON.parse(node.after)).toEqual({ status: 'REJECTED' });
    }
    const one = await server.gqlData(AUDIT, { filter: { targetIds: [ids[0]], operations: ['rejectRemediationActions'] } }, admin);
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

    const limited = await t.token({ sub: 'judge', roles: ['admin'], groups: ['Approval'] });
    const own = await server.gqlData(AUDIT, { first: 100 }, limited);
    expect(own.auditEvents.totalCount).toBe(2);
    expect(own.auditEvents.edges.every((e: any) => e.node.subject === 'judge')).toBe(true);
    const stranger = await tenantOf(server).tokens.admin();
    expect((await server.gqlData(AUDIT, { filter: { targetIds: [ids[0]] } }, stranger)).auditEvents.totalCount).toBe(0);
    const badCursor = await server.gql(AUDIT, { after: 'nope' }, admin);
    expect(badCursor.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });
});
