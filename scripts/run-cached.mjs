#!/usr/bin/env node
// Runs a TypeScript entry (the `quell` binary, `npm start`) from an esbuild bundle kept in
// node_modules/.cache/quell-run/, rebuilt whenever one of its source files changed. Loading one
// bundle costs about half the CPU of tsx compiling and resolving every file on each start, and
// the test suite starts these entries dozens of times. Packages stay external (node_modules as
// usual); each source file keeps its own `import.meta.url`, so paths relative to it still hold.
//   node scripts/run-cached.mjs src/main.ts [args…]   or   import { runCached } from it.
import { createHash, randomBytes } from 'node:crypto';
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CACHE = join(ROOT, 'node_modules', '.cache', 'quell-run');
/** Builds replaced longer ago than this are removed (a process may still be loading a chunk). */
const STALE_BUILD_MS = 3_600_000;

/** Imports `entry` (a path or file URL of a .ts file) from its cached bundle, building it if stale. */
export async function runCached(entry) {
  const entryPath = entry instanceof URL ? fileURLToPath(entry) : resolve(entry);
  const name = createHash('sha256').update(entryPath).digest('hex').slice(0, 12);
  const pointer = join(CACHE, `${name}.json`);
  const bundle = currentBundle(pointer) ?? (await build(entryPath, name, pointer));
  await import(pathToFileURL(bundle).href);
}

/** The bundle the pointer names, if every input file is as it was when it was built. */
function currentBundle(pointer) {
  let recorded;
  try {
    recorded = JSON.parse(readFileSync(pointer, 'utf8'));
  } catch {
    return null;
  }
  for (const [file, stamp] of Object.entries(recorded.inputs)) {
    try {
      if (stampOf(join(ROOT, file)) !== stamp) return null;
    } catch {
      return null; // an input was removed
    }
  }
  return join(CACHE, recorded.bundle);
}

const stampOf = (path) => {
  const stat = statSync(path);
  return `${stat.mtimeMs}:${stat.size}`;
};

async function build(entryPath, name, pointer) {
  const { build: esbuild } = await import('esbuild');
  const outdir = join(CACHE, `${name}-${Date.now()}-${randomBytes(4).toString('hex')}`);
  const result = await esbuild({
    absWorkingDir: ROOT,
    entryPoints: { main: entryPath },
    outdir,
    bundle: true,
    splitting: true, // dynamic import() stays lazy: `quell --help` loads no database code
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'inline',
    metafile: true,
    logLevel: 'error',
    plugins: [ownImportMetaUrl],
  });
  const inputs = Object.fromEntries(
    Object.keys(result.metafile.inputs)
      .filter((file) => !file.includes('node_modules'))
      .map((file) => [file, stampOf(resolve(ROOT, file))]),
  );
  // Another process may build at the same moment: each writes its own folder, the pointer is
  // replaced atomically, and either bundle is correct.
  mkdirSync(CACHE, { recursive: true });
  const temporary = `${pointer}.${process.pid}.tmp`;
  writeFileSync(
    temporary,
    JSON.stringify({ bundle: relative(CACHE, join(outdir, 'main.js')), inputs }),
  );
  renameSync(temporary, pointer);
  removeStaleBuilds(name, outdir);
  return join(outdir, 'main.js');
}

/** Bundled code would see the bundle's import.meta.url; give each source file its own. */
const ownImportMetaUrl = {
  name: 'own-import-meta-url',
  setup(context) {
    context.onLoad({ filter: /\.[mc]?[jt]s$/ }, ({ path }) => {
      if (path.includes('node_modules')) return undefined;
      const source = readFileSync(path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      const url = JSON.stringify(pathToFileURL(path).href);
      return {
        contents: source.replaceAll('import.meta.url', url),
        loader: path.endsWith('ts') ? 'ts' : 'js',
      };
    });
  },
};

function removeStaleBuilds(name, keep) {
  for (const entry of readdirSync(CACHE)) {
    const path = join(CACHE, entry);
    if (!entry.startsWith(`${name}-`) || path === keep || entry.endsWith('.tmp')) continue;
    if (Date.now() - statSync(path).mtimeMs > STALE_BUILD_MS)
      rmSync(path, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const [entry] = process.argv.splice(2, 1);
  if (!entry) {
    process.stderr.write('usage: node scripts/run-cached.mjs <entry.ts> [args…]\n');
    process.exit(2);
  }
  process.argv[1] = resolve(entry);
  await runCached(entry);
}
