import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';

let development: TestServer;
let production: TestServer;
beforeAll(async () => {
  development = await startTestServer({ graphiqlToken: 'dev-token-for-graphiql' });
  production = await startTestServer({
    databaseUrl: development.databaseUrl,
    production: true,
    graphiqlToken: 'must-not-appear',
  });
});
afterAll(async () => {
  await production?.close();
  await development?.close();
});

const page = (server: TestServer) => fetch(server.graphqlUrl, { headers: { accept: 'text/html' } });

describe('GraphiQL', () => {
  it('is served whole by the server (no CDN), with the development token in its headers', async () => {
    const response = await page(development);
    expect(response.status).toBe(200);
    const html = await response.text();
    const external = [
      ...html.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)=["']?(https?:)?\/\//gi),
    ];
    expect(external).toEqual([]);
    expect(html).not.toMatch(/unpkg\.com|jsdelivr|cdnjs/);
    expect(html).toContain('GraphiQL');
    expect(html).toContain('Bearer dev-token-for-graphiql');
  });

  it('is off in production', async () => {
    const html = await (await page(production)).text();
    expect(html).not.toContain('GraphiQL');
    expect(html).not.toContain('must-not-appear');
  });
});
