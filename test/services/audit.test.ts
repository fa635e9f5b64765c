import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeAuditEvents } from '../../src/services/kernel/audit.js';
import { serviceWorld } from './support.js';

let world: Awaited<ReturnType<typeof serviceWorld>>;
beforeAll(async () => {
  world = await serviceWorld();
});
afterAll(() => world?.close());

describe('the audit log', () => {
  it('is written in the same transaction as the change, with who, roles, before → after, comment and request id', async () => {
    const device = await world.device('audit-1', 'SEMI_REQUIRE_APPROVAL_ANY');
    await world.services.reportAlert(world.actor('detector', 'ingest'), {
      deviceId: device.id,
      title: 'x',
      severity: 'LOW',
      evidence: [{ kind: 'FILE', path: 'D:\\a.exe', verdict: 'SUSPICIOUS' }],
    });
    const action = await world.prisma.remediationAction.findFirstOrThrow({
      where: { deviceId: device.id },
    });
    await world.services.rejectRemediationActions(world.actor('alice', 'responder'), {
      ids: [action.id],
      comment: 'benign tool',
    });
    const events = await world.prisma.auditEvent.findMany({
      where: { targetIds: { has: action.id } },
      orderBy: { id: 'asc' },
    });
    expect(events.map((e) => [e.operation, e.subject, e.outcome])).toEqual([
      ['reportAlert', 'detector', 'SUCCEEDED'],
      ['rejectRemediationActions', 'alice', 'SUCCEEDED'],
    ]);
    expect(events[1]).toMatchObject({
      roles: ['responder'],
      targetType: 'RemediationAction',
      before: { status: 'PENDING_APPROVAL' },
      after: { status: 'REJECTED' },
      comment: 'benign tool',
      requestId: 'req-alice',
    });
  });

  it('cannot be changed or deleted: the database refuses UPDATE, DELETE and TRUNCATE', async () => {
    await world.prisma.$transaction((tx) =>
      writeAuditEvents(tx, [
        {
          tenantId: world.tenantId,
          subject: 's',
          roles: [],
          operation: 'test',
          targetType: 'Nothing',
          targetIds: ['1'],
          deviceGroupIds: [],
          outcome: 'SUCCEEDED',
        },
      ]),
    );
    const count = await world.prisma.auditEvent.count();
    await expect(
      world.prisma.$executeRaw`UPDATE audit_events SET subject = 'mallory'`,
    ).rejects.toThrow(/append-only/);
    await expect(world.prisma.$executeRaw`DELETE FROM audit_events`).rejects.toThrow(/append-only/);
    await expect(world.prisma.$executeRaw`DELETE FROM audit_events WHERE false`).rejects.toThrow(
      /append-only/,
    );
    await expect(world.prisma.$executeRaw`TRUNCATE audit_events`).rejects.toThrow(/append-only/);
    await expect(world.prisma.auditEvent.deleteMany({})).rejects.toThrow();
    expect(await world.prisma.auditEvent.count()).toBe(count);
    expect(await world.prisma.auditEvent.count({ where: { subject: 'mallory' } })).toBe(0);
  });
});
