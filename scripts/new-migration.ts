// `npm run migration:new -- <name>`: writes prisma/migrations/<timestamp>_<name>/migration.sql, the
// SQL that takes the committed migrations to prisma/schema.prisma.
//
// The Prisma CLI needs a native schema engine it downloads, which offline machines cannot. The
// same engine ships as WebAssembly (@prisma/schema-engine-wasm). Its introspection through the pg
// adapter fails on this PostgreSQL ("Column type 'char' could not be deserialized"), so it diffs
// datamodels instead: each migration folder keeps a snapshot of the schema it produced, and the
// new migration is the diff from the latest snapshot to prisma/schema.prisma. Hand-written SQL
// (triggers, check constraints) goes in its own migration; Prisma's diff leaves it alone.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.js';
import { MIGRATIONS_DIR, readMigrations } from '../src/db/migrate.js';

interface WasmEngine {
  diff(params: unknown): Promise<{ exitCode: number; stdout: string | null }>;
}

async function loadEngine(schema: string, adapter: PrismaPg): Promise<WasmEngine> {
  const dir = new URL('../node_modules/@prisma/schema-engine-wasm/', import.meta.url);
  const bindings = (await import(new URL('schema_engine_bg.js', dir).href)) as Record<
    string,
    unknown
  > & {
    __wbg_set_wasm(exports: WebAssembly.Exports): void;
    SchemaEngine: {
      new: (options: unknown, log: (line: string) => void, adapter: unknown) => Promise<WasmEngine>;
    };
  };
  const { instance } = await WebAssembly.instantiate(
    new Uint8Array(readFileSync(new URL('schema_engine_bg.wasm', dir))),
    { './schema_engine_bg.js': bindings as unknown as WebAssembly.ModuleImports },
  );
  bindings.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as (() => void) | undefined)?.();
  // As the Prisma CLI does: the engine expects the adapter wrapped in Result-returning bindings.
  const bound = bindMigrationAwareSqlAdapterFactory(adapter);
  return bindings.SchemaEngine.new(
    { datamodels: [['schema.prisma', schema]] },
    () => undefined,
    bound,
  );
}

const name = (process.argv[2] ?? '').replace(/[^a-z0-9_]/gi, '_').toLowerCase();
if (!name) {
  console.error('usage: npm run migration:new -- <name>');
  process.exit(2);
}
const schema = readFileSync(new URL('../prisma/schema.prisma', import.meta.url), 'utf8');
const cluster = await startEmbeddedPostgres({
  dataDir: join(tmpdir(), `quell-migration-${process.pid}`),
  throwaway: true,
});
try {
  const snapshots = readMigrations()
    .map((m) => join(MIGRATIONS_DIR, m.name, 'schema.prisma'))
    .filter((path) => existsSync(path));
  const previous = snapshots.at(-1);
  const engine = await loadEngine(schema, new PrismaPg({ connectionString: cluster.adminUrl }));
  const result = await engine.diff({
    from: previous
      ? {
          tag: 'schemaDatamodel',
          files: [{ path: 'schema.prisma', content: readFileSync(previous, 'utf8') }],
        }
      : { tag: 'empty' },
    to: { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: schema }] },
    script: true,
    exitCode: null,
    filters: { externalTables: [], externalEnums: [] },
  });
  const sql = (result.stdout ?? '').trim();
  if (!sql || sql === '-- This is an empty migration.') {
    console.log('prisma/schema.prisma matches the migrations: nothing to write.');
  } else {
    const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
    const folder = join(MIGRATIONS_DIR, `${stamp}_${name}`);
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'migration.sql'), `${sql}\n`);
    writeFileSync(join(folder, 'schema.prisma'), schema);
    console.log(`wrote ${join(folder, 'migration.sql')}`);
  }
} finally {
  await cluster.stop();
}
// The wasm engine leaves a timer behind; nothing else is pending.
process.exit(0);
