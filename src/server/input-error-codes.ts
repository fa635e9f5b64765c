import type { Plugin } from '@envelop/core';
import { type ExecutionResult, GraphQLError } from 'graphql';

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
          setResult(withInputErrorCodes(result as ExecutionResult));
        },
      };
    },
    // Subscriptions (GraphQL over SSE) report bad variables from subscribe, not execute.
    onSubscribe() {
      return {
        onSubscribeResult({ result, setResult }) {
          if (!('errors' in result) || !result.errors) return;
          setResult(withInputErrorCodes(result as ExecutionResult));
        },
      };
    },
  };
}

/** The same for a result produced outside envelop (subscriptions over graphql-ws). */
export function withInputErrorCodes<R extends ExecutionResult>(result: R): R {
  return result.errors ? { ...result, errors: result.errors.map(withInputErrorCode) } : result;
}

const VARIABLE_ERROR = /^Variable "\$(\w+)"(?: got invalid value .*? at "([^"]+)")?/;

function withInputErrorCode(error: GraphQLError): GraphQLError {
  const match = VARIABLE_ERROR.exec(error.message);
  // yoga marks some of these BAD_USER_INPUT itself, without the field.
  if (
    !match ||
    (error.extensions.code && error.extensions.code !== 'BAD_USER_INPUT') ||
    error.extensions.field
  )
    return error;
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    extensions: { ...error.extensions, code: 'BAD_USER_INPUT', field: match[2] ?? match[1] },
  });
}
