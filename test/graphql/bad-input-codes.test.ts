import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { globalId } from '../support/global-ids.js';
import { startTestServer, type TestServer } from '../support/server.js';

// Issue 10 item 8: bad input that answered INTERNAL_SERVER_ERROR, or no code, gets a typed code
// naming the field.
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

async function firstError(query: string, variables: Record<string, unknown> = {}) {
  const result = await server.gql(query, variables);
  expect(result.errors, JSON.stringify(result)).toBeDefined();
  return result.errors![0]!;
}

const FIVE_MB = 'A'.repeat(5 * 1024 * 1024);

describe('typed codes for bad input', () => {
  it('a crafted connection cursor is BAD_USER_INPUT naming after / before', async () => {
    for (const cursor of ['R1BDOlM6', 'R1BDOlM6bm90LWEtdXVpZA==', 'not base64 at all']) {
      const after = await firstError('query($c: String) { incidents(after: $c) { totalCount } }', {
        c: cursor,
      });
      expect(after.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
      const before = await firstError(
        'query($c: String) { deviceGroups(last: 2, before: $c) { totalCount } }',
        { c: cursor },
      );
      expect(before.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'before' });
    }
  });

  it('a nested connection cursor too', async () => {
    const error = await firstError(
      '{ deviceGroups { edges { node { devices(after: "R1BDOlM6") { totalCount } } } } }',
    );
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('an audit cursor that is not one is BAD_USER_INPUT naming after', async () => {
    const error = await firstError('{ auditEvents(after: "R1BDOlM6") { totalCount } }');
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('"Invalid global ID" in a filter is BAD_USER_INPUT naming the filter field', async () => {
    const error = await firstError(
      'query($ids: [ID!]) { remediationActions(filter: { deviceIds: $ids }) { totalCount } }',
      { ids: ['not-a-global-id'] },
    );
    expect(error.extensions?.code).toBe('BAD_USER_INPUT');
    expect(String(error.extensions?.field)).toMatch(/^filter\.deviceIds/);
  });

  it('an id of 5 MB is BAD_USER_INPUT naming the field, in node and in a bulk mutation', async () => {
    const node = await firstError('query($id: ID!) { node(id: $id) { id } }', { id: FIVE_MB });
    expect(node.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    const filter = await firstError(
      'query($ids: [ID!]) { remediationActions(filter: { incidentIds: $ids }) { totalCount } }',
      { ids: [FIVE_MB] },
    );
    expect(filter.extensions?.code).toBe('BAD_USER_INPUT');
    const approve = await firstError(
      'mutation($ids: [ID!]!) { approveRemediationActions(input: { ids: $ids }) { outcomes { id } } }',
      { ids: [FIVE_MB] },
    );
    expect(approve.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.ids.0' });
  });

  it('a malformed id in node is BAD_USER_INPUT naming id; a well-formed unknown one is null', async () => {
    const error = await firstError('{ node(id: "###") { id } }');
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    const unknown = await server.gql('query($id: ID!) { node(id: $id) { id } }', {
      id: globalId('Device', '00000000-0000-4000-8000-000000000001'),
    });
    expect(unknown).toMatchObject({ data: { node: null } });
    expect(unknown.errors).toBeUndefined();
  });

  it('NUL in an auditEvents filter string is BAD_USER_INPUT naming it', async () => {
    const error = await firstError(
      'query($s: [String!]) { auditEvents(filter: { subjects: $s }) { totalCount } }',
      { s: ['ok', 'a\u0000b'] },
    );
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.subjects.1' });
  });

  it('a filter list of 100,000 entries is BAD_USER_INPUT naming the list', async () => {
    const many = Array.from({ length: 100_000 }, (_, i) => `op-${i}`);
    const audit = await firstError(
      'query($s: [String!]) { auditEvents(filter: { operations: $s }) { totalCount } }',
      { s: many },
    );
    expect(audit.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.operations' });
    const actions = await firstError(
      'query($ids: [ID!]) { remediationActions(filter: { deviceIds: $ids }) { totalCount } }',
      {
        ids: many.map((_, i) =>
          globalId('Device', `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`),
        ),
      },
    );
    expect(actions.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.deviceIds' });
  });

  it('?variables=notjson on GET is BAD_USER_INPUT naming variables', async () => {
    const url = new URL(server.graphqlUrl);
    url.searchParams.set('query', '{ __typename }');
    url.searchParams.set('variables', 'notjson');
    const response = await fetch(url, {
      headers: { authorization: `Bearer ${await server.token()}`, accept: 'application/json' },
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: { extensions?: Record<string, unknown> }[] };
    expect(body.errors[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'variables',
    });
  });

  it("armor's limits answer LIMIT_EXCEEDED naming the limit", async () => {
    const deep = `{ deviceGroups { edges { node { devices { edges { node { deviceGroup { devices {
      edges { node { deviceGroup { devices { edges { node { hostname } } } } } } } } } } } } } } }`;
    expect((await firstError(deep)).extensions).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      limit: 'depth',
    });
    const aliases = `{ ${Array.from({ length: 40 }, (_, i) => `a${i}: devices { totalCount }`).join(' ')} }`;
    expect((await firstError(aliases)).extensions).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      limit: 'aliases',
    });
    const tokens = `{ ${Array.from({ length: 4100 }, () => '__typename').join(' ')} }`;
    expect((await firstError(tokens)).extensions).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      limit: 'tokens',
    });
    const directives = `{ __typename ${'@include(if: true) '.repeat(25)} }`;
    expect((await firstError(directives)).extensions).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      limit: 'directives',
    });
  });
});
