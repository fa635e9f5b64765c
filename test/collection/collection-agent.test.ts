import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { globalId, rawId } from '../support/global-ids.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { tenantOf } from '../support/workflow.js';
import {
  COLLECTION,
  collectFor,
  collectionFootprint,
  download,
  randomContent,
  sha256Of,
  upload,
} from './collection-support.js';

// Collection over the real server with endpoint agents (SPEC §7.4): nothing uploads by itself.

const MAX_BYTES = 4096;
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ executor: 'agent', collectionMaxBytes: MAX_BYTES });
});
afterAll(() => server?.close());

const WORK = `{ agentWork { id type operation path collectionId } }`;
const HISTORY = `query($filter: RemediationActionFilter) { remediationActions(filter: $filter, first: 10) {
  edges { node { id type source status requestedBy collection { id kind path status } } } } }`;

async function setup() {
  const t = tenantOf(server);
  const group = await t.group('Servers', 'FULL');
  const device = await t.device('collect-host', group.id);
  const other = await t.device('other-host', group.id);
  return {
    t,
    device,
    other,
    agent: await t.tokens.agent(rawId(device.id)),
    otherAgent: await t.tokens.agent(rawId(other.id)),
  };
}

async function requestFile(s: Awaited<ReturnType<typeof setup>>, path = 'C:\\Users\\a\\evil.dll') {
  const result = await collectFor(server, s.t, { deviceId: s.device.id, kind: 'FILE', path });
  expect(result.errors).toBeUndefined();
  return result.data!.collect.collection as Record<string, any>;
}

