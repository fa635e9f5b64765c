import {
  CASE_SENSITIVE_PATHS,
  LINK_FOLDERS,
  LOCATION_FOLDERS,
  USER_SEGMENT,
} from './location-classes.js';
import type { LocationClass, OsPlatform } from './vocabulary.js';
import { WINDOWS_SHORT_NAMES } from './windows-path-aliases.js';

/**
 * Compiles the location table (`location-classes.ts`) once into a small tree of path segments
 * per platform, and matches normalised segments against it without allocating.
 */

export const OS_DIRECTORY_BIT = 1;
export const TEMP_FOLDER_BIT = 2;
/** An 8.3 short name that may stand for a folder of the table, but not one the engine resolves. */
export const AMBIGUOUS_SHORT_NAME_BIT = 4;
/** A folder of links (`/proc`, `/dev/fd`): the real location is elsewhere. */
export const LINK_FOLDER_BIT = 8;

interface Child {
  /** The folder name, lower-case when the platform compares case-insensitively. */
  readonly key: string;
  /** Its character codes. */
  readonly codes: Uint16Array;
  /**
   * Case-insensitive comparison by `code | 32`: exact for ASCII letters, and for the other
   * characters of the key when they lie in 32–63 (their only other match, code − 32, is a control
   * character, which never reaches the matcher). Otherwise the key is compared exactly.
   */
  readonly foldByOr32: boolean;
  readonly node: Node;
}

interface Node {
  bits: number;
  readonly children: Child[];
  wildcard: Node | null;
  /** Windows only: resolvable short name → child key. */
  shortNames: Map<string, string> | null;
  /** Windows only: what a generated short name of a child would start with (see `mayBeShortNameOf`). */
  shortNamePrefixes: ShortNameStem[] | null;
}

/**
 * The stems of the 8.3 short names Windows may generate for a long name: `PROGRA~N` (the first
 * six characters of the name without spaces and dots), or, after a few collisions, two
 * characters and four hexadecimal digits of a hash (`PR4F2A~1`).
 */
interface ShortNameStem {
  readonly six: string;
  readonly two: string;
}

const HEX4 = /^[0-9a-f]{4}$/;

/** Whether a short-name segment (lower case, `base~N.ext`) may stand for the long name of `stem`. */
function mayBeShortNameOf(key: string, stem: ShortNameStem): boolean {
  const base = key.slice(0, key.indexOf('~'));
  return (
    base === stem.six ||
    (base.length === 6 && base.startsWith(stem.two) && HEX4.test(base.slice(2)))
  );
}

export interface LocationMatcher {
  readonly caseSensitive: boolean;
  /**
   * OR of the *_BIT flags of every table folder a normalised path lies in (0: none). The path's
   * segments after its root are `path.slice(bounds[2i], bounds[2i + 1])` for `first <= i < count`
   * (no empty, `.` or `..` segments). Compares in place: no allocation unless a segment looks
   * like an 8.3 short name.
   */
  match(path: string, segments: SegmentBuffer, first: number): number;
}

/**
 * Start and end offsets of a path's segments, reused from call to call (the engine is
 * synchronous, so one buffer per parser is enough); grows for paths with many segments.
 */
export class SegmentBuffer {
  bounds = new Int32Array(32);
  count = 0;

  push(start: number, end: number): void {
    const at = this.count * 2;
    if (at + 2 > this.bounds.length) {
      const bigger = new Int32Array(this.bounds.length * 2);
      bigger.set(this.bounds);
      this.bounds = bigger;
    }
    this.bounds[at] = start;
    this.bounds[at + 1] = end;
    this.count++;
  }

  /** The text of the segments first..count-1 joined by `separator`. */
  join(path: string, separator: string, first = 0): string {
    let out = '';
    for (let i = first; i < this.count; i++) {
      const piece = path.slice(this.bounds[i * 2], this.bounds[i * 2 + 1]);
      out = i === first ? piece : out + separator + piece;
    }
    return out;
  }
}

