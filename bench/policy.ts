/**
 * Policy engine benchmark: decisions per second over a realistic mix of evidence, path
 * classification included. Run on demand: `npx tsx bench/policy.ts` (or `npm run bench:policy`).
 * Optional: `BENCH_SECONDS=3`; `BENCH_CLOCK=cpu` times by this process's CPU time instead of the
 * wall clock, so a figure taken on a machine shared with other work stays comparable.
 */

import type { AutomationLevel, EvidenceKind, OsPlatform, Verdict } from '../src/policy/index.js';
import { decideRemediation, type PolicyInput } from '../src/policy/index.js';

/** Deterministic pseudo-random numbers (mulberry32), so every run measures the same mix. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rnd = random(20240601);
const pick = <T>(items: ReadonlyArray<T>): T => items[Math.floor(rnd() * items.length)] as T;

const users = [
  'alice',
  'bob',
  'j.smith',
  'Administrator',
  'svc_backup',
  'JOHNSM~1',
  'maria.garcia',
];
const names = [
  'evil.exe',
  'invoice.pdf.exe',
  'svchost.exe',
  'update.dll',
  'payload.ps1',
  'setup_x64.msi',
  'a.tmp',
  'mimikatz.exe',
];
const windowsFolders = [
  'C:\\Windows\\System32',
  'C:\\Windows\\SysWOW64',
  'C:\\Windows\\Temp',
  'C:\\Program Files\\Common Files\\Vendor',
  'C:\\Program Files (x86)\\Google\\Chrome\\Application',
  'C:\\ProgramData\\Updater',
  'D:\\Data\\Shares',
  'C:\\Users\\{u}\\Downloads',
  'C:\\Users\\{u}\\AppData\\Local\\Temp',
  'C:\\Users\\{u}\\AppData\\Roaming\\Microsoft\\Windows\\Start Menu\\Programs\\Startup',
  'C:\\Users\\{u}\\Desktop',
  'C:\\Users\\{u}\\Documents\\Projects',
];
const linuxFolders = [
  '/usr/bin',
  '/usr/local/lib',
  '/tmp',
  '/var/tmp',
  '/dev/shm',
  '/home/{u}/Downloads',
  '/home/{u}/.cache',
  '/opt/app/bin',
  '/etc/cron.d',
  '/srv/www',
];
const macFolders = [
  '/Applications/Foo.app/Contents/MacOS',
  '/Users/{u}/Downloads',
  '/private/var/folders/xy/abc/T',
  '/Library/LaunchDaemons',
  '/usr/local/bin',
  '/Users/{u}/Library/Application Support',
];
const hostileWindows = [
  'C:\\Users\\{u}\\Downloads\\..\\..\\..\\Windows\\System32\\{n}',
  'c:/windows//system32\\\\{n}',
  '%SystemRoot%\\System32\\{n}',
  '%TEMP%\\{n}',
  '\\\\?\\C:\\Program Files\\{n}',
  '\\??\\C:\\Windows\\System32\\drivers\\{n}',
  'C:\\PROGRA~1\\Vendor\\{n}',
  '"C:\\Program Files\\Vendor\\{n}" -k netsvcs',
  'C:\\Windows.\\ \\System32\\{n}',
  'file:///C:/Users/{u}/Downloads/My%20File%20{n}',
  'C:\\WindowsApps2\\{n}',
  '\\\\fileserver\\C$\\Windows\\{n}',
  '\\Device\\HarddiskVolume2\\Windows\\System32\\{n}',
  '\\SystemRoot\\System32\\drivers\\{n}',
  '%UNKNOWNVAR%\\{n}',
  'relative\\path\\{n}',
  'C:\\..\\..\\{n}',
];
const hostilePosix = [
  '/tmp/../etc/{n}',
  '//usr///bin/./{n}',
  '~/Downloads/{n}',
  '/tmp/a\\..\\..\\etc/{n}',
  '/proc/self/root/tmp/{n}',
  'file:///tmp/{n}',
];

function fill(template: string): string {
  return template.replace('{u}', pick(users)).replace('{n}', pick(names));
}

const levels: AutomationLevel[] = [
  'FULL',
  'SEMI_REQUIRE_APPROVAL_ANY',
  'SEMI_REQUIRE_APPROVAL_CORE_FOLDERS',
  'SEMI_REQUIRE_APPROVAL_CORE_FOLDERS',
  'SEMI_REQUIRE_APPROVAL_NON_TEMP_FOLDERS',
  'SEMI_REQUIRE_APPROVAL_NON_TEMP_FOLDERS',
  'NO_AUTOMATED_RESPONSE',
];
const verdicts: Verdict[] = [
  'MALICIOUS',
  'MALICIOUS',
  'MALICIOUS',
  'SUSPICIOUS',
  'NO_THREATS_FOUND',
];
const fileKinds: EvidenceKind[] = [
  'FILE',
  'FILE',
  'FILE',
  'PROCESS',
  'PROCESS',
  'DRIVER',
  'SERVICE',
  'SCHEDULED_TASK',
];

function makeInput(): PolicyInput {
  const r = rnd();
  const automationLevel = pick(levels);
  const verdict = pick(verdicts);
  let osPlatform: OsPlatform = 'WINDOWS';
  let kind: EvidenceKind = pick(fileKinds);
  let path: string | null;
  if (r < 0.6) path = `${fill(pick(windowsFolders))}\\${pick(names)}`;
  else if (r < 0.7) path = fill(pick(hostileWindows));
  else if (r < 0.78) {
    osPlatform = 'LINUX';
    path = `${fill(pick(linuxFolders))}/${pick(names)}`;
  } else if (r < 0.84) {
    osPlatform = 'MACOS';
    path = `${fill(pick(macFolders))}/${pick(names)}`;
  } else if (r < 0.88) {
    osPlatform = pick(['LINUX', 'MACOS'] as const);
    path = fill(pick(hostilePosix));
  } else {
    // No path: registry keys, services without a binary, informational evidence.
    kind = pick(['REGISTRY_KEY', 'SERVICE', 'IP_ADDRESS', 'URL', 'USER'] as const);
    path = null;
  }
  return { automationLevel, verdict, osPlatform, evidence: { kind, path } };
}

const MIX_SIZE = 4096;
// Through JSON, as inputs arrive from the API or the database (flat strings, plain objects).
const inputs = JSON.parse(
  JSON.stringify(Array.from({ length: MIX_SIZE }, makeInput)),
) as PolicyInput[];

const clockName = process.env.BENCH_CLOCK === 'cpu' ? 'cpu' : 'wall';
/** Milliseconds: wall clock, or the CPU time this process used (user + system). */
function clock(): number {
  if (clockName === 'wall') return performance.now();
  const used = process.cpuUsage();
  return (used.user + used.system) / 1000;
}

