import { describe, expect, it } from 'vitest';
import { classifyPath } from '../../src/policy/classify-path.js';
import type { LocationClass, OsPlatform } from '../../src/policy/vocabulary.js';

const OS: LocationClass[] = ['OS_DIRECTORY'];
const TEMP: LocationClass[] = ['TEMP_FOLDER'];
const BOTH: LocationClass[] = ['OS_DIRECTORY', 'TEMP_FOLDER'];
const OTHER: LocationClass[] = ['OTHER'];
/** Not understood: no class, and a reason. */
const NOT_UNDERSTOOD = 'not understood' as const;

type Case = [
  path: string,
  expected: LocationClass[] | typeof NOT_UNDERSTOOD,
  normalizedPath?: string,
];

const WINDOWS: Case[] = [
  // The table
  ['C:\\Windows\\System32\\evil.dll', OS],
  ['C:\\Windows\\Temp\\x.exe', BOTH],
  ['C:\\Program Files\\Vendor\\x.exe', OS],
  ['C:\\Program Files (x86)\\Vendor\\x.exe', OS],
  ['C:\\Users\\bob\\Downloads\\x.exe', TEMP],
  ['C:\\Users\\bob\\AppData\\Local\\Temp\\x.exe', TEMP],
  ['C:\\Users\\bob\\AppData\\Local\\Temp\\sub\\dir\\x.exe', TEMP],
  ['C:\\Users\\bob\\AppData\\Roaming\\x.exe', OTHER],
  ['C:\\Users\\bob\\Desktop\\x.exe', OTHER],
  ['C:\\ProgramData\\x.exe', OTHER],
  ['C:\\Windows', OS],
  ['C:\\', OTHER],
  // Any drive
  ['D:\\Windows\\System32\\x.dll', OS],
  ['E:\\Users\\bob\\Downloads\\x.exe', TEMP],
  // Case, separators
  ['c:\\windows\\system32\\x.dll', OS, 'C:\\windows\\system32\\x.dll'],
  ['C:\\WINDOWS\\TEMP\\X.EXE', BOTH],
  ['C:\\uSeRs\\BOB\\dOwNlOaDs\\x.exe', TEMP],
  ['C:/Windows/System32/x.dll', OS, 'C:\\Windows\\System32\\x.dll'],
  ['C:\\Windows/System32\\x.dll', OS, 'C:\\Windows\\System32\\x.dll'],
  ['C:\\\\Windows\\\\\\System32\\x.dll', OS, 'C:\\Windows\\System32\\x.dll'],
  ['C:\\Windows\\System32\\', OS, 'C:\\Windows\\System32'],
  // . and ..
  [
    'C:\\Users\\a\\Downloads\\..\\..\\..\\Windows\\System32\\x.dll',
    OS,
    'C:\\Windows\\System32\\x.dll',
  ],
  ['C:\\Windows\\..\\Users\\bob\\Downloads\\x.exe', TEMP, 'C:\\Users\\bob\\Downloads\\x.exe'],
  ['C:\\Windows\\.\\System32\\.\\x.dll', OS, 'C:\\Windows\\System32\\x.dll'],
  ['C:\\Users\\bob\\Downloads\\sub\\..\\x.exe', TEMP],
  // `..` at the root stays at the root, as on a real file system (issue 10, item 12)
  ['C:\\..\\Windows\\x.exe', OS, 'C:\\Windows\\x.exe'],
  ['C:\\..\\..\\Windows\\x.exe', OS, 'C:\\Windows\\x.exe'],
  ['c:/../../windows/system32/x.dll', OS, 'C:\\windows\\system32\\x.dll'],
  ['C:\\..\\..\\Users\\bob\\Downloads\\x.exe', TEMP, 'C:\\Users\\bob\\Downloads\\x.exe'],
  ['C:\\Windows\\..\\..\\x.exe', OTHER, 'C:\\x.exe'],
  ['C:\\..', OTHER, 'C:\\'],
  ['D:\\Data\\..\\..\\..\\Program Files\\x.exe', OS, 'D:\\Program Files\\x.exe'],
  ['\\..\\..\\Windows\\x.exe', OS, '\\Windows\\x.exe'],
  ['%SystemDrive%\\..\\Windows\\x.exe', OS, 'C:\\Windows\\x.exe'],
  ['%TEMP%\\..\\..\\..\\..\\..\\..\\..\\Windows\\x.exe', OS, 'C:\\Windows\\x.exe'],
  ['%SystemRoot%\\..\\..\\x.exe', OTHER, 'C:\\x.exe'],
  ['\\\\?\\C:\\..\\..\\Windows\\x.exe', OS, 'C:\\Windows\\x.exe'],
  ['\\??\\C:\\..\\Program Files\\x.exe', OS, 'C:\\Program Files\\x.exe'],
  ['\\SystemRoot\\..\\..\\Windows\\x.exe', OS, 'C:\\Windows\\x.exe'],
  ['\\Device\\HarddiskVolume2\\..\\..\\Windows\\x.exe', OS],
  ['\\\\?\\Volume{26a21bda-a627-11d7-9931-806e6f6e6963}\\..\\Windows\\x.exe', OS],
  ['file:///C:/../../Windows/x.exe', OS, 'C:\\Windows\\x.exe'],
  ['C:\\Windows\\...\\x.exe', NOT_UNDERSTOOD],
  // Environment variables
  ['%SystemRoot%\\System32\\x.dll', OS, 'C:\\Windows\\System32\\x.dll'],
  ['%windir%\\x.exe', OS],
  ['%SYSTEMROOT%\\x.exe', OS],
  ['%ProgramFiles%\\Vendor\\x.exe', OS, 'C:\\Program Files\\Vendor\\x.exe'],
  ['%ProgramFiles(x86)%\\Vendor\\x.exe', OS, 'C:\\Program Files (x86)\\Vendor\\x.exe'],
  ['%ProgramW6432%\\x.exe', OS],
  ['%SystemDrive%\\Windows\\x.exe', OS, 'C:\\Windows\\x.exe'],
  ['%TEMP%\\x.exe', TEMP, 'C:\\Users\\<user>\\AppData\\Local\\Temp\\x.exe'],
  ['%tmp%\\x.exe', TEMP],
  ['%USERPROFILE%\\Downloads\\x.exe', TEMP, 'C:\\Users\\<user>\\Downloads\\x.exe'],
  ['%LOCALAPPDATA%\\Temp\\x.exe', TEMP],
  ['%APPDATA%\\x.exe', OTHER],
  ['%HOMEDRIVE%%HOMEPATH%\\Downloads\\x.exe', TEMP],
  ['%TEMP%\\..\\..\\..\\..\\..\\Windows\\x.exe', OS, 'C:\\Windows\\x.exe'],
  ['%FOO%\\x.exe', NOT_UNDERSTOOD],
  ['C:\\%UNKNOWN%\\x.exe', NOT_UNDERSTOOD],
  ['C:\\100%\\x.exe', OTHER],
  ['C:\\data\\%SystemRoot%\\x.exe', NOT_UNDERSTOOD],
  // Prefixes
  ['\\\\?\\C:\\Windows\\System32\\x.dll', OS, 'C:\\Windows\\System32\\x.dll'],
  ['\\??\\C:\\Windows\\System32\\drivers\\x.sys', OS],
  ['\\\\.\\C:\\Program Files\\x.exe', OS],
  ['//?/C:/Windows/x.exe', OS],
  ['\\\\?\\UNC\\server\\share\\Windows\\x.exe', OTHER],
  ['\\\\?\\Volume{26a21bda-a627-11d7-9931-806e6f6e6963}\\Windows\\x.exe', OS],
  ['\\\\?\\GLOBALROOT\\Device\\HarddiskVolume2\\Windows\\x.exe', OS],
  ['\\Device\\HarddiskVolume3\\Windows\\System32\\x.dll', OS],
  ['\\Device\\HarddiskVolume3\\Users\\bob\\Downloads\\x.exe', TEMP],
  ['\\SystemRoot\\System32\\drivers\\x.sys', OS, 'C:\\Windows\\System32\\drivers\\x.sys'],
  ['\\Windows\\System32\\x.dll', OS],
  ['\\\\.\\PhysicalDrive0', NOT_UNDERSTOOD],
  ['\\\\.\\pipe\\evil', NOT_UNDERSTOOD],
  ['\\Device\\Afd\\x', NOT_UNDERSTOOD],
  // UNC
  ['\\\\server\\share\\Windows\\x.exe', OTHER],
  ['\\\\server\\C$\\Windows\\System32\\x.dll', OS, '\\\\server\\C$\\Windows\\System32\\x.dll'],
  [
    '\\\\server\\c$\\Users\\bob\\Downloads\\x.exe',
    TEMP,
    '\\\\server\\C$\\Users\\bob\\Downloads\\x.exe',
  ],
  ['\\\\server\\ADMIN$\\System32\\x.dll', OS, '\\\\server\\C$\\Windows\\System32\\x.dll'],
  // `..` stops at the share: `\\server\share` is the root of a UNC path
  ['\\\\server\\share\\..\\..\\x.exe', OTHER, '\\\\server\\share\\x.exe'],
  ['\\\\server\\C$\\..\\..\\Windows\\x.exe', OS, '\\\\server\\C$\\Windows\\x.exe'],
  // ADMIN$ is rooted at C:\Windows: `..` cannot leave it
  ['\\\\server\\ADMIN$\\..\\..\\x.exe', OS, '\\\\server\\C$\\Windows\\x.exe'],
  ['\\\\server\\ADMIN$\\Temp\\..\\..\\x.exe', OS, '\\\\server\\C$\\Windows\\x.exe'],
  ['\\\\?\\UNC\\server\\C$\\..\\Windows\\x.exe', OS, '\\\\server\\C$\\Windows\\x.exe'],
  ['\\Device\\Mup\\server\\share\\..\\..\\Windows\\x.exe', OTHER],
  ['file://server/C$/../../Windows/x.exe', OS, '\\\\server\\C$\\Windows\\x.exe'],
  ['\\\\server', NOT_UNDERSTOOD],
  // 8.3 short names
  ['C:\\PROGRA~1\\Vendor\\x.exe', OS],
  ['C:\\PROGRA~2\\Vendor\\x.exe', OS],
  ['C:\\progra~1\\x.exe', OS],
  ['C:\\Users\\bob\\DOWNLO~1\\x.exe', TEMP],
  ['C:\\Users\\ADMINI~1\\AppData\\Local\\Temp\\x.exe', TEMP],
  ['C:\\PROGRA~3\\x.exe', NOT_UNDERSTOOD],
  ['C:\\PR4F2A~1\\x.exe', NOT_UNDERSTOOD],
  ['C:\\Users\\bob\\DOWNLO~2\\x.exe', NOT_UNDERSTOOD],
  ['C:\\MYAPP~1\\x.exe', OTHER],
  ['C:\\Users\\bob\\DOCUME~1\\x.exe', OTHER],
  // Quotes
  ['"C:\\Program Files\\Vendor\\x.exe"', OS, 'C:\\Program Files\\Vendor\\x.exe'],
  ['"C:\\Program Files\\Vendor\\svc.exe" -k netsvcs', OS, 'C:\\Program Files\\Vendor\\svc.exe'],
  ['"C:\\Windows\\x.exe', NOT_UNDERSTOOD],
  ['"C:\\Windows"x.exe', NOT_UNDERSTOOD],
  ["'C:\\Windows\\x.exe'", NOT_UNDERSTOOD],
  // Trailing dots and spaces of segments
  ['C:\\Windows.\\System32\\x.dll', OS, 'C:\\Windows\\System32\\x.dll'],
  ['C:\\Windows \\System32\\x.dll', OS],
  ['C:\\Windows. . \\x.exe', OS],
  ['C:\\Users\\bob\\Downloads. \\x.exe', TEMP],
  ['C:\\Windows\\x.exe. ', OS, 'C:\\Windows\\x.exe'],
  ['C:\\Windows\\ \\x.exe', NOT_UNDERSTOOD],
  ['  C:\\Windows\\x.exe  ', OS, 'C:\\Windows\\x.exe'],
  // file:// URLs
  ['file:///C:/Windows/System32/x.dll', OS, 'C:\\Windows\\System32\\x.dll'],
  ['file:///C:/Program%20Files/Vendor/x.exe', OS, 'C:\\Program Files\\Vendor\\x.exe'],
  ['FILE:///c:/users/bob/downloads/x.exe', TEMP],
  ['file://localhost/C:/Users/bob/Downloads/x.exe', TEMP],
  ['file:///C|/Windows/x.exe', OS],
  ['file://server/share/x.exe', OTHER, '\\\\server\\share\\x.exe'],
  ['file:///C:/Users/bob/Downloads/%2E%2E/%2E%2E/%2E%2E/Windows/x.exe', OS],
  ['file:///C:/Windows/x%00.exe', NOT_UNDERSTOOD],
  ['file:///C:/x%ZZ.exe', NOT_UNDERSTOOD],
  ['file:///C:/Users/bob/Downloads/x.exe#/../../../Windows', NOT_UNDERSTOOD],
  // Segment boundaries
  ['C:\\WindowsApps2\\x.exe', OTHER],
  ['C:\\Windows2\\x.exe', OTHER],
  ['C:\\Win\\x.exe', OTHER],
  ['C:\\Program Files Evil\\x.exe', OTHER],
  ['C:\\Users\\bob\\Downloads2\\x.exe', OTHER],
  ['C:\\Users\\bob\\AppData\\Local\\Temporary\\x.exe', OTHER],
  ['C:\\Users\\Downloads\\x.exe', OTHER],
  ['C:\\Users\\bob\\x\\Downloads\\x.exe', OTHER],
  // Alternate data streams
  ['C:\\Program Files:evil.exe', OS],
  ['C:\\Users\\bob\\Downloads\\x.exe:Zone.Identifier', TEMP],
  ['C:\\Windows:$I30:$INDEX_ALLOCATION\\x.exe', NOT_UNDERSTOOD],
  // Refused
  ['C:\\Windows\\x\u0000.exe', NOT_UNDERSTOOD],
  ['C:\\Windows\\x\t.exe', NOT_UNDERSTOOD],
  ['C:\\Windows\\x\u007f.exe', NOT_UNDERSTOOD],
  ['C:\\Windows\\x|y.exe', NOT_UNDERSTOOD],
  ['C:\\Windows\\*.exe', NOT_UNDERSTOOD],
  ['C:\\Users\\<user>\\Downloads\\x.exe', NOT_UNDERSTOOD],
  ['Windows\\System32\\x.dll', NOT_UNDERSTOOD],
  ['.\\x.exe', NOT_UNDERSTOOD],
  ['..\\Windows\\x.exe', NOT_UNDERSTOOD],
  ['C:Windows\\x.exe', NOT_UNDERSTOOD],
  ['C:', NOT_UNDERSTOOD],
  ['   ', NOT_UNDERSTOOD],
  ['x.exe', NOT_UNDERSTOOD],
];

