import type { ServerResponse } from 'node:http';
import type { PrismaClient } from '../db/client.js';

/** /ready: this process answers and so does its database (/health, yoga's, is liveness only). */
export function serveReady(prisma: PrismaClient, response: ServerResponse): Promise<void> {
  const json = { 'content-type': 'application/json' };
  return prisma.$queryRaw`SELECT 1`.then(
    () => void response.writeHead(200, json).end('{"status":"ready"}'),
    () => void response.writeHead(503, json).end('{"status":"database unavailable"}'),
  );
}
