import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawId } from '../support/global-ids.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { ACTION_FIELDS, tenantOf, UNDO } from '../support/workflow.js';

const REPORT = `mutation($input: ReportAlertInput!) { reportAlert(input: $input) {
  alert { id } investigation { id }
  attackDisruption { decision explanation alreadyRequested remediationAction { ${ACTION_FIELDS} } } } }`;

let simulated: TestServer;
let agents: TestServer;
beforeAll(async () => {
  [simulated, agents] = await Promise.all([
    startTestServer(),
    startTestServer({ executor: 'agent' }),
  ]);
});
afterAll(async () => {
  await Promise.all([simulated?.close(), agents?.close()]);
});

async function disrupt(server: TestServer, t: ReturnType<typeof tenantOf>, deviceId: string) {
  const data = await server.gqlData(
    REPORT,
    {
      input: {
        deviceId,
        title: 'Ransomware in progress',
        severity: 'HIGH',
        evidence: [],
        attackDisruption: true,
      },
    },
    await t.tokens.ingest(),
  );
  return data.reportAlert;
}

const isolationsOf = (server: TestServer, tid: string) =>
  server.prisma.remediationAction.count({ where: { tenantId: tid, type: 'ISOLATE_DEVICE' } });

describe('automatic attack disruption (SPEC §7.3)', () => {
  it.each(['FULL', 'SEMI_REQUIRE_APPROVAL_ANY', 'SEMI_REQUIRE_APPROVAL_NON_TEMP_FOLDERS'])(
    'isolates the device at once under %s, and undo releases it',
    async (level) => {
      const t = tenantOf(simulated);
      const group = await t.group('Contained', level);
      const device = await t.device('victim-1', group.id);
      const report = await disrupt(simulated, t, device.id);
      expect(report.attackDisruption).toMatchObject({
        decision: 'TAKE_AUTOMATICALLY',
        alreadyRequested: false,
        remediationAction: {
          type: 'ISOLATE_DEVICE',
          source: 'AUTOMATED_INVESTIGATION',
          status: 'COMPLETED',
          decision: 'TAKE_AUTOMATICALLY',
          undoable: true,
          device: { isolated: true },
          investigation: { id: report.investigation.id },
        },
      });
      const action = report.attackDisruption.remediationAction;
      expect(action.explanation).toContain('Attack disruption');
      const undone = await simulated.gqlData(
        UNDO,
        { input: { ids: [action.id], comment: 'false alarm' } },
        await t.tokens.responder(),
      );
      expect(undone.undoRemediationActions.outcomes[0]).toMatchObject({
        error: null,
        action: { status: 'UNDONE', device: { isolated: false } },
      });
    },
  );

  it('does not double an isolation in progress, nor isolate an isolated device again', async () => {
    const t = tenantOf(agents);
    const device = await t.device('victim-2', null);
    const first = await disrupt(agents, t, device.id);
    expect(first.attackDisruption.remediationAction.status).toBe('IN_PROGRESS');
    const second = await disrupt(agents, t, device.id);
    expect(second.attackDisruption).toMatchObject({
      decision: 'TAKE_AUTOMATICALLY',
      alreadyRequested: true,
      remediationAction: { id: first.attackDisruption.remediationAction.id },
    });
    expect(await isolationsOf(agents, t.tid)).toBe(1);

    const t2 = tenantOf(simulated);
    const isolatedDevice = await t2.device('victim-3', null);
    await disrupt(simulated, t2, isolatedDevice.id);
    const again = await disrupt(simulated, t2, isolatedDevice.id);
    expect(again.attackDisruption).toMatchObject({
      decision: 'NO_ACTION',
      explanation: 'Attack disruption: the device is already isolated.',
      remediationAction: null,
    });
    expect(await isolationsOf(simulated, t2.tid)).toBe(1);
  });

  it('is refused under NO_AUTOMATED_RESPONSE and on PLAN_1, with the explanation', async () => {
    const t = tenantOf(simulated);
    const manual = await t.group('Hands off', 'NO_AUTOMATED_RESPONSE');
    const handsOff = await t.device('hands-off', manual.id);
    const refused = await disrupt(simulated, t, handsOff.id);
    expect(refused.attackDisruption).toMatchObject({
      decision: 'NO_INVESTIGATION',
      remediationAction: null,
    });
    expect(refused.attackDisruption.explanation).toContain('NO_AUTOMATED_RESPONSE');
    expect(refused.alert.id).toBeTruthy();

    const p1 = tenantOf(simulated);
    const p1Device = await p1.device('plan-one', null);
    await simulated.prisma.tenant.update({ where: { id: p1.tid }, data: { plan: 'PLAN_1' } });
    const limited = await disrupt(simulated, p1, p1Device.id);
    expect(limited.attackDisruption).toMatchObject({
      decision: 'NO_ACTION',
      explanation:
        'Attack disruption is not included in PLAN_1; it is included in PLAN_2 and BUSINESS. The device is not isolated.',
      remediationAction: null,
    });
    expect(await isolationsOf(simulated, t.tid)).toBe(0);
    expect(await isolationsOf(simulated, p1.tid)).toBe(0);
    const devices = await simulated.prisma.device.findMany({
      where: { id: { in: [rawId(handsOff.id), rawId(p1Device.id)] } },
      orderBy: { hostname: 'asc' },
    });
    expect(devices.map((d) => d.isolated)).toEqual([false, false]);
  });

  it('leaves an ordinary alert without a disruption outcome', async () => {
    const t = tenantOf(simulated);
    const device = await t.device('plain', null);
    const data = await simulated.gqlData(
      REPORT,
      { input: { deviceId: device.id, title: 'x', severity: 'LOW', evidence: [] } },
      await t.tokens.ingest(),
    );
    expect(data.reportAlert.attackDisruption).toBeNull();
    expect(await isolationsOf(simulated, t.tid)).toBe(0);
  });
});
