import { USER_SEGMENT } from './location-classes.js';

/**
 * Windows names that stand for well-known folders, as data: environment variables and 8.3
 * short names. Used by `windows-path.ts` to normalise a path before it is classified.
 */

const USER_HOME = `C:\\Users\\${USER_SEGMENT}`;

/**
 * Environment variables the engine expands (names compare case-insensitively). Values are the
 * Windows defaults; the system drive is written `C:`, which does not change any class because
 * the location table applies on every drive. Per-user folders expand under `C:\Users\<user>`.
 * `%TEMP%`/`%TMP%` expand to the user's temporary folder (for services running as SYSTEM it is
 * `C:\Windows\Temp`, which is a temporary folder too). Any other variable is unknown: its value
 * could be anything, so a path using it is not understood.
 */
export const WINDOWS_ENVIRONMENT: Readonly<Record<string, string>> = {
  systemroot: 'C:\\Windows',
  windir: 'C:\\Windows',
  systemdrive: 'C:',
  homedrive: 'C:',
  programfiles: 'C:\\Program Files',
  programw6432: 'C:\\Program Files',
  'programfiles(x86)': 'C:\\Program Files (x86)',
  commonprogramfiles: 'C:\\Program Files\\Common Files',
  commonprogramw6432: 'C:\\Program Files\\Common Files',
  'commonprogramfiles(x86)': 'C:\\Program Files (x86)\\Common Files',
  programdata: 'C:\\ProgramData',
  allusersprofile: 'C:\\ProgramData',
  public: 'C:\\Users\\Public',
  userprofile: USER_HOME,
  homepath: `\\Users\\${USER_SEGMENT}`,
  appdata: `${USER_HOME}\\AppData\\Roaming`,
  localappdata: `${USER_HOME}\\AppData\\Local`,
  temp: `${USER_HOME}\\AppData\\Local\\Temp`,
  tmp: `${USER_HOME}\\AppData\\Local\\Temp`,
};

/**
 * 8.3 short names the engine resolves, keyed by the (lower-case) long folder name of the
 * location table. Only folders whose long name is not a valid 8.3 name have a short name
 * (`Windows`, `Users`, `AppData`, `Local`, `Temp` do not). The numbering of short names depends
 * on creation order, so only the conventional ones are resolved; any other short name that could
 * stand for a folder of the table (same first two letters, e.g. `PROGRA~3`, `PR4F2A~1`,
 * `DOWNLO~2`) makes the path not understood. `PROGRA~2` is `Program Files (x86)` on 64-bit
 * Windows (on 32-bit Windows it can be `ProgramData`; reading it as an OS directory errs to
 * approval).
 */
export const WINDOWS_SHORT_NAMES: Readonly<Record<string, ReadonlyArray<string>>> = {
  'program files': ['progra~1'],
  'program files (x86)': ['progra~2'],
  downloads: ['downlo~1'],
};

/**
 * NT-namespace roots seen in kernel and registry paths, rewritten to the Win32 form before
 * classification (case-insensitive prefixes, backslashes only).
 * `\SystemRoot\` is the kernel's name for `%SystemRoot%` (driver image paths);
 * `\Device\HarddiskVolumeN\` is a volume root (treated like a drive: the table applies on every
 * drive); `\Device\Mup\server\share` is a UNC path.
 */
export const NT_SYSTEMROOT_PREFIX = '\\systemroot\\';
export const NT_VOLUME_PREFIX = '\\device\\harddiskvolume';
export const NT_MUP_PREFIX = '\\device\\mup\\';
export const NT_DEVICE_PREFIX = '\\device\\';

/** The administrative share of the system root: `\\host\ADMIN$\…` is `C:\Windows\…` of that host. */
export const ADMIN_SHARE = 'admin$';
