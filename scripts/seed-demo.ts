// Demo data: a living action center — groups at every automation level, devices, incidents with
// evidence, and actions in every status. Everything goes through the services, so derived states,
// audit and stream events are real.
import { createHash } from 'node:crypto';
import type { Identity } from '../src/auth/identity.js';
import { scopedClient, tenantScope } from '../src/db/tenant-scope.js';
import { type Actor, actorFrom, createServices, type Services } from '../src/services/index.js';
import { seedNotifyRule } from './seed-automation.js';
import { seedTriage } from './seed-triage.js';

const GROUPS = [
  {
    name: 'Domain controllers',
    automationLevel: 'NO_AUTOMATED_RESPONSE',
    rules: { hostnamePrefix: 'dc-' },
  },
  {
    name: 'Servers',
    automationLevel: 'SEMI_REQUIRE_APPROVAL_ANY',
    rules: { hostnamePrefix: 'srv-' },
  },
  {
    name: 'Finance workstations',
    automationLevel: 'SEMI_REQUIRE_APPROVAL_CORE_FOLDERS',
    rules: { tag: 'finance' },
  },
  {
    name: 'Developer laptops',
    automationLevel: 'SEMI_REQUIRE_APPROVAL_NON_TEMP_FOLDERS',
    rules: { hostnamePrefix: 'dev-' },
  },
] as const;

const sha = (seed: string) => createHash('sha256').update(seed).digest('hex');
/** A few files that turn up on many devices: the same threat elsewhere (SPEC §3.3). */
const SHARED_THREATS = [sha('emotet-loader'), sha('cobalt-beacon'), sha('miner')];

const WINDOWS_PATHS = [
  'C:\\Users\\{user}\\Downloads\\invoice_{n}.exe',
  'C:\\Users\\{user}\\AppData\\Local\\Temp\\setup{n}.tmp.exe',
  'C:\\Windows\\System32\\drivers\\kbd{n}.sys',
  'C:\\Program Files\\Common Files\\updater{n}.dll',
  'C:\\ProgramData\\svc{n}\\agent.exe',
  'C:\\Windows\\Temp\\dropper{n}.ps1',
];

function deviceSpec(i: number) {
  const kind = i % 10;
  if (kind === 0)
    return {
      hostname: `dc-${String(i).padStart(3, '0')}`,
      osPlatform: 'WINDOWS' as const,
      tags: ['tier0'],
    };
  if (kind <= 2)
    return {
      hostname: `srv-${String(i).padStart(3, '0')}`,
      osPlatform: (i % 3 ? 'LINUX' : 'WINDOWS') as 'LINUX' | 'WINDOWS',
      tags: ['prod'],
    };
  if (kind <= 4)
    return {
      hostname: `fin-${String(i).padStart(3, '0')}`,
      osPlatform: 'WINDOWS' as const,
      tags: ['finance'],
    };
  if (kind <= 6)
    return {
      hostname: `dev-${String(i).padStart(3, '0')}`,
      osPlatform: (i % 2 ? 'MACOS' : 'WINDOWS') as 'MACOS' | 'WINDOWS',
      tags: ['engineering'],
    };
  return { hostname: `ws-${String(i).padStart(3, '0')}`, osPlatform: 'WINDOWS' as const, tags: [] };
}

function evidenceFor(i: number, platform: 'WINDOWS' | 'LINUX' | 'MACOS') {
  const n = String(i);
  const path =
    platform === 'WINDOWS'
      ? WINDOWS_PATHS[i % WINDOWS_PATHS.length]!.replace('{user}', `user${i % 17}`).replace(
          '{n}',
          n,
        )
      : platform === 'LINUX'
        ? ['/tmp/.x{n}/kworker', '/usr/local/bin/sshd{n}', '/opt/app/lib{n}.so', '/dev/shm/m{n}'][
            i % 4
          ]!.replace('{n}', n)
        : [
            '/Users/u{n}/Downloads/Installer.app/x',
            '/Library/LaunchDaemons/com.upd{n}.plist',
            '/private/tmp/p{n}',
          ][i % 3]!.replace('{n}', n);
  const file = {
    kind: 'FILE' as const,
    path,
    sha256: i % 4 === 0 ? SHARED_THREATS[i % SHARED_THREATS.length]! : sha(`file-${i}`),
  };
  const process = {
    kind: 'PROCESS' as const,
    path,
    sha256: file.sha256,
    processId: 1000 + i,
    commandLine: `${path} --silent`,
  };
  const extra =
    platform === 'WINDOWS'
      ? i % 2
        ? {
            kind: 'REGISTRY_KEY' as const,
            registryKey: `HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\upd${n}`,
          }
        : { kind: 'SCHEDULED_TASK' as const, name: `\\Microsoft\\Updater${n}`, path }
      : { kind: 'URL' as const, value: `http://c2-${n}.example.invalid/beacon` };
  return [file, process, extra, { kind: 'IP_ADDRESS' as const, value: `203.0.113.${i % 250}` }];
}

