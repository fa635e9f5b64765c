import { visibleAlerts, visibleEvidence } from '../../auth/scope.js';
import { builder } from '../builder.js';
import { asUuid } from '../ids.js';
import { SeverityEnum } from './enums.js';

export const AlertRef = builder.prismaNode('Alert', {
  id: { field: 'id' },
  authScopes: { viewer: true },
  findUnique: (id, ctx) => ({ id: asUuid(id), AND: [visibleAlerts(ctx.identity)] }),
  fields: (t) => ({
    title: t.exposeString('title'),
    severity: t.expose('severity', { type: SeverityEnum }),
    detectedAt: t.expose('detectedAt', { type: 'DateTime' }),
    // An alert is visible only when its device is, and its incident and investigation cover that
    // device, so these references stay in scope.
    device: t.relation('device'),
    incident: t.relation('incident'),
    investigation: t.relation('investigation', { nullable: true }),
    evidence: t.relation('evidence', {
      query: (_args, ctx) => ({
        where: visibleEvidence(ctx.identity),
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      }),
    }),
  }),
});

export const AlertConnection = builder.connectionObject(
  { type: AlertRef, name: 'AlertConnection' },
  { name: 'AlertEdge' },
);
