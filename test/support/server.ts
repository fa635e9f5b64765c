import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { signToken, type TokenClaims, tokenSettingsFromEnv } from '../../src/auth/tokens.js';
import { createPrismaClient } from '../../src/db/client.js';
import { OWNER_ROLE, urlForRole } from '../../src/db/roles.js';
import { type StartOptions, startQuell } from '../../src/server/start.js';
import { adminUrlOf, createTestDatabase } from './database.js';

export interface GraphQLResponse<T = Record<string, unknown>> {
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

/** A real Quell server on a fresh database, on a free port, with a real HTTP client. */
export async function startTestServer(
  options: Partial<StartOptions> & { databaseUrl?: string } = {},
) {
  const database = options.databaseUrl ? null : await createTestDatabase();
  const databaseUrl = options.databaseUrl ?? database!.url;
  // The server serves as the app role and migrates as the owner; the tests' own client (fixtures,
  // checks across tenants) is the superuser, which row-level security does not filter.
  const ownerUrl = urlForRole(databaseUrl, OWNER_ROLE);
  const server = await startQuell({
    ...options,
    databaseUrl,
    migrationDatabaseUrl: ownerUrl,
    port: 0,
  });
  const prisma = createPrismaClient(adminUrlOf(databaseUrl));
  const secret = tokenSettingsFromEnv().secret!;

  const token = (claims: Partial<TokenClaims> & { tid?: string } = {}) =>
    signToken(
      { sub: 'tester', tid: 'tenant-a', roles: ['admin', 'ingest'], groups: '*', ...claims },
      secret,
    );

  async function gql<T = Record<string, any>>(
    query: string,
    variables: Record<string, unknown> = {},
    bearer?: string | null,
  ): Promise<GraphQLResponse<T>> {
    const authorization = bearer === null ? undefined : `Bearer ${bearer ?? (await token())}`;
    const response = await fetch(server.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GraphQLResponse<T>;
  }

  /** Like gql, but fails the test on any error and returns the data. */
  async function gqlData<T = Record<string, any>>(
    query: string,
    variables: Record<string, unknown> = {},
    bearer?: string,
  ) {
    const result = await gql<T>(query, variables, bearer);
    if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
    return result.data as T;
  }

  const wsClients: Client[] = [];
  function wsClient(
    connectionParams: Record<string, unknown> | (() => Promise<Record<string, unknown>>),
    extra: Partial<Parameters<typeof createClient>[0]> = {},
  ) {
    const client = createClient({
      url: server.graphqlUrl.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams,
      retryAttempts: 0,
      lazy: true,
      ...extra,
    });
    wsClients.push(client);
    return client;
  }

  return {
    ...server,
    /** The superuser's client: fixtures and checks see every tenant (the server's own is `server.prisma`). */
    prisma,
    servingPrisma: server.prisma,
    databaseUrl,
    token,
    gql,
    gqlData,
    wsClient,
    async close() {
      await Promise.all(wsClients.map((c) => c.dispose()));
      await server.close();
      await prisma.$disconnect();
      await database?.drop();
    },
  };
}

export type TestServer = Awaited<ReturnType<typeof startTestServer>>;
