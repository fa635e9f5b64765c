import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { Bytes } from '../db/store/index.js';
import { scopedClient, tenantScope } from '../db/tenant-scope.js';
import { type CollectionStorage, uploadCollection } from './collection-upload.js';
import { systemActor } from './kernel/actor.js';
import type { Executor, ServiceDeps } from './kernel/work.js';

interface RequestedCollection {
  id: string;
  kind: string;
  path: string | null;
  createdAt: Date;
  device: { id: string; hostname: string; osPlatform: string };
}

/**
 * The small archive the simulated executor "collects": a gzip'd JSON manifest naming what a real
 * agent would have gathered, so the download path carries real, checkable bytes.
 */
export function simulatedCollectionContent(collection: RequestedCollection): Bytes {
  const manifest = {
    generatedBy: 'quell simulated executor',
    collectionId: collection.id,
    kind: collection.kind,
    device: { hostname: collection.device.hostname, osPlatform: collection.device.osPlatform },
    requestedAt: collection.createdAt.toISOString(),
    contents:
      collection.kind === 'FILE'
        ? [{ path: collection.path, note: 'simulated file content' }]
        : ['processes.csv', 'network-connections.csv', 'autoruns.csv', 'event-logs/'].map(
            (name) => ({ path: name, note: 'simulated' }),
          ),
  };
  return new Uint8Array(gzipSync(new TextEncoder().encode(JSON.stringify(manifest, null, 2))));
}

/**
 * The simulated executor with collection: before completing dispatched actions, it uploads a
 * generated archive for each collection among them through the agents' own upload (as the
 * device's agent would), so the collect action completes by its upload, not without one.
 */
export function withSimulatedUploads(
  executor: Executor,
  deps: () => ServiceDeps,
  storage: CollectionStorage,
): Executor {
  return {
    mode: executor.mode,
    async dispatched(tenantId, actions, requestId) {
      try {
        const ids = actions.map((action) => action.id);
        await uploadRequested(deps(), storage, tenantId, ids, requestId);
      } catch (error) {
        deps().onError(error, 'simulated collection upload');
      }
      await executor.dispatched(tenantId, actions, requestId);
    },
  };
}

async function uploadRequested(
  deps: ServiceDeps,
  storage: CollectionStorage,
  tenantId: string,
  actionIds: readonly string[],
  requestId: string | null,
): Promise<void> {
  const requested = await scopedClient(deps.prisma, tenantScope(tenantId)).collection.findMany({
    where: { tenantId, remediationActionId: { in: [...actionIds] }, uploadedAt: null },
    select: {
      id: true,
      kind: true,
      path: true,
      createdAt: true,
      device: { select: { id: true, hostname: true, osPlatform: true } },
    },
  });
  for (const collection of requested) {
    const bytes = simulatedCollectionContent(collection);
    const agent = {
      ...systemActor(tenantId, 'executor:simulated', requestId),
      roles: new Set(['agent'] as const),
      deviceId: collection.device.id,
    };
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    await uploadCollection(deps, storage, agent, { collectionId: collection.id, sha256, bytes });
  }
}
