import {
  LOCATION_MATCHERS,
  type LocationMatcher,
  MAX_FOLDER_DEPTH,
  SegmentBuffer,
} from './location-matcher.js';
import type { ParsedLocation } from './windows-path.js';

/**
 * Reads a Linux or macOS path (after `path-text.ts`) into resolved segments and matches it
 * against the location table.
 *
 * - Only absolute paths are understood (`~`, `$HOME/…` and relative paths are not).
 * - Repeated `/`, `.` and `..` are resolved; `..` at `/` stays at `/` (as the kernel does).
 * - A backslash is an ordinary file-name character on Linux and macOS, but other tools read it
 *   as a separator, so an attacker can use it to make one path look like another. The engine
 *   reads the path both ways; when the two readings give different classes the path is not
 *   understood (and the decision falls to the safe side).
 * - macOS: `/System/Volumes/Data/…` is the data volume seen through its firmlink root, the same
 *   file as `/…`; it is classified as `/…`.
 */

const segments = new SegmentBuffer();
const MATCHERS = { LINUX: LOCATION_MATCHERS.LINUX, MACOS: LOCATION_MATCHERS.MACOS };
/** Enough segments for the deepest folder, also behind /System/Volumes/Data. */
const RECORDED_SEGMENTS = MAX_FOLDER_DEPTH + 4;

function segmentIs(path: string, i: number, lowerName: string): boolean {
  const start = segments.bounds[i * 2] as number;
  const end = segments.bounds[i * 2 + 1] as number;
  return end - start === lowerName.length && path.slice(start, end).toLowerCase() === lowerName;
}

/** The first segment to match: after `/System/Volumes/Data` on macOS, else the first. */
function firstMatchedSegment(path: string, macos: boolean): number {
  if (
    macos &&
    segments.count >= 3 &&
    segmentIs(path, 0, 'system') &&
    segmentIs(path, 1, 'volumes') &&
    segmentIs(path, 2, 'data')
  )
    return 3;
  return 0;
}

function classify(path: string, matcher: LocationMatcher, macos: boolean): number {
  return matcher.match(path, segments, firstMatchedSegment(path, macos));
}

/**
 * The location bits of a plain absolute path (no `//`, no `.`/`..` or hidden `/.x` segments, no
 * backslash, no trailing `/`, no control character or surrounding white space), or -1 when the
 * path needs the full treatment (which gives the same answer for plain paths).
 */
export function plainPosixPathBits(path: string, macos: boolean): number {
  const n = path.length;
  if (n < 2 || path.charCodeAt(0) !== 47) return -1;
  segments.count = 0;
  let start = 1;
  for (let i = 1; i < n; i++) {
    const c = path.charCodeAt(i);
    if (c < 32 || c === 127 || c === 92) return -1;
    if (i === start && (c === 47 || c === 46)) return -1; // an empty segment, or one starting with a dot
    if (c === 47) {
      if (segments.count < RECORDED_SEGMENTS) segments.push(start, i);
      start = i + 1;
    }
  }
  const last = path.charCodeAt(n - 1);
  if (start === n || last === 32 || last >= 128) return -1;
  if (segments.count < RECORDED_SEGMENTS) segments.push(start, n);
  return classify(path, macos ? MATCHERS.MACOS : MATCHERS.LINUX, macos);
}

/** Resolves the segments into `segments`; backslashes also separate when `backslashSeparates`. */
function resolve(path: string, backslashSeparates: boolean): { changed: boolean } | string {
  const n = path.length;
  segments.count = 0;
  let changed = false;
  let i = 1;
  while (i < n) {
    const start = i;
    for (; i < n; i++) {
      const c = path.charCodeAt(i);
      if (c === 47 || (backslashSeparates && c === 92)) break;
    }
    const end = i;
    i++;
    const length = end - start;
    if (length === 0 || (length === 1 && path.charCodeAt(start) === 46)) {
      changed = true;
      continue;
    }
    if (length === 2 && path.charCodeAt(start) === 46 && path.charCodeAt(start + 1) === 46) {
      // `..` at the root stays at the root, as the kernel resolves it (`/../etc` is `/etc`).
      if (segments.count > 0) segments.count--;
      changed = true;
      continue;
    }
    segments.push(start, end);
  }
  if (
    n > 1 &&
    (path.charCodeAt(n - 1) === 47 || (backslashSeparates && path.charCodeAt(n - 1) === 92))
  )
    changed = true; // a trailing separator
  return { changed };
}

export function parsePosixPath(
  input: string,
  alreadyChanged: boolean,
  macos: boolean,
): ParsedLocation {
  if (input.charCodeAt(0) !== 47 /* / */) {
    return {
      ok: false,
      reason: input.startsWith('~')
        ? 'it is relative to a home directory (~)'
        : 'it is a relative path (it does not start with /)',
    };
  }
  const matcher = macos ? MATCHERS.MACOS : MATCHERS.LINUX;
  const literal = resolve(input, false);
  if (typeof literal === 'string') return { ok: false, reason: literal };
  const normalizedPath =
    alreadyChanged || literal.changed ? `/${segments.join(input, '/')}` : input;
  const bits = classify(input, matcher, macos);
  if (input.includes('\\')) {
    const separated = resolve(input, true);
    if (typeof separated === 'string' || classify(input, matcher, macos) !== bits) {
      return {
        ok: false,
        normalizedPath,
        reason:
          'it contains backslashes, which are ordinary characters here but place the file elsewhere when read as separators',
      };
    }
  }
  return { ok: true, normalizedPath, bits };
}
