import type { ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { hasRole } from '../auth/identity.js';
import type { Prisma } from '../db/client.js';
import { responseSql } from '../db/store/reads/response/response-sql.js';
import { queryInScope, tenantScope } from '../db/tenant-scope.js';
import type { QuellContext } from '../graphql/context.js';
import { planOperation } from '../graphql/fast-reads/plan-operation.js';
import { MAX_COST } from '../graphql/limits/index.js';
import type { Logger } from './logger.js';
import { operationCost } from './operation-cost.js';
import { operationKey, Remembered } from './remembered.js';

/**
 * The hot reads answered whole by PostgreSQL (issue 11): when the SQL read path covers every
 * field of a query operation, one statement (its tenant scope in the same round trip) builds the
 * response's `data` as JSON and graphql-js resolves nothing. It runs after validation and the
 * operation limits (last among the plugins); whatever it does not cover — another field, a
 * directive, a caller without the viewer role every covered type requires, an operation over the
 * cost limit, any error — takes the normal path, which answers as before.
 */
export function useFastReads(logger: Logger): Plugin {
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const ctx = args.contextValue as Partial<QuellContext>;
      if (!ctx.sqlReadPath || !ctx.identity || !ctx.prisma || !hasRole(ctx.identity, 'viewer'))
        return;
      const statement = statementFor({
        schema: args.schema,
        document: args.document,
        operationName: args.operationName,
        variables: args.variableValues,
        identity: ctx.identity,
      });
      if (!statement) return;
      const cost = operationCost({ ...args, variables: args.variableValues, context: ctx });
      if (cost === null || cost > MAX_COST) return;
      try {
        const row = await queryInScope<{ result: string }>(
          ctx.prisma,
          tenantScope(ctx.identity.tenantId),
          statement,
        );
        if (typeof row?.result === 'string') setResultAndStopExecution(passedThrough(row.result));
      } catch (err) {
        logger.warn({ err }, 'the SQL read path failed; the normal path answers');
      }
    },
  };
}

type PlanInput = Parameters<typeof planOperation>[0];

/**
 * Statements already built, per caller identity (a remembered token's identity object is the same
 * on every request: src/auth/verified-tokens.ts), parsed document, operation name and variables:
 * the plan is a function of those alone, and planning it and building its SQL was 8 % of the
 * page-10 profile. Keying by the identity object, not by its fields, means a statement can never
 * serve another caller's scope.
 * (One schema per process: the document is parsed and validated against it.)
 */
const statements = new Remembered<Prisma.Sql | null>(64);

function statementFor(input: PlanInput): Prisma.Sql | null {
  const key = operationKey(input.operationName, input.variables);
  return statements.get(input.identity, input.document, key, () => {
    const plan = planOperation(input);
    return plan ? responseSql(plan) : null;
  });
}

/**
 * A result whose HTTP body is PostgreSQL's JSON text as it came: yoga serialises a result with its
 * own `stringify` when it has one, so the response is neither parsed nor stringified again (parse
 * and stringify were 7 % of the page-10 profile). `data` is parsed only if something reads it (a
 * WebSocket operation, a plugin); a plugin that builds another result gets the plain path.
 */
function passedThrough(json: string): ExecutionResult & { stringify(value: unknown): string } {
  let parsed: ExecutionResult['data'];
  const result = {
    get data() {
      parsed ??= JSON.parse(json) as ExecutionResult['data'];
      return parsed;
    },
    stringify: (value: unknown) => (value === result ? `{"data":${json}}` : JSON.stringify(value)),
  };
  return result;
}
