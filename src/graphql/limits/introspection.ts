import { GraphQLError, type ValidationRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';

const INTROSPECTION_FIELDS = new Set(['__schema', '__type']);

/**
 * Refuses `__schema` and `__type` anywhere in an operation (fragments included) with a typed error
 * naming the field; `__typename` stays, clients need it. graphql-js's own rule says the same but
 * without a code.
 */
const noIntrospection: ValidationRule = (context) => ({
  Field(node) {
    const field = node.name.value;
    if (!INTROSPECTION_FIELDS.has(field)) return;
    context.reportError(
      new GraphQLError(`${field}: introspection is disabled on this server.`, {
        nodes: node,
        extensions: { code: 'INTROSPECTION_DISABLED', field },
      }),
    );
  },
});

/** SPEC §5: no introspection in production unless the deployment turns it on. */
export function useIntrospectionPolicy(introspection: boolean): Plugin {
  return {
    onValidate({ addValidationRule }) {
      if (!introspection) addValidationRule(noIntrospection);
    },
  };
}
