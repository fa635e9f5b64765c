// Bundles the Action Center page into web/dist (run at install by `postinstall`, and by the
// browser tests). Asset names carry a content hash, so the server can let browsers keep them
// for a year; index.html is the only file that must be revalidated.
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const webRoot = dirname(fileURLToPath(import.meta.url));
export const webDistDirectory = join(webRoot, 'dist');

/** Writes via a temporary name and a rename, so a concurrent build or a reader never sees half a file. */
async function writeAtomically(path: string, contents: Uint8Array | string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(temporary, contents);
  await rename(temporary, path);
}

function indexHtml(script: string, stylesheet: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Quell Action Center</title>
<link rel="stylesheet" href="/assets/${stylesheet}">
<script type="module" src="/assets/${script}"></script>
</head>
<body><div id="app"></div></body>
</html>
`;
}

/** Builds the page; returns the bytes of each emitted asset (to report the bundle's size). */
export async function buildWebPage(): Promise<Record<string, number>> {
  const result = await build({
    entryPoints: [join(webRoot, 'src/main.tsx')],
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    outdir: join(webDistDirectory, 'assets'),
    entryNames: '[name]-[hash]',
    write: false,
    logLevel: 'warning',
  });
  const sizes: Record<string, number> = {};
  let script = '';
  let stylesheet = '';
  for (const file of result.outputFiles) {
    const name = basename(file.path);
    if (name.endsWith('.js')) script = name;
    if (name.endsWith('.css')) stylesheet = name;
    sizes[name] = file.contents.byteLength;
    await writeAtomically(file.path, file.contents);
  }
  await writeAtomically(join(webDistDirectory, 'index.html'), indexHtml(script, stylesheet));
  // Assets of earlier builds: the server would load them too, for nothing.
  const assets = join(webDistDirectory, 'assets');
  for (const name of await readdir(assets)) {
    if (!(name in sizes) && !name.endsWith('.tmp')) await rm(join(assets, name), { force: true });
  }
  return sizes;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const sizes = await buildWebPage();
  const summary = Object.entries(sizes).map(([name, bytes]) => `${name} ${bytes} B`);
  console.log(`Action Center page built in web/dist: ${summary.join(', ')}`);
}
