import {
  ActionSource,
  AutomationLevel,
  EvidenceKind,
  IncidentClassification,
  IncidentRemediationStatus,
  IncidentStatus,
  IndicatorAction,
  InvestigationState,
  LocationClass,
  OsPlatform,
  Plan,
  PolicyDecision,
  RemediationActionStatus,
  RemediationActionType,
  Severity,
  Verdict,
} from '../../generated/prisma/enums.js';
import { builder } from '../builder.js';

// The database enums carry the contract's names, so each GraphQL enum is the Prisma one.
export const AutomationLevelEnum = builder.enumType(AutomationLevel, { name: 'AutomationLevel' });
export const VerdictEnum = builder.enumType(Verdict, { name: 'Verdict' });
export const PolicyDecisionEnum = builder.enumType(PolicyDecision, { name: 'PolicyDecision' });
export const LocationClassEnum = builder.enumType(LocationClass, { name: 'LocationClass' });
export const OsPlatformEnum = builder.enumType(OsPlatform, { name: 'OsPlatform' });
export const SeverityEnum = builder.enumType(Severity, { name: 'Severity' });
export const IncidentStatusEnum = builder.enumType(IncidentStatus, { name: 'IncidentStatus' });
export const IncidentClassificationEnum = builder.enumType(IncidentClassification, {
  name: 'IncidentClassification',
});
export const IndicatorActionEnum = builder.enumType(IndicatorAction, { name: 'IndicatorAction' });
export const PlanEnum = builder.enumType(Plan, { name: 'Plan' });
export const EvidenceKindEnum = builder.enumType(EvidenceKind, { name: 'EvidenceKind' });
export const RemediationActionTypeEnum = builder.enumType(RemediationActionType, {
  name: 'RemediationActionType',
});
export const ActionSourceEnum = builder.enumType(ActionSource, { name: 'ActionSource' });
export const RemediationActionStatusEnum = builder.enumType(RemediationActionStatus, {
  name: 'RemediationActionStatus',
});
export const InvestigationStateEnum = builder.enumType(InvestigationState, {
  name: 'InvestigationState',
});
export const IncidentRemediationStatusEnum = builder.enumType(IncidentRemediationStatus, {
  name: 'IncidentRemediationStatus',
});
export const ActionErrorCodeEnum = builder.enumType('ActionErrorCode', {
  values: [
    'NOT_FOUND',
    'ALREADY_DECIDED',
    'NOT_UNDOABLE',
    'NOT_COMPLETED',
    'ALREADY_UNDONE',
    'INVALID_TRANSITION',
  ] as const,
});