/** Told after each device registered and each incident reported (a CLI draws a bar from it). */
export type SeedProgress = (stage: 'devices' | 'incidents', done: number, total: number) => void;

export interface SeedOptions {
  tenant: string;
  devices: number;
  /** Incidents to open, one per device, spread over the fleet (default: every third device). */
  incidents?: number;
  webhook?: { url: string; secret: string };
  progress?: SeedProgress;
}

/** The default incident count: an alert on every third device. */
export const defaultIncidents = (devices: number) => Math.ceil(devices / 3);

interface Seeding {
  services: Services;
  tenant: string;
  identity: Identity;
  /** A person of the SOC who approves, undoes and responds. */
  responder: Actor;
  progress: SeedProgress;
}

/** Fills a tenant with demo data through the services; returns the count of actions by status. */
export async function seedDemoTenant(servingServices: Services, options: SeedOptions) {
  const incidents = options.incidents ?? defaultIncidents(options.devices);
  if (incidents > options.devices) {
    // Alerts on a device join its open incident: more incidents than devices cannot be opened.
    throw new RangeError(`incidents (${incidents}) cannot exceed devices (${options.devices})`);
  }
  // The seed's own reads run in the tenant's scope, as the database's row-level security asks.
  const services = {
    ...servingServices,
    prisma: scopedClient(servingServices.prisma, tenantScope(options.tenant)),
  };
  const identity: Identity = {
    subject: 'seed',
    tenantId: options.tenant,
    roles: new Set(['admin', 'ingest', 'responder']),
    groups: 'all',
    deviceId: null,
  };
  const responder = actorFrom({ ...identity, subject: 'alice@soc' }, 'seed-approve');
  const progress = options.progress ?? (() => undefined);
  const seeding: Seeding = { services, tenant: options.tenant, identity, responder, progress };
  await services.ensureTenant(options.tenant);
  if ((await services.prisma.incident.count({ where: { tenantId: options.tenant } })) > 0) {
    console.log(`Tenant "${options.tenant}" already has incidents: nothing to seed.`);
    return null;
  }
  const devices = await seedFleet(seeding, options.devices);
  await seedIncidents(seeding, devices, incidents);
  await seedDecisions(seeding, devices);
  await seedAgentStatuses(seeding);
  await seedTriage(services, options.tenant, responder);
  await seedNotifyRule(services, actorFrom(identity, 'seed'), options.webhook);
  const byStatus = await services.prisma.remediationAction.groupBy({
    by: ['status'],
    where: { tenantId: options.tenant },
    _count: true,
  });
  return Object.fromEntries(byStatus.map((row) => [row.status, row._count]));
}

/** Groups at every automation level, and devices registered into them by their rules. */
async function seedFleet({ services, tenant, identity, progress }: Seeding, count: number) {
  const actor = actorFrom(identity, 'seed');
  const { prisma } = services;
  for (const group of GROUPS) {
    const exists = await prisma.deviceGroup.findFirst({
      where: { tenantId: tenant, name: group.name },
    });
    if (!exists)
      await services.deviceGroups.createDeviceGroup(actor, {
        ...group,
        description: `Demo: ${group.automationLevel}`,
      });
  }
  const devices = [];
  for (let i = 0; i < count; i++) {
    const { deviceId } = await services.deviceGroups.registerDevice(actor, deviceSpec(i));
    devices.push(await prisma.device.findUniqueOrThrow({ where: { id: deviceId } }));
    progress('devices', i + 1, count);
  }
  console.log(`${devices.length} devices in ${GROUPS.length + 1} groups`);
  return devices;
}

type SeededDevice = Awaited<ReturnType<typeof seedFleet>>[number];

const TITLES = [
  'Suspicious PowerShell',
  'Ransomware behaviour',
  'Credential theft attempt',
  'Cryptominer detected',
];

/**
 * An alert on `count` devices spread evenly over the fleet (each opens its own incident), and its
 * investigation's verdicts on the alert's evidence.
 */
async function seedIncidents(seeding: Seeding, devices: SeededDevice[], count: number) {
  const { services, identity, progress } = seeding;
  const actor = actorFrom(identity, 'seed');
  const severities = ['LOW', 'MEDIUM', 'HIGH', 'HIGH'] as const;
  const verdicts = ['MALICIOUS', 'MALICIOUS', 'SUSPICIOUS', 'NO_THREATS_FOUND'] as const;
  let alerts = 0;
  for (let n = 0; n < count; n++) {
    const i = Math.floor((n * devices.length) / count);
    const device = devices[i]!;
    const report = await services.reportAlert(actor, {
      deviceId: device.id,
      title: TITLES[i % 4]!,
      severity: severities[i % severities.length]!,
      detectedAt: new Date(Date.now() - (i % 48) * 3_600_000),
      evidence: evidenceFor(i, device.osPlatform),
    });
    alerts++;
    progress('incidents', alerts, count);
    if (!report.investigationId) continue; // NO_AUTOMATED_RESPONSE: nothing automated
    const evidence = await services.prisma.evidence.findMany({
      where: { alertId: report.alertId },
      orderBy: { createdAt: 'asc' },
    });
    await services.submitInvestigationFindings(actor, {
      investigationId: report.investigationId,
      findings: evidence.map((e, k) => ({
        evidenceId: e.id,
        verdict: verdicts[(i + k) % verdicts.length]!,
      })),
      complete: i % 7 !== 0, // a few investigations are still running
    });
  }
  console.log(`${alerts} alerts reported and investigated`);
}

