import type { Identity } from '../auth/identity.js';
import type { PrismaClient } from '../db/client.js';
import type { StreamHub } from '../events/hub.js';
import type { Services } from '../services/index.js';

/** Everything a resolver may use. Resolvers stay thin: they read through Prisma with the
 * scope filters of src/auth/scope.ts and hand every change to a service. */
export interface QuellContext {
  requestId: string;
  identity: Identity;
  prisma: PrismaClient;
  services: Services;
  /** The action streams of this server process (subscriptions read through it). */
  streams: StreamHub;
  /** Hot list reads through the SQL read path (src/db/store/reads) where it applies; else Prisma. */
  sqlReadPath: boolean;
}
