import { visibleActions } from '../../auth/scope.js';
import type { AttackDisruptionOutcome } from '../../services/attack-disruption.js';
import { builder } from '../builder.js';
import { PolicyDecisionEnum } from './enums.js';

// What reportAlert(attackDisruption: true) did to the device (SPEC §7.3): an addition to the contract.

export const AttackDisruptionOutcomeRef = builder
  .objectRef<AttackDisruptionOutcome>('AttackDisruptionOutcome')
  .implement({
    description: "The policy's decision on containing the alert's device at once, explained.",
    fields: (t) => ({
      decision: t.expose('decision', { type: PolicyDecisionEnum }),
      explanation: t.exposeString('explanation'),
      remediationAction: t.prismaField({
        type: 'RemediationAction',
        nullable: true,
        description: 'The isolation: the one taken now, or the one already pending or in progress.',
        resolve: (query, outcome, _args, ctx) =>
          outcome.actionId
            ? ctx.prisma.remediationAction.findFirst({
                ...query,
                where: { id: outcome.actionId, AND: [visibleActions(ctx.identity)] },
              })
            : null,
      }),
      alreadyRequested: t.exposeBoolean('alreadyRequested', {
        description: 'True when an isolation was already open: `remediationAction` is that one.',
      }),
    }),
  });
