// The seed's triage part (issue 14): classified and assigned incidents with comments, and
// indicators of both kinds — written through the services, like the rest of the seed.
import { createHash } from 'node:crypto';
import type { Actor, Services } from '../src/services/index.js';

const TRIAGE = [
  {
    classification: 'TRUE_POSITIVE',
    determination: 'Malware',
    status: 'IN_PROGRESS',
    tags: ['ransomware'],
  },
  {
    classification: 'FALSE_POSITIVE',
    determination: 'Line-of-business app',
    status: 'RESOLVED',
    tags: ['noise'],
  },
  {
    classification: 'INFORMATIONAL_EXPECTED_ACTIVITY',
    determination: 'Penetration test',
    status: 'RESOLVED',
    tags: ['red-team'],
  },
] as const;

/** Triages the tenant's three oldest incidents and adds a BLOCK and an ALLOW indicator. */
export async function seedTriage(services: Services, tenant: string, responder: Actor) {
  const incidents = await services.prisma.incident.findMany({
    where: { tenantId: tenant },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    take: TRIAGE.length,
  });
  for (const [i, incident] of incidents.entries()) {
    const triage = TRIAGE[i % TRIAGE.length]!;
    await services.updateIncident(responder, {
      id: incident.id,
      ...triage,
      tags: [...triage.tags],
      assignedTo: responder.subject,
    });
    await services.addIncidentComment(responder, {
      incidentId: incident.id,
      text: `Triaged as ${triage.classification}: ${triage.determination}.`,
    });
  }
  const seen = await services.prisma.evidence.findFirst({
    where: { tenantId: tenant, kind: 'FILE', sha256: { not: null } },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  });
  if (seen?.sha256)
    await services.createIndicator(responder, {
      sha256: seen.sha256,
      action: 'BLOCK',
      title: 'Seen on the fleet',
    });
  const allowed = createHash('sha256').update(`${tenant}: approved installer`).digest('hex');
  await services.createIndicator(responder, {
    sha256: allowed,
    action: 'ALLOW',
    title: 'Approved installer',
  });
}
