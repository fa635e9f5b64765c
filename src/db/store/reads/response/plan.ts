// What a GraphQL operation's response looks like, in terms the SQL read path can build: a tree of
// JSON objects whose keys are the response keys (aliases) in selection order, whose leaves are
// columns, constant texts, global ids and cursors, and whose lists are connections paged in SQL.
// The GraphQL layer (src/graphql/fast-reads) plans it from a document; this module knows nothing
// of GraphQL and builds the statement (response-sql.ts).

/** A field of an object row (an Incident, an Evidence, …). */
export type NodeField =
  /** The column as its JSON value (text, enum name, boolean, number, null). */
  | { key: string; kind: 'value'; column: string }
  /** A timestamp column as ISO-8601 UTC text with milliseconds (the DateTime scalar). */
  | { key: string; kind: 'instant'; column: string }
  /** A constant text (`__typename`). */
  | { key: string; kind: 'text'; value: string }
  /** The Relay global id: base64 of `Typename:id`. */
  | { key: string; kind: 'globalId'; typename: string }
  /** A text column shown only when its value is one of `allowed` (null otherwise). */
  | { key: string; kind: 'valueIfIn'; column: string; allowed: readonly string[] }
  /** The to-one relation's object (null when its key is). */
  | { key: string; kind: 'one'; relation: string; fields: readonly NodeField[] }
  /** A to-many relation as a connection. */
  | { key: string; kind: 'connection'; relation: string; connection: ConnectionPlan };

export type PageInfoField =
  | { key: string; kind: 'text'; value: string }
  | { key: string; kind: 'hasNextPage' | 'hasPreviousPage' | 'startCursor' | 'endCursor' };

export type EdgeField =
  | { key: string; kind: 'text'; value: string }
  /** plugin-prisma's cursor of a `cursor: 'id'` connection: base64 of `GPC:S:<id>`. */
  | { key: string; kind: 'cursor' }
  | { key: string; kind: 'node'; fields: readonly NodeField[] };

export type ConnectionField =
  | { key: string; kind: 'text'; value: string }
  | { key: string; kind: 'totalCount' }
  | { key: string; kind: 'pageInfo'; fields: readonly PageInfoField[] }
  | { key: string; kind: 'edges'; fields: readonly EdgeField[] };

/** A page as plugin-prisma asks for it: `size` rows plus one, from the row after the cursor. */
export interface PagePlan {
  size: number;
  /** `last` / `before`: the page ends at the cursor (or at the end of the list). */
  backward: boolean;
  /** The database id the `after` / `before` cursor names, if any. */
  cursorId: string | null;
  hasAfter: boolean;
  hasBefore: boolean;
}

export interface ConnectionPlan {
  model: string;
  /** A Prisma `where` (the caller's scope from src/auth/scope.ts and the filter). */
  where: unknown;
  order: readonly { column: string; descending: boolean }[];
  page: PagePlan;
  fields: readonly ConnectionField[];
}

/** An operation's root fields (every one a connection of the query type), in response order. */
export type ResponsePlan = readonly {
  key: string;
  connection?: ConnectionPlan;
  text?: string;
}[];
