// `npm run token -- --tid demo --roles responder,viewer --groups "Servers,Laptops" [--sub alice] [--did <device id>] [--expires 12h]`
// (`--help` lists the options.)
import { ConfigError, loadConfig, type TokenConfig } from '../config.js';
import { runTokenCommand } from './token-command.js';

let tokens: TokenConfig;
try {
  tokens = loadConfig().tokens;
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`token: ${error.message}\n`);
  process.exit(2);
}
const result = await runTokenCommand(process.argv.slice(2), tokens.secret, tokens.lifetime);
process.stdout.write(result.stdout);
process.stderr.write(result.stderr);
process.exitCode = result.exitCode;
