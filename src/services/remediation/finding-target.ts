import type {
  AutomationLevel,
  EvidenceKind,
  OsPlatform,
  Verdict,
} from '../../generated/prisma/enums.js';

/** A verdict on one piece of evidence, with what the policy engine needs to decide. */
export interface FindingTarget {
  evidenceId: string;
  deviceId: string;
  deviceGroupId: string;
  /** The device's group's level at decision time, as the plan lets it apply. */
  level: AutomationLevel;
  platform: OsPlatform;
  kind: EvidenceKind;
  path: string | null;
  sha256: string | null;
  verdict: Verdict;
}

/** The investigation findings belong to (and its incident, which its devices join too). */
export interface InvestigationRef {
  id: string;
  incidentId: string;
}
