import { createHash } from 'node:crypto';
import type { Bytes, CollectionContentStore } from '../db/store/index.js';
import { agentDevice } from './agent-work.js';
import type { Actor } from './kernel/actor.js';
import { badInput, DomainError } from './kernel/errors.js';
import { runMutation } from './kernel/run-mutation.js';
import { missing } from './kernel/validation.js';
import type { ServiceDeps, Work } from './kernel/work.js';
import { lockActions } from './remediation/action-transitions.js';
import { settleActions } from './remediation/execution.js';

export interface CollectionUpload {
  collectionId: string;
  /** What the uploader says the content's sha256 is (64 hex characters); checked here. */
  sha256: string;
  bytes: Bytes;
}

export interface UploadedCollection {
  collectionId: string;
  sha256: string;
  sizeBytes: number;
  /** True when this exact content had been uploaded already (a retry): nothing changed. */
  alreadyUploaded: boolean;
}

export interface CollectionStorage {
  store: CollectionContentStore;
  /** The most bytes one upload may hold (QUELL_COLLECTION_MAX_BYTES). */
  maxBytes: number;
}

const SHA256 = /^[0-9a-fA-F]{64}$/;

/** The content's checks, before any transaction: size, declared sha256, actual sha256. */
export function checkUploadContent(upload: CollectionUpload, maxBytes: number): string {
  if (!SHA256.test(upload.sha256))
    throw badInput('sha256', 'sha256: must be 64 hexadecimal characters.');
  if (upload.bytes.length > maxBytes) throw tooLarge(maxBytes);
  const declared = upload.sha256.toLowerCase();
  const actual = createHash('sha256').update(upload.bytes).digest('hex');
  if (actual !== declared)
    throw new DomainError(
      'CHECKSUM_MISMATCH',
      `sha256: the content's sha256 is ${actual}, not the ${declared} that was sent; nothing was stored.`,
      'sha256',
    );
  return declared;
}

export const tooLarge = (maxBytes: number) =>
  new DomainError(
    'PAYLOAD_TOO_LARGE',
    `content: an upload may hold at most ${maxBytes} bytes; nothing was stored.`,
    'content',
    { maxBytes },
  );

/**
 * The agent of a device uploads the content of one of its device's collections (SPEC §7.4): the
 * content is stored, the collection records its sha256 and size, and the action completes
 * through the same transition as any executor's report. Another device's collection is
 * NOT_FOUND, like one that does not exist. Uploading the same content again is a harmless retry;
 * other content after an upload, or an upload once the action ended, changes nothing (CONFLICT).
 */
export async function uploadCollection(
  deps: ServiceDeps,
  storage: CollectionStorage,
  actor: Actor,
  upload: CollectionUpload,
): Promise<UploadedCollection> {
  const deviceId = agentDevice(actor);
  const sha256 = checkUploadContent(upload, storage.maxBytes);
  const { collectionId } = upload;
  return runMutation(
    deps,
    actor,
    { operation: 'uploadCollection', input: { collectionId, sha256 } },
    (work) =>
      storeUpload(work, storage.store, { deviceId, collectionId, sha256, bytes: upload.bytes }),
  );
}

async function storeUpload(
  work: Work,
  store: CollectionContentStore,
  upload: { deviceId: string; collectionId: string; sha256: string; bytes: Bytes },
): Promise<UploadedCollection> {
  const where = {
    id: upload.collectionId,
    tenantId: work.actor.tenantId,
    deviceId: upload.deviceId,
  };
  const found = await work.tx.collection.findFirst({
    where,
    select: { remediationActionId: true },
  });
  if (!found) throw missing('Collection', 'collectionId');
  // The action's lock orders concurrent uploads (and a cancel) of one collection.
  const [action] = await lockActions(work, [found.remediationActionId]);
  const collection = await work.tx.collection.findFirstOrThrow({ where });
  const result = {
    collectionId: collection.id,
    sha256: upload.sha256,
    sizeBytes: upload.bytes.length,
  };
  if (collection.uploadedAt) {
    if (collection.sha256 === upload.sha256) return { ...result, alreadyUploaded: true };
    throw new DomainError('CONFLICT', 'This collection was uploaded already, with other content.');
  }
  if (action?.status !== 'IN_PROGRESS')
    throw new DomainError(
      'CONFLICT',
      `This collection is no longer requested (its action is ${action?.status ?? 'gone'}); nothing was stored.`,
    );
  await store.save(work.tx, {
    tenantId: work.actor.tenantId,
    collectionId: collection.id,
    bytes: upload.bytes,
  });
  await work.tx.collection.update({
    where: { id: collection.id },
    data: { sha256: upload.sha256, sizeBytes: upload.bytes.length, uploadedAt: work.now },
  });
  await settleActions(work, [action], 'COMPLETED');
  return { ...result, alreadyUploaded: false };
}
