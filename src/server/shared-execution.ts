import {
  type ASTNode,
  createSourceEventStream,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  execute,
  getOperationAST,
  Kind,
  print,
  visit,
} from 'graphql';
import { digest } from '../events/digest.js';
import { EVENT_KEY } from '../events/event-key.js';
import type { LoggedEvent } from '../events/event-log.js';
import { EventSubscription } from '../events/subscription.js';
import { FanoutGroup, FanoutMember, type ResultSink } from './shared-fanout.js';

export interface SharedSubscribeOptions {
  /** What, besides document, variables and event, a result may depend on: the caller's scope. */
  scopeKey: (contextValue: unknown) => string;
  /** Masks errors as the HTTP path does. */
  mask: (result: ExecutionResult) => ExecutionResult;
  /** How long an event's result stays shareable for late pullers (default 2 s). */
  keepMs?: number;
}

/**
 * Subscription execution for graphql-ws that executes each event once per group of identical
 * subscribers instead of once per subscriber. graphql-js executes `document` against every
 * event for every subscriber; with 1,000 dashboards on the same query and scope that is 1,000
 * identical executions per event, and the bulk of the fan-out cost. Here subscribers whose
 * document, variables (other than the root field's own arguments, which only choose events) and
 * scope are equal share the result of one execution of the same event (a payload carrying an
 * EVENT_KEY). Everything else is graphql-js's own `subscribe`: the source stream comes from
 * createSourceEventStream, and each result from `execute` with the event as root value.
 */
export function createSharedSubscribe(options: SharedSubscribeOptions) {
  const results = new TwoGenerationCache<Promise<ExecutionResult>>(options.keepMs ?? 2_000);
  const groups = new Map<string, FanoutGroup>();
  const groupOf = (key: string) => () => {
    let group = groups.get(key);
    if (!group) {
      const created = new FanoutGroup(() => {
        if (groups.get(key) === created) groups.delete(key);
      });
      groups.set(key, created);
      group = created;
    }
    return group;
  };

  return async function subscribe(
    args: ExecutionArgs,
  ): Promise<SharedResultStream | ExecutionResult> {
    const source = await createSourceEventStream(args);
    if (!isAsyncIterable(source)) return options.mask(source);
    const groupKey = sharingKey(args, options.scopeKey(args.contextValue));
    const run = (payload: unknown) =>
      Promise.resolve(execute({ ...args, rootValue: payload }))
        .then(options.mask)
        .then(compact);
    return new SharedResultStream(
      source[Symbol.asyncIterator](),
      (payload) => {
        const eventKey = eventKeyOf(payload);
        if (groupKey === null || eventKey === null) return run(payload);
        return results.getOrCreate(`${groupKey}|${eventKey}`, () => run(payload));
      },
      groupKey === null ? null : groupOf(groupKey),
    );
  };
}

/**
 * graphql-js builds result maps as prototype-less objects grown key by key, which V8 keeps in
 * dictionary mode and serializes slowly. A result sent to many subscribers is serialized once per
 * subscriber, so it is worth rebuilding once as plain objects (JSON.parse output), which
 * serialize several times faster. `data` holds only serialized scalars, so the copy is exact.
 */
function compact(result: ExecutionResult): ExecutionResult {
  if (!result.data) return result;
  const text = JSON.stringify(result.data);
  const copy = { ...result, data: JSON.parse(text) as ExecutionResult['data'] };
  // The same text is what every subscriber of the group is sent (see serializedResult).
  const onlyData = Object.keys(copy).length === 1;
  const json = onlyData ? `{"data":${text}}` : null;
  serialized.set(copy, json);
  // yoga's SSE (and multipart) writer serialises a result with its own `stringify` when it has
  // one. Not enumerable: no copy, spread or JSON of the result carries it.
  if (json !== null) Object.defineProperty(copy, 'stringify', { value: () => json });
  return copy;
}

/** Results shared by a group: their JSON, or null until someone asks for it. */
const serialized = new WeakMap<object, string | null>();

/**
 * The JSON text of a result this module produced for a sharing group, computed at most once, so
 * a transport can send the same bytes to every subscriber of the group. Undefined for any other
 * value (serialise it yourself). Results with errors are not shared as text: transports format
 * errors themselves.
 */
export function serializedResult(value: object): string | undefined {
  const known = serialized.get(value);
  if (known === undefined) return undefined;
  if (known !== null) return known;
  if ((value as ExecutionResult).errors) return undefined;
  const text = JSON.stringify(value);
  serialized.set(value, text);
  return text;
}

function eventKeyOf(payload: unknown): string | null {
  if (typeof payload !== 'object' || payload === null || !(EVENT_KEY in payload)) return null;
  const key = (payload as { [EVENT_KEY]: unknown })[EVENT_KEY];
  return typeof key === 'string' ? key : null;
}

const printed = new WeakMap<DocumentNode, string>();

