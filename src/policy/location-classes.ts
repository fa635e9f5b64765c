import type { OsPlatform } from './vocabulary.js';

/**
 * THE location table (SPEC §2.2): which folders are operating-system directories and which are
 * temporary folders, per OS platform (the platform is the device's). This is the only place
 * these lists live; `classify-path.ts` compiles it once at load time.
 *
 * Notation:
 * - Windows entries are written without a drive: they apply on whatever drive (or volume, or
 *   administrative share) the path names, so `\Windows` covers `C:\Windows`, `D:\Windows`, ….
 * - `<user>` stands for any single path segment (any user name).
 * - A folder covers itself and everything below it, on segment boundaries only
 *   (`C:\WindowsApps2\x` is not under `C:\Windows`).
 * - Matching is case-insensitive on Windows and macOS (APFS is case-insensitive by default),
 *   case-sensitive on Linux.
 * - A path may be in several folders at once (`C:\Windows\Temp\x.exe` is in an OS directory and
 *   in a temporary folder); the engine reports every class that applies.
 */
export interface LocationFolders {
  readonly osDirectories: ReadonlyArray<string>;
  readonly tempFolders: ReadonlyArray<string>;
}

/** The placeholder segment meaning "any user name". */
export const USER_SEGMENT = '<user>';

export const LOCATION_FOLDERS: Readonly<Record<OsPlatform, LocationFolders>> = {
  WINDOWS: {
    osDirectories: [
      '\\Windows', // %SystemRoot%, %windir%
      '\\Program Files', // %ProgramFiles%, %ProgramW6432%
      '\\Program Files (x86)', // %ProgramFiles(x86)%
    ],
    tempFolders: [
      '\\Users\\<user>\\Downloads',
      '\\Users\\<user>\\AppData\\Local\\Temp', // %TEMP%, %TMP% of a user
      '\\Windows\\Temp', // %TEMP% of services running as SYSTEM
    ],
  },
  LINUX: {
    osDirectories: ['/bin', '/sbin', '/usr', '/lib', '/lib32', '/lib64', '/etc', '/boot', '/opt'],
    tempFolders: ['/tmp', '/var/tmp', '/dev/shm', '/home/<user>/Downloads'],
  },
  MACOS: {
    osDirectories: [
      '/System',
      '/bin',
      '/sbin',
      '/usr',
      '/Library',
      '/Applications',
      '/private/etc',
      '/etc', // symlink to /private/etc
    ],
    tempFolders: [
      '/tmp', // symlink to /private/tmp
      '/private/tmp',
      '/private/var/folders',
      '/var/folders', // /var is a symlink to /private/var
      '/Users/<user>/Downloads',
    ],
  },
};

/**
 * Folders whose entries are links to other places of the file system (`/proc/<pid>/root/…`,
 * `/proc/<pid>/cwd/…`, `/dev/fd/<n>`): a path through them says nothing reliable about where
 * the file lies, so the engine reports it as not understood (and decides to the safe side).
 */
export const LINK_FOLDERS: Readonly<Record<OsPlatform, ReadonlyArray<string>>> = {
  WINDOWS: [],
  LINUX: ['/proc', '/dev/fd'],
  MACOS: ['/dev/fd'],
};

/** Whether folder names compare case-sensitively on the platform. */
export const CASE_SENSITIVE_PATHS: Readonly<Record<OsPlatform, boolean>> = {
  WINDOWS: false,
  LINUX: true,
  MACOS: false,
};
