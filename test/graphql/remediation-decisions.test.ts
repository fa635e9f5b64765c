import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import { sha, tenantOf } from '../support/workflow.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

type Level =
  | 'FULL'
  | 'SEMI_REQUIRE_APPROVAL_ANY'
  | 'SEMI_REQUIRE_APPROVAL_CORE_FOLDERS'
  | 'SEMI_REQUIRE_APPROVAL_NON_TEMP_FOLDERS'
  | 'NO_AUTOMATED_RESPONSE';
type Verdict = 'MALICIOUS' | 'SUSPICIOUS' | 'NO_THREATS_FOUND';
type Place = 'OS' | 'TEMP' | 'OTHER' | 'REGISTRY' | 'INFORMATIONAL';

const LEVELS: Level[] = [
  'FULL',
  'SEMI_REQUIRE_APPROVAL_ANY',
  'SEMI_REQUIRE_APPROVAL_CORE_FOLDERS',
  'SEMI_REQUIRE_APPROVAL_NON_TEMP_FOLDERS',
];
const VERDICTS: Verdict[] = ['MALICIOUS', 'SUSPICIOUS', 'NO_THREATS_FOUND'];
const PLACES: Place[] = ['OS', 'TEMP', 'OTHER', 'REGISTRY', 'INFORMATIONAL'];

/** SPEC §2.1, written out independently of the policy module. */
function expected(level: Level, verdict: Verdict, place: Place): 'automatic' | 'approval' | 'none' {
  if (verdict === 'NO_THREATS_FOUND' || place === 'INFORMATIONAL') return 'none';
  if (verdict === 'SUSPICIOUS') return 'approval';
  switch (level) {
    case 'FULL':
      return 'automatic';
    case 'SEMI_REQUIRE_APPROVAL_ANY':
      return 'approval';
    case 'SEMI_REQUIRE_APPROVAL_CORE_FOLDERS':
      return place === 'OS' ? 'approval' : 'automatic';
    case 'SEMI_REQUIRE_APPROVAL_NON_TEMP_FOLDERS':
      return place === 'TEMP' ? 'automatic' : 'approval';
    default:
      return 'none';
  }
}

function evidenceFor(verdict: Verdict, place: Place) {
  const tag = `${verdict}-${place}`;
  switch (place) {
    case 'OS':
      return { kind: 'FILE', path: `C:\\Windows\\System32\\${tag}.dll` };
    case 'TEMP':
      return { kind: 'FILE', path: `C:\\Users\\bob\\AppData\\Local\\Temp\\${tag}.exe` };
    case 'OTHER':
      return { kind: 'FILE', path: `D:\\Tools\\${tag}.exe` };
    case 'REGISTRY':
      return { kind: 'REGISTRY_KEY', registryKey: `HKLM\\Software\\Run\\${tag}` };
    case 'INFORMATIONAL':
      return { kind: 'IP_ADDRESS', value: `10.0.0.${VERDICTS.indexOf(verdict) + 1}` };
  }
}