/** Null when the operation is not a single-root-field subscription (then nothing is shared). */
function sharingKey(args: ExecutionArgs, scope: string): string | null {
  const operation = getOperationAST(args.document, args.operationName);
  const root =
    operation?.selectionSet.selections.length === 1
      ? operation.selectionSet.selections[0]
      : undefined;
  if (!root || root.kind !== Kind.FIELD) return null;
  // Variables used anywhere but in the root field's arguments can change the result.
  const used = new Set<string>();
  visit(args.document, {
    enter(node: ASTNode) {
      if (node.kind === Kind.ARGUMENT && root.arguments?.includes(node)) return false;
      if (node.kind === Kind.VARIABLE) used.add(node.name.value);
      return undefined;
    },
  });
  const variables = args.variableValues ?? {};
  const relevant = [...used].sort().map((name) => [name, variables[name] ?? null]);
  let text = printed.get(args.document);
  if (text === undefined) {
    text = print(args.document);
    printed.set(args.document, text);
  }
  return digest(JSON.stringify([text, args.operationName ?? null, relevant, scope]));
}

function isAsyncIterable(
  value: AsyncIterable<unknown> | ExecutionResult,
): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

export type { ResultSink } from './shared-fanout.js';

/**
 * A subscriber's results. A consumer may pull them (`for await`, as graphql-ws and yoga do), or a
 * transport may have them pushed (`pushTo`): then no consumer loop, no message object and no
 * stringify stands between a shared result and the socket, which is most of what a delivery cost
 * when one event goes to thousands of subscribers. return() reaches the source (the hub
 * subscription) at once either way.
 */
export class SharedResultStream implements AsyncIterableIterator<ExecutionResult> {
  constructor(
    private readonly source: AsyncIterator<unknown>,
    private readonly map: (payload: unknown) => Promise<ExecutionResult>,
    /** The sharing group's fan-out, for a source that can push (null: results are not shared). */
    private readonly group: (() => FanoutGroup) | null = null,
  ) {}

  async next(): Promise<IteratorResult<ExecutionResult, undefined>> {
    try {
      const step = await this.source.next();
      if (step.done) return { value: undefined, done: true };
      return { value: await this.map(step.value), done: false };
    } catch (error) {
      // A consumer calls no return() after next() throws; release the source here.
      await this.close();
      throw error;
    }
  }

  async return(): Promise<IteratorResult<ExecutionResult, undefined>> {
    await this.close();
    return { value: undefined, done: true };
  }

  async throw(error: unknown): Promise<IteratorResult<ExecutionResult, undefined>> {
    await this.close();
    throw error;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /**
   * Hands every result to `sink` as soon as it is ready. The iterator returned yields nothing:
   * it ends when the stream ends (or rejects with its error), and its return() ends the stream,
   * so the consumer that holds it still completes and cancels the subscription as before.
   * A shared subscription of the event log joins its group's fan-out (shared-fanout.ts): one loop
   * per event over the group's sockets; anything else is pulled here, result by result.
   */
  pushTo(sink: ResultSink): AsyncIterableIterator<never> {
    const pushed =
      this.group && this.source instanceof EventSubscription
        ? this.fanOut(this.source, this.group(), sink)
        : this.push(sink);
    return new PushedStream(pushed, this);
  }

  private fanOut(
    subscription: EventSubscription<unknown>,
    group: FanoutGroup,
    sink: ResultSink,
  ): Promise<void> {
    const resolve = (event: LoggedEvent) =>
      subscription.load(event).then((payload) => (payload === null ? null : this.map(payload)));
    return new Promise<void>((done, fail) =>
      subscription.pushTo(
        new FanoutMember(group, subscription, sink, resolve, { resolve: done, reject: fail }),
      ),
    );
  }

  private async push(sink: ResultSink): Promise<void> {
    for (;;) {
      const step = await this.next();
      if (step.done) return;
      if (!sink.send(step.value)) await new Promise<void>((resume) => sink.whenWritable(resume));
    }
  }

  async close(): Promise<void> {
    await this.source.return?.();
  }
}

/**
 * What pushTo hands its consumer: it yields nothing, ends when the pushing ends, and its
 * return() ends the stream. A class rather than an object of four closures: one lives per
 * subscription.
 */
class PushedStream implements AsyncIterableIterator<never> {
  constructor(
    private readonly pushed: Promise<void>,
    private readonly stream: { close(): Promise<void> },
  ) {}

  async next(): Promise<IteratorResult<never, undefined>> {
    await this.pushed;
    return { value: undefined, done: true };
  }

  async return(): Promise<IteratorResult<never, undefined>> {
    await this.stream.close();
    return { value: undefined, done: true };
  }

  async throw(error: unknown): Promise<IteratorResult<never, undefined>> {
    await this.stream.close();
    throw error;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/** Entries live between one and two periods: enough for every subscriber of a wake-up to pull. */
class TwoGenerationCache<V> {
  private current = new Map<string, V>();
  private previous = new Map<string, V>();
  private rotatedAt = Date.now();

  constructor(private readonly periodMs: number) {}

  getOrCreate(key: string, create: () => V): V {
    const now = Date.now();
    if (now - this.rotatedAt >= this.periodMs) {
      this.previous = now - this.rotatedAt >= 2 * this.periodMs ? new Map() : this.current;
      this.current = new Map();
      this.rotatedAt = now;
    }
    let value = this.current.get(key) ?? this.previous.get(key);
    if (value === undefined) {
      value = create();
      this.current.set(key, value);
    }
    return value;
  }
}
