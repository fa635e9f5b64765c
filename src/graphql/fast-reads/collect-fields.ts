import {
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  isAbstractType,
  isObjectType,
  Kind,
  type SelectionSetNode,
} from 'graphql';

/** One response key of a selection: its field and every node that asked for it (merged). */
export interface CollectedField {
  key: string;
  name: string;
  nodes: FieldNode[];
}

export interface Selections {
  schema: GraphQLSchema;
  fragments: Readonly<Record<string, FragmentDefinitionNode>>;
}

function applies(selections: Selections, typeCondition: string | undefined, typename: string) {
  if (!typeCondition || typeCondition === typename) return true;
  const condition = selections.schema.getType(typeCondition);
  const type = selections.schema.getType(typename);
  return condition && isAbstractType(condition) && isObjectType(type)
    ? selections.schema.isSubType(condition, type)
    : false;
}

/**
 * graphql-js's field collection for an object type: fragments (inline and named) whose type
 * condition covers the type are flattened, fields of one response key merged in first-seen order.
 * A directive anywhere (`@skip`, `@include`, …) answers null: the normal path handles it.
 */
export function collectFields(
  selections: Selections,
  typename: string,
  sets: readonly SelectionSetNode[],
): CollectedField[] | null {
  const byKey = new Map<string, CollectedField>();
  const visited = new Set<string>();
  const walk = (set: SelectionSetNode): boolean => {
    for (const selection of set.selections) {
      if (selection.directives?.length) return false;
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        const known = byKey.get(key);
        if (known) known.nodes.push(selection);
        else byKey.set(key, { key, name: selection.name.value, nodes: [selection] });
        continue;
      }
      const fragment =
        selection.kind === Kind.INLINE_FRAGMENT
          ? selection
          : selections.fragments[selection.name.value];
      if (!fragment) return false;
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        if (visited.has(selection.name.value)) continue;
        visited.add(selection.name.value);
      }
      if (fragment.directives?.length) return false;
      if (!applies(selections, fragment.typeCondition?.name.value, typename)) continue;
      if (!walk(fragment.selectionSet)) return false;
    }
    return true;
  };
  for (const set of sets) if (!walk(set)) return null;
  return [...byKey.values()];
}

/** The merged sub-selections of a collected field (each of its nodes may carry one). */
export function subSelections(field: CollectedField): SelectionSetNode[] {
  return field.nodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : []));
}