const newNode = (): Node => ({
  bits: 0,
  children: [],
  wildcard: null,
  shortNames: null,
  shortNamePrefixes: null,
});

/** A Windows long name that is already a valid 8.3 name gets no distinct short name. */
function isValid83Name(name: string): boolean {
  if (/[\s+,;=[\]]/.test(name)) return false;
  const parts = name.split('.');
  if (parts.length > 2) return false;
  const [base = '', ext = ''] = parts;
  return base.length >= 1 && base.length <= 8 && ext.length <= 3;
}

function addFolder(
  root: Node,
  folder: string,
  bit: number,
  separator: string,
  caseSensitive: boolean,
  shortNames: boolean,
): void {
  const segments = folder.split(separator).filter((s) => s !== '');
  if (segments.length === 0 || segments[0] === USER_SEGMENT) {
    throw new Error(`location table: bad folder ${folder}`);
  }
  let node = root;
  for (const segment of segments) {
    if (segment === USER_SEGMENT) {
      node.wildcard ??= newNode();
      node = node.wildcard;
      continue;
    }
    const key = caseSensitive ? segment : segment.toLowerCase();
    let child = node.children.find((c) => c.key === key)?.node;
    if (child === undefined) {
      child = newNode();
      const codes = Uint16Array.from(key, (ch) => ch.charCodeAt(0));
      const foldByOr32 =
        !caseSensitive && codes.every((c) => (c >= 97 && c <= 122) || (c >= 32 && c <= 63));
      node.children.push({ key, codes, foldByOr32, node: child });
      if (shortNames && !isValid83Name(key)) {
        const squeezed = key.replace(/[\s.]/g, '');
        node.shortNamePrefixes ??= [];
        node.shortNamePrefixes.push({
          six: squeezed.slice(0, 6),
          two: squeezed.slice(0, 2),
        });
        for (const shortName of WINDOWS_SHORT_NAMES[key] ?? []) {
          node.shortNames ??= new Map();
          node.shortNames.set(shortName, key);
        }
      }
    }
    node = child;
  }
  node.bits |= bit;
}

function isShortName(key: string): boolean {
  const tilde = key.indexOf('~');
  if (tilde < 1) return false;
  const next = key.charCodeAt(tilde + 1);
  return next >= 48 && next <= 57;
}

function hasTilde(path: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (path.charCodeAt(i) === 126) return true;
  return false;
}

/** path[start, start + child.key.length) equals the child's name, folding case when the platform does. */
function segmentEquals(path: string, start: number, child: Child, caseSensitive: boolean): boolean {
  const codes = child.codes;
  const n = codes.length;
  if (caseSensitive) {
    for (let j = 0; j < n; j++) if (path.charCodeAt(start + j) !== codes[j]) return false;
  } else if (child.foldByOr32) {
    for (let j = 0; j < n; j++) if ((path.charCodeAt(start + j) | 32) !== codes[j]) return false;
  } else {
    for (let j = 0; j < n; j++) {
      const c = path.charCodeAt(start + j);
      const k = codes[j] as number;
      if (c !== k && (k < 97 || k > 122 || c !== k - 32)) return false;
    }
  }
  return true;
}

/**
 * Follows the segments down the tree, OR-ing the bits of every folder reached. Iterative along
 * the single branch the tables have at each level; a node with both named children and a
 * `<user>` wildcard (not in the current tables, but allowed) explores the wildcard recursively.
 */
