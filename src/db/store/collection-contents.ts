import type { Transaction } from '../client.js';

/** Content as bytes (what Prisma's Bytes columns take and give). */
export type Bytes = Uint8Array<ArrayBuffer>;

/**
 * Where collected content lives (SPEC §7.4), behind one interface so another medium (a data
 * folder, an object store) can replace it without touching the services. This one keeps the
 * bytes in PostgreSQL (`collection_contents.bytes`, bytea): one backup, one transaction with the
 * collection row, the same row-level scope as every tenant table. bytea suits the default 50 MB
 * limit; far larger limits would want a streaming medium.
 */
export interface CollectionContentStore {
  /** Stores the content of a collection, in the caller's transaction. */
  save(
    tx: Transaction,
    content: { tenantId: string; collectionId: string; bytes: Bytes },
  ): Promise<void>;
  /** The content, or null when there is none (scope is the caller's: it passes only ids it may read). */
  read(tx: Transaction, tenantId: string, collectionId: string): Promise<Bytes | null>;
}

export const postgresContentStore: CollectionContentStore = {
  async save(tx, { tenantId, collectionId, bytes }) {
    await tx.collectionContent.create({ data: { tenantId, collectionId, bytes } });
  },
  async read(tx, tenantId, collectionId) {
    const row = await tx.collectionContent.findFirst({
      where: { collectionId, tenantId },
      select: { bytes: true },
    });
    return row ? new Uint8Array(row.bytes) : null;
  },
};
