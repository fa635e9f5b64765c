// The Action Center page in a real Chromium against a real server and PostgreSQL (issue 13).
import { copyFileSync, readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startQuell } from '../../src/server/start.js';
import { buildWebPage } from '../../web/build.js';
import { createTestDatabase } from '../support/database.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { sha, tenantOf } from '../support/workflow.js';
import {
  ARTIFACTS,
  historyTable,
  launchChromium,
  pendingTable,
  rowIds,
  rowWithTarget,
  signIn,
} from './support/browser.js';
import {
  approvalWorld,
  PENDING_IDS,
  pendingIdsFromApi,
  pendingQuarantine,
} from './support/world.js';

const README_SCREENSHOT = new URL('../../web/action-center-pending.png', import.meta.url).pathname;

let server: TestServer;
let browser: Browser;
const pages: Page[] = [];

beforeAll(async () => {
  await buildWebPage();
  [server, browser] = await Promise.all([startTestServer(), launchChromium()]);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});
afterEach(async () => {
  for (const page of pages.splice(0)) await page.context().close();
});

/** gqlData against another server of the same tokens (the restart test's own instances). */
function bound(graphqlUrl: string): TestServer['gqlData'] {
  return async (query, variables = {}, bearer) => {
    const response = await fetch(graphqlUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${bearer ?? (await server.token())}`,
      },
      body: JSON.stringify({ query, variables }),
    });
    const result = (await response.json()) as { data?: any; errors?: unknown[] };
    if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
    return result.data;
  };
}

async function newPage(width = 1280, height = 720): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  pages.push(page);
  return page;
}

// A real browser on a machine shared with other test files: generous bounds, never fixed waits.
describe('the Action Center page', { timeout: 90_000 }, () => {
  it('serves the page with its assets from the server itself, cached, with content types', async () => {
    const index = await fetch(`${server.url}/`);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const html = await index.text();
    const script = /src="(\/assets\/main-[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    expect(html).not.toMatch(/https?:\/\//);
    const asset = await fetch(`${server.url}${script}`);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    const again = await fetch(`${server.url}/`, {
      headers: { 'if-none-match': index.headers.get('etag')! },
    });
    expect(again.status).toBe(304);
    // GraphiQL stays where it was.
    const graphiql = await fetch(`${server.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(await graphiql.text()).toContain('GraphiQL');
  });

  it('signs in; Pending lists exactly what the API returns for the token, a group-scoped token only its groups', async () => {
    const w = await approvalWorld(server);
    await pendingQuarantine(w.t, w.server1.id, 'D:\\drop\\invoice.exe');
    await pendingQuarantine(w.t, w.server1.id, 'D:\\drop\\report.scr');
    await pendingQuarantine(w.t, w.laptop1.id, 'C:\\Users\\anna\\Desktop\\game.exe');

    const everything = await w.t.tokens.responder('alice');
    const page = await newPage();
    await signIn(page, server.url, everything);
    await expect
      .poll(() => rowIds(page, 'Pending actions'))
      .toEqual(await pendingIdsFromApi(server, everything));
    expect(await rowIds(page, 'Pending actions')).toHaveLength(3);
    await page.getByText('alice').first().waitFor();
    expect(await page.getByRole('tab', { name: 'Pending (3)' }).count()).toBe(1);
    await page.screenshot({ path: `${ARTIFACTS}pending.png` });
    if (process.env.QUELL_UPDATE_README_SCREENSHOT)
      copyFileSync(`${ARTIFACTS}pending.png`, README_SCREENSHOT);

    const serversOnly = await w.t.tokens.responder('sam', ['Servers']);
    const scoped = await newPage();
    await signIn(scoped, server.url, serversOnly);
    const expected = await pendingIdsFromApi(server, serversOnly);
    expect(expected).toHaveLength(2);
    await expect.poll(() => rowIds(scoped, 'Pending actions')).toEqual(expected);
    expect(await pendingTable(scoped).getByText('lap-anna').count()).toBe(0);
  });

  it('shows a finding submitted through the API within 2 s, with no reload', async () => {
    const w = await approvalWorld(server);
    const page = await newPage();
    await signIn(page, server.url, await w.t.tokens.responder('alice'));
    await page.getByText('No actions.').waitFor();
    await pendingQuarantine(w.t, w.laptop1.id, 'C:\\Users\\anna\\Downloads\\late.exe');
    await rowWithTarget(pendingTable(page), 'C:\\Users\\anna\\Downloads\\late.exe').waitFor({
      timeout: 2000,
    });
    expect(await page.getByRole('tab', { name: 'Pending (1)' }).count()).toBe(1);
  });

  it('approves one and rejects one with comments; both go to History with the decider; a stale second browser gets "already decided"', async () => {
    const w = await approvalWorld(server);
    await pendingQuarantine(w.t, w.server1.id, 'D:\\a\\approve-me.exe');
    await pendingQuarantine(w.t, w.server1.id, 'D:\\a\\reject-me.exe');
    await pendingQuarantine(w.t, w.laptop1.id, 'D:\\a\\contested.exe');
    const page = await newPage();
    await signIn(page, server.url, await w.t.tokens.responder('alice'));
    // Bob's page gets no live updates (its WebSocket goes nowhere): it still shows what Alice decides.
    const stale = await newPage();
    await stale.routeWebSocket(/\/graphql$/, () => undefined);
    await stale.goto(server.url);
    await stale.getByLabel('Access token').fill(await w.t.tokens.responder('bob'));
    await stale.getByRole('button', { name: 'Sign in' }).click();
    await rowWithTarget(pendingTable(stale), 'D:\\a\\contested.exe').waitFor();

    const decideRow = async (file: string, button: 'Approve' | 'Reject', comment: string) => {
      const row = rowWithTarget(pendingTable(page), `D:\\a\\${file}`);
      await row.getByRole('checkbox').check();
      await page.getByLabel('Comment').fill(comment);
      await page.getByRole('button', { name: button, exact: true }).click();
      await page
        .getByRole('status')
        .getByText(`${button === 'Approve' ? 'Approved' : 'Rejected'} 1 action.`)
        .waitFor();
      await row.waitFor({ state: 'detached' });
    };
    await decideRow('approve-me.exe', 'Approve', 'confirmed bad');
    await decideRow('reject-me.exe', 'Reject', 'false positive');
    await decideRow('contested.exe', 'Approve', 'mine');

    await page.getByRole('tab', { name: 'History' }).click();
    const approved = rowWithTarget(historyTable(page), 'D:\\a\\approve-me.exe');
    const rejected = rowWithTarget(historyTable(page), 'D:\\a\\reject-me.exe');
    await approved.getByText(/^Completed$|^In progress$/).waitFor();
    await rejected.getByText('Rejected', { exact: true }).waitFor();
    expect(await approved.getByText(/^alice/).count()).toBe(1);
    expect(await rejected.getByText(/^alice/).count()).toBe(1);
    await page.screenshot({ path: `${ARTIFACTS}history.png` });

    const contested = rowWithTarget(pendingTable(stale), 'D:\\a\\contested.exe');
    await contested.getByRole('checkbox').check();
    await stale.getByRole('button', { name: 'Approve', exact: true }).click();
    await contested.getByText(/already decided/i).waitFor();
  });

  it('undoes a quarantine on every instance of the file from History, and refuses a mixed selection', async () => {
    const t = tenantOf(server);
    const full = await t.group('Servers', 'FULL');
    const [one, two] = [await t.device('srv-1', full.id), await t.device('srv-2', full.id)];
    const file = sha();
    await t.reportAlert(two.id, [{ kind: 'FILE', path: 'D:\\x\\bad.exe', sha256: file }]);
    await t.reportAlert(one.id, [
      { kind: 'FILE', path: 'D:\\z\\bad.exe', sha256: file, verdict: 'MALICIOUS' },
      { kind: 'PROCESS', path: 'D:\\z\\other.exe', processId: 12, verdict: 'MALICIOUS' },
    ]);
    const page = await newPage();
    await signIn(page, server.url, await t.tokens.responder('alice'));
    await page.getByRole('tab', { name: 'History' }).click();
    const quarantineOnOne = rowWithTarget(historyTable(page), 'D:\\z\\bad.exe');
    const quarantineOnTwo = rowWithTarget(historyTable(page), 'D:\\x\\bad.exe');
    const kill = rowWithTarget(historyTable(page), 'D:\\z\\other.exe (pid 12)');
    await quarantineOnTwo.getByText('Completed', { exact: true }).waitFor();

    await quarantineOnOne.getByRole('checkbox').check();
    await kill.getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Undo 2' }).click();
    await page
      .getByRole('status')
      .getByText(/one type at a time/)
      .waitFor();
    await kill.getByRole('checkbox').uncheck();

    await page.getByLabel('Apply to 1 more instance of this file').check();
    await page.getByRole('button', { name: 'Undo', exact: true }).click();
    await quarantineOnOne.getByText('Undone', { exact: true }).waitFor();
    await quarantineOnTwo.getByText('Undone', { exact: true }).waitFor();
    expect(await quarantineOnTwo.getByText(/^alice/).count()).toBe(1);
    expect(await kill.getByText('Completed', { exact: true }).count()).toBe(1);
  });

  it('opens the incident of a row with its alerts, evidence, verdicts and investigation, and approves there', async () => {
    const w = await approvalWorld(server);
    await pendingQuarantine(w.t, w.server1.id, 'D:\\i\\dropper.exe');
    const page = await newPage();
    await signIn(page, server.url, await w.t.tokens.responder('alice'));
    const row = rowWithTarget(pendingTable(page), 'D:\\i\\dropper.exe');
    await row.getByRole('button', { name: 'Detected' }).click();
    const dialog = page.getByRole('dialog', { name: 'Detected' });
    await dialog
      .getByRole('table', { name: 'Evidence' })
      .getByText('Suspicious', { exact: true })
      .waitFor();
    await dialog.getByText('Pending approval').first().waitFor();
    await page.screenshot({ path: `${ARTIFACTS}incident.png` });
    const inDialog = rowWithTarget(
      dialog.getByRole('table', { name: 'Incident actions' }),
      'D:\\i\\dropper.exe',
    );
    await inDialog.getByRole('checkbox').check();
    await dialog.getByRole('button', { name: 'Approve', exact: true }).click();
    await inDialog.getByText(/^Completed$|^In progress$/).waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await row.waitFor({ state: 'detached' });
  });

  it('gives a viewer token no decision buttons', async () => {
    const w = await approvalWorld(server);
    await pendingQuarantine(w.t, w.server1.id, 'D:\\v\\look-only.exe');
    const page = await newPage();
    await signIn(page, server.url, await w.t.tokens.viewer());
    await rowWithTarget(pendingTable(page), 'D:\\v\\look-only.exe').waitFor();
    await page.getByText(/Read-only/).waitFor();
    expect(await page.getByRole('button', { name: /Approve|Reject/ }).count()).toBe(0);
    expect(await pendingTable(page).getByRole('checkbox').count()).toBe(0);
    await page.getByRole('tab', { name: 'History' }).click();
    await historyTable(page).waitFor();
    expect(await page.getByRole('button', { name: /Undo/ }).count()).toBe(0);
  });

  it('brings the sign-in field back with the reason when the token is refused', async () => {
    const page = await newPage(420, 800);
    const forged = await server.token({ tid: 'someone' });
    await page.goto(server.url);
    await page.getByLabel('Access token').fill(`${forged.slice(0, -4)}AAAA`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // The page tried the token (the tabs showed), the server refused it: back to the field, with why.
    await page.getByRole('alert').filter({ hasText: /token/i }).waitFor();
    await page.getByLabel('Access token').waitFor();
    await page.screenshot({ path: `${ARTIFACTS}sign-in-narrow.png` });
  });

  it('shows the banner when the server goes away, and after reconnection the action created meanwhile (nothing missed)', async () => {
    const database = await createTestDatabase();
    const options = {
      databaseUrl: database.url,
      migrationDatabaseUrl: database.ownerUrl,
      shutdownGraceMs: 500,
    };
    let first = await startQuell({ ...options, port: 0 });
    const port = Number(new URL(first.url).port);
    const t = tenantOf({ ...server, gqlData: bound(first.graphqlUrl) } as TestServer);
    try {
      const approval = await t.group('Servers', 'SEMI_REQUIRE_APPROVAL_ANY');
      const device = await t.device('srv-restart', approval.id);
      await pendingQuarantine(t, device.id, 'D:\\r\\before.exe');
      const page = await newPage();
      await signIn(page, first.url, await t.tokens.responder('alice'));
      await rowWithTarget(pendingTable(page), 'D:\\r\\before.exe').waitFor();

      await first.close();
      await page
        .getByRole('status')
        .getByText(/disconnected/)
        .waitFor();
      // Meanwhile another instance on the same database takes a finding.
      const other = await startQuell({ ...options, port: 0 });
      const meanwhile = tenantOf(
        { ...server, gqlData: bound(other.graphqlUrl) } as TestServer,
        t.tid,
      );
      await pendingQuarantine(meanwhile, device.id, 'D:\\r\\meanwhile.exe');
      await other.close();
      await page.screenshot({ path: `${ARTIFACTS}disconnected.png` });

      first = await startQuell({ ...options, port });
      await rowWithTarget(pendingTable(page), 'D:\\r\\meanwhile.exe').waitFor({ timeout: 15_000 });
      await page
        .getByRole('status')
        .getByText(/disconnected/)
        .waitFor({ state: 'detached' });
      expect(await rowIds(page, 'Pending actions')).toHaveLength(2);
    } finally {
      await first.close();
      await database.drop();
    }
  });

  it('exports the current filters as CSV: the download is what the API lists for them', async () => {
    const w = await approvalWorld(server);
    await pendingQuarantine(w.t, w.server1.id, 'D:\\x\\one.exe');
    await pendingQuarantine(w.t, w.server1.id, 'D:\\x\\two.exe');
    await pendingQuarantine(w.t, w.laptop1.id, 'C:\\x\\three.exe');
    const token = await w.t.tokens.responder('erin');
    const page = await newPage();
    await signIn(page, server.url, token);
    await expect.poll(() => rowIds(page, 'Pending actions')).toHaveLength(3);
    await page.getByLabel('Device group').selectOption({ label: 'Servers' });
    await expect.poll(() => rowIds(page, 'Pending actions')).toHaveLength(2);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('remediation-actions.csv');
    const rows = parse(readFileSync((await download.path())!), { columns: true }) as {
      id: string;
      status: string;
      deviceGroup: string;
    }[];
    const filter = { statuses: ['PENDING_APPROVAL'], deviceGroupIds: [w.servers.id] };
    const listed = await server.gqlData(PENDING_IDS, { filter }, token);
    const expected = (listed.remediationActions.edges as { node: { id: string } }[]).map(
      (edge) => edge.node.id,
    );
    expect(expected).toHaveLength(2);
    expect(rows.map((row) => row.id)).toEqual(expected);
    expect(new Set(rows.map((row) => row.status))).toEqual(new Set(['PENDING_APPROVAL']));
    expect(new Set(rows.map((row) => row.deviceGroup))).toEqual(new Set(['Servers']));
  });
});