describe('collect, with endpoint agents', () => {
  it('creates an action History shows and the agent’s work queue carries, then the upload completes it', async () => {
    const s = await setup();
    const collection = await requestFile(s);
    expect(collection).toMatchObject({
      kind: 'FILE',
      status: 'REQUESTED',
      path: 'C:\\Users\\a\\evil.dll',
      downloadUrl: null,
      requestedBy: 'responder',
      remediationAction: { type: 'COLLECT_FILE', source: 'MANUAL', status: 'IN_PROGRESS' },
    });
    const history = await server.gqlData(
      HISTORY,
      { filter: { types: ['COLLECT_FILE'] } },
      await s.t.tokens.viewer(),
    );
    expect(history.remediationActions.edges.map((e: any) => e.node)).toEqual([
      {
        id: collection.remediationAction.id,
        type: 'COLLECT_FILE',
        source: 'MANUAL',
        status: 'IN_PROGRESS',
        requestedBy: 'responder',
        collection: {
          id: collection.id,
          kind: 'FILE',
          path: 'C:\\Users\\a\\evil.dll',
          status: 'REQUESTED',
        },
      },
    ]);
    const work = await server.gqlData(WORK, {}, s.agent);
    expect(work.agentWork).toEqual([
      {
        id: collection.remediationAction.id,
        type: 'COLLECT_FILE',
        operation: 'EXECUTE',
        path: 'C:\\Users\\a\\evil.dll',
        collectionId: collection.id,
      },
    ]);
    expect((await server.gqlData(WORK, {}, s.otherAgent)).agentWork).toEqual([]);

    const bytes = randomContent(MAX_BYTES);
    const uploaded = await upload(server, collection.uploadUrl, s.agent, bytes);
    expect(uploaded).toEqual({
      status: 200,
      body: {
        collectionId: collection.id,
        sha256: sha256Of(bytes),
        sizeBytes: MAX_BYTES,
        alreadyUploaded: false,
      },
    });
    const after = (
      await server.gqlData(COLLECTION, { id: collection.id }, await s.t.tokens.responder())
    ).node;
    expect(after).toMatchObject({
      status: 'UPLOADED',
      sha256: sha256Of(bytes),
      sizeBytes: MAX_BYTES,
      downloadUrl: collection.uploadUrl,
      remediationAction: { status: 'COMPLETED' },
    });
    expect((await server.gqlData(WORK, {}, s.agent)).agentWork).toEqual([]);

    const got = await download(server, after.downloadUrl, await s.t.tokens.responder());
    expect(got.status).toBe(200);
    expect(got.headers.get('content-disposition')).toBe("attachment; filename*=UTF-8''evil.dll");
    expect(got.headers.get('x-content-sha256')).toBe(sha256Of(bytes));
    expect(got.bytes).toEqual(bytes);

    // The agent's retry of the same upload changes nothing; other content is refused.
    expect((await upload(server, collection.uploadUrl, s.agent, bytes)).body.alreadyUploaded).toBe(
      true,
    );
    const other = await upload(server, collection.uploadUrl, s.agent, randomContent(10));
    expect(other).toMatchObject({ status: 409, body: { error: { code: 'CONFLICT' } } });
    const again = await download(server, after.downloadUrl, await s.t.tokens.admin());
    expect(again.bytes).toEqual(bytes);
  });

  it('refuses an upload larger than the limit, from another device’s agent, or with a wrong sha256, storing nothing', async () => {
    const s = await setup();
    const collection = await requestFile(s);
    const before = await collectionFootprint(server, s.t.tid);

    const tooLarge = await upload(
      server,
      collection.uploadUrl,
      s.agent,
      randomContent(MAX_BYTES + 1),
    );
    expect(tooLarge).toMatchObject({
      status: 413,
      body: { error: { code: 'PAYLOAD_TOO_LARGE', parameter: 'body', maxBytes: MAX_BYTES } },
    });
    const chunked = await uploadChunked(collection.uploadUrl, s.agent, MAX_BYTES + 100);
    expect(chunked).toMatchObject({ status: 413, body: { error: { code: 'PAYLOAD_TOO_LARGE' } } });

    const fromOther = await upload(server, collection.uploadUrl, s.otherAgent, randomContent(100));
    const missing = await upload(
      server,
      `/collections/${encodeURIComponent(globalId('Collection', '00000000-0000-4000-8000-000000000000'))}/content`,
      s.otherAgent,
      randomContent(100),
    );
    expect(fromOther).toEqual({
      status: 404,
      body: expect.objectContaining({ error: expect.objectContaining({ code: 'NOT_FOUND' }) }),
    });
    expect(fromOther.body.error.message).toBe(missing.body.error.message);

    const wrongSha = await upload(
      server,
      collection.uploadUrl,
      s.agent,
      randomContent(100),
      sha256Of(randomContent(1)),
    );
    expect(wrongSha).toMatchObject({
      status: 422,
      body: { error: { code: 'CHECKSUM_MISMATCH', parameter: 'X-Content-SHA256' } },
    });
    const noSha = await upload(server, collection.uploadUrl, s.agent, randomContent(100), null);
    expect(noSha).toMatchObject({
      status: 400,
      body: { error: { code: 'BAD_USER_INPUT', parameter: 'X-Content-SHA256' } },
    });
    const badSha = await upload(server, collection.uploadUrl, s.agent, randomContent(100), 'abc');
    expect(badSha).toMatchObject({
      status: 400,
      body: { error: { code: 'BAD_USER_INPUT', parameter: 'X-Content-SHA256' } },
    });

    const responder = await s.t.tokens.responder();
    const asResponder = await upload(server, collection.uploadUrl, responder, randomContent(100));
    expect(asResponder).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    const anonymous = await upload(server, collection.uploadUrl, null, randomContent(100));
    expect(anonymous).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHENTICATED' } } });

    expect(await collectionFootprint(server, s.t.tid)).toEqual(before);
    // And the right upload still works afterwards.
    expect((await upload(server, collection.uploadUrl, s.agent, randomContent(10))).status).toBe(
      200,
    );
  });

  it('serves a download only within the caller’s scope and role; outside scope is 404 exactly like missing', async () => {
    const s = await setup();
    const collection = await requestFile(s, '/tmp/payload.bin');
    const bytes = randomContent(64);
    expect((await upload(server, collection.uploadUrl, s.agent, bytes)).status).toBe(200);
    const url = collection.uploadUrl as string;
    const missingUrl = `/collections/${encodeURIComponent(globalId('Collection', '00000000-0000-4000-8000-000000000000'))}/content`;

    const otherGroup = await s.t.tokens.responder('bob', ['Some other group']);
    const otherTenant = await tenantOf(server).tokens.responder();
    const missing = await download(server, missingUrl, await s.t.tokens.responder());
    expect(missing.status).toBe(404);
    for (const bearer of [otherGroup, otherTenant]) {
      const outside = await download(server, url, bearer);
      expect({ status: outside.status, body: outside.text() }).toEqual({
        status: 404,
        body: missing.text(),
      });
    }
    const garbled = await download(
      server,
      '/collections/not-an-id/content',
      await s.t.tokens.responder(),
    );
    expect({ status: garbled.status, body: garbled.text() }).toEqual({
      status: 404,
      body: missing.text(),
    });

    // Roles: a viewer and an agent may not download; a responder of the group and an admin may.
    for (const bearer of [await s.t.tokens.viewer(), s.agent]) {
      const refused = await download(server, url, bearer);
      expect(refused.status).toBe(403);
      expect(JSON.parse(refused.text()).error.code).toBe('FORBIDDEN');
    }
    expect((await download(server, url, null)).status).toBe(401);
    for (const bearer of [
      await s.t.tokens.responder('carol', ['Servers']),
      await s.t.tokens.admin(),
    ]) {
      const got = await download(server, url, bearer);
      expect(got.status).toBe(200);
      expect(got.headers.get('content-disposition')).toBe(
        "attachment; filename*=UTF-8''payload.bin",
      );
      expect(got.bytes).toEqual(bytes);
    }
    // The collection itself is out of scope the same way over GraphQL.
    const node = await server.gqlData(COLLECTION, { id: collection.id }, otherGroup);
    expect(node.node).toBeNull();
  });

  it('returns the open collection when asked again, and refuses another path while one is under way', async () => {
    const s = await setup();
    const first = await requestFile(s, '/var/log/auth.log');
    const again = await collectFor(server, s.t, {
      deviceId: s.device.id,
      kind: 'FILE',
      path: '/var/log/auth.log',
    });
    expect(again.data?.collect).toMatchObject({
      alreadyRequested: true,
      collection: { id: first.id },
    });
    const before = await collectionFootprint(server, s.t.tid);
    const otherPath = await collectFor(server, s.t, {
      deviceId: s.device.id,
      kind: 'FILE',
      path: '/etc/shadow',
    });
    expect(otherPath.errors?.[0]?.extensions).toMatchObject({
      code: 'CONFLICT',
      field: 'input.path',
    });
    expect(await collectionFootprint(server, s.t.tid)).toEqual(before);
    // A package is another target: it may be collected meanwhile.
    const pkg = await collectFor(server, s.t, {
      deviceId: s.device.id,
      kind: 'INVESTIGATION_PACKAGE',
    });
    expect(pkg.data?.collect).toMatchObject({
      alreadyRequested: false,
      collection: { status: 'REQUESTED' },
    });
  });

  it('shows FAILED when the agent reports the collection failed, and refuses a later upload', async () => {
    const s = await setup();
    const collection = await requestFile(s);
    await server.gqlData(
      `mutation($input: ReportActionOutcomeInput!) { reportActionOutcome(input: $input) { id status } }`,
      {
        input: {
          actionId: collection.remediationAction.id,
          outcome: 'FAILED',
          failureReason: 'file not found',
        },
      },
      s.agent,
    );
    const after = (
      await server.gqlData(COLLECTION, { id: collection.id }, await s.t.tokens.responder())
    ).node;
    expect(after).toMatchObject({
      status: 'FAILED',
      downloadUrl: null,
      remediationAction: { status: 'FAILED' },
    });
    const before = await collectionFootprint(server, s.t.tid);
    const late = await upload(server, collection.uploadUrl, s.agent, randomContent(10));
    expect(late).toMatchObject({ status: 409, body: { error: { code: 'CONFLICT' } } });
    expect(await collectionFootprint(server, s.t.tid)).toEqual(before);
  });
});

/** An upload without Content-Length (chunked), so the limit is found while reading. */
async function uploadChunked(path: string, bearer: string, size: number) {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let sent = 0; sent < size; sent += 512)
        controller.enqueue(randomContent(Math.min(512, size - sent)));
      controller.close();
    },
  });
  const response = await fetch(`${server.url}${path}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${bearer}`, 'x-content-sha256': '0'.repeat(64) },
    body,
    duplex: 'half',
  } as RequestInit);
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}
