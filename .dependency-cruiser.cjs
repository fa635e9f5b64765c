/** The house's dependency rules (one-way data flow: graphql → services → policy and db). */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'A cycle means two modules are one module; split or merge them.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'policy-is-pure',
      severity: 'error',
      comment: 'src/policy holds the remediation rules: pure functions and tables, no I/O.',
      from: { path: '^src/policy/' },
      to: { pathNot: ['^src/policy/'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'policy-no-node-io',
      severity: 'error',
      comment: 'No I/O in the policy engine.',
      from: { path: '^src/policy/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'nothing-below-imports-graphql',
      severity: 'error',
      comment:
        'GraphQL is the thin top layer: services, db, policy, events and auth never import it.',
      from: { path: '^src/(services|db|policy|events|auth)/' },
      to: { path: '^src/graphql/' },
    },
    {
      name: 'nothing-below-imports-server',
      severity: 'error',
      comment: 'src/server wires everything together; nothing below it imports it.',
      from: { path: '^src/(services|db|policy|events|auth|graphql)/' },
      to: { path: '^src/server/' },
    },
    {
      name: 'db-imports-no-service',
      severity: 'error',
      comment: 'Data access sits below the services.',
      from: { path: '^src/db/' },
      to: { path: '^src/(services|auth|events)/' },
    },
    {
      name: 'services-no-graphql-libraries',
      severity: 'error',
      comment: 'Services know nothing of GraphQL.',
      from: { path: '^src/services/' },
      to: { path: 'node_modules/(graphql|@pothos|graphql-yoga|graphql-ws)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/generated/' },
    tsPreCompilationDeps: true,
    parser: 'swc',
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
