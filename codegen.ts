import type { CodegenConfig } from '@graphql-codegen/cli';

// Typed operations for scripts and the dashboard, from the printed schema (so codegen never has
// to load TypeScript) and the operations in schema/operations/.
const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  // NodeNext wants explicit .js extensions in the generated imports.
  emitLegacyCommonJSImports: false,
  documents: ['schema/operations/*.graphql'],
  generates: {
    'client/generated/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: { enumsAsTypes: true, scalars: { DateTime: 'string' }, useTypeImports: true },
    },
  },
};

export default config;
