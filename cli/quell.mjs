#!/usr/bin/env node
// The `quell` binary (package.json "bin"): the CLI is TypeScript, run from a bundle of it that is
// rebuilt whenever a source file changes (scripts/run-cached.mjs: half tsx's start-up CPU).
import { runCached } from '../scripts/run-cached.mjs';

await runCached(new URL('./main.ts', import.meta.url));
