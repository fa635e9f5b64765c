import {
  AMBIGUOUS_SHORT_NAME_BIT,
  CLASSES_NONE,
  CLASSES_UNKNOWN,
  classesFromBits,
  LINK_FOLDER_BIT,
} from './location-matcher.js';
import { preparePathText } from './path-text.js';
import { parsePosixPath, plainPosixPathBits } from './posix-path.js';
import type { LocationClass, OsPlatform } from './vocabulary.js';
import { type ParsedLocation, parseWindowsPath, plainWindowsPathBits } from './windows-path.js';

/**
 * Where a file path lies, as the policy engine sees it (SPEC §2.2).
 *
 * - `classes`: every class that applies, in the order OS_DIRECTORY, TEMP_FOLDER
 *   (`['OS_DIRECTORY', 'TEMP_FOLDER']` for `C:\Windows\Temp\x.exe`); `['OTHER']` when the path is
 *   in none of the table's folders; `['NONE']` when there is no path; **empty** when the path
 *   could not be understood (no location fact could be established). The arrays are shared and
 *   frozen: copy before changing.
 * - `normalizedPath`: the path as the engine read it (separators, `.`/`..`, environment
 *   variables, prefixes resolved; `<user>` where a variable stood for a user's folder); null when
 *   there is no path or it could not be read (a path that was read but whose location stays
 *   uncertain — an ambiguous 8.3 name, a /proc link, a backslash on Linux — keeps it).
 * - `understood`: false when the engine could not establish where the file lies; `reason` then
 *   says why in a phrase ("it is a relative path (no drive and no root)").
 */
export interface PathClassification {
  readonly classes: ReadonlyArray<LocationClass>;
  readonly normalizedPath: string | null;
  readonly understood: boolean;
  readonly reason?: string;
}

export const NO_PATH_CLASSIFICATION: PathClassification = Object.freeze({
  classes: CLASSES_NONE,
  normalizedPath: null,
  understood: true,
});

function notUnderstood(reason: string, normalizedPath: string | null = null): PathClassification {
  return { classes: CLASSES_UNKNOWN, normalizedPath, understood: false, reason };
}

/**
 * Classifies an attacker-influenced path on the device's platform. Never throws for any string
 * (an unknown platform is a programming error and throws a TypeError).
 */
export function classifyPath(
  path: string | null | undefined,
  platform: OsPlatform,
): PathClassification {
  const windows = platform === 'WINDOWS';
  if (!windows && platform !== 'LINUX' && platform !== 'MACOS')
    throw new TypeError(`unknown OS platform: ${String(platform)}`);
  if (path === null || path === undefined || path === '') return NO_PATH_CLASSIFICATION;
  if (typeof path !== 'string') return notUnderstood('the path is not text');
  // Fast path: a plain path is already normalised and is matched in place.
  const plainBits = windows
    ? plainWindowsPathBits(path)
    : plainPosixPathBits(path, platform === 'MACOS');
  if (plainBits >= 0) return fromBits(plainBits, path);
  const prepared = preparePathText(path, !windows);
  if (!prepared.ok) return notUnderstood(prepared.reason);
  const parsed: ParsedLocation = windows
    ? parseWindowsPath(prepared.text, prepared.changed)
    : parsePosixPath(prepared.text, prepared.changed, platform === 'MACOS');
  if (!parsed.ok) return notUnderstood(parsed.reason, parsed.normalizedPath ?? null);
  return fromBits(parsed.bits, parsed.normalizedPath);
}

function fromBits(bits: number, normalizedPath: string): PathClassification {
  if (bits & AMBIGUOUS_SHORT_NAME_BIT) {
    return notUnderstood(
      'it uses an 8.3 short name that may stand for a well-known folder',
      normalizedPath,
    );
  }
  if (bits & LINK_FOLDER_BIT) {
    return notUnderstood(
      'it goes through a folder of links (such as /proc), so the file may lie anywhere',
      normalizedPath,
    );
  }
  return { classes: classesFromBits(bits), normalizedPath, understood: true };
}
