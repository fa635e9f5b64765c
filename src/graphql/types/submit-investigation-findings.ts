import { visibleActions, visibleInvestigations } from '../../auth/scope.js';
import type { SubmitFindingsResult } from '../../services/findings.js';
import { builder } from '../builder.js';
import { globalIdOf } from '../ids.js';
import { actorOf, withInputFields } from '../mutation-support.js';
import { VerdictEnum } from './enums.js';
import { EvidenceInput } from './evidence-input.js';
import './investigation.js';
import './remediation-action.js';

const FindingInput = builder.inputType('FindingInput', {
  fields: (t) => ({
    evidenceId: t.id({ description: 'Existing evidence; or give `evidence` for new evidence.' }),
    evidence: t.field({ type: EvidenceInput, description: 'New evidence; or give `evidenceId`.' }),
    deviceId: t.id({
      description: "The device of new evidence (default: the investigation's first device).",
    }),
    verdict: t.field({ type: VerdictEnum, required: true }),
  }),
});

const SubmitInvestigationFindingsInput = builder.inputType('SubmitInvestigationFindingsInput', {
  fields: (t) => ({
    investigationId: t.id({ required: true }),
    findings: t.field({ type: [FindingInput], required: true }),
    complete: t.boolean(),
    idempotencyKey: t.string(),
  }),
});

const SubmitInvestigationFindingsPayload = builder
  .objectRef<SubmitFindingsResult>('SubmitInvestigationFindingsPayload')
  .implement({
    fields: (t) => ({
      investigation: t.prismaField({
        type: 'Investigation',
        resolve: (query, result, _args, ctx) =>
          ctx.prisma.investigation.findFirstOrThrow({
            ...query,
            where: { id: result.investigationId, AND: [visibleInvestigations(ctx.identity)] },
          }),
      }),
      remediationActions: t.prismaField({
        type: ['RemediationAction'],
        description:
          'The actions this submission created (taken automatically or pending), the spread to other devices included.',
        resolve: async (query, result, _args, ctx) => {
          const rows = await ctx.prisma.remediationAction.findMany({
            ...query,
            where: { AND: [{ id: { in: result.actionIds } }, visibleActions(ctx.identity)] },
          });
          const order = new Map(result.actionIds.map((id, i) => [id, i]));
          return rows.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
        },
      }),
    }),
  });

builder.mutationField('submitInvestigationFindings', (t) =>
  t.field({
    type: SubmitInvestigationFindingsPayload,
    description:
      "Ingest: verdicts on existing or new evidence. The policy engine decides each with the level of the evidence's device's group now; a malicious or suspicious sha256 spreads to the other devices where it was seen.",
    authScopes: { ingest: true },
    args: { input: t.arg({ type: SubmitInvestigationFindingsInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      withInputFields(() =>
        ctx.services.submitInvestigationFindings(actorOf(ctx), {
          investigationId: globalIdOf('investigationId', 'Investigation', input.investigationId),
          complete: input.complete,
          idempotencyKey: input.idempotencyKey,
          findings: input.findings.map((finding, i) => ({
            verdict: finding.verdict,
            evidence: finding.evidence,
            evidenceId: finding.evidenceId
              ? globalIdOf(`findings.${i}.evidenceId`, 'Evidence', finding.evidenceId)
              : null,
            deviceId: finding.deviceId
              ? globalIdOf(`findings.${i}.deviceId`, 'Device', finding.deviceId)
              : null,
          })),
        }),
      ),
  }),
);
