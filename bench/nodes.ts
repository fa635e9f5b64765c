// nodes(ids:) benchmark (issue 10 item 1):
//   npx tsx bench/nodes.ts [--requests 50]
// One Quell server in its own process on DATABASE_URL or a throwaway embedded PostgreSQL. Each
// request asks for 100 ids, as the attacker did: visible, out-of-scope and other-tenant
// devices, unknown and malformed ids, incidents. Prints the latency of those calls; before the
// batched loader, 100 unknown device ids took 21 s and 500 ran the server out of memory.
import { randomUUID } from 'node:crypto';
import { signToken, tokenSettingsFromEnv } from '../src/auth/tokens.js';
import { createPrismaClient } from '../src/db/client.js';
import { applyMigrations } from '../src/db/migrate.js';
import { fixtures, globalId } from '../test/support/fixtures.js';
import { spawnServer } from '../test/support/spawn-server.js';
import { throwawayDatabase } from './support/database.js';
import { numericOption as option } from './support/options.js';

const requests = option('requests', 50);
const QUERY = `query($ids: [ID!]!) { nodes(ids: $ids) {
  id ... on Device { hostname deviceGroup { name } } ... on Incident { title }
} }`;

/** 100 ids of every kind the issue names, for a token limited to "Workstations". */
async function mixedIds(prisma: ReturnType<typeof createPrismaClient>): Promise<string[]> {
  const a = fixtures(prisma, 'bench-a');
  await a.tenant();
  const workstations = await a.group('Workstations');
  const servers = await a.group('Servers');
  const b = fixtures(prisma, 'bench-b');
  const other = await b.tenant();
  const ids: string[] = [];
  for (let i = 0; i < 20; i++) {
    ids.push(globalId('Device', (await a.device(workstations.id)).id));
    ids.push(globalId('Device', (await a.device(servers.id)).id));
    ids.push(globalId('Device', (await b.device(other.id)).id));
    ids.push(globalId('Device', randomUUID()));
  }
  for (let i = 0; i < 10; i++) {
    const { incident } = await a.incident([await a.device(workstations.id)]);
    ids.push(globalId('Incident', incident.id), `malformed-${i}`);
  }
  return ids;
}

const database = await throwawayDatabase();
// Fixtures as the superuser; the server (another process) serves as the app role.
const prisma = createPrismaClient(database.adminUrl);
let server: Awaited<ReturnType<typeof spawnServer>> | null = null;
try {
  await applyMigrations(database.migrationUrl);
  server = await spawnServer(database.url);
  const ids = await mixedIds(prisma);
  const token = await signToken(
    { sub: 'bench', tid: 'bench-a', roles: ['viewer'], groups: ['Workstations'] },
    tokenSettingsFromEnv().secret!,
  );
  const call = async () => {
    const started = performance.now();
    const response = await fetch(server!.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: QUERY, variables: { ids } }),
    });
    const body = (await response.json()) as { data?: { nodes: unknown[] }; errors?: unknown };
    if (body.errors || body.data?.nodes.length !== ids.length)
      throw new Error(`unexpected answer: ${JSON.stringify(body).slice(0, 300)}`);
    return performance.now() - started;
  };
  await call(); // warm-up: tenant provisioning, connections
  const times: number[] = [];
  for (let i = 0; i < requests; i++) times.push(await call());
  times.sort((x, y) => x - y);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  console.log(
    `nodes(ids:) with ${ids.length} mixed ids, ${requests} sequential calls: ` +
      `p50 ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms, max ${at(1).toFixed(1)} ms`,
  );
} finally {
  await server?.close();
  await prisma.$disconnect();
  await database.stop();
}
