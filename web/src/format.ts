// How the page words the API's values.
import type { PageActionRowFragment } from '../../client/generated/graphql.js';

/** `QUARANTINE_FILE` → "Quarantine file". */
export function humanize(value: string): string {
  const words = value.toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** What the action acts on: the file, process, key, service, … or the device itself. */
export function targetOf(row: PageActionRowFragment): string {
  const evidence = row.evidence;
  if (!evidence) return row.sha256 ? `sha256 ${row.sha256.slice(0, 12)}…` : row.device.hostname;
  if (evidence.kind === 'PROCESS') {
    return `${evidence.path ?? 'process'}${evidence.processId ? ` (pid ${evidence.processId})` : ''}`;
  }
  if (evidence.kind === 'REGISTRY_KEY') {
    return `${evidence.registryKey ?? ''}${evidence.value ? ` [${evidence.value}]` : ''}`;
  }
  return evidence.path ?? evidence.name ?? evidence.value ?? humanize(evidence.kind);
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'short' });

export function when(iso: string | null | undefined): string {
  return iso ? dateFormat.format(new Date(iso)) : '—';
}

/** "dev-admin, 01/12/2026 21:40" or "—". */
export function byAt(who: string | null, at: string | null | undefined): string {
  if (!who) return '—';
  return at ? `${who}, ${when(at)}` : who;
}
