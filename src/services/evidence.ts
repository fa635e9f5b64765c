import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type {
  EvidenceKind,
  LocationClass,
  OsPlatform,
  RemediationActionStatus,
  Verdict,
} from '../generated/prisma/enums.js';
import {
  ARTIFACT_FILE,
  classifyPath,
  EVIDENCE_KINDS,
  evidenceRemediationStatusFor,
  NO_PATH_CLASSIFICATION,
  VERDICTS,
} from '../policy/index.js';
import { utc } from './sql.js';
import type { Work } from './work.js';

const text = (max: number) => z.string().max(max, `must be at most ${max} characters`).nullish();

/**
 * EvidenceInput (SPEC §1): `path` carries the file, image or binary path of any kind, `name` the
 * service, driver or task name, `registryKey` the key, `value` a registry value name or the IP
 * address, URL or user name. Each kind must carry what identifies it.
 */
export const evidenceInputSchema = z
  .object({
    kind: z.enum(EVIDENCE_KINDS),
    path: text(4096),
    sha256: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hexadecimal characters')
      .transform((s) => s.toLowerCase())
      .nullish(),
    processId: z.number().int().min(0, 'must not be negative').nullish(),
    commandLine: text(32_768),
    registryKey: text(4096),
    name: text(1024),
    value: text(4096),
    /** An initial verdict (reportAlert only). */
    verdict: z.enum(VERDICTS).nullish(),
  })
  .superRefine((evidence, ctx) => {
    const need = (field: 'path' | 'registryKey' | 'name' | 'value', message: string) => {
      const value = evidence[field];
      if (value === null || value === undefined || value.trim() === '')
        ctx.addIssue({ code: 'custom', path: [field], message });
    };
    switch (evidence.kind) {
      case 'FILE':
        if (!evidence.path?.trim() && !evidence.sha256)
          ctx.addIssue({
            code: 'custom',
            path: ['path'],
            message: 'a FILE needs a path or a sha256',
          });
        break;
      case 'PROCESS':
        if (!evidence.path?.trim() && evidence.processId == null) {
          ctx.addIssue({
            code: 'custom',
            path: ['path'],
            message: 'a PROCESS needs its image path or its process id',
          });
        }
        break;
      case 'REGISTRY_KEY':
        need('registryKey', 'a REGISTRY_KEY needs its key (hive and key path)');
        break;
      case 'SERVICE':
      case 'DRIVER':
      case 'SCHEDULED_TASK':
        need('name', `a ${evidence.kind} needs its name`);
        break;
      case 'IP_ADDRESS':
      case 'URL':
      case 'USER':
        need('value', `a ${evidence.kind} evidence needs its value`);
        break;
    }
  });

export type EvidenceInput = z.infer<typeof evidenceInputSchema>;

/** Where the artifact's file lies, as the policy engine sees it on the device's platform (SPEC §2.2). */
export function evidenceLocation(
  kind: EvidenceKind,
  path: string | null | undefined,
  platform: OsPlatform,
): { classes: LocationClass[]; understood: boolean } {
  const file = ARTIFACT_FILE[kind];
  if (file === 'none') return { classes: ['NONE'], understood: true };
  const classification = classifyPath(path, platform);
  if (file === 'required' && classification === NO_PATH_CLASSIFICATION)
    return { classes: ['NONE'], understood: false };
  return { classes: [...classification.classes], understood: classification.understood };
}

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
export async function insertEvidence(work: Work, rows: readonly NewEvidence[]): Promise<string[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.id ?? randomUUID());
  const locations = rows.map((r) => evidenceLocation(r.input.kind, r.input.path, r.platform));
  const s = (pick: (r: NewEvidence) => string | null | undefined) =>
    rows.map((r) => pick(r) ?? null);
  await work.tx.$executeRaw`
    INSERT INTO evidence (id, "tenantId", "deviceId", "alertId", "incidentId", "investigationId", kind, path, sha256, "processId",
                          "commandLine", "registryKey", name, value, verdict, "locationClasses", "pathUnderstood", "remediationStatus", "createdAt")
    SELECT v.id, ${work.actor.tenantId}, v.device, v.alert, v.incident, v.investigation, v.kind::"EvidenceKind", v.path, v.sha,
           v.pid, v.cmd, v.reg, v.name, v.value, v.verdict::"Verdict",
           v.classes::"LocationClass"[], v.understood, v.status::"EvidenceRemediationStatus", ${utc(work.now)}::timestamp
    FROM unnest(${ids}::uuid[], ${s((r) => r.deviceId)}::uuid[], ${s((r) => r.alertId)}::uuid[], ${s((r) => r.incidentId)}::uuid[],
                ${s((r) => r.investigationId)}::uuid[], ${s((r) => r.input.kind)}::text[], ${s((r) => r.input.path)}::text[],
                ${s((r) => r.input.sha256)}::text[], ${rows.map((r) => r.input.processId ?? null)}::int[],
                ${s((r) => r.input.commandLine)}::text[], ${s((r) => r.input.registryKey)}::text[], ${s((r) => r.input.name)}::text[],
                ${s((r) => r.input.value)}::text[], ${s((r) => r.verdict)}::text[],
                ${locations.map((l) => `{${l.classes.join(',')}}`)}::text[], ${locations.map((l) => l.understood)}::boolean[],
                ${rows.map((r) => (r.actionStatus ? evidenceRemediationStatusFor(r.actionStatus) : 'NONE'))}::text[])
         WITH ORDINALITY AS v(id, device, alert, incident, investigation, kind, path, sha, pid, cmd, reg, name, value, verdict, classes, understood, status, n)
    ORDER BY v.n`;
  return ids;
}