describe('the decision table, from reportAlert + submitInvestigationFindings', () => {
  it('creates the right action for every level, verdict and location class', async () => {
    const t = tenantOf(server);
    for (const level of LEVELS) {
      const group = await t.group(`Group ${level}`, level);
      const device = await t.device(`host-${level.toLowerCase()}`, group.id);
      const reported = await t.reportAlert(device.id, [
        { kind: 'FILE', path: 'C:\\Users\\bob\\Downloads\\first.exe' },
      ]);
      expect(reported.investigation?.state).toBe('RUNNING');
      const findings = VERDICTS.flatMap((verdict) =>
        PLACES.map((place) => ({ verdict, evidence: evidenceFor(verdict, place) })),
      );
      const result = await t.submit(reported.investigation!.id, findings, true);
      const byTag = new Map(
        result.remediationActions.map(
          (action) => [action.evidence.path ?? action.evidence.registryKey, action] as const,
        ),
      );
      for (const verdict of VERDICTS) {
        for (const place of PLACES) {
          const want = expected(level, verdict, place);
          const evidence = evidenceFor(verdict, place);
          const action = result.remediationActions.find((a) =>
            evidence.kind === 'REGISTRY_KEY'
              ? a.evidence.registryKey === evidence.registryKey
              : a.evidence.path !== null &&
                a.evidence.path === (evidence as { path?: string }).path,
          );
          const context = `${level} ${verdict} ${place}`;
          if (want === 'none') {
            expect(action, context).toBeUndefined();
            continue;
          }
          expect(action, context).toBeDefined();
          expect(action.source, context).toBe('AUTOMATED_INVESTIGATION');
          expect(action.explanation, context).toMatch(/\w+/);
          if (want === 'automatic') {
            expect(action.decision, context).toBe('TAKE_AUTOMATICALLY');
            // The simulated executor completes it before the mutation answers.
            expect(action.status, context).toBe('COMPLETED');
            expect(action.expiresAt, context).toBeNull();
            expect(action.evidence.remediationStatus, context).toBe('REMEDIATED');
          } else {
            expect(action.decision, context).toBe('REQUIRE_APPROVAL');
            expect(action.status, context).toBe('PENDING_APPROVAL');
            const expiresIn = Date.parse(action.expiresAt) - Date.now();
            expect(expiresIn, context).toBeGreaterThan(6.9 * 86_400_000);
            expect(expiresIn, context).toBeLessThanOrEqual(7 * 86_400_000);
            expect(action.evidence.remediationStatus, context).toBe('PENDING_APPROVAL');
          }
          expect(action.type, context).toBe(
            place === 'REGISTRY' ? 'REMOVE_REGISTRY_KEY' : 'QUARANTINE_FILE',
          );
        }
      }
      expect(byTag.size).toBe(result.remediationActions.length);
      const anyPending = VERDICTS.some((v) =>
        PLACES.some((p) => expected(level, v, p) === 'approval'),
      );
      expect(result.investigation.state).toBe(anyPending ? 'PENDING_APPROVAL' : 'REMEDIATED');
    }
  });

  it('decides verdicts given with reportAlert evidence, and the kind picks the action type', async () => {
    const t = tenantOf(server);
    const group = await t.group('Full', 'FULL');
    const device = await t.device('kinds-01', group.id);
    const reported = await t.reportAlert(device.id, [
      {
        kind: 'PROCESS',
        path: 'C:\\Users\\bob\\Downloads\\evil.exe',
        processId: 4242,
        verdict: 'MALICIOUS',
      },
      { kind: 'SERVICE', name: 'EvilSvc', path: 'D:\\svc\\evil.exe', verdict: 'MALICIOUS' },
      { kind: 'DRIVER', name: 'evil.sys', path: 'D:\\drv\\evil.sys', verdict: 'MALICIOUS' },
      { kind: 'SCHEDULED_TASK', name: '\\Evil\\Task', verdict: 'MALICIOUS' },
      { kind: 'URL', value: 'http://evil.example', verdict: 'MALICIOUS' },
      { kind: 'USER', value: 'CORP\\mallory', verdict: 'SUSPICIOUS' },
    ]);
    const investigation = await t.investigation(reported.investigation!.id);
    expect(investigation.state).toBe('RUNNING');
    const actions = await server.gqlData(
      `query($id: ID!) { node(id: $id) { ... on Investigation { remediationActions(first: 50) { edges { node { type status decision } } } } } }`,
      { id: reported.investigation!.id },
      await t.tokens.admin(),
    );
    const types = actions.node.remediationActions.edges.map((e: any) => e.node.type).sort();
    expect(types).toEqual([
      'DISABLE_DRIVER',
      'KILL_PROCESS',
      'REMOVE_SCHEDULED_TASK',
      'STOP_SERVICE',
    ]);
    expect(
      actions.node.remediationActions.edges.every((e: any) => e.node.status === 'COMPLETED'),
    ).toBe(true);
  });

  it('runs nothing automated for a NO_AUTOMATED_RESPONSE device: the incident exists, no investigation, no action', async () => {
    const t = tenantOf(server);
    const group = await t.group('Hands off', 'NO_AUTOMATED_RESPONSE');
    const device = await t.device('dc-01', group.id);
    const reported = await t.reportAlert(device.id, [
      { kind: 'FILE', path: 'C:\\Users\\a\\Downloads\\x.exe', sha256: sha(), verdict: 'MALICIOUS' },
    ]);
    expect(reported.investigation).toBeNull();
    expect(reported.incident.remediationStatus).toBe('NONE');
    expect(reported.incident.automatedInvestigationState).toBeNull();
    const evidence = await server.prisma.evidence.findMany({ where: { tenantId: t.tid } });
    expect(evidence).toHaveLength(1);
    expect(evidence[0]!.verdict).toBeNull();
    expect(await server.prisma.remediationAction.count({ where: { tenantId: t.tid } })).toBe(0);
    expect(await server.prisma.investigation.count({ where: { tenantId: t.tid } })).toBe(0);
  });

  it('correlates: alerts of a device join its open incident and its running investigation', async () => {
    const t = tenantOf(server);
    const device = await t.device('corr-01', null);
    const first = await t.reportAlert(device.id, [{ kind: 'FILE', path: 'D:\\a.exe' }], {
      severity: 'LOW',
    });
    const second = await t.reportAlert(device.id, [{ kind: 'FILE', path: 'D:\\b.exe' }], {
      severity: 'HIGH',
    });
    expect(second.incident.id).toBe(first.incident.id);
    expect(second.investigation!.id).toBe(first.investigation!.id);
    const incident = await server.prisma.incident.findFirstOrThrow({ where: { tenantId: t.tid } });
    expect(incident.severity).toBe('HIGH');
    // Once the investigation is complete, the next alert starts a new one in the same open incident.
    await t.submit(first.investigation!.id, [], true);
    const third = await t.reportAlert(device.id, [{ kind: 'FILE', path: 'D:\\c.exe' }]);
    expect(third.incident.id).toBe(first.incident.id);
    expect(third.investigation!.id).not.toBe(first.investigation!.id);
    expect((await t.investigation(first.investigation!.id)).state).toBe('NO_THREATS_FOUND');
  });
});

