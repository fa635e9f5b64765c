import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { globalId, rawId } from '../support/global-ids.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { tenantOf } from '../support/workflow.js';
import {
  COLLECT,
  collectFor,
  collectionFootprint,
  download,
  sha256Of,
} from './collection-support.js';

// The `collect` mutation with the simulated executor, which uploads a generated archive at once.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

async function setup() {
  const t = tenantOf(server);
  const group = await t.group('Laptops', 'SEMI_REQUIRE_APPROVAL_ANY');
  const device = await t.device('laptop-1', group.id);
  return { t, group, device };
}

describe('collect (simulated executor)', () => {
  it('collects an investigation package: the generated archive is uploaded and downloads as an attachment', async () => {
    const { t, device } = await setup();
    const result = await collectFor(server, t, {
      deviceId: device.id,
      kind: 'INVESTIGATION_PACKAGE',
    });
    expect(result.errors).toBeUndefined();
    const { collection, remediationAction, alreadyRequested } = result.data!.collect;
    expect(alreadyRequested).toBe(false);
    expect(remediationAction).toEqual({
      id: collection.remediationAction.id,
      type: 'COLLECT_INVESTIGATION_PACKAGE',
      status: 'COMPLETED',
    });
    expect(collection).toMatchObject({
      kind: 'INVESTIGATION_PACKAGE',
      status: 'UPLOADED',
      path: null,
      device: { id: device.id, hostname: 'laptop-1' },
      comment: 'for analysis',
    });
    const got = await download(server, collection.downloadUrl, await t.tokens.responder());
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('application/octet-stream');
    expect(got.headers.get('content-disposition')).toBe(
      "attachment; filename*=UTF-8''investigation-package-laptop-1.json.gz",
    );
    expect(got.bytes.length).toBe(collection.sizeBytes);
    expect(sha256Of(got.bytes)).toBe(collection.sha256);
    const manifest = JSON.parse(gunzipSync(got.bytes).toString());
    expect(manifest).toMatchObject({
      collectionId: rawId(collection.id),
      kind: 'INVESTIGATION_PACKAGE',
      device: { hostname: 'laptop-1', osPlatform: 'WINDOWS' },
    });
  });

  it('replays an idempotent retry without a second action, and refuses the key with other input', async () => {
    const { t, device } = await setup();
    const input = { deviceId: device.id, kind: 'FILE', path: 'C:\\a.txt', idempotencyKey: 'k-1' };
    const first = await collectFor(server, t, input);
    const before = await collectionFootprint(server, t.tid);
    const again = await collectFor(server, t, input);
    expect(again.data).toEqual(first.data);
    expect(await collectionFootprint(server, t.tid)).toEqual(before);
    expect(before.collections).toHaveLength(1);
    const reused = await collectFor(server, t, { ...input, path: 'C:\\b.txt' });
    expect(reused.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await collectionFootprint(server, t.tid)).toEqual(before);
  });

  it('refuses bad input with a typed error naming the field, and changes nothing', async () => {
    const { t, device } = await setup();
    const before = await collectionFootprint(server, t.tid);
    const cases: [Record<string, unknown>, string, string][] = [
      [{ deviceId: device.id, kind: 'FILE' }, 'BAD_USER_INPUT', 'input.path'],
      [{ deviceId: device.id, kind: 'FILE', path: '   ' }, 'BAD_USER_INPUT', 'input.path'],
      [
        { deviceId: device.id, kind: 'INVESTIGATION_PACKAGE', path: '/x' },
        'BAD_USER_INPUT',
        'input.path',
      ],
      [
        { deviceId: device.id, kind: 'INVESTIGATION_PACKAGE', comment: ' ' },
        'BAD_USER_INPUT',
        'input.comment',
      ],
      [{ deviceId: 'garbage', kind: 'INVESTIGATION_PACKAGE' }, 'BAD_USER_INPUT', 'input.deviceId'],
      [
        { deviceId: globalId('Incident', rawId(device.id)), kind: 'INVESTIGATION_PACKAGE' },
        'BAD_USER_INPUT',
        'input.deviceId',
      ],
      [
        {
          deviceId: globalId('Device', '00000000-0000-4000-8000-000000000000'),
          kind: 'INVESTIGATION_PACKAGE',
        },
        'NOT_FOUND',
        'input.deviceId',
      ],
    ];
    for (const [input, code, field] of cases) {
      const result = await collectFor(server, t, input);
      expect(result.errors?.[0]?.extensions, JSON.stringify(input)).toMatchObject({ code, field });
    }
    const unknownKind = await server.gql(
      COLLECT,
      { input: { deviceId: device.id, kind: 'MEMORY', comment: 'x' } },
      await t.tokens.responder(),
    );
    expect(unknownKind.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await collectionFootprint(server, t.tid)).toEqual(before);
  });

  it('needs the responder role and the device’s group; another group’s device reads as missing', async () => {
    const { t, device } = await setup();
    const before = await collectionFootprint(server, t.tid);
    for (const bearer of [
      await t.tokens.viewer(),
      await t.tokens.ingest(),
      await t.tokens.agent(rawId(device.id)),
    ]) {
      const refused = await collectFor(
        server,
        t,
        { deviceId: device.id, kind: 'INVESTIGATION_PACKAGE' },
        bearer,
      );
      expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    const otherGroup = await t.tokens.responder('dave', ['Another group']);
    const outside = await collectFor(
      server,
      t,
      { deviceId: device.id, kind: 'INVESTIGATION_PACKAGE' },
      otherGroup,
    );
    const missing = await collectFor(
      server,
      t,
      {
        deviceId: globalId('Device', '00000000-0000-4000-8000-000000000000'),
        kind: 'INVESTIGATION_PACKAGE',
      },
      otherGroup,
    );
    expect(outside.errors).toEqual(missing.errors);
    expect(await collectionFootprint(server, t.tid)).toEqual(before);
    const inGroup = await collectFor(
      server,
      t,
      { deviceId: device.id, kind: 'INVESTIGATION_PACKAGE' },
      await t.tokens.responder('erin', ['Laptops']),
    );
    expect(inGroup.data?.collect.collection.requestedBy).toBe('erin');
  });

  it('honours the plan: PLAN_1 does not include collection (PLAN_LIMIT naming the plans that do)', async () => {
    const { t, device } = await setup();
    await server.prisma.tenant.update({ where: { id: t.tid }, data: { plan: 'PLAN_1' } });
    const refused = await collectFor(server, t, {
      deviceId: device.id,
      kind: 'FILE',
      path: '/etc/passwd',
    });
    expect(refused.errors?.[0]?.extensions).toMatchObject({
      code: 'PLAN_LIMIT',
      field: 'input.kind',
    });
    expect(await server.prisma.collection.count({ where: { tenantId: t.tid } })).toBe(0);
  });
});