const LINUX: Case[] = [
  ['/usr/bin/evil', OS],
  ['/bin/sh', OS],
  ['/sbin/init', OS],
  ['/lib/x.so', OS],
  ['/lib32/x.so', OS],
  ['/lib64/x.so', OS],
  ['/etc/cron.d/evil', OS],
  ['/boot/vmlinuz', OS],
  ['/opt/app/bin/evil', OS],
  ['/usr/local/lib/x.so', OS],
  ['/tmp/evil', TEMP],
  ['/var/tmp/evil', TEMP],
  ['/dev/shm/evil', TEMP],
  ['/home/bob/Downloads/evil', TEMP],
  ['/home/bob/Downloads', TEMP],
  ['/home/bob/downloads/evil', OTHER], // case-sensitive
  ['/USR/bin/evil', OTHER],
  ['/TMP/evil', OTHER],
  ['/var/log/evil', OTHER],
  ['/srv/www/evil', OTHER],
  ['/usr2/evil', OTHER],
  ['/tmpfiles/evil', OTHER],
  ['/home/bob/.cache/evil', OTHER],
  ['/', OTHER],
  ['/tmp/../etc/passwd', OS, '/etc/passwd'],
  ['//usr///bin/./evil', OS, '/usr/bin/evil'],
  ['/tmp/', TEMP, '/tmp'],
  // `..` at the root stays at the root, as the kernel resolves it (issue 10, item 12)
  ['/../etc/passwd', OS, '/etc/passwd'],
  ['/../../etc/x', OS, '/etc/x'],
  ['/tmp/../../etc/passwd', OS, '/etc/passwd'],
  ['/../../tmp/x', TEMP, '/tmp/x'],
  ['/usr/../../../home/bob/Downloads/x', TEMP, '/home/bob/Downloads/x'],
  ['/..', OTHER, '/'],
  ['/../../srv/x', OTHER, '/srv/x'],
  ['file:///../../etc/x', OS, '/etc/x'],
  ['/../tmp/a\\..\\..\\etc/x', NOT_UNDERSTOOD], // the backslash readings still disagree
  ['~/Downloads/evil', NOT_UNDERSTOOD],
  ['bin/evil', NOT_UNDERSTOOD],
  ['./evil', NOT_UNDERSTOOD],
  ['$HOME/Downloads/evil', NOT_UNDERSTOOD],
  ['/tmp/a\\..\\..\\etc/evil', NOT_UNDERSTOOD], // backslash readings disagree
  ['/tmp/a\\b', TEMP], // both readings agree
  ['/proc/self/root/etc/evil', NOT_UNDERSTOOD],
  ['/proc/1234/cwd/evil', NOT_UNDERSTOOD],
  ['/dev/fd/3', NOT_UNDERSTOOD],
  ['file:///tmp/evil', TEMP, '/tmp/evil'],
  ['file:///usr/bin/my%20tool', OS, '/usr/bin/my tool'],
  ['file://localhost/etc/evil', OS],
  ['file://otherhost/tmp/evil', NOT_UNDERSTOOD],
  ['"/usr/bin/evil"', OS, '/usr/bin/evil'],
  ["'/tmp/evil'", TEMP, '/tmp/evil'],
  ['/usr/bin/evil\u0000', NOT_UNDERSTOOD],
  ['C:\\Windows\\evil', NOT_UNDERSTOOD],
  ['/Windows/evil', OTHER],
];

