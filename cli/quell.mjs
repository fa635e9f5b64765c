#!/usr/bin/env node
// The `quell` binary (package.json "bin"): the CLI is TypeScript, run through tsx's loader.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
