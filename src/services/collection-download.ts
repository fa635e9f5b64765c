import { basename } from 'node:path/win32';
import { visibleDevices } from '../auth/scope.js';
import type { Bytes, CollectionContentStore } from '../db/store/index.js';
import { tenantScope } from '../db/tenant-scope.js';
import type { Actor } from './kernel/actor.js';
import { DomainError } from './kernel/errors.js';
import { requireRole } from './kernel/roles.js';
import { runTransaction } from './kernel/transaction.js';
import type { ServiceDeps } from './kernel/work.js';

export interface CollectionDownload {
  bytes: Bytes;
  sha256: string;
  /** A file name for `Content-Disposition` (the collected file's, or the package's). */
  fileName: string;
}

const notFound = () =>
  new DomainError('NOT_FOUND', 'No collection with this id has content you may read.');

/**
 * The uploaded content of a collection (SPEC §7.4), for a responder whose scope covers the
 * device. A collection out of scope, of another tenant, or without content yet is NOT_FOUND:
 * all three read the same, so the answer tells nothing about what the caller may not see.
 */
export async function downloadCollection(
  deps: ServiceDeps,
  store: CollectionContentStore,
  actor: Actor,
  collectionId: string,
): Promise<CollectionDownload> {
  requireRole(actor, 'responder');
  return runTransaction(deps.prisma, tenantScope(actor.tenantId), async (tx) => {
    const collection = await tx.collection.findFirst({
      where: { id: collectionId, uploadedAt: { not: null }, device: visibleDevices(actor) },
      select: {
        id: true,
        kind: true,
        path: true,
        sha256: true,
        device: { select: { hostname: true } },
      },
    });
    if (!collection?.sha256) throw notFound();
    const bytes = await store.read(tx, actor.tenantId, collection.id);
    if (!bytes) throw notFound();
    return { bytes, sha256: collection.sha256, fileName: fileNameOf(collection) };
  });
}

/** Either separator: the device may be Windows or POSIX (win32's basename splits on both). */
function fileNameOf(collection: {
  kind: string;
  path: string | null;
  device: { hostname: string };
}) {
  if (collection.kind === 'FILE' && collection.path) return basename(collection.path) || 'file';
  return `investigation-package-${collection.device.hostname}.json.gz`;
}