const MACOS: Case[] = [
  ['/System/Library/evil', OS],
  ['/Library/LaunchDaemons/evil.plist', OS],
  ['/Applications/Foo.app/Contents/MacOS/evil', OS],
  ['/usr/local/bin/evil', OS],
  ['/bin/evil', OS],
  ['/sbin/evil', OS],
  ['/private/etc/hosts', OS],
  ['/etc/hosts', OS],
  ['/tmp/evil', TEMP],
  ['/private/tmp/evil', TEMP],
  ['/private/var/folders/ab/cd/T/evil', TEMP],
  ['/var/folders/ab/cd/T/evil', TEMP],
  ['/Users/bob/Downloads/evil', TEMP],
  ['/users/BOB/downloads/evil', TEMP], // case-insensitive (APFS default)
  ['/library/evil', OS],
  ['/SYSTEM/evil', OS],
  ['/System/Volumes/Data/Users/bob/Downloads/evil', TEMP],
  ['/System/Volumes/Data/private/tmp/evil', TEMP],
  ['/Users/bob/Documents/evil', OTHER],
  ['/Volumes/USB/evil', OTHER],
  ['/private/var/log/evil', OTHER],
  ['/Users/bob/Library/evil', OTHER],
  ['/Users/bob/Downloads/../../../Library/evil', OS, '/Library/evil'],
  ['/Libraryx/evil', OTHER],
  ['~/Downloads/evil', NOT_UNDERSTOOD],
  ['/tmp/../../evil', OTHER, '/evil'],
  ['/../../System/Library/x', OS, '/System/Library/x'],
  ['/../../../private/var/folders/ab/T/x', TEMP, '/private/var/folders/ab/T/x'],
  ['/System/Volumes/Data/../../../../Users/bob/Downloads/x', TEMP, '/Users/bob/Downloads/x'],
  ['/dev/fd/3', NOT_UNDERSTOOD],
  ['file:///Users/bob/Downloads/my%20file', TEMP],
];

