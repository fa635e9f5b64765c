import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CriticalityLevel, diff } from '@graphql-inspector/core';
import { buildSchema } from 'graphql';
import { describe, expect, it } from 'vitest';

const read = (relative: string) =>
  readFileSync(fileURLToPath(new URL(relative, import.meta.url)), 'utf8');

/** The second block of contract-additions.graphql (issue 15), on top of the first contract. */
function automationContract() {
  const additions = read('../../../shared/contract-additions.graphql');
  const start = additions.indexOf('enum AutomationTrigger');
  return buildSchema(`${read('../../../shared/contract.graphql')}\n${additions.slice(start)}`);
}

/**
 * Parts of the automation block not served yet: each entry goes when its part lands; the last
 * test fails while an entry names something the schema already serves.
 */
const NOT_YET_SERVED: readonly string[] = [];

async function missingPaths() {
  const served = buildSchema(read('../../schema/schema.graphql'));
  return (await diff(automationContract(), served))
    .filter((change) => change.criticality.level === CriticalityLevel.Breaking)
    .map((change) => change.path ?? 'schema');
}

describe('the served schema against the automation block of contract-additions.graphql', () => {
  it('serves every part not listed as not yet served, unchanged', async () => {
    const missing = (await missingPaths()).filter(
      (path) => !NOT_YET_SERVED.some((pending) => path.startsWith(pending)),
    );
    expect(missing).toEqual([]);
  });

  it('lists as not yet served only what is really missing', async () => {
    const missing = await missingPaths();
    expect(
      NOT_YET_SERVED.filter((pending) => !missing.some((path) => path.startsWith(pending))),
    ).toEqual([]);
  });
});
