import { complexityFromQuery } from '@pothos/plugin-complexity';
import { type DocumentNode, Kind, type OperationDefinitionNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { costError, MAX_COST } from './cost.js';

/** The operation that runs, alone with the document's fragments (what complexityFromQuery reads). */
export function operationDocument(
  document: DocumentNode,
  operationName?: string | null,
): DocumentNode {
  const operations = document.definitions.filter(
    (definition): definition is OperationDefinitionNode =>
      definition.kind === Kind.OPERATION_DEFINITION,
  );
  const operation = operationName
    ? operations.find((definition) => definition.name?.value === operationName)
    : operations[0];
  const fragments = document.definitions.filter(
    (definition) => definition.kind === Kind.FRAGMENT_DEFINITION,
  );
  return { ...document, definitions: operation ? [operation, ...fragments] : fragments };
}

/**
 * plugin-complexity checks the cost when the first root resolver runs, which for a subscription is
 * after `subscribe` has set the stream up (scope lookups included). This refuses a subscription
 * that costs too much before `subscribe` runs, with the same cost function and error.
 */
export function useSubscriptionCostCheck(): Plugin {
  return {
    onSubscribe({ args, setResultAndStopExecution }) {
      let cost: number;
      try {
        const document = operationDocument(args.document, args.operationName);
        cost = complexityFromQuery(document, {
          schema: args.schema,
          ctx: args.contextValue,
          variables: (args.variableValues ?? {}) as Record<string, unknown>,
        }).complexity;
      } catch {
        return; // bad variables or an unknown operation: execution reports them as usual
      }
      if (cost > MAX_COST)
        setResultAndStopExecution({ errors: [costError(null, { complexity: cost })] });
    },
  };
}
