import {
  type DocumentNode,
  GraphQLError,
  type GraphQLSchema,
  getNamedType,
  Kind,
  TypeInfo,
  valueFromAST,
  visit,
  visitWithTypeInfo,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { isUuid } from '../../db/uuid.js';

/** plugin-prisma's cursor of a `cursor: 'id'` connection: base64 of `GPC:S:<uuid>`. */
function isPrismaIdCursor(cursor: string): boolean {
  if (cursor.length > 200 || !/^[A-Za-z0-9+/=_-]*$/.test(cursor)) return false;
  const decoded = Buffer.from(cursor, 'base64').toString('utf8');
  return decoded.startsWith('GPC:S:') && isUuid(decoded.slice('GPC:S:'.length));
}

/** Connections whose cursors are their own (the audit log pages by event id). */
const OWN_CURSORS: Readonly<Record<string, (cursor: string) => boolean>> = {
  AuditEventConnection: (cursor) => /^\d{1,19}$/.test(cursor),
};

function cursorError(argument: string): GraphQLError {
  return new GraphQLError(`${argument}: not a cursor of this list.`, {
    extensions: { code: 'BAD_USER_INPUT', field: argument },
  });
}

/** Per parsed document (yoga reuses them): whether any argument is named `after` or `before`. */
const cursorArguments = new WeakMap<DocumentNode, boolean>();

/**
 * Most operations page from the start: a walk without type information tells them apart once per
 * document, and only those naming a cursor are walked with it (2.4 % of the hot reads' CPU).
 */
function namesCursors(document: DocumentNode): boolean {
  let names = cursorArguments.get(document);
  if (names === undefined) {
    names = false;
    visit(document, {
      [Kind.ARGUMENT](node) {
        if (node.name.value === 'after' || node.name.value === 'before') names = true;
      },
    });
    cursorArguments.set(document, names);
  }
  return names;
}

/**
 * Every `after` / `before` of every connection in the operation, nested ones included, checked
 * with the variables' values before anything runs. plugin-prisma reads a nested connection's
 * cursor while planning its parent's query, where a crafted cursor (`R1BDOlM6`, "GPC:S:") became
 * an "Invalid cursor" or a database error: an INTERNAL_SERVER_ERROR instead of the caller's mistake.
 */
export function connectionCursorErrors(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
): GraphQLError[] {
  const errors: GraphQLError[] = [];
  if (!namesCursors(document)) return errors;
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      [Kind.ARGUMENT](node) {
        const field = typeInfo.getFieldDef();
        const argument = typeInfo.getArgument();
        if (!field || !argument || (node.name.value !== 'after' && node.name.value !== 'before'))
          return;
        if (!field.args.some((arg) => arg.name === 'first')) return; // not a connection
        const value = valueFromAST(node.value, argument.type, variables ?? {});
        if (typeof value !== 'string') return;
        const valid = OWN_CURSORS[getNamedType(field.type).name] ?? isPrismaIdCursor;
        if (!valid(value)) errors.push(cursorError(node.name.value));
      },
    }),
  );
  return errors;
}

/** Answers an operation with a bad connection cursor with that error, before any resolver runs. */
export function useConnectionCursorCheck(): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const errors = connectionCursorErrors(
        args.schema,
        args.document,
        args.variableValues ?? undefined,
      );
      if (errors.length > 0) setResultAndStopExecution({ errors });
    },
  };
}
