import { encodeGlobalID } from '@pothos/plugin-relay';

// Where a collection's content is served (src/server/collection-content.ts): the GraphQL
// `downloadUrl` and the HTTP route agree on it here.

/** `/collections/<global id>/content`; the id is URL-encoded (base64 may hold `/`, `+`, `=`). */
export const COLLECTION_CONTENT_PATH = /^\/collections\/([^/?]+)\/content$/;

/** The relative URL of a collection's content (the `downloadUrl` and the agent's upload target). */
export function collectionContentPath(collectionId: string): string {
  return `/collections/${encodeURIComponent(encodeGlobalID('Collection', collectionId))}/content`;
}
