import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedNotifyRule } from '../../scripts/seed-automation.js';
import { actorFrom } from '../../src/services/index.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { suspiciousFile } from '../support/webhook-api.js';
import { startWebhookReceiver } from '../support/webhook-receiver.js';
import { sha, tenantOf } from '../support/workflow.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/notify-on-pending.mjs', import.meta.url));
const SECRET = 'example-secret-0123456789';

let a: TestServer;
beforeAll(async () => {
  a = await startTestServer({ ruleWorker: { intervalMs: 50 }, webhooks: { intervalMs: 50 } });
});
afterAll(() => a?.close());

/** The example's output so far, and the first stdout line matching a pattern, failing with its
 * stderr if the process ends first (a crash would otherwise show only as a timeout). */
function watch(child: ChildProcess) {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<never>((_, reject) =>
    child.on('exit', (code) => reject(new Error(`example exited (${code}): ${stderr}`))),
  );
  exited.catch(() => {});
  return (pattern: RegExp): Promise<string> =>
    Promise.race([
      exited,
      new Promise<string>((resolve) => {
        const look = () => {
          const line = stdout.split('\n').find((l) => pattern.test(l));
          if (line === undefined) return false;
          resolve(line);
          return true;
        };
        if (!look()) {
          const onData = () => {
            if (look()) child.stdout?.off('data', onData);
          };
          child.stdout?.on('data', onData);
        }
      }),
    ]);
}

describe('README "Automating Quell"', () => {
  it('the worked example receives and verifies a delivery for a pending action of its group', async () => {
    const t = tenantOf(a);
    const servers = await t.group('Servers', 'SEMI_REQUIRE_APPROVAL_ANY');
    const srv = await t.device('srv-1', servers.id);
    const env = {
      ...process.env,
      QUELL_URL: a.graphqlUrl,
      QUELL_TOKEN: await t.tokens.admin(),
      WEBHOOK_SECRET: SECRET,
      PORT: '0',
    };
    const example = spawn(process.execPath, [EXAMPLE, 'Servers'], { env });
    const lineMatching = watch(example);
    try {
      await lineMatching(/^listening on/);
      await t.reportAlert(srv.id, [suspiciousFile(sha())]);
      const line = await lineMatching(/^verified delivery/);
      const [action] = await a.prisma.remediationAction.findMany({ where: { tenantId: t.tid } });
      expect(line).toContain('QUARANTINE_FILE is PENDING_APPROVAL');
      expect(line).toContain(Buffer.from(`RemediationAction:${action!.id}`).toString('base64'));
    } finally {
      example.kill();
    }
  });

  it('the seeded rule notifies its webhook of pending actions in Servers only', async () => {
    const t = tenantOf(a);
    const servers = await t.group('Servers', 'SEMI_REQUIRE_APPROVAL_ANY');
    const laptops = await t.group('Laptops', 'SEMI_REQUIRE_APPROVAL_ANY');
    const srv = await t.device('srv-1', servers.id);
    const lap = await t.device('lap-1', laptops.id);
    const receiver = await startWebhookReceiver(SECRET, () => 200);
    const admin = actorFrom(
      {
        subject: 'seed',
        tenantId: t.tid,
        roles: new Set(['admin']),
        groups: 'all',
        deviceId: null,
      },
      'seed',
    );
    try {
      expect(
        await seedNotifyRule(a.services, admin, { url: receiver.url, secret: SECRET }),
      ).not.toBeNull();
      expect(
        await seedNotifyRule(a.services, admin, { url: receiver.url, secret: SECRET }),
      ).toBeNull();
      await t.reportAlert(lap.id, [suspiciousFile(sha())]);
      await t.reportAlert(srv.id, [suspiciousFile(sha())]);
      // The server event is logged after the laptop one: once it arrived, the laptop one was passed over.
      await receiver.until((all) => all.length > 0);
      expect(
        receiver.received.map((r) => [r.json.event.action.deviceId, r.signatureValid]),
      ).toEqual([[srv.id, true]]);
    } finally {
      await receiver.close();
    }
  });
});
