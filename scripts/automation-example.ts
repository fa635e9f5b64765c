// The worked example of README "Automating Quell": a script on the typed client
// (client/generated) that sets up a rule and collects a device's investigation package.
//
//   QUELL_URL=http://127.0.0.1:4000 QUELL_TOKEN=<admin+responder token> \
//     npx tsx scripts/automation-example.ts <device id> [output folder]
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import {
  AutomationRulesDocument,
  CollectDocument,
  CollectionByIdDocument,
  CreateAutomationRuleDocument,
} from '../client/generated/graphql.js';
import { KNOWN_BAD_RULE_NAME, KNOWN_BAD_SHA256 } from './seed-automation.js';

interface Connection {
  url: string;
  token: string;
}

/** One typed GraphQL call: the result and variables types come from the schema. */
async function call<Result, Variables>(
  api: Connection,
  document: TypedDocumentNode<Result, Variables>,
  variables: Variables,
): Promise<Result> {
  const response = await fetch(`${api.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${api.token}` },
    body: JSON.stringify({ query: print(document), variables }),
  });
  const body = (await response.json()) as { data?: Result; errors?: { message: string }[] };
  if (body.errors?.length || !body.data) throw new Error(body.errors?.[0]?.message ?? 'no data');
  return body.data;
}

/** Step 1: the rule, once (the idempotency key makes a second run replay, not fail). */
async function ensureKnownBadRule(api: Connection) {
  const { automationRules } = await call(api, AutomationRulesDocument, { first: 100 });
  const existing = automationRules.edges.find((e) => e.node.name === KNOWN_BAD_RULE_NAME);
  if (existing) return existing.node;
  const { createAutomationRule } = await call(api, CreateAutomationRuleDocument, {
    input: {
      name: KNOWN_BAD_RULE_NAME,
      trigger: 'ACTION_PENDING',
      step: 'APPROVE',
      condition: {
        actionTypes: ['QUARANTINE_FILE', 'STOP_AND_QUARANTINE_FILE'],
        sha256In: KNOWN_BAD_SHA256,
      },
      idempotencyKey: 'example:known-bad-rule',
    },
  });
  return createAutomationRule.rule;
}

/** Step 2: collect the package and wait until the agent (or the simulated executor) uploaded it. */
async function collectPackage(api: Connection, deviceId: string, timeoutMs: number) {
  const { collect } = await call(api, CollectDocument, {
    input: { deviceId, kind: 'INVESTIGATION_PACKAGE', comment: 'Automation example' },
  });
  const deadline = Date.now() + timeoutMs;
  let collection = collect.collection;
  while (collection.status === 'REQUESTED') {
    if (Date.now() > deadline) throw new Error(`collection ${collection.id} is still REQUESTED`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const { node } = await call(api, CollectionByIdDocument, { id: collection.id });
    if (node?.__typename !== 'Collection') throw new Error('the collection is gone');
    collection = node;
  }
  if (collection.status !== 'UPLOADED' || !collection.downloadUrl)
    throw new Error(`collection ${collection.id} ${collection.status}`);
  return { ...collection, downloadUrl: collection.downloadUrl };
}

/** Step 3: download it with the same token, check its sha256, write it to `outputDir`. */
async function download(
  api: Connection,
  downloadUrl: string,
  sha256: string | null,
  outputDir: string,
) {
  const response = await fetch(`${api.url}${downloadUrl}`, {
    headers: { authorization: `Bearer ${api.token}` },
  });
  if (!response.ok) throw new Error(`download answered ${response.status}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (createHash('sha256').update(bytes).digest('hex') !== sha256)
    throw new Error('the download does not match its sha256');
  const disposition = response.headers.get('content-disposition') ?? '';
  const fileName = decodeURIComponent(
    /filename\*=UTF-8''(.+)$/.exec(disposition)?.[1] ?? 'package',
  );
  const file = join(outputDir, fileName);
  await writeFile(file, bytes);
  return file;
}

export async function runAutomationExample(
  api: Connection,
  options: { deviceId: string; outputDir: string; timeoutMs?: number },
) {
  const rule = await ensureKnownBadRule(api);
  const collection = await collectPackage(api, options.deviceId, options.timeoutMs ?? 60_000);
  const file = await download(
    api,
    collection.downloadUrl,
    collection.sha256 ?? null,
    options.outputDir,
  );
  return { rule, collection, file };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [deviceId, outputDir = '.'] = process.argv.slice(2);
  const token = process.env.QUELL_TOKEN;
  if (!deviceId || !token) {
    console.error(
      'usage: QUELL_TOKEN=… npx tsx scripts/automation-example.ts <device id> [folder]',
    );
    process.exit(2);
  }
  const url = process.env.QUELL_URL ?? 'http://127.0.0.1:4000';
  const { rule, collection, file } = await runAutomationExample(
    { url, token },
    { deviceId, outputDir },
  );
  console.log(
    `rule "${rule.name}" (${rule.id}) approves quarantines of ${rule.condition.sha256In?.length} files`,
  );
  console.log(
    `collected ${collection.sizeBytes} bytes from ${collection.device.hostname} into ${file}`,
  );
}
