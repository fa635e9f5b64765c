import { decideRemediation } from '../../policy/index.js';
import { builder } from '../builder.js';
import { badUserInput } from '../errors.js';
import { actorOf, withInputFields } from '../mutation-support.js';
import {
  AutomationLevelEnum,
  LocationClassEnum,
  OsPlatformEnum,
  PolicyDecisionEnum,
  RemediationActionTypeEnum,
  VerdictEnum,
} from './enums.js';
import { EvidenceInput } from './evidence.js';

type Evaluation = ReturnType<typeof decideRemediation>;

const PolicyEvaluationRef = builder.objectRef<Evaluation>('PolicyEvaluation').implement({
  fields: (t) => ({
    decision: t.field({ type: PolicyDecisionEnum, resolve: (e) => e.decision }),
    actionType: t.field({
      type: RemediationActionTypeEnum,
      nullable: true,
      resolve: (e) => e.actionType,
    }),
    locationClasses: t.field({ type: [LocationClassEnum], resolve: (e) => [...e.locationClasses] }),
    explanation: t.exposeString('explanation'),
    pathUnderstood: t.boolean({
      description:
        'False when the artifact has a file whose location could not be established (the decision then takes the safe side).',
      resolve: (e) => e.pathUnderstood,
    }),
    normalizedPath: t.string({
      nullable: true,
      description: 'The path as the engine read it.',
      resolve: (e) => e.normalizedPath,
    }),
    indicator: t.prismaField({
      type: 'Indicator',
      nullable: true,
      description:
        "The tenant's live indicator on the evidence's sha256 that the decision applied (ALLOW: no action; BLOCK: treated as malicious), if any.",
      resolve: (query, e, _args, ctx) =>
        e.reason.indicator
          ? ctx.prisma.indicator.findFirst({
              ...query,
              where: { id: e.reason.indicator.id, tenantId: ctx.identity.tenantId },
            })
          : null,
    }),
    verdict: t.field({
      type: VerdictEnum,
      description: 'The verdict the decision applied: MALICIOUS under a BLOCK indicator.',
      resolve: (e) => e.reason.verdict,
    }),
  }),
});

const MAX_PATH = 4096;
const SHA256 = /^[0-9a-fA-F]{64}$/;

builder.queryField('evaluatePolicy', (t) =>
  t.field({
    type: PolicyEvaluationRef,
    description:
      "What the policy engine would decide for a verdict on this evidence in a group of this level on this platform, and why (the same engine every workflow uses), with the tenant's live indicator on the evidence's sha256.",
    authScopes: { viewer: true },
    args: {
      automationLevel: t.arg({ type: AutomationLevelEnum, required: true }),
      verdict: t.arg({ type: VerdictEnum, required: true }),
      evidence: t.arg({ type: EvidenceInput, required: true }),
      osPlatform: t.arg({ type: OsPlatformEnum, required: true }),
    },
    resolve: async (_root, args, ctx) => {
      if (args.evidence.path && args.evidence.path.length > MAX_PATH) {
        throw badUserInput(
          'evidence.path',
          `evidence.path: must be at most ${MAX_PATH} characters.`,
        );
      }
      if (args.evidence.verdict != null) {
        throw badUserInput(
          'evidence.verdict',
          'evidence.verdict: the verdict to evaluate is the `verdict` argument.',
        );
      }
      const sha256 = args.evidence.sha256 ?? null;
      if (sha256 !== null && !SHA256.test(sha256))
        throw badUserInput(
          'evidence.sha256',
          'evidence.sha256: must be 64 hexadecimal characters.',
        );
      const indicators = await withInputFields(() =>
        ctx.services.liveIndicatorsFor(actorOf(ctx), sha256 === null ? [] : [sha256]),
      );
      return decideRemediation({
        automationLevel: args.automationLevel,
        verdict: args.verdict,
        evidence: { kind: args.evidence.kind, path: args.evidence.path, sha256 },
        osPlatform: args.osPlatform,
        indicators,
      });
    },
  }),
);
