import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { TokenSettings } from '../auth/tokens.js';
import type { PrismaClient } from '../db/client.js';
import type { Services } from '../services/index.js';
import { createCollectionContent } from './collection-content.js';
import { createCsvExport } from './export-csv.js';
import type { Logger } from './logger.js';
import { type createMetrics, serveMetrics } from './metrics.js';
import { serveReady } from './readiness.js';
import { beginRequest } from './request-log.js';
import { createWebPage } from './web-page.js';

type Route = (request: IncomingMessage, response: ServerResponse) => unknown;

export interface HttpRouteOptions {
  prisma: PrismaClient;
  services: Services;
  tokens: TokenSettings;
  production: boolean;
  logger: Logger;
  metrics: ReturnType<typeof createMetrics>;
  metricsToken: string | null;
  /** Serves /graphql, /health and everything no other route claims. */
  yoga: Route;
}

/**
 * The HTTP server and its route table: the page, the CSV export and collection content, exact
 * paths, then yoga.
 */
export function createHttpServer(options: HttpRouteOptions): Server {
  const { prisma, services, tokens, production, logger, metrics, metricsToken, yoga } = options;
  const routes: Record<string, Route> = {
    '/ready': (_request, response) => serveReady(prisma, response),
    '/metrics': (request, response) =>
      serveMetrics(metrics.registry, metricsToken, request, response),
  };
  const webPage = createWebPage({ production, tokens });
  const handlers = [
    createCsvExport({ prisma, tokens }),
    createCollectionContent({ services, tokens }),
  ];
  return createServer((request, response) => {
    beginRequest(logger, request, response);
    if (webPage(request, response)) return;
    const handler = handlers.find((candidate) => candidate.handles(request));
    if (handler) return handler.handle(request, response);
    const route = routes[request.url?.split('?')[0] ?? ''] ?? yoga;
    return route(request, response);
  });
}
