// `npm run docs:config`: rewrites the README's generated tables (configuration, export parameters,
// metrics, log fields, CLI commands) from the code, see scripts/readme-tables.ts.
import { readFileSync, writeFileSync } from 'node:fs';
import { withGeneratedTables } from './readme-tables.js';

const README = new URL('../README.md', import.meta.url);
writeFileSync(README, withGeneratedTables(readFileSync(README, 'utf8')));
