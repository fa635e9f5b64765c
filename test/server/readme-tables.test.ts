// The README's generated tables (configuration, export parameters, metrics, log fields, CLI
// commands) are exactly what the code renders: `npm run docs:config` rewrites them.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { endMarker, README_TABLES, startMarker } from '../../scripts/readme-tables.js';

const README = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');

describe('README tables', () => {
  it.each(Object.entries(README_TABLES))(
    'the %s table is the one the code renders',
    (name, render) => {
      const from = README.indexOf(startMarker(name));
      expect(from, `markers of the ${name} table`).toBeGreaterThanOrEqual(0);
      const body = README.slice(from + startMarker(name).length, README.indexOf(endMarker(name)));
      expect(body).toBe(render());
    },
  );

  it('lists every command of the CLI and every parameter of the export', () => {
    expect(README_TABLES['CLI commands']!()).toMatch(/`quell tail`/);
    expect(README_TABLES['export parameters']!()).toMatch(/`createdBefore`/);
  });
});
