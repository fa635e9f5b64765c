import { z } from 'zod';
import type { EvidenceKind, LocationClass, OsPlatform } from '../../generated/prisma/enums.js';
import {
  ARTIFACT_FILE,
  classifyPath,
  EVIDENCE_KINDS,
  NO_PATH_CLASSIFICATION,
  VERDICTS,
} from '../../policy/index.js';

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
