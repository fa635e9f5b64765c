import { LOCATION_MATCHERS, MAX_FOLDER_DEPTH, SegmentBuffer } from './location-matcher.js';
import {
  ADMIN_SHARE,
  NT_DEVICE_PREFIX,
  NT_MUP_PREFIX,
  NT_SYSTEMROOT_PREFIX,
  NT_VOLUME_PREFIX,
  WINDOWS_ENVIRONMENT,
} from './windows-path-aliases.js';

/**
 * Reads a Windows path (after `path-text.ts`) into a root and resolved segments, and matches it
 * against the location table. See README.md for every normalisation rule.
 *
 * Segments are kept as offsets into the text (`SegmentBuffer`), not as strings: the engine makes
 * millions of decisions per second and a path is only rebuilt when normalisation changed it.
 */

export type ParsedLocation =
  | { ok: true; normalizedPath: string; bits: number }
  | { ok: false; reason: string; normalizedPath?: string };

const fail = (reason: string): ParsedLocation => ({ ok: false, reason });

const ENVIRONMENT = new Map(Object.entries(WINDOWS_ENVIRONMENT));
const ILLEGAL_CHARACTERS = /[<>"|?*]/;
const matcher = LOCATION_MATCHERS.WINDOWS;
const segments = new SegmentBuffer();

function isLetterCode(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** `C:` at the start. */
function startsWithDrive(t: string): boolean {
  return t.length >= 2 && t.charCodeAt(1) === 58 && isLetterCode(t.charCodeAt(0));
}

// ------------------------------------------------------------------------------------------
// Fast path: a "plain" path (`X:\a\b\c.exe`: upper-case drive, single backslashes, no `.`/`..`,
// no trailing dots or spaces, nothing to expand, decode or resolve) is already normalised.
const PLAIN_REJECT = 1; // must take the full path: control characters, / % " * : < > ? | and DEL
const PLAIN_SEPARATOR = 2;
const PLAIN_CHARS = new Uint8Array(128);
for (let c = 0; c < 32; c++) PLAIN_CHARS[c] = PLAIN_REJECT;
for (const ch of '/%"*:<>?|\x7f') PLAIN_CHARS[ch.charCodeAt(0)] = PLAIN_REJECT;
PLAIN_CHARS[92] = PLAIN_SEPARATOR;
const RECORDED_SEGMENTS = MAX_FOLDER_DEPTH + 1;

/**
 * The location bits of a plain drive path, or -1 when the path needs the full treatment
 * (`preparePathText` then `parseWindowsPath`), which gives the same answer for plain paths.
 */
export function plainWindowsPathBits(path: string): number {
  const n = path.length;
  const drive = path.charCodeAt(0);
  if (n < 4 || path.charCodeAt(1) !== 58 || path.charCodeAt(2) !== 92 || drive < 65 || drive > 90)
    return -1;
  segments.count = 0;
  let start = 3;
  for (let i = 3; i < n; i++) {
    const c = path.charCodeAt(i);
    if (c >= 128) continue;
    const kind = PLAIN_CHARS[c];
    if (kind === 0) continue;
    if (kind === PLAIN_REJECT) return -1;
    // A separator: the segment before it must be non-empty and not end with a dot or a space.
    const last = path.charCodeAt(i - 1);
    if (i === start || last === 46 || last === 32) return -1;
    if (segments.count < RECORDED_SEGMENTS) segments.push(start, i);
    start = i + 1;
  }
  // A trailing separator, dot or space (or a non-ASCII character, which may be white space to trim).
  const last = path.charCodeAt(n - 1);
  if (start === n || last === 46 || last === 32 || last >= 128) return -1;
  if (segments.count < RECORDED_SEGMENTS) segments.push(start, n);
  return matcher.match(path, segments, 0);
}

// ------------------------------------------------------------------------------------------
// Full path.

function expandEnvironment(t: string): { ok: true; text: string } | { ok: false; reason: string } {
  let out = '';
  let from = 0;
  for (;;) {
    const open = t.indexOf('%', from);
    const close = open < 0 ? -1 : t.indexOf('%', open + 1);
    if (close < 0) return { ok: true, text: out + t.slice(from) }; // a lone % is an ordinary character
    const name = t.slice(open + 1, close);
    const value = ENVIRONMENT.get(name.toLowerCase());
    if (value === undefined) {
      return {
        ok: false,
        reason: `it uses the environment variable %${name}%, whose value the engine does not know`,
      };
    }
    out += t.slice(from, open) + value;
    from = close + 1;
  }
}

interface Root {
  /** How the root is written in the normalised path ('' for a rooted path without a drive). */
  readonly display: string;
  /** The text whose segments follow the root, from `start`. */
  readonly text: string;
  readonly start: number;
  /** False for a share of another kind than a drive's: nothing below it is in the table. */
  readonly matchable: boolean;
  /**
   * Segments of `text` that belong to the root itself, which `..` cannot leave (`Windows` of
   * `\\host\ADMIN$`, whose share root is that folder); 0 for the other roots.
   */
  readonly floor: number;
}

function uncRoot(t: string): Root | string {
  // t starts with \\ : \\server\share\rest
  const serverEnd = t.indexOf('\\', 2);
  if (serverEnd < 0 || serverEnd === 2) return 'it is a UNC path without a share';
  const shareEnd = t.indexOf('\\', serverEnd + 1);
  const server = t.slice(2, serverEnd);
  const share = shareEnd < 0 ? t.slice(serverEnd + 1) : t.slice(serverEnd + 1, shareEnd);
  const restStart = shareEnd < 0 ? t.length : shareEnd + 1;
  if (share === '') return 'it is a UNC path without a share';
  if (share.toLowerCase() === ADMIN_SHARE) {
    // \\host\ADMIN$\x is %SystemRoot%\x of that host.
    return {
      display: `\\\\${server}\\C$`,
      text: `Windows\\${t.slice(restStart)}`,
      start: 0,
      matchable: true,
      floor: 1,
    };
  }
  const isDriveShare =
    share.length === 2 && share.charCodeAt(1) === 36 /* $ */ && isLetterCode(share.charCodeAt(0));
  const display = isDriveShare
    ? `\\\\${server}\\${share.toUpperCase()}`
    : `\\\\${server}\\${share}`;
  return { display, text: t, start: restStart, matchable: isDriveShare, floor: 0 };
}

/** `\\?\Volume{guid}\…` or `\Device\HarddiskVolumeN\…`: a volume root, treated like a drive. */
function volumeRoot(t: string, prefixLength: number, name: RegExp): Root | string {
  const end = t.indexOf('\\', prefixLength);
  const display = end < 0 ? t : t.slice(0, end);
  if (!name.test(display.slice(prefixLength)))
    return 'it names a volume the engine does not recognise';
  return { display, text: t, start: end < 0 ? t.length : end + 1, matchable: true, floor: 0 };
}

const VOLUME_GUID = /^[0-9a-f-]+\}$/i;
const VOLUME_NUMBER = /^[0-9]+$/;

function driveRoot(t: string): Root | string {
  if (t.length === 2 || t.charCodeAt(2) !== 92 /* \ */)
    return 'it is relative to the current directory of a drive';
  return {
    display: `${(t[0] ?? '').toUpperCase()}:`,
    text: t,
    start: 3,
    matchable: true,
    floor: 0,
  };
}

/** Roots after the device prefixes `\\?\`, `\\.\`, `\??\`. */
function devicePathRoot(t: string): Root | string {
  if (startsWithDrive(t)) return driveRoot(t);
  const lower = t.slice(0, 11).toLowerCase();
  if (lower.startsWith('unc\\')) return uncRoot(`\\\\${t.slice(4)}`);
  if (lower.startsWith('volume{')) return volumeRoot(t, 7, VOLUME_GUID);
  if (lower.startsWith('globalroot\\')) return ntRoot(t.slice(10));
  return 'it is a device path, not a file on a drive or a share';
}

/** Rooted paths: NT namespace names, or a path from the root of the current drive. */
function ntRoot(t: string): Root | string {
  const lower = t.slice(0, 24).toLowerCase();
  if (lower.startsWith(NT_SYSTEMROOT_PREFIX) || lower === NT_SYSTEMROOT_PREFIX.slice(0, -1)) {
    return {
      display: 'C:',
      text: `Windows\\${t.slice(NT_SYSTEMROOT_PREFIX.length)}`,
      start: 0,
      matchable: true,
      // Read like %SystemRoot% (the link's target, C:\Windows): `..` leaves it for C:\.
      floor: 0,
    };
  }
  if (lower.startsWith(NT_VOLUME_PREFIX))
    return volumeRoot(t, NT_VOLUME_PREFIX.length, VOLUME_NUMBER);
  if (lower.startsWith(NT_MUP_PREFIX)) return uncRoot(`\\\\${t.slice(NT_MUP_PREFIX.length)}`);
  if (lower.startsWith(NT_DEVICE_PREFIX))
    return 'it names a device, not a file on a drive or a share';
  // \Windows\x: the root of the current drive. The table applies on every drive, so it is understood.
  return { display: '', text: t, start: 1, matchable: true, floor: 0 };
}

/** The path's root, after separators, device prefixes and environment variables are read. */
function readRoot(input: string): { root: Root; changed: boolean } | string {
  let changed = false;
  let t = input;
  if (t.includes('/')) {
    t = t.replaceAll('/', '\\');
    changed = true;
  }
  let devicePrefix = false;
  if (
    t.charCodeAt(0) === 92 &&
    (t.startsWith('\\\\?\\') || t.startsWith('\\\\.\\') || t.startsWith('\\??\\'))
  ) {
    t = t.slice(4);
    devicePrefix = true;
    changed = true;
  }
  if (ILLEGAL_CHARACTERS.test(t))
    return 'it contains a character Windows does not allow in paths (< > " | ? *)';
  if (t.includes('%')) {
    const expanded = expandEnvironment(t);
    if (!expanded.ok) return expanded.reason;
    t = expanded.text;
    changed = true;
  }
  let root: Root | string;
  if (devicePrefix) root = devicePathRoot(t);
  else if (startsWithDrive(t)) root = driveRoot(t);
  else if (t.startsWith('\\\\')) root = uncRoot(t);
  else if (t.charCodeAt(0) === 92) root = ntRoot(t);
  else root = 'it is a relative path (no drive and no root)';
  if (typeof root === 'string') return root;
  if (root.text !== t || (root.display !== '' && !t.startsWith(root.display))) changed = true;
  return { root, changed };
}

/**
 * Resolves the segments after the root into `segments`: empty ones (repeated separators), `.`
 * and `..` (at the root it stays there, as on a real file system: `C:\..\Windows` is
 * `C:\Windows`), trailing dots and spaces (Windows strips them), `name:stream` (only in the last
 * segment). `streamEnd`: where the last segment's name ends before `:stream` (-1: no stream).
 */
function resolveSegments(root: Root): { changed: boolean; streamEnd: number } | string {
  const text = root.text;
  const n = text.length;
  segments.count = 0;
  let changed = n > root.start && text.charCodeAt(n - 1) === 92; // a trailing separator
  let streamEnd = -1;
  let i = root.start;
  while (i < n) {
    const start = i;
    let colon = -1;
    let significantEnd = start; // end after stripping trailing dots and spaces
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === 92) break;
      if (c === 58 && colon < 0) colon = i;
      if (c !== 46 && c !== 32) significantEnd = i + 1;
    }
    const end = i;
    i++; // past the separator
    if (end === start || significantEnd === start) {
      changed = true; // a repeated separator, `.` or `..`
      if (end === start) continue;
      const dots = dotSegment(text, start, end);
      if (dots === 0)
        return `it has a segment made only of dots and spaces ("${text.slice(start, end)}")`;
      if (dots === 2 && segments.count > root.floor) segments.count--;
      continue;
    }
    if (significantEnd !== end) changed = true;
    if (colon >= 0) {
      if (!onlySeparatorsFrom(text, i))
        return 'a folder name contains ":" (an alternate data stream of a folder, or a drive in the middle of the path)';
      // file:stream — an alternate data stream lies where its file (or folder) lies.
      streamEnd = colon;
      while (streamEnd > start && isDotOrSpace(text.charCodeAt(streamEnd - 1))) streamEnd--;
    }
    segments.push(start, significantEnd);
  }
  return { changed, streamEnd };
}

