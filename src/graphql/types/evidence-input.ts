import { builder } from '../builder.js';
import { EvidenceKindEnum, VerdictEnum } from './enums.js';

/**
 * EvidenceInput (contract), plus an optional initial `verdict` — an addition: at reportAlert the
 * detection tool may give evidence with a verdict (SPEC §3.1 "with or without verdicts"), which is
 * then a finding of the alert's investigation. Elsewhere the verdict has its own argument.
 */
export const EvidenceInput = builder.inputType('EvidenceInput', {
  fields: (t) => ({
    kind: t.field({ type: EvidenceKindEnum, required: true }),
    path: t.string(),
    sha256: t.string(),
    processId: t.int(),
    commandLine: t.string(),
    registryKey: t.string(),
    name: t.string(),
    value: t.string(),
    verdict: t.field({
      type: VerdictEnum,
      description:
        "reportAlert only: an initial verdict, decided as a finding of the alert's investigation.",
    }),
  }),
});

export type EvidenceInputValue = typeof EvidenceInput.$inferInput;
