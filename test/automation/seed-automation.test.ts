import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  KNOWN_BAD_RULE_NAME,
  KNOWN_BAD_SHA256,
  seedAutomationExamples,
} from '../../scripts/seed-automation.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { waitFor } from '../support/subscriptions.js';
import { sha, tenantOf } from '../support/workflow.js';

// The seed's automation example over a real server: its rule approves pending quarantines of the
// known-bad list, and only those.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ ruleWorker: { intervalMs: 50 } });
});
afterAll(() => server?.close());

const PENDING_QUARANTINE = `query { remediationActions(first: 10, filter: { types: [QUARANTINE_FILE] }) {
  edges { node { id status decidedBy evidence { sha256 } } } } }`;

describe('the seed’s automation example', () => {
  it('approves the quarantine of a listed file as soon as it is pending, and leaves others pending', async () => {
    const t = tenantOf(server);
    const ruleId = await seedAutomationExamples(server.services, { tenant: t.tid });
    expect(await seedAutomationExamples(server.services, { tenant: t.tid })).toBe(ruleId);
    const group = await t.group('Approval first', 'SEMI_REQUIRE_APPROVAL_ANY');
    const device = await t.device('ws-1', group.id);
    const unlisted = sha();
    const listed = KNOWN_BAD_SHA256[1]!;
    // The unlisted one first: once the listed one is decided, the worker has read past it.
    for (const sha256 of [unlisted, listed]) {
      await t.reportAlert(device.id, [
        { kind: 'FILE', path: `C:\\data\\${sha256.slice(0, 8)}.exe`, sha256, verdict: 'MALICIOUS' },
      ]);
    }
    const viewer = await t.tokens.admin();
    const bySha = async () => {
      const data = await server.gqlData(PENDING_QUARANTINE, {}, viewer);
      return new Map<string, any>(
        data.remediationActions.edges.map((e: any) => [e.node.evidence.sha256, e.node]),
      );
    };
    await waitFor(
      async () => (await bySha()).get(listed)?.status === 'COMPLETED',
      'the rule to approve the listed quarantine',
      20_000,
    );
    const actions = await bySha();
    expect(actions.get(listed)).toMatchObject({ decidedBy: `rule:${KNOWN_BAD_RULE_NAME}` });
    expect(actions.get(unlisted)).toMatchObject({ status: 'PENDING_APPROVAL', decidedBy: null });
  });
});