const MANUAL_TYPES = [
  'ISOLATE_DEVICE',
  'RUN_ANTIVIRUS_SCAN',
  'COLLECT_INVESTIGATION_PACKAGE',
  'RESTRICT_CODE_EXECUTION',
] as const;

/** People at work: approve, reject, undo, cancel, manual actions. */
async function seedDecisions(seeding: Seeding, devices: SeededDevice[]) {
  const { services, tenant, identity, responder } = seeding;
  const { prisma } = services;
  const pending = await prisma.remediationAction.findMany({
    where: { tenantId: tenant, status: 'PENDING_APPROVAL' },
    orderBy: { createdAt: 'asc' },
  });
  const third = Math.floor(pending.length / 3);
  const approved = pending.slice(0, third).map((a) => a.id);
  const rejected = pending.slice(third, third + Math.floor(third / 2)).map((a) => a.id);
  // A small seed (--incidents) may leave too few pending actions for a batch.
  if (approved.length > 0)
    await services.approveRemediationActions(responder, {
      ids: approved,
      comment: 'Confirmed malicious',
    });
  if (rejected.length > 0)
    await services.rejectRemediationActions(
      actorFrom({ ...identity, subject: 'bob@soc' }, 'seed-reject'),
      { ids: rejected, comment: 'Known admin tool' },
    );
  const quarantines = await prisma.remediationAction.findMany({
    where: { tenantId: tenant, status: 'COMPLETED', type: 'QUARANTINE_FILE' },
    take: 5,
  });
  if (quarantines.length > 0) {
    await services.undoRemediationActions(responder, {
      ids: quarantines.map((a) => a.id),
      comment: 'False positive: line-of-business app',
    });
  }
  const workstations = devices.filter((d) => d.hostname.startsWith('ws-')).slice(0, 4);
  for (const [k, device] of workstations.entries()) {
    await services.takeResponseAction(responder, {
      type: MANUAL_TYPES[k]!,
      deviceId: device.id,
      comment: 'Seeded manual response',
    });
  }
  const stillPending = await prisma.remediationAction.findMany({
    where: { tenantId: tenant, status: 'PENDING_APPROVAL' },
    take: 2,
  });
  if (stillPending.length > 0) {
    await services.cancelRemediationActions(responder, {
      ids: stillPending.map((a) => a.id),
      comment: 'Superseded',
    });
  }
}

/**
 * The statuses a live fleet shows too: expired approvals, and work an endpoint agent still holds
 * or could not carry out (the agent executor leaves actions dispatched until the agent reports).
 */
async function seedAgentStatuses({ services, tenant, identity, responder }: Seeding) {
  const { prisma } = services;
  const agentMode = createServices(prisma, { executor: 'agent' });
  const oldPending = await prisma.remediationAction.findMany({
    where: { tenantId: tenant, status: 'PENDING_APPROVAL' },
    take: 6,
  });
  // Back-date three approvals past their expiry (as if a week went by), then let the sweep expire them.
  await prisma.remediationAction.updateMany({
    where: { id: { in: oldPending.slice(0, 3).map((a) => a.id) } },
    data: { expiresAt: new Date(Date.now() - 86_400_000) },
  });
  await services.expirePendingActions();
  const dispatched = oldPending.slice(3).map((a) => a.id);
  if (dispatched.length > 0) {
    await agentMode.approveRemediationActions(responder, {
      ids: dispatched,
      comment: 'Approved; the agent will carry it out',
    });
    const failing = await prisma.remediationAction.findUniqueOrThrow({
      where: { id: dispatched[0]! },
    });
    const agent = actorFrom(
      { ...identity, subject: 'agent', roles: new Set(['agent']), deviceId: failing.deviceId },
      'seed-agent',
    );
    await agentMode.reportActionOutcome(agent, {
      actionId: failing.id,
      outcome: 'FAILED',
      failureReason: 'File locked by another process',
    });
  }
  const toUndo =
    (await prisma.remediationAction.findFirst({
      where: { tenantId: tenant, status: 'COMPLETED', type: 'STOP_SERVICE' },
    })) ??
    (await prisma.remediationAction.findFirst({
      where: { tenantId: tenant, status: 'COMPLETED', undoable: true },
    }));
  if (toUndo)
    await agentMode.undoRemediationActions(responder, {
      ids: [toUndo.id],
      comment: 'Undo requested; waiting for the agent',
    });
}