describe('the same threat elsewhere (SPEC §3.3)', () => {
  it('spreads a malicious sha256 to the other devices where it was seen, each decided by its own group', async () => {
    const t = tenantOf(server);
    const full = await t.group('Full', 'FULL');
    const any = await t.group('Approve all', 'SEMI_REQUIRE_APPROVAL_ANY');
    const core = await t.group('Core folders', 'SEMI_REQUIRE_APPROVAL_CORE_FOLDERS');
    const off = await t.group('Hands off', 'NO_AUTOMATED_RESPONSE');
    const d1 = await t.device('spread-full', full.id);
    const d2 = await t.device('spread-any', any.id);
    const d3 = await t.device('spread-core', core.id);
    const d4 = await t.device('spread-off', off.id);
    const d5 = await t.device('spread-clean', full.id);
    const threat = sha();
    // The file was seen on d2, d3 and d4 before anyone knew it was malicious.
    const on2 = await t.reportAlert(d2.id, [
      { kind: 'FILE', path: 'C:\\Users\\x\\Downloads\\tool.exe', sha256: threat },
    ]);
    await t.reportAlert(d3.id, [
      { kind: 'PROCESS', path: 'C:\\Windows\\System32\\tool.exe', sha256: threat, processId: 7 },
    ]);
    await t.reportAlert(d4.id, [{ kind: 'FILE', path: 'C:\\tool.exe', sha256: threat }]);
    await t.reportAlert(d5.id, [{ kind: 'FILE', path: 'C:\\other.exe', sha256: sha() }]);
    const origin = await t.reportAlert(d1.id, [
      { kind: 'FILE', path: 'D:\\drop\\tool.exe', sha256: threat.toUpperCase() },
    ]);
    const [evidence] = await t.evidenceOf(origin.investigation!.id);
    const result = await t.submit(
      origin.investigation!.id,
      [{ evidenceId: evidence!.id, verdict: 'MALICIOUS' }],
      true,
    );

    const byHost = new Map(result.remediationActions.map((a) => [a.device.hostname, a]));
    expect([...byHost.keys()].sort()).toEqual(['spread-any', 'spread-core', 'spread-full']);
    expect(byHost.get('spread-full')).toMatchObject({
      type: 'QUARANTINE_FILE',
      status: 'COMPLETED',
      decision: 'TAKE_AUTOMATICALLY',
    });
    expect(byHost.get('spread-any')).toMatchObject({
      type: 'QUARANTINE_FILE',
      status: 'PENDING_APPROVAL',
      decision: 'REQUIRE_APPROVAL',
    });
    // A process image in an OS directory under CORE_FOLDERS: approval, and the kind decides the type.
    expect(byHost.get('spread-core')).toMatchObject({
      type: 'KILL_PROCESS',
      status: 'PENDING_APPROVAL',
      decision: 'REQUIRE_APPROVAL',
    });
    for (const action of result.remediationActions) {
      expect(action.investigation.id).toBe(origin.investigation!.id);
      expect(action.evidence.sha256).toBe(threat);
    }
    const investigation = await t.investigation(origin.investigation!.id);
    expect(investigation.devices.map((d: any) => d.hostname).sort()).toEqual([
      'spread-any',
      'spread-core',
      'spread-full',
    ]);
    expect(investigation.incident.devices.map((d: any) => d.hostname).sort()).toEqual([
      'spread-any',
      'spread-core',
      'spread-full',
    ]);
    expect(investigation.state).toBe('PENDING_APPROVAL');
    expect(investigation.incident.remediationStatus).toBe('PENDING_APPROVAL');
    // The NO_AUTOMATED_RESPONSE device is untouched: no verdict, no action, not joined.
    const offEvidence = await server.prisma.evidence.findFirstOrThrow({
      where: { tenantId: t.tid, device: { hostname: 'spread-off' } },
    });
    expect(offEvidence.verdict).toBeNull();
    expect(
      await server.prisma.remediationAction.count({
        where: { tenantId: t.tid, device: { hostname: 'spread-off' } },
      }),
    ).toBe(0);
    // The other device's own investigation sees the verdict its evidence took.
    const d2Evidence = await t.evidenceOf(on2.investigation!.id);
    expect(d2Evidence).toHaveLength(1);
    // A second verdict on the same sha creates nothing new (one action per evidence).
    const again = await t.reportAlert(d1.id, [
      { kind: 'FILE', path: 'D:\\drop\\tool.exe', sha256: threat, verdict: 'MALICIOUS' },
    ]);
    expect(again.investigation).not.toBeNull();
    expect(
      await server.prisma.remediationAction.count({
        where: { tenantId: t.tid, device: { hostname: 'spread-any' } },
      }),
    ).toBe(1);
  });
});

