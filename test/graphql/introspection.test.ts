import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';

// Issue 10 item 4: no introspection in production unless an option says otherwise.
let production: TestServer;
let productionWithIntrospection: TestServer;
let development: TestServer;

beforeAll(async () => {
  [production, productionWithIntrospection, development] = await Promise.all([
    startTestServer({ production: true }),
    startTestServer({ production: true, introspection: true }),
    startTestServer({ production: false }),
  ]);
});
afterAll(() =>
  Promise.all([production?.close(), productionWithIntrospection?.close(), development?.close()]),
);

const SCHEMA = '{ __schema { queryType { name } } }';
const TYPE = '{ __type(name: "Device") { name } }';

describe('introspection', () => {
  it('is refused in production with a typed error naming the field, for __schema and __type', async () => {
    for (const [query, field] of [
      [SCHEMA, '__schema'],
      [TYPE, '__type'],
    ] as const) {
      const result = await production.gql(query);
      expect(result.data ?? null).toBeNull();
      expect(result.errors?.[0]?.extensions).toMatchObject({
        code: 'INTROSPECTION_DISABLED',
        field,
      });
    }
  });

  it('is refused inside a fragment too, while __typename stays allowed', async () => {
    const hidden = await production.gql(
      '{ ...f } fragment f on Query { __schema { types { name } } }',
    );
    expect(hidden.errors?.[0]?.extensions?.code).toBe('INTROSPECTION_DISABLED');
    expect((await production.gql('{ __typename }')).data).toEqual({ __typename: 'Query' });
  });

  it('is served in production when the option turns it on, and in development', async () => {
    for (const server of [productionWithIntrospection, development]) {
      const result = await server.gql(SCHEMA);
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    }
  });
});
