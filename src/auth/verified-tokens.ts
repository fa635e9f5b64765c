import type { Identity } from './identity.js';
import { type TokenSettings, verifyTokenUntil } from './tokens.js';

/** Tokens remembered per settings; the oldest is forgotten past this many. */
const MAX_REMEMBERED = 1024;
/** A remembered token is verified again after this long, so a key withdrawn from a JWKS counts. */
const REVERIFY_AFTER_MS = 60_000;

interface Verified {
  identity: Identity;
  /** When the token stops being accepted (its `exp` plus the tolerated skew), in ms. */
  expiresAt: number;
  /** When it is verified again from scratch. */
  reverifyAt: number;
}

const verifiedBySettings = new WeakMap<TokenSettings, Map<string, Verified>>();

/**
 * verifyToken, remembering the tokens it accepted: a dashboard or script sends the same token with
 * every request, and its signature check (jose on WebCrypto) was 7 % of the server's CPU on the
 * hot reads (peer harness profile, page 10). Sound because only acceptances are kept, keyed by the
 * token's exact text, and the one check that can turn an accepted token into a refused one, its
 * expiry, is made again on every use. Refusals are never kept.
 */
export async function verifyTokenRemembered(
  token: string,
  settings: TokenSettings,
): Promise<Identity> {
  let remembered = verifiedBySettings.get(settings);
  if (!remembered) {
    remembered = new Map();
    verifiedBySettings.set(settings, remembered);
  }
  const now = Date.now();
  const known = remembered.get(token);
  if (known && now < known.expiresAt && now < known.reverifyAt) return known.identity;
  remembered.delete(token);
  const { identity, acceptedUntil } = await verifyTokenUntil(token, settings);
  if (remembered.size >= MAX_REMEMBERED) remembered.delete(remembered.keys().next().value!);
  remembered.set(token, {
    identity,
    expiresAt: acceptedUntil,
    reverifyAt: now + REVERIFY_AFTER_MS,
  });
  return identity;
}