const isDotOrSpace = (c: number): boolean => c === 46 || c === 32;

/** A segment of dots and spaces: 1 for `.`, 2 for `..` (trailing spaces allowed), 0 for anything else. */
function dotSegment(text: string, start: number, end: number): 0 | 1 | 2 {
  let dotsEnd = end;
  while (text.charCodeAt(dotsEnd - 1) === 32) dotsEnd--;
  if (dotsEnd - start === 1) return 1;
  if (dotsEnd - start === 2 && text.charCodeAt(start + 1) === 46) return 2;
  return 0;
}

function onlySeparatorsFrom(text: string, from: number): boolean {
  for (let j = from; j < text.length; j++) if (text.charCodeAt(j) !== 92) return false;
  return true;
}

export function parseWindowsPath(input: string, alreadyChanged: boolean): ParsedLocation {
  const read = readRoot(input);
  if (typeof read === 'string') return fail(read);
  const { root } = read;
  const resolved = resolveSegments(root);
  if (typeof resolved === 'string') return fail(resolved);
  const changed = alreadyChanged || read.changed || resolved.changed;
  const text = root.text;
  const normalizedPath = changed ? `${root.display}\\${segments.join(text, '\\')}` : input;
  if (!root.matchable) return { ok: true, normalizedPath, bits: 0 };
  const streamEnd = resolved.streamEnd;
  if (streamEnd >= 0) {
    const last = segments.count - 1;
    if (streamEnd === segments.bounds[last * 2]) segments.count--;
    else segments.bounds[last * 2 + 1] = streamEnd;
  }
  return { ok: true, normalizedPath, bits: matcher.match(text, segments, 0) };
}