const ALL: Array<[OsPlatform, Case[]]> = [
  ['WINDOWS', WINDOWS],
  ['LINUX', LINUX],
  ['MACOS', MACOS],
];

describe('classifyPath', () => {
  it('has at least 60 path cases across the three platforms', () => {
    expect(WINDOWS.length + LINUX.length + MACOS.length).toBeGreaterThanOrEqual(60);
  });

  for (const [platform, cases] of ALL) {
    describe(platform, () => {
      it.each(cases)('%j → %j', (path, expected, normalizedPath) => {
        const result = classifyPath(path, platform);
        if (expected === NOT_UNDERSTOOD) {
          expect(result.understood).toBe(false);
          expect(result.classes).toEqual([]);
          expect(result.reason).toEqual(expect.any(String));
          expect(result.reason?.length).toBeGreaterThan(5);
        } else {
          expect(result.understood).toBe(true);
          expect(result.classes).toEqual(expected);
          expect(result.reason).toBeUndefined();
          expect(typeof result.normalizedPath).toBe('string');
        }
        if (normalizedPath !== undefined) expect(result.normalizedPath).toBe(normalizedPath);
      });
    });
  }

  it('no path → NONE, understood', () => {
    for (const platform of ['WINDOWS', 'LINUX', 'MACOS'] as const) {
      for (const path of [null, undefined, '']) {
        expect(classifyPath(path, platform)).toEqual({
          classes: ['NONE'],
          normalizedPath: null,
          understood: true,
        });
      }
    }
  });

  it('a plain path is returned as given (no copy)', () => {
    const path = 'C:\\Windows\\System32\\x.dll';
    expect(classifyPath(path, 'WINDOWS').normalizedPath).toBe(path);
  });

  it('says why a path is not understood', () => {
    expect(classifyPath('%FOO%\\x.exe', 'WINDOWS').reason).toContain('%FOO%');
    expect(classifyPath('C:\\Windows\\...\\x', 'WINDOWS').reason).toContain('dots');
    expect(classifyPath('x\\y', 'WINDOWS').reason).toContain('relative');
    expect(classifyPath('C:\\x\u0000', 'WINDOWS').reason).toContain('control character');
    expect(classifyPath('C:\\PROGRA~3\\x', 'WINDOWS').reason).toContain('8.3');
  });

  it('returns shared frozen class arrays', () => {
    const a = classifyPath('C:\\Windows\\a', 'WINDOWS');
    const b = classifyPath('D:\\Windows\\b', 'WINDOWS');
    expect(a.classes).toBe(b.classes);
    expect(Object.isFrozen(a.classes)).toBe(true);
  });

  it('throws a TypeError for an unknown platform', () => {
    expect(() => classifyPath('/tmp/x', 'BEOS' as OsPlatform)).toThrow(TypeError);
    expect(() => classifyPath(null, 'BEOS' as OsPlatform)).toThrow(TypeError);
  });
});
