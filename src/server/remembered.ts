/**
 * Values computed once per pair of objects (held weakly: a schema or caller identity, then a parsed
 * document) and a text key (operation name and variables), at most `perPair` kept per pair: a
 * document asked with ever new variables clears its own set rather than growing.
 */
export class Remembered<V> {
  private readonly byOuter = new WeakMap<object, WeakMap<object, Map<string, V>>>();

  constructor(private readonly perPair: number) {}

  get(outer: object, inner: object, key: string, compute: () => V): V {
    let byInner = this.byOuter.get(outer);
    if (!byInner) {
      byInner = new WeakMap();
      this.byOuter.set(outer, byInner);
    }
    let values = byInner.get(inner);
    if (!values) {
      values = new Map();
      byInner.set(inner, values);
    }
    if (values.has(key)) return values.get(key) as V;
    const value = compute();
    if (values.size >= this.perPair) values.clear();
    values.set(key, value);
    return value;
  }
}

/** The text key of an operation: its name and its variables' values. */
export const operationKey = (
  operationName: string | null | undefined,
  variables: unknown,
): string => `${operationName ?? ''}\u0000${JSON.stringify(variables ?? {})}`;
