// `npm run token -- --tid demo --roles responder,viewer --groups "Servers,Laptops" [--sub alice] [--did <device id>] [--expires 12h]`
import { parseArgs } from 'node:util';
import { signToken, tokenSettingsFromEnv } from './tokens.js';

const { values } = parseArgs({
  options: {
    sub: { type: 'string', default: 'dev-admin' },
    tid: { type: 'string', default: 'demo' },
    roles: { type: 'string', default: 'admin,ingest' },
    groups: { type: 'string', default: '*' },
    did: { type: 'string' },
    expires: { type: 'string', default: '12h' },
  },
});

const secret = tokenSettingsFromEnv().secret;
if (!secret)
  throw new Error('Tokens of an identity provider (QUELL_JWKS_URL) cannot be minted here.');
const list = (value: string) =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const { sub = 'dev-admin', tid = 'demo', roles = 'admin,ingest', groups = '*' } = values;
const token = await signToken(
  {
    sub,
    tid,
    roles: list(roles),
    groups: groups === '*' ? '*' : list(groups),
    ...(values.did ? { did: values.did } : {}),
  },
  secret,
  values.expires,
);
console.log(token);