let sink = 0;
function run(batch: ReadonlyArray<PolicyInput>, iterations: number): void {
  const mask = batch.length - 1;
  for (let i = 0; i < iterations; i++) {
    const evaluation = decideRemediation(batch[i & mask] as PolicyInput);
    sink += evaluation.explanation.length + evaluation.locationClasses.length;
  }
}

/** Decisions per second over `batch` (length a power of two): the median of `rounds` timed rounds. */
function measure(batch: ReadonlyArray<PolicyInput>, seconds: number, rounds: number): number {
  const step = 20_000;
  const warmUntil = clock() + 300;
  while (clock() < warmUntil) run(batch, step);
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let decisions = 0;
    const start = clock();
    const end = start + (seconds * 1000) / rounds;
    while (clock() < end) {
      run(batch, step);
      decisions += step;
    }
    rates.push(decisions / ((clock() - start) / 1000));
  }
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)] ?? 0;
}

/** A machine calibration: nanoseconds per character of a plain `charCodeAt` loop (a recent laptop: well under 1). */
function sumOfCodes(text: string): number {
  let x = 0;
  for (let i = 0; i < text.length; i++) x += text.charCodeAt(i);
  return x;
}
function calibrate(): number {
  const text = 'C:\\Users\\maria.garcia\\AppData\\Local\\Temp\\a.exe'.repeat(2000);
  for (let k = 0; k < 30; k++) sink += sumOfCodes(text) & 1;
  const start = performance.now();
  for (let k = 0; k < 100; k++) sink += sumOfCodes(text) & 1;
  return ((performance.now() - start) * 1e6) / (100 * text.length);
}

const format = (n: number): string => Math.round(n).toLocaleString('en-US');
const seconds = Number(process.env.BENCH_SECONDS ?? 2.5);

const perSecond = measure(inputs, seconds, 5);

const counts = new Map<string, number>();
for (const input of inputs) {
  const d = decideRemediation(input).decision;
  counts.set(d, (counts.get(d) ?? 0) + 1);
}

/** The same measure over one part of the mix, to show where the time goes. */
function part(filter: (input: PolicyInput) => boolean): number {
  const chosen = inputs.filter(filter);
  let size = 1;
  while (size * 2 <= chosen.length) size *= 2;
  return measure(chosen.slice(0, size), 0.6, 3);
}
const hostile = (input: PolicyInput): boolean => {
  const path = input.evidence.path;
  return typeof path === 'string' && decideRemediation(input).normalizedPath !== path;
};

console.log(
  `policy engine: ${format(perSecond)} decisions/second on one core (target >= 2,000,000; ${clockName} clock)`,
);
console.log(`  mix of ${MIX_SIZE} inputs: ${[...counts].map(([d, n]) => `${d} ${n}`).join(', ')}`);
console.log(`  parts of the mix (decisions/second):`);
console.log(
  `    plain paths, already normalised:     ${format(part((i) => typeof i.evidence.path === 'string' && !hostile(i)))}`,
);
console.log(`    paths that need normalising/refused: ${format(part(hostile))}`);
console.log(
  `    no path (registry, informational):   ${format(part((i) => typeof i.evidence.path !== 'string'))}`,
);
console.log(
  `  machine calibration: ${calibrate().toFixed(2)} ns per character of a plain charCodeAt loop (checksum ${sink % 1000})`,
);
