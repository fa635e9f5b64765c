import type { Plugin } from '@envelop/core';
import { GraphQLError, type ExecutionResult } from 'graphql';

/**
 * Variables that do not fit the schema (an unknown enum value, a missing required field) are the
 * caller's bad input. graphql-js reports them before any resolver runs and without a code; this
 * gives them `BAD_USER_INPUT` and the field they name, like every other input error.
 */
export function useInputErrorCodes(): Plugin {
  return {
    onExecute() {
      return {
        onExecuteDone({ result, setResult }) {
          if (!('errors' in result) || !result.errors) return;
          const plain = result as ExecutionResult;
          setResult({ ...plain, errors: plain.errors!.map(withInputErrorCode) });
        },
      };
    },
  };
}

const VARIABLE_ERROR = /^Variable "\$(\w+)"(?: got invalid value .*? at "([^"]+)")?/;

function withInputErrorCode(error: GraphQLError): GraphQLError {
  const match = VARIABLE_ERROR.exec(error.message);
  if (!match || error.extensions.code) return error;
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    extensions: { ...error.extensions, code: 'BAD_USER_INPUT', field: match[2] ?? match[1] },
  });
}
