// A real Chromium (from the npm package @sparticuz/chromium, nothing installed by hand) driven by
// playwright-core, and the page's own words for the things the tests look at.
import { mkdirSync } from 'node:fs';
import chromium from '@sparticuz/chromium';
import { type Browser, type Locator, type Page, chromium as playwright } from 'playwright-core';

/** Screenshots of each tab, kept as test artifacts (not committed). */
export const ARTIFACTS = new URL('../../../test-results/web/', import.meta.url).pathname;

export async function launchChromium(): Promise<Browser> {
  const executablePath = await chromium.executablePath();
  mkdirSync(ARTIFACTS, { recursive: true });
  return playwright.launch({
    executablePath,
    // --single-process (meant for serverless) brings the whole browser down when a context closes.
    args: [
      ...chromium.args.filter((arg) => arg !== '--single-process'),
      '--disable-background-networking',
      '--no-proxy-server',
    ],
    headless: true,
  });
}

/** Signs in through the form, as a user pasting a token would, and waits for the Pending tab. */
export async function signIn(page: Page, url: string, token: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Access token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('tab', { name: /Pending/ }).waitFor();
  await page.getByRole('status').filter({ hasText: 'Connecting' }).waitFor({ state: 'detached' });
}

/** A table's row whose target cell reads exactly `target` (a file path, for instance). */
export const rowWithTarget = (table: Locator, target: string) =>
  table.locator('tbody tr', { has: table.page().getByRole('cell', { name: target, exact: true }) });

export const pendingTable = (page: Page) => page.getByRole('table', { name: 'Pending actions' });
export const historyTable = (page: Page) => page.getByRole('table', { name: 'Action history' });

/** The rows of a table (not its header row), by the action id each one shows. */
export const rowOf = (page: Page, tableName: string, actionId: string) =>
  page.getByRole('table', { name: tableName }).locator(`tbody tr[data-action-id="${actionId}"]`);

export async function rowIds(page: Page, tableName: string): Promise<string[]> {
  return page
    .getByRole('table', { name: tableName })
    .locator('tbody tr')
    .evaluateAll((rows) => rows.map((row) => (row as HTMLElement).dataset.actionId ?? ''));
}
