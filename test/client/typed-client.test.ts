// The typed client scripts and the dashboard use (codegen.ts → client/generated): it must be
// current with schema/operations and the printed schema, and its documents must work as typed.
import { readdirSync, readFileSync } from 'node:fs';
import { generate } from '@graphql-codegen/cli';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { type DocumentNode, parse, print, validate } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApproveRemediationActionsDocument,
  EvaluatePolicyDocument,
  ReportAlertDocument,
  SubmitInvestigationFindingsDocument,
} from '../../client/generated/graphql.js';
import { schema } from '../../src/graphql/schema.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { tenantOf } from '../support/workflow.js';

const root = new URL('../../', import.meta.url);

describe('the generated client', () => {
  it('is what codegen makes of schema/operations today (run `npx graphql-codegen` after changing them)', async () => {
    const config = (await import('../../codegen.js')).default;
    // The same configuration, anchored at the project root instead of the working directory.
    const at = (path: string) => new URL(path, root).pathname;
    const outputs = await generate(
      {
        ...config,
        schema: at(config.schema as string),
        documents: (config.documents as string[]).map(at),
        generates: Object.fromEntries(
          Object.entries(config.generates).map(([path, output]) => [at(path), output]),
        ),
        silent: true,
      },
      false,
    );
    expect(outputs.length).toBeGreaterThan(0);
    for (const output of outputs) {
      expect(readFileSync(output.filename, 'utf8'), output.filename).toBe(output.content);
    }
  }, 60_000);

  it('holds only operations the served schema accepts', () => {
    const files = readdirSync(new URL('schema/operations/', root)).filter((file) =>
      file.endsWith('.graphql'),
    );
    expect(files.length).toBeGreaterThan(1);
    for (const file of files) {
      const document = parse(readFileSync(new URL(`schema/operations/${file}`, root), 'utf8'));
      expect(
        validate(schema, document).map((error) => error.message),
        file,
      ).toEqual([]);
    }
  });
});

describe('a script on the typed client', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  /** What a script writes: a typed document, typed variables, a typed result. */
  async function run<Result, Variables>(
    document: TypedDocumentNode<Result, Variables>,
    variables: Variables,
    bearer: string,
  ): Promise<Result> {
    const result = await server.gqlData(
      print(document as DocumentNode),
      variables as Record<string, unknown>,
      bearer,
    );
    return result as Result;
  }

  it('reports, investigates and approves with the generated documents', async () => {
    const t = tenantOf(server);
    const group = await t.group('Scripted', 'SEMI_REQUIRE_APPROVAL_ANY');
    const device = await t.device('scripted-01', group.id);
    const ingest = await t.tokens.ingest();
    const reported = await run(
      ReportAlertDocument,
      { input: { deviceId: device.id, title: 'From a script', severity: 'HIGH', evidence: [] } },
      ingest,
    );
    const submitted = await run(
      SubmitInvestigationFindingsDocument,
      {
        input: {
          investigationId: reported.reportAlert.investigation!.id,
          findings: [
            {
              deviceId: device.id,
              verdict: 'MALICIOUS',
              evidence: { kind: 'FILE', path: 'C:\\Users\\a\\Downloads\\x.exe' },
            },
          ],
          complete: true,
        },
      },
      ingest,
    );
    const [pending] = submitted.submitInvestigationFindings.remediationActions;
    expect(pending).toMatchObject({
      type: 'QUARANTINE_FILE',
      status: 'PENDING_APPROVAL',
      decision: 'REQUIRE_APPROVAL',
    });

    const approved = await run(
      ApproveRemediationActionsDocument,
      { input: { ids: [pending!.id], idempotencyKey: 'script-1' } },
      await t.tokens.responder(),
    );
    expect(approved.approveRemediationActions.outcomes).toEqual([
      expect.objectContaining({
        id: pending!.id,
        error: null,
        action: expect.objectContaining({ status: 'COMPLETED', decidedBy: 'responder' }),
      }),
    ]);

    const evaluation = await run(
      EvaluatePolicyDocument,
      {
        automationLevel: 'FULL',
        verdict: 'MALICIOUS',
        evidence: { kind: 'REGISTRY_KEY', registryKey: 'HKLM\\Run\\x' },
        osPlatform: 'WINDOWS',
      },
      await t.tokens.viewer(),
    );
    expect(evaluation.evaluatePolicy).toMatchObject({
      decision: 'TAKE_AUTOMATICALLY',
      actionType: 'REMOVE_REGISTRY_KEY',
    });
  });
});
