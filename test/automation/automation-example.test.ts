import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAutomationExample } from '../../scripts/automation-example.js';
import { KNOWN_BAD_RULE_NAME, KNOWN_BAD_SHA256 } from '../../scripts/seed-automation.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { tenantOf } from '../support/workflow.js';

// README "Automating Quell": the worked example script, run against a real server.

let server: TestServer;
let folder: string;
beforeAll(async () => {
  server = await startTestServer();
  folder = await mkdtemp(join(tmpdir(), 'quell-example-'));
});
afterAll(async () => {
  await server?.close();
  await rm(folder, { recursive: true, force: true });
});

describe('the automation example script', () => {
  it('creates the rule once and downloads the collected package it checked', async () => {
    const t = tenantOf(server);
    const device = await t.device('example-host', null);
    const token = await t.token({ sub: 'script', roles: ['admin', 'responder'] });
    const api = { url: server.url, token };
    const first = await runAutomationExample(api, { deviceId: device.id, outputDir: folder });
    expect(first.rule).toMatchObject({
      name: KNOWN_BAD_RULE_NAME,
      enabled: true,
      condition: { sha256In: KNOWN_BAD_SHA256 },
    });
    expect(first.file).toBe(join(folder, 'investigation-package-example-host.json.gz'));
    const manifest = JSON.parse(gunzipSync(new Uint8Array(await readFile(first.file))).toString());
    expect(manifest.device.hostname).toBe('example-host');

    const second = await runAutomationExample(api, { deviceId: device.id, outputDir: folder });
    expect(second.rule.id).toBe(first.rule.id);
    expect(second.collection.id).not.toBe(first.collection.id);
    expect(await server.prisma.automationRule.count({ where: { tenantId: t.tid } })).toBe(1);
  });
});
