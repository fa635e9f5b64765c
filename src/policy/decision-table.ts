import type { AutomationLevel, LocationClass, Verdict } from './vocabulary.js';

/**
 * SPEC §2.1 as data. Each cell says what happens to a verdict under a device group's automation
 * level; a location rule reads the one location fact it needs from the artifact's file.
 *
 * | automation level                          | MALICIOUS                             | SUSPICIOUS | NO_THREATS_FOUND |
 * |-------------------------------------------|---------------------------------------|------------|------------------|
 * | FULL                                      | automatic                             | approval   | no action        |
 * | SEMI_REQUIRE_APPROVAL_ANY                 | approval                              | approval   | no action        |
 * | SEMI_REQUIRE_APPROVAL_CORE_FOLDERS        | approval if in an OS directory        | approval   | no action        |
 * | SEMI_REQUIRE_APPROVAL_NON_TEMP_FOLDERS    | automatic if in a temporary folder    | approval   | no action        |
 * | NO_AUTOMATED_RESPONSE                     | no investigation                      | no inv.    | no investigation |
 *
 * Applied on top of the table (see decide.ts): informational evidence has no action (NO_ACTION,
 * except NO_INVESTIGATION under NO_AUTOMATED_RESPONSE); a location rule whose path cannot be
 * understood takes the safe side (approval).
 */
export type DecisionCell =
  | 'automatic'
  | 'approval'
  | 'no action'
  | 'no investigation'
  | { readonly approvalIf: LocationClass }
  | { readonly automaticIf: LocationClass };

export const DECISION_TABLE: Readonly<
  Record<AutomationLevel, Readonly<Record<Verdict, DecisionCell>>>
> = {
  FULL: {
    MALICIOUS: 'automatic',
    SUSPICIOUS: 'approval',
    NO_THREATS_FOUND: 'no action',
  },
  SEMI_REQUIRE_APPROVAL_ANY: {
    MALICIOUS: 'approval',
    SUSPICIOUS: 'approval',
    NO_THREATS_FOUND: 'no action',
  },
  SEMI_REQUIRE_APPROVAL_CORE_FOLDERS: {
    MALICIOUS: { approvalIf: 'OS_DIRECTORY' },
    SUSPICIOUS: 'approval',
    NO_THREATS_FOUND: 'no action',
  },
  SEMI_REQUIRE_APPROVAL_NON_TEMP_FOLDERS: {
    MALICIOUS: { automaticIf: 'TEMP_FOLDER' },
    SUSPICIOUS: 'approval',
    NO_THREATS_FOUND: 'no action',
  },
  NO_AUTOMATED_RESPONSE: {
    MALICIOUS: 'no investigation',
    SUSPICIOUS: 'no investigation',
    NO_THREATS_FOUND: 'no investigation',
  },
};

/**
 * Each level's rule in words, for explanations: what the group does with the verdict
 * (`always`), or, for a location rule, when the location fact holds (`ifHolds`) and when it
 * does not (`ifNot`).
 */
export interface LevelRuleText {
  readonly always: Readonly<Record<Verdict, string>>;
  readonly ifHolds?: string;
  readonly ifNot?: string;
}

export const LEVEL_RULE_TEXT: Readonly<Record<AutomationLevel, LevelRuleText>> = {
  FULL: {
    always: {
      MALICIOUS: 'the group (FULL) remediates malicious threats automatically, wherever they are',
      SUSPICIOUS: 'the group (FULL) requires approval for suspicious verdicts',
      NO_THREATS_FOUND: "nothing needs remediating under the group's level (FULL)",
    },
  },
  SEMI_REQUIRE_APPROVAL_ANY: {
    always: {
      MALICIOUS: 'the group (SEMI_REQUIRE_APPROVAL_ANY) requires approval for any remediation',
      SUSPICIOUS: 'the group (SEMI_REQUIRE_APPROVAL_ANY) requires approval for any remediation',
      NO_THREATS_FOUND:
        "nothing needs remediating under the group's level (SEMI_REQUIRE_APPROVAL_ANY)",
    },
  },
  SEMI_REQUIRE_APPROVAL_CORE_FOLDERS: {
    always: {
      MALICIOUS:
        'the group (SEMI_REQUIRE_APPROVAL_CORE_FOLDERS) requires approval for core folders',
      SUSPICIOUS:
        'the group (SEMI_REQUIRE_APPROVAL_CORE_FOLDERS) requires approval for suspicious verdicts',
      NO_THREATS_FOUND:
        "nothing needs remediating under the group's level (SEMI_REQUIRE_APPROVAL_CORE_FOLDERS)",
    },
    ifHolds: 'the group (SEMI_REQUIRE_APPROVAL_CORE_FOLDERS) requires approval for core folders',
    ifNot: 'the group (SEMI_REQUIRE_APPROVAL_CORE_FOLDERS) requires approval only for core folders',
  },
  SEMI_REQUIRE_APPROVAL_NON_TEMP_FOLDERS: {
    always: {
      MALICIOUS:
        'the group (SEMI_REQUIRE_APPROVAL_NON_TEMP_FOLDERS) remediates automatically only in temporary folders',
      SUSPICIOUS:
        'the group (SEMI_REQUIRE_APPROVAL_NON_TEMP_FOLDERS) requires approval for suspicious verdicts',
      NO_THREATS_FOUND:
        "nothing needs remediating under the group's level (SEMI_REQUIRE_APPROVAL_NON_TEMP_FOLDERS)",
    },
    ifHolds:
      'the group (SEMI_REQUIRE_APPROVAL_NON_TEMP_FOLDERS) remediates automatically in temporary folders',
    ifNot:
      'the group (SEMI_REQUIRE_APPROVAL_NON_TEMP_FOLDERS) requires approval outside temporary folders',
  },
  NO_AUTOMATED_RESPONSE: {
    always: {
      MALICIOUS: 'the group (NO_AUTOMATED_RESPONSE) runs no automated investigation',
      SUSPICIOUS: 'the group (NO_AUTOMATED_RESPONSE) runs no automated investigation',
      NO_THREATS_FOUND: 'the group (NO_AUTOMATED_RESPONSE) runs no automated investigation',
    },
  },
};
