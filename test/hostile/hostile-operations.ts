// The generators of the hostile-operations suite: what an attacker with a token (or without a
// valid one) sends. Each operation says which transports it can go over.
import fc from 'fast-check';
import { globalId } from '../support/global-ids.js';

export type Transport = 'post' | 'get' | 'sse' | 'ws';
export type Bearer = 'admin' | 'viewer' | { forged: string };

export interface HostileOperation {
  kind: string;
  query: string;
  variables?: unknown;
  /** A raw HTTP body instead of JSON of query and variables (POST only). */
  rawBody?: string;
  /** A path other than /graphql, for GET (path traversal). */
  path?: string;
  bearer: Bearer;
}

const NUL_AND_UNICODE = [
  '\u0000',
  '\u202e',
  '\ud800',
  '\ufffe',
  '𝕏',
  'ﷺ',
  '\u0085',
  '%00',
  '\\u0000',
];
const TRAVERSAL = [
  '../../../../etc/passwd',
  '..\\..\\..\\Windows\\System32\\cmd.exe',
  'C:\\..\\..\\Windows\\x.exe',
  '/../../etc/x',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '....//....//etc/passwd',
  '\\\\?\\C:\\..\\x',
  'file:///etc/passwd',
];

const hostileText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(...NUL_AND_UNICODE, ...TRAVERSAL),
  fc
    .tuple(fc.constantFrom(...NUL_AND_UNICODE), fc.string({ maxLength: 10 }))
    .map(([a, b]) => b + a + b),
  fc.integer({ min: 1_000, max: 200_000 }).map((n) => 'x'.repeat(n)),
);

const hostileId = fc.oneof(
  { weight: 4, arbitrary: hostileText },
  hostileText.map((t) => globalId('Incident', t)),
  hostileText.map((t) => globalId('RemediationAction', t)),
  fc.constantFrom(
    'R1BDOlM6',
    globalId('Device', '00000000-0000-0000-0000-000000000000'),
    globalId('Nope', '1'),
    '',
  ),
  fc.constantFrom(1, 5).map((mb) => 'A'.repeat(mb * 1_000_000)),
);

const bearer: fc.Arbitrary<Bearer> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom<Bearer>('admin', 'viewer') },
  fc
    .oneof(
      fc.string({ maxLength: 60 }),
      fc.constantFrom(
        'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4IiwidGlkIjoidGVuYW50LWEifQ.',
        'a.b.c',
        'x'.repeat(20_000),
        'eyJ.eyJ.',
      ),
    )
    .map((forged) => ({ forged })),
);

const op = (kind: string, query: string, variables?: unknown) =>
  bearer.map((b): HostileOperation => ({ kind, query, variables, bearer: b }));

const depth = fc
  .integer({ min: 1, max: 40 })
  .chain((n) =>
    op(
      'depth',
      `{ deviceGroups(first: 1) { edges { node { ${'devices(first: 1) { edges { node { deviceGroup { '.repeat(n)} id ${'} } } } '.repeat(n)} } } } }`,
    ),
  );
const aliases = fc
  .tuple(
    fc.integer({ min: 1, max: 300 }),
    fc.constantFrom('__typename', 'incidents(first: 1) { totalCount }'),
  )
  .chain(([n, field]) =>
    op('aliases', `{ ${Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ')} }`),
  );
const fragments = fc
  .constantFrom(
    'fragment A on Query { ...B } fragment B on Query { ...A } { ...A }',
    'fragment A on Query { ...A } { ...A }',
    '{ ...Missing }',
    'fragment F on Device { hostname } { ...F }',
    `fragment F on Query { incidents(first: 100) { edges { node { id } } } } { ${Array.from({ length: 50 }, (_, i) => `f${i}: incidents(first: 1) { totalCount } ...F`).join(' ')} }`,
    `query { ${'...on Query { '.repeat(30)}__typename${' }'.repeat(30)} }`,
  )
  .chain((q) => op('fragments', q));
const directives = fc
  .tuple(
    fc.integer({ min: 1, max: 200 }),
    fc.constantFrom('@include(if: true)', '@skip(if: false)', '@nope', '@deprecated'),
  )
  .chain(([n, d]) => op('directives', `{ __typename ${`${d} `.repeat(n)} }`));
const tokens = fc
  .integer({ min: 100, max: 20_000 })
  .chain((n) => op('tokens', `{ ${'__typename '.repeat(n)} }`));
const garbage = fc
  .oneof(
    fc.string({ maxLength: 200 }),
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.constantFrom(
      '{',
      '}}}}',
      '{ a(b: "\u0000") }',
      'query'.repeat(1000),
      `{${'['.repeat(5000)}`,
    ),
  )
  .chain((q) => op('garbage', q));
const hugeVariables = fc.tuple(hostileText, fc.jsonValue({ maxDepth: 6 })).chain(([s, junk]) =>
  op(
    'variables',
    'query($s: String, $j: [String!]) { auditEvents(filter: { subjects: [$s], operations: $j }, first: 1) { totalCount } }',
    {
      s,
      j: junk,
    },
  ),
);
const longLists = fc
  .oneof({ weight: 9, arbitrary: fc.constantFrom(101, 1_000) }, fc.constant(100_000))
  .chain((n) =>
    op(
      'lists',
      'query($ids: [ID!]) { remediationActions(filter: { deviceIds: $ids }, first: 1) { totalCount } }',
      { ids: Array.from({ length: n }, (_, i) => `id-${i}`) },
    ),
  );
