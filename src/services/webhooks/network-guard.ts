import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Where webhooks may point (SPEC §7.2, SSRF): in production only https URLs whose host resolves
 * to public unicast addresses; development and tests may use http and loopback receivers.
 * Read once from the configuration (`QUELL_WEBHOOK_PRIVATE_NETWORKS`) and passed down.
 */
export interface WebhookNetworkPolicy {
  /** Allow loopback, private, link-local and other non-public destinations. */
  readonly allowPrivateNetworks: boolean;
  /** Allow plain http URLs (development only). */
  readonly allowHttp: boolean;
}

export const PRODUCTION_WEBHOOK_NETWORK: WebhookNetworkPolicy = {
  allowPrivateNetworks: false,
  allowHttp: false,
};

export const DEVELOPMENT_WEBHOOK_NETWORK: WebhookNetworkPolicy = {
  allowPrivateNetworks: true,
  allowHttp: true,
};

/**
 * Public unicast only: ipaddr.js names every special range (loopback, private, link-local,
 * unique-local, carrier-grade NAT, 6to4, Teredo, NAT64, multicast, reserved, …) and calls the
 * rest `unicast`. IPv4-mapped IPv6 (`::ffff:10.0.0.1`) is judged as the IPv4 address it maps.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  return ipaddr.process(address).range() === 'unicast';
}

/** A URL's host without the brackets of an IPv6 literal. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/** Why a destination is refused, or null: an IP literal is judged as is (no lookup happens). */
export function literalAddressRefusal(host: string, policy: WebhookNetworkPolicy): string | null {
  if (policy.allowPrivateNetworks || isIP(host) === 0 || isPublicAddress(host)) return null;
  return `${host} is not a public address`;
}

/**
 * A `lookup` for http.request that refuses names resolving to a non-public address. The socket
 * connects to the very address checked here, so a name that resolves differently on a second
 * lookup (DNS rebinding) gains nothing. Undefined (the system lookup) when private networks are allowed.
 */
export function guardedLookup(policy: WebhookNetworkPolicy): LookupFunction | undefined {
  if (policy.allowPrivateNetworks) return undefined;
  return checkedLookup as unknown as LookupFunction;
}

type LookupCallback = (
  error: Error | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** Node asks for every address (`all`, happy eyeballs) or for one; both shapes are answered. */
function checkedLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '', 0);
    const refused = addresses.find((entry) => !isPublicAddress(entry.address));
    if (refused || addresses.length === 0) {
      const reason = refused ? `resolves to ${refused.address}` : 'has no address';
      return callback(new Error(`refused: ${hostname} ${reason}, not a public address`), '', 0);
    }
    if (options.all) return callback(null, addresses);
    const first = addresses[0]!;
    return callback(null, first.address, first.family);
  });
}

/** Resolves a host the way a delivery will, and says why it is refused (or null when allowed). */
export function destinationRefusal(
  host: string,
  policy: WebhookNetworkPolicy,
): Promise<string | null> {
  const literal = literalAddressRefusal(host, policy);
  if (literal || policy.allowPrivateNetworks || isIP(host) !== 0) return Promise.resolve(literal);
  return new Promise((resolve) => {
    checkedLookup(host, { all: true }, (error) => resolve(error ? error.message : null));
  });
}
