// Roles (SPEC §5): each operation is refused with FORBIDDEN to a role that may not call it, and the
// refusal writes nothing. What an agent may touch: remediation-agent.test.ts; group-limited
// admins: security/device-group-scope.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawId } from '../support/global-ids.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { pendingAction } from '../support/two-tenants.js';
import {
  APPROVE,
  CANCEL,
  footprint,
  REJECT,
  REPORT_ALERT,
  SUBMIT,
  TAKE,
  tenantOf,
  UNDO,
} from '../support/workflow.js';

/** Simulated executor: actions complete at once. */
let server: TestServer;
/** Agent executor: the agent role has work to be refused around. */
let agents: TestServer;
beforeAll(async () => {
  [server, agents] = await Promise.all([startTestServer(), startTestServer({ executor: 'agent' })]);
});
afterAll(async () => {
  await Promise.all([server?.close(), agents?.close()]);
});

const WORK = `{ agentWork { id type status operation } }`;

describe('roles (SPEC §5): only responders decide, only ingest reports, only admins read the audit log', () => {
  it('lets a viewer change nothing', async () => {
    const t = tenantOf(server);
    const { device, id, reported } = await pendingAction(server, t);
    const viewer = await t.tokens.viewer();
    const before = await footprint(server, t.tid);
    const attempts = [
      server.gql(APPROVE, { input: { ids: [id] } }, viewer),
      server.gql(REJECT, { input: { ids: [id] } }, viewer),
      server.gql(UNDO, { input: { ids: [id] } }, viewer),
      server.gql(
        TAKE,
        { input: { type: 'ISOLATE_DEVICE', deviceId: device.id, comment: 'x' } },
        viewer,
      ),
      server.gql(
        REPORT_ALERT,
        { input: { deviceId: device.id, title: 'x', severity: 'LOW', evidence: [] } },
        viewer,
      ),
      server.gql(
        SUBMIT,
        { input: { investigationId: reported.investigation!.id, findings: [] } },
        viewer,
      ),
    ];
    for (const result of await Promise.all(attempts))
      expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await footprint(server, t.tid)).toEqual(before);
  });

  it('keeps ingest and responders to their own operations', async () => {
    const t = tenantOf(server);
    const { device, id, reported } = await pendingAction(server, t);
    const ingest = await t.tokens.ingest();
    const responder = await t.tokens.responder();
    expect(
      (await server.gql(APPROVE, { input: { ids: [id] } }, ingest)).errors?.[0]?.extensions?.code,
    ).toBe('FORBIDDEN');
    expect(
      (
        await server.gql(
          TAKE,
          { input: { type: 'ISOLATE_DEVICE', deviceId: device.id, comment: 'x' } },
          ingest,
        )
      ).errors?.[0]?.extensions?.code,
    ).toBe('FORBIDDEN');
    expect(
      (
        await server.gql(
          SUBMIT,
          { input: { investigationId: reported.investigation!.id, findings: [] } },
          responder,
        )
      ).errors?.[0]?.extensions?.code,
    ).toBe('FORBIDDEN');
    expect(
      (await server.gql(`{ auditEvents(first: 5) { totalCount } }`, {}, responder)).errors?.[0]
        ?.extensions?.code,
    ).toBe('FORBIDDEN');
  });
  it('refuses every decision to agents, ingest and viewers, and writes nothing', async () => {
    const t = tenantOf(agents);
    const p = await pendingAction(agents, t, 'Approval', 'role-1');
    const agent = await t.tokens.agent(rawId(p.device.id));
    const before = await footprint(agents, t.tid);
    const tokens = { agent, ingest: await t.tokens.ingest(), viewer: await t.tokens.viewer() };
    for (const [who, bearer] of Object.entries(tokens)) {
      const attempts = [
        agents.gql(APPROVE, { input: { ids: [p.id] } }, bearer),
        agents.gql(REJECT, { input: { ids: [p.id] } }, bearer),
        agents.gql(CANCEL, { input: { ids: [p.id] } }, bearer),
        agents.gql(UNDO, { input: { ids: [p.id] } }, bearer),
        agents.gql(
          TAKE,
          { input: { type: 'ISOLATE_DEVICE', deviceId: p.device.id, comment: 'x' } },
          bearer,
        ),
        agents.gql(`{ auditEvents(first: 5) { totalCount } }`, {}, bearer),
        ...(who === 'agent' ? [] : [agents.gql(WORK, {}, bearer)]),
      ];
      for (const result of await Promise.all(attempts))
        expect(result.errors?.[0]?.extensions?.code, who).toBe('FORBIDDEN');
    }
    expect(await footprint(agents, t.tid)).toEqual(before);
  });
});
