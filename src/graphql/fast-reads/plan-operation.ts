import {
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLSchema,
  getArgumentValues,
  getVariableValues,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { Identity } from '../../auth/identity.js';
import type {
  ConnectionField,
  ConnectionPlan,
  EdgeField,
  NodeField,
  PageInfoField,
  ResponsePlan,
} from '../../db/store/reads/response/plan.js';
import { filterListSchema } from '../validation.js';
import {
  type CollectedField,
  collectFields,
  type Selections,
  subSelections,
} from './collect-fields.js';
import { pagePlan } from './page-plan.js';
import { type Args, type ConnectionRule, ROOT_RULES, TYPE_RULES } from './type-rules.js';

// An operation's response as a plan the SQL read path builds in one statement (issue 11), or null
// whenever any part of it is something the plan does not cover: then graphql-js runs it as always.

interface Planning extends Selections {
  identity: Identity;
  variables: Record<string, unknown>;
}

type Fields<T> = T[] | null;

function argsOf(planning: Planning, typename: string, field: CollectedField): Args | null {
  const type = planning.schema.getType(typename);
  const definition =
    type && 'getFields' in type
      ? (type.getFields()[field.name] as GraphQLField<unknown, unknown>)
      : undefined;
  if (!definition) return null;
  try {
    return getArgumentValues(definition, field.nodes[0]!, planning.variables);
  } catch {
    return null;
  }
}

function nodeFields(
  planning: Planning,
  typename: string,
  sets: SelectionSetNode[],
): Fields<NodeField> {
  const rule = TYPE_RULES[typename];
  const collected = collectFields(planning, typename, sets);
  if (!rule || !collected) return null;
  const fields: NodeField[] = [];
  for (const field of collected) {
    const { key } = field;
    if (field.name === '__typename') {
      fields.push({ key, kind: 'text', value: typename });
      continue;
    }
    const fieldRule = rule.fields[field.name];
    if (!fieldRule) return null;
    if (fieldRule.kind === 'id') fields.push({ key, kind: 'globalId', typename });
    else if (fieldRule.kind === 'value')
      fields.push({ key, kind: 'value', column: fieldRule.column });
    else if (fieldRule.kind === 'instant') {
      fields.push({ key, kind: 'instant', column: fieldRule.column });
    } else if (fieldRule.kind === 'decisionGroupName') {
      const groups = planning.identity.groups;
      const column = 'decisionDeviceGroupName';
      fields.push(
        groups === 'all'
          ? { key, kind: 'value', column }
          : { key, kind: 'valueIfIn', column, allowed: groups },
      );
    } else if (fieldRule.kind === 'one') {
      const nested = nodeFields(planning, fieldRule.type, subSelections(field));
      if (!nested) return null;
      fields.push({ key, kind: 'one', relation: fieldRule.relation, fields: nested });
    } else {
      const connection = connectionPlan(planning, typename, field, fieldRule);
      if (!connection || !fieldRule.relation) return null;
      fields.push({ key, kind: 'connection', relation: fieldRule.relation, connection });
    }
  }
  return fields;
}

function pageInfoFields(planning: Planning, sets: SelectionSetNode[]): Fields<PageInfoField> {
  const collected = collectFields(planning, 'PageInfo', sets);
  if (!collected) return null;
  const fields: PageInfoField[] = [];
  for (const { key, name } of collected) {
    if (name === '__typename') fields.push({ key, kind: 'text', value: 'PageInfo' });
    else if (
      name === 'hasNextPage' ||
      name === 'hasPreviousPage' ||
      name === 'startCursor' ||
      name === 'endCursor'
    )
      fields.push({ key, kind: name });
    else return null;
  }
  return fields;
}

function edgeFields(
  planning: Planning,
  edgeType: string,
  nodeType: string,
  sets: SelectionSetNode[],
): Fields<EdgeField> {
  const collected = collectFields(planning, edgeType, sets);
  if (!collected) return null;
  const fields: EdgeField[] = [];
  for (const field of collected) {
    const { key, name } = field;
    if (name === '__typename') fields.push({ key, kind: 'text', value: edgeType });
    else if (name === 'cursor') fields.push({ key, kind: 'cursor' });
    else if (name === 'node') {
      const node = nodeFields(planning, nodeType, subSelections(field));
      if (!node) return null;
      fields.push({ key, kind: 'node', fields: node });
    } else return null;
  }
  return fields;
}

/** Filter lists are bounded by the same schema the validation plugin applies. */
function filterIsValid(filter: unknown): boolean {
  if (filter === undefined || filter === null) return true;
  if (typeof filter !== 'object') return false;
  return Object.values(filter).every(
    (value) => !Array.isArray(value) || filterListSchema.safeParse(value).success,
  );
}

function connectionPlan(
  planning: Planning,
  parentType: string,
  field: CollectedField,
  rule: ConnectionRule,
): ConnectionPlan | null {
  const args = argsOf(planning, parentType, field);
  const page = args && pagePlan(args);
  if (!args || !page) return null;
  const extra = Object.keys(args).filter(
    (name) => !['first', 'last', 'after', 'before'].includes(name),
  );
  if (extra.some((name) => !rule.filterArgs.includes(name)) || !filterIsValid(args.filter))
    return null;
  const connectionType = `${rule.nodeType}Connection`;
  const collected = collectFields(planning, connectionType, subSelections(field));
  if (!collected) return null;
  const fields: ConnectionField[] = [];
  for (const item of collected) {
    const { key, name } = item;
    const sets = subSelections(item);
    if (name === '__typename') fields.push({ key, kind: 'text', value: connectionType });
    else if (name === 'totalCount') fields.push({ key, kind: 'totalCount' });
    else if (name === 'pageInfo') {
      const info = pageInfoFields(planning, sets);
      if (!info) return null;
      fields.push({ key, kind: 'pageInfo', fields: info });
    } else if (name === 'edges') {
      const edges = edgeFields(planning, `${rule.nodeType}Edge`, rule.nodeType, sets);
      if (!edges) return null;
      fields.push({ key, kind: 'edges', fields: edges });
    } else return null;
  }
  let query: ReturnType<ConnectionRule['query']>;
  try {
    query = rule.query(args, planning.identity); // a filter's malformed id throws: the normal path says so
  } catch {
    return null;
  }
  const order = query.orderBy.map((entry) => {
    const [column, direction] = Object.entries(entry)[0] ?? ['', 'asc'];
    return { column, descending: direction === 'desc' };
  });
  return { model: rule.model, where: query.where, order, page, fields };
}

function operationOf(document: DocumentNode, operationName: string | null | undefined) {
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  const chosen = operationName
    ? operations.find((o) => o.name?.value === operationName)
    : operations.length === 1
      ? operations[0]
      : undefined;
  return chosen?.operation === 'query' ? chosen : undefined;
}

export interface OperationInput {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null;
  /** The request's variables, as sent. */
  variables: Readonly<Record<string, unknown>> | null | undefined;
  identity: Identity;
}

/** The operation as one response plan, or null: the normal path answers it. */
export function planOperation(input: OperationInput): ResponsePlan | null {
  const operation = operationOf(input.document, input.operationName);
  if (!operation) return null;
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const d of input.document.definitions)
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  const coerced = getVariableValues(
    input.schema,
    operation.variableDefinitions ?? [],
    input.variables ?? {},
  );
  if (!coerced.coerced) return null;
  const planning: Planning = {
    schema: input.schema,
    fragments,
    identity: input.identity,
    variables: coerced.coerced,
  };
  const queryType = input.schema.getQueryType()?.name ?? 'Query';
  const roots = collectFields(planning, queryType, [operation.selectionSet]);
  if (!roots || roots.length === 0) return null;
  const plan: { key: string; connection?: ConnectionPlan; text?: string }[] = [];
  for (const root of roots) {
    if (root.name === '__typename') {
      plan.push({ key: root.key, text: queryType });
      continue;
    }
    const rule = ROOT_RULES[root.name];
    const connection = rule && connectionPlan(planning, queryType, root, rule);
    if (!connection) return null;
    plan.push({ key: root.key, connection });
  }
  return plan;
}
