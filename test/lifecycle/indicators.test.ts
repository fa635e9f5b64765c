import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import { sha, tenantOf } from '../support/workflow.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const FIELDS = 'id sha256 action title createdBy createdAt expiresAt';
const CREATE = `mutation($input: CreateIndicatorInput!) { createIndicator(input: $input) { indicator { ${FIELDS} } } }`;
const DELETE = `mutation($input: DeleteIndicatorInput!) { deleteIndicator(input: $input) { deletedId } }`;
const LIST = `query($action: IndicatorAction) { indicators(first: 50, action: $action) { totalCount edges { node { ${FIELDS} } } } }`;
const AUDIT = `query($filter: AuditEventFilter) { auditEvents(first: 50, filter: $filter) {
  edges { node { operation subject targetType outcome before after } } } }`;

describe('indicators', () => {
  it('a responder creates BLOCK and ALLOW indicators, viewers (any group) list them, a responder deletes one; all audited', async () => {
    const t = tenantOf(server);
    const responder = await t.tokens.responder('fay');
    const hash = sha().toUpperCase();
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const block = await server.gqlData(
      CREATE,
      { input: { sha256: hash, action: 'BLOCK', title: ' Ransom ', expiresAt } },
      responder,
    );
    expect(block.createIndicator.indicator).toMatchObject({
      sha256: hash.toLowerCase(),
      action: 'BLOCK',
      title: 'Ransom',
      createdBy: 'fay',
      expiresAt,
    });
    await server.gqlData(CREATE, { input: { sha256: sha(), action: 'ALLOW' } }, responder);
    const scopedViewer = await t.token({ sub: 'v', roles: ['viewer'], groups: ['Nothing'] });
    expect((await server.gqlData(LIST, {}, scopedViewer)).indicators.totalCount).toBe(2);
    const blocks = await server.gqlData(LIST, { action: 'BLOCK' }, scopedViewer);
    expect(blocks.indicators.edges.map((e: any) => e.node.id)).toEqual([
      block.createIndicator.indicator.id,
    ]);
    const deleted = await server.gqlData(
      DELETE,
      { input: { id: block.createIndicator.indicator.id } },
      responder,
    );
    expect(deleted.deleteIndicator.deletedId).toBe(block.createIndicator.indicator.id);
    expect((await server.gqlData(LIST, {}, scopedViewer)).indicators.totalCount).toBe(1);
    const audit = await server.gqlData(
      AUDIT,
      { filter: { operations: ['createIndicator', 'deleteIndicator'] } },
      await t.tokens.admin(),
    );
    expect(
      audit.auditEvents.edges.map((e: any) => `${e.node.operation}:${e.node.outcome}`).sort(),
    ).toEqual(['createIndicator:CREATED', 'createIndicator:CREATED', 'deleteIndicator:DELETED']);
  });

  it('another tenant reads nothing and deleting its indicator is NOT_FOUND; viewers may not write', async () => {
    const t = tenantOf(server);
    const other = tenantOf(server);
    const created = await server.gqlData(
      CREATE,
      { input: { sha256: sha(), action: 'BLOCK' } },
      await t.tokens.responder(),
    );
    const id = created.createIndicator.indicator.id;
    expect(
      (await server.gqlData(LIST, {}, await other.tokens.viewer())).indicators.totalCount,
    ).toBe(0);
    const cross = await server.gql(DELETE, { input: { id } }, await other.tokens.responder());
    expect(cross.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'input.id' });
    const viewer = await server.gql(
      CREATE,
      { input: { sha256: sha(), action: 'ALLOW' } },
      await t.tokens.viewer(),
    );
    expect(viewer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const viewerDelete = await server.gql(DELETE, { input: { id } }, await t.tokens.viewer());
    expect(viewerDelete.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await server.gqlData(LIST, {}, await t.tokens.viewer())).indicators.totalCount).toBe(1);
  });

  it('bad input names the field and writes nothing: sha256, a past expiry, a duplicate sha256, a wrong id', async () => {
    const t = tenantOf(server);
    const responder = await t.tokens.responder();
    const hash = sha();
    await server.gqlData(CREATE, { input: { sha256: hash, action: 'BLOCK' } }, responder);
    const cases: [Record<string, unknown>, string][] = [
      [{ sha256: 'abc', action: 'BLOCK' }, 'input.sha256'],
      [
        { sha256: sha(), action: 'BLOCK', expiresAt: '2020-01-01T00:00:00.000Z' },
        'input.expiresAt',
      ],
      [{ sha256: hash, action: 'ALLOW' }, 'input.sha256'],
      [{ sha256: sha(), action: 'BLOCK', title: 'x'.repeat(201) }, 'input.title'],
    ];
    for (const [input, field] of cases) {
      const bad = await server.gql(CREATE, { input }, responder);
      expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    const wrong = await server.gql(DELETE, { input: { id: t.tid } }, responder);
    expect(wrong.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.id',
    });
    const list = await server.gqlData(LIST, {}, responder);
    expect(list.indicators.edges.map((e: any) => e.node.sha256)).toEqual([hash]);
    const audit = await server.gqlData(
      AUDIT,
      { filter: { operations: ['createIndicator'] } },
      await t.tokens.admin(),
    );
    expect(audit.auditEvents.edges).toHaveLength(1);
  });

  it('replays a retry with the same key and refuses the key with other input', async () => {
    const t = tenantOf(server);
    const responder = await t.tokens.responder();
    const input = { sha256: sha(), action: 'BLOCK', idempotencyKey: 'ind-1' };
    const first = await server.gqlData(CREATE, { input }, responder);
    const replay = await server.gqlData(CREATE, { input }, responder);
    expect(replay.createIndicator.indicator.id).toBe(first.createIndicator.indicator.id);
    const reused = await server.gql(CREATE, { input: { ...input, action: 'ALLOW' } }, responder);
    expect(reused.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const del = { id: first.createIndicator.indicator.id, idempotencyKey: 'del-1' };
    await server.gqlData(DELETE, { input: del }, responder);
    const delReplay = await server.gqlData(DELETE, { input: del }, responder);
    expect(delReplay.deleteIndicator.deletedId).toBe(del.id);
    expect((await server.gqlData(LIST, {}, responder)).indicators.totalCount).toBe(0);
  });
});
