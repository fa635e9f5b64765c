/**
 * SPEC §1: a device belongs to the highest-ranked group whose membership rules match it, or to
 * the one it was put in explicitly; the default group catches the rest. A group's rules are all
 * optional; every rule it has must match, and a group with no rule matches no device by rule.
 */
export interface MembershipRules {
  ruleHostnamePrefix: string | null;
  ruleDomain: string | null;
  ruleTag: string | null;
}

export interface GroupCandidate extends MembershipRules {
  id: string;
  rank: number;
  isDefault: boolean;
}

export interface DeviceFacts {
  hostname: string;
  domain: string | null;
  tags: readonly string[];
}

/** Hostnames, domains and tags compare without case, as directory services treat them. */
const same = (a: string, b: string) => a.localeCompare(b, 'en', { sensitivity: 'accent' }) === 0;

export function rulesMatch(rules: MembershipRules, device: DeviceFacts): boolean {
  const checks = [
    rules.ruleHostnamePrefix === null
      ? null
      : device.hostname.toLowerCase().startsWith(rules.ruleHostnamePrefix.toLowerCase()),
    rules.ruleDomain === null
      ? null
      : device.domain !== null && same(device.domain, rules.ruleDomain),
    rules.ruleTag === null ? null : device.tags.some((tag) => same(tag, rules.ruleTag!)),
  ].filter((check): check is boolean => check !== null);
  return checks.length > 0 && checks.every(Boolean);
}

/** The group a device without an explicit placement belongs to. */
export function chooseDeviceGroup<G extends GroupCandidate>(
  groups: readonly G[],
  device: DeviceFacts,
): G {
  const byRank = [...groups].sort((a, b) => a.rank - b.rank);
  const fallback = byRank.find((g) => g.isDefault);
  if (!fallback) throw new Error('every tenant has a default device group');
  return byRank.find((g) => !g.isDefault && rulesMatch(g, device)) ?? fallback;
}