const malformedJson = fc
  .oneof(
    fc.string({ maxLength: 100 }),
    fc.constantFrom(
      '{"query": 1}',
      '[]',
      'null',
      '{"query":"{ __typename }", "variables": "x"}',
      '{"query": "{',
      `${'['.repeat(20_000)}${']'.repeat(20_000)}`,
      '{"query":"{ __typename }","extensions":{"persistedQuery":{}}}',
      '\u0000',
    ),
  )
  .chain((rawBody) =>
    bearer.map((b): HostileOperation => ({ kind: 'json', query: '', rawBody, bearer: b })),
  );
const ids = fc.oneof(
  hostileId.chain((id) => op('ids', 'query($id: ID!) { node(id: $id) { id } }', { id })),
  fc
    .array(
      hostileId.filter((x) => typeof x === 'string' && x.length < 1000),
      { maxLength: 150 },
    )
    .chain((list) => op('ids', 'query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: list })),
);
const pageSizes = fc
  .oneof(fc.integer(), fc.constantFrom(-1, 0, 100, 101, 2 ** 31 - 1, 1.5, '10', 1e300, null, true))
  .chain((n) =>
    op('pages', 'query($n: Int) { incidents(first: $n) { totalCount edges { node { id } } } }', {
      n,
    }),
  );
const nested = fc
  .tuple(fc.integer({ min: 0, max: 120 }), fc.option(hostileText))
  .chain(([n, after]) =>
    op(
      'nested',
      `query($n: Int, $after: String) { deviceGroups(first: $n, after: $after) { edges { node { name
        devices(first: $n, after: $after) { edges { node { hostname deviceGroup { devices(first: $n) { edges { node { hostname } } } } } } } } } } }`,
      { n, after },
    ),
  );
const paths = fc
  .tuple(hostileText, fc.constantFrom('WINDOWS', 'LINUX', 'MACOS', 'BEOS'))
  .chain(([path, os]) =>
    op(
      'traversal',
      'query($p: String, $os: OsPlatform!) { evaluatePolicy(automationLevel: FULL, verdict: MALICIOUS, osPlatform: $os, evidence: { kind: FILE, path: $p }) { decision } }',
      { p: path, os },
    ),
  );
const urlTraversal = fc
  .constantFrom(
    '/graphql/../../etc/passwd',
    '/assets/../../package.json',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/assets/..%2f..%2fpackage.json',
    '/assets/%00',
    '/graphql%00',
    '/\u0000',
    '//etc/passwd',
  )
  .chain((path) =>
    bearer.map(
      (b): HostileOperation => ({ kind: 'url', query: '{ __typename }', path, bearer: b }),
    ),
  );
const mutations = fc
  .tuple(
    fc.array(
      hostileId.filter((x) => typeof x === 'string' && x.length < 1000),
      { maxLength: 120 },
    ),
    hostileText,
  )
  .chain(([list, text]) =>
    fc.oneof(
      op(
        'mutation',
        'mutation($ids: [ID!]!, $c: String) { approveRemediationActions(input: { ids: $ids, comment: $c }) { outcomes { code } } }',
        { ids: list, c: text },
      ),
      op(
        'mutation',
        'mutation($d: ID!, $t: String!) { reportAlert(input: { deviceId: $d, title: $t, severity: HIGH, evidence: [{ kind: FILE, path: $t }] }) { alert { id } } }',
        { d: list[0] ?? text, t: text },
      ),
    ),
  );
const subscriptions = fc
  .tuple(
    fc.option(hostileText),
    fc.option(hostileId.filter((x) => typeof x === 'string' && x.length < 1000)),
  )
  .chain(([after, group]) =>
    op(
      'subscription',
      'subscription($after: String, $g: [ID!]) { pendingActionAdded(after: $after, filter: { deviceGroupIds: $g }) { cursor } }',
      { after, g: group === null ? null : [group] },
    ),
  );

/** Every hostile operation, each with the transports it may use. */
export const hostileOperation: fc.Arbitrary<{ op: HostileOperation; transport: Transport }> = fc
  .oneof(
    depth,
    aliases,
    fragments,
    directives,
    tokens,
    garbage,
    hugeVariables,
    longLists,
    malformedJson,
    ids,
    pageSizes,
    nested,
    paths,
    urlTraversal,
    mutations,
    subscriptions,
  )
  .chain((o) => {
    if (o.rawBody !== undefined) return fc.constant({ op: o, transport: 'post' as const });
    if (o.path !== undefined) return fc.constant({ op: o, transport: 'get' as const });
    // GET carries no mutation; a URL over 16 KB is refused by Node before Quell sees it.
    const big = JSON.stringify([o.query, o.variables]).length > 8_000;
    const transports: Transport[] =
      o.kind === 'mutation' || big ? ['post', 'sse', 'ws'] : ['post', 'get', 'sse', 'ws'];
    return fc.constantFrom(...transports).map((transport) => ({ op: o, transport }));
  });
