import { randomUUID } from 'node:crypto';
import { insertEvidenceRows } from '../../db/store/index.js';
import type { OsPlatform, RemediationActionStatus, Verdict } from '../../generated/prisma/enums.js';
import { evidenceRemediationStatusFor } from '../../policy/index.js';
import type { SqlWork } from '../kernel/work.js';
import { type EvidenceInput, evidenceLocation } from './evidence-input.js';

export interface NewEvidence {
  deviceId: string;
  platform: OsPlatform;
  alertId?: string | null;
  incidentId?: string | null;
  investigationId?: string | null;
  input: EvidenceInput;
  verdict: Verdict | null;
  /** The id to give it (default: a new one). */
  id?: string;
  /** The status of the action about to be taken on it, if any: its remediation status from the start. */
  actionStatus?: RemediationActionStatus | null;
}

/** Inserts evidence set-based (one statement for any number); returns the new ids in input order. */
export async function insertEvidence(
  work: SqlWork,
  rows: readonly NewEvidence[],
): Promise<string[]> {
  const ids = rows.map((row) => row.id ?? randomUUID());
  await insertEvidenceRows(
    work.tx,
    work.actor.tenantId,
    work.now,
    rows.map((row, i) => {
      const location = evidenceLocation(row.input.kind, row.input.path, row.platform);
      return {
        id: ids[i]!,
        deviceId: row.deviceId,
        alertId: row.alertId ?? null,
        incidentId: row.incidentId ?? null,
        investigationId: row.investigationId ?? null,
        kind: row.input.kind,
        path: row.input.path ?? null,
        sha256: row.input.sha256 ?? null,
        processId: row.input.processId ?? null,
        commandLine: row.input.commandLine ?? null,
        registryKey: row.input.registryKey ?? null,
        name: row.input.name ?? null,
        value: row.input.value ?? null,
        verdict: row.verdict,
        locationClasses: location.classes,
        pathUnderstood: location.understood,
        remediationStatus: row.actionStatus
          ? evidenceRemediationStatusFor(row.actionStatus)
          : 'NONE',
      };
    }),
  );
  return ids;
}