describe('a change of automation level (SPEC §2.1)', () => {
  it('applies to decisions made after it; actions already pending stay pending', async () => {
    const t = tenantOf(server);
    const group = await t.group('Changing', 'SEMI_REQUIRE_APPROVAL_ANY');
    const device = await t.device('changing-01', group.id);
    const first = await t.reportAlert(device.id, [
      { kind: 'FILE', path: 'D:\\a.exe', sha256: sha(), verdict: 'MALICIOUS' },
    ]);
    const before = await t.submit(first.investigation!.id, [], false);
    expect(before.remediationActions).toEqual([]);
    const [pending] = (
      await server.gqlData(
        `{ remediationActions(filter: { statuses: [PENDING_APPROVAL] }) { edges { node { id } } } }`,
        {},
        await t.tokens.admin(),
      )
    ).remediationActions.edges.map((e: { node: { id: string } }) => e.node);
    expect(pending).toBeDefined();

    await server.gqlData(
      `mutation($input: UpdateDeviceGroupInput!) { updateDeviceGroup(input: $input) { deviceGroup { automationLevel } } }`,
      { input: { id: group.id, automationLevel: 'FULL' } },
      await t.tokens.admin(),
    );
    const later = await t.submit(first.investigation!.id, [
      { deviceId: device.id, verdict: 'MALICIOUS', evidence: { kind: 'FILE', path: 'D:\\b.exe' } },
    ]);
    expect(later.remediationActions).toHaveLength(1);
    expect(later.remediationActions[0]).toMatchObject({
      status: 'COMPLETED',
      decision: 'TAKE_AUTOMATICALLY',
    });
    expect(later.remediationActions[0].explanation).toContain('FULL');
    expect(await t.action(pending.id)).toMatchObject({
      status: 'PENDING_APPROVAL',
      decision: 'REQUIRE_APPROVAL',
    });
  });
});

describe('evaluatePolicy', () => {
  const EVALUATE = `query($level: AutomationLevel!, $verdict: Verdict!, $evidence: EvidenceInput!, $os: OsPlatform!) {
    evaluatePolicy(automationLevel: $level, verdict: $verdict, evidence: $evidence, osPlatform: $os) {
      decision actionType locationClasses explanation } }`;

  it('answers with the engine the workflows use, and explains itself', async () => {
    const t = tenantOf(server);
    const viewer = await t.tokens.viewer();
    const core = await server.gqlData(
      EVALUATE,
      {
        level: 'SEMI_REQUIRE_APPROVAL_CORE_FOLDERS',
        verdict: 'MALICIOUS',
        evidence: { kind: 'FILE', path: 'C:\\Windows\\Temp\\x.exe' },
        os: 'WINDOWS',
      },
      viewer,
    );
    expect(core.evaluatePolicy).toMatchObject({
      decision: 'REQUIRE_APPROVAL',
      actionType: 'QUARANTINE_FILE',
      locationClasses: ['OS_DIRECTORY', 'TEMP_FOLDER'],
    });
    expect(core.evaluatePolicy.explanation).toMatch(/approval/);
    const temp = await server.gqlData(
      EVALUATE,
      {
        level: 'SEMI_REQUIRE_APPROVAL_NON_TEMP_FOLDERS',
        verdict: 'MALICIOUS',
        evidence: { kind: 'FILE', path: 'C:\\Windows\\Temp\\x.exe' },
        os: 'WINDOWS',
      },
      viewer,
    );
    expect(temp.evaluatePolicy.decision).toBe('TAKE_AUTOMATICALLY');
    const off = await server.gqlData(
      EVALUATE,
      {
        level: 'NO_AUTOMATED_RESPONSE',
        verdict: 'MALICIOUS',
        evidence: { kind: 'URL', value: 'http://x' },
        os: 'LINUX',
      },
      viewer,
    );
    expect(off.evaluatePolicy).toMatchObject({ decision: 'NO_INVESTIGATION', actionType: null });
  });
});
