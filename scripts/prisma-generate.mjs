// Runs `prisma generate` on install. The Prisma CLI insists on downloading a native schema
// engine before `generate`, although generate never runs it; offline machines (and CI) cannot
// download it, so when no engine is present we point the CLI at a harmless stand-in file.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const stub = fileURLToPath(new URL('./schema-engine-stub.sh', import.meta.url));
const env = { ...process.env };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY || !existsSync(env.PRISMA_SCHEMA_ENGINE_BINARY)) {
  env.PRISMA_SCHEMA_ENGINE_BINARY = stub;
}
execFileSync('npx', ['prisma', 'generate'], { stdio: 'inherit', env });