function walk(
  from: Node,
  path: string,
  segments: SegmentBuffer,
  first: number,
  caseSensitive: boolean,
): number {
  const bounds = segments.bounds;
  const count = segments.count;
  let bits = 0;
  let node = from;
  for (let i = first; i < count; i++) {
    const start = bounds[i * 2] as number;
    const end = bounds[i * 2 + 1] as number;
    const length = end - start;
    const children = node.children;
    let child: Node | null = null;
    for (let c = 0; c < children.length; c++) {
      const candidate = children[c] as Child;
      if (
        candidate.codes.length === length &&
        segmentEquals(path, start, candidate, caseSensitive)
      ) {
        child = candidate.node;
        break;
      }
    }
    if (child === null && node.shortNamePrefixes !== null && hasTilde(path, start, end)) {
      const key = path.slice(start, end).toLowerCase();
      if (isShortName(key)) {
        const longName = node.shortNames?.get(key);
        if (longName !== undefined) child = children.find((c) => c.key === longName)?.node ?? null;
        else if (node.shortNamePrefixes.some((stem) => mayBeShortNameOf(key, stem)))
          return bits | AMBIGUOUS_SHORT_NAME_BIT;
      }
    }
    const wildcard = node.wildcard;
    if (child !== null) {
      if (wildcard !== null)
        bits |= wildcard.bits | walk(wildcard, path, segments, i + 1, caseSensitive);
      node = child;
    } else if (wildcard !== null) {
      node = wildcard;
    } else {
      return bits;
    }
    bits |= node.bits;
  }
  return bits;
}

function compile(platform: OsPlatform): LocationMatcher {
  const caseSensitive = CASE_SENSITIVE_PATHS[platform];
  const separator = platform === 'WINDOWS' ? '\\' : '/';
  const shortNames = platform === 'WINDOWS';
  const root = newNode();
  const table = LOCATION_FOLDERS[platform];
  for (const folder of table.osDirectories)
    addFolder(root, folder, OS_DIRECTORY_BIT, separator, caseSensitive, shortNames);
  for (const folder of table.tempFolders)
    addFolder(root, folder, TEMP_FOLDER_BIT, separator, caseSensitive, shortNames);
  for (const folder of LINK_FOLDERS[platform])
    addFolder(root, folder, LINK_FOLDER_BIT, separator, caseSensitive, shortNames);
  return {
    caseSensitive,
    match: (path, segments, first) => walk(root, path, segments, first, caseSensitive),
  };
}

/** The most segments any table folder has (the matcher never looks deeper). */
export const MAX_FOLDER_DEPTH = Math.max(
  ...Object.values(LOCATION_FOLDERS).flatMap((t) =>
    [...t.osDirectories, ...t.tempFolders].map(
      (f) => f.split(/[\\/]/).filter((x) => x !== '').length,
    ),
  ),
);

export const LOCATION_MATCHERS: Readonly<Record<OsPlatform, LocationMatcher>> = {
  WINDOWS: compile('WINDOWS'),
  LINUX: compile('LINUX'),
  MACOS: compile('MACOS'),
};

/** Shared, frozen class lists (callers must not mutate them; copy if needed). */
export const CLASSES_OTHER: ReadonlyArray<LocationClass> = Object.freeze([
  'OTHER',
] as LocationClass[]);
export const CLASSES_OS: ReadonlyArray<LocationClass> = Object.freeze([
  'OS_DIRECTORY',
] as LocationClass[]);
export const CLASSES_TEMP: ReadonlyArray<LocationClass> = Object.freeze([
  'TEMP_FOLDER',
] as LocationClass[]);
export const CLASSES_OS_AND_TEMP: ReadonlyArray<LocationClass> = Object.freeze([
  'OS_DIRECTORY',
  'TEMP_FOLDER',
] as LocationClass[]);
export const CLASSES_NONE: ReadonlyArray<LocationClass> = Object.freeze([
  'NONE',
] as LocationClass[]);
/** No class could be established: the path was not understood. */
export const CLASSES_UNKNOWN: ReadonlyArray<LocationClass> = Object.freeze([] as LocationClass[]);

const BY_BITS: ReadonlyArray<ReadonlyArray<LocationClass>> = [
  CLASSES_OTHER,
  CLASSES_OS,
  CLASSES_TEMP,
  CLASSES_OS_AND_TEMP,
];

export function classesFromBits(bits: number): ReadonlyArray<LocationClass> {
  return BY_BITS[bits & (OS_DIRECTORY_BIT | TEMP_FOLDER_BIT)] ?? CLASSES_OTHER;
}
