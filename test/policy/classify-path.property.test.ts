import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyPath } from '../../src/policy/classify-path.js';
import { decideRemediation } from '../../src/policy/decide.js';
import { preparePathText } from '../../src/policy/path-text.js';
import { parsePosixPath, plainPosixPathBits } from '../../src/policy/posix-path.js';
import {
  AUTOMATION_LEVELS,
  EVIDENCE_KINDS,
  LOCATION_CLASSES,
  type OsPlatform,
  POLICY_DECISIONS,
  VERDICTS,
} from '../../src/policy/vocabulary.js';
import { parseWindowsPath, plainWindowsPathBits } from '../../src/policy/windows-path.js';

const RUNS = { numRuns: 400 };

/** An ordinary folder or file name: no separators, no leading/trailing dots or spaces, no `~`, `%`, `:`. */
const name = fc
  .tuple(
    fc.stringMatching(/^[A-Za-z0-9_-]{1,8}$/),
    fc.option(fc.stringMatching(/^[ .A-Za-z0-9_-]{0,6}[A-Za-z0-9_-]$/), { nil: '' }),
  )
  .map(([a, b]) => a + b);

/** Windows starting points: folders of the table and others, in canonical case. */
const windowsBase = fc.constantFrom(
  ['Windows'],
  ['Windows', 'System32'],
  ['Windows', 'Temp'],
  ['Program Files'],
  ['Program Files (x86)'],
  ['Users', 'bob', 'Downloads'],
  ['Users', 'bob', 'AppData', 'Local', 'Temp'],
  ['Users', 'bob', 'AppData', 'Roaming'],
  ['ProgramData'],
  ['Data'],
  [],
);
const posixBase = fc.constantFrom(
  ['usr', 'bin'],
  ['etc'],
  ['tmp'],
  ['var', 'tmp'],
  ['dev', 'shm'],
  ['home', 'bob', 'Downloads'],
  ['Users', 'bob', 'Downloads'],
  ['private', 'var', 'folders'],
  ['Library'],
  ['System'],
  ['srv'],
  [],
);

const windowsSegments = fc
  .tuple(windowsBase, fc.array(name, { maxLength: 4 }))
  .map(([base, rest]) => [...base, ...rest]);
const posixSegments = fc
  .tuple(posixBase, fc.array(name, { maxLength: 4 }))
  .map(([base, rest]) => [...base, ...rest]);
const drive = fc.constantFrom('C:', 'D:', 'Z:');
const posixPlatform = fc.constantFrom<OsPlatform>('LINUX', 'MACOS');

const windowsPath = (d: string, segments: string[]) => `${d}\\${segments.join('\\')}`;
const posixPath = (segments: string[]) => `/${segments.join('/')}`;
const classesOf = (path: string, platform: OsPlatform) => {
  const result = classifyPath(path, platform);
  return { classes: result.classes, understood: result.understood };
};

describe('classifyPath properties', () => {
  it('inserting `x\\..\\` between any two segments never changes the class (Windows)', () => {
    fc.assert(
      fc.property(
        drive,
        windowsSegments,
        name,
        fc.nat(),
        fc.constantFrom('\\', '/'),
        (d, segments, junk, at, separator) => {
          const k = at % (segments.length + 1);
          const detoured = [...segments.slice(0, k), junk, '..', ...segments.slice(k)];
          const original = windowsPath(d, segments);
          const changed = `${d}\\${detoured.join(separator)}`;
          expect(classesOf(changed, 'WINDOWS')).toEqual(classesOf(original, 'WINDOWS'));
        },
      ),
      RUNS,
    );
  });

  it('inserting `x/../` between any two segments never changes the class (Linux, macOS)', () => {
    fc.assert(
      fc.property(posixPlatform, posixSegments, name, fc.nat(), (platform, segments, junk, at) => {
        const k = at % (segments.length + 1);
        const detoured = [...segments.slice(0, k), junk, '..', ...segments.slice(k)];
        expect(classesOf(posixPath(detoured), platform)).toEqual(
          classesOf(posixPath(segments), platform),
        );
      }),
      RUNS,
    );
  });

  it('`..` at the root stays at the root: climbing above it never changes the class (Windows drives and shares)', () => {
    const root = fc.constantFrom('C:', 'D:', '\\\\host\\C$', '\\\\?\\C:', '\\??\\D:', '');
    fc.assert(
      fc.property(
        root,
        windowsSegments,
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom('\\', '/'),
        (r, segments, climbs, separator) => {
          const original = `${r}\\${segments.join('\\')}`;
          const climbing = `${r}${separator}${[...Array(climbs).fill('..'), ...segments].join(separator)}`;
          expect(classesOf(climbing, 'WINDOWS')).toEqual(classesOf(original, 'WINDOWS'));
          expect(classesOf(climbing, 'WINDOWS').understood).toBe(true);
        },
      ),
      RUNS,
    );
  });

  it('`..` at the root stays at the root: climbing above `/` never changes the class (Linux, macOS)', () => {
    fc.assert(
      fc.property(
        posixPlatform,
        posixSegments,
        fc.integer({ min: 1, max: 4 }),
        (platform, segments, climbs) => {
          const climbing = posixPath([...Array(climbs).fill('..'), ...segments]);
          expect(classesOf(climbing, platform)).toEqual(classesOf(posixPath(segments), platform));
          expect(classesOf(climbing, platform).understood).toBe(true);
        },
      ),
      RUNS,
    );
  });

  it('inserting `.` segments never changes the class', () => {
    fc.assert(
      fc.property(drive, windowsSegments, fc.nat(), (d, segments, at) => {
        const k = at % (segments.length + 1);
        const dotted = [...segments.slice(0, k), '.', ...segments.slice(k)];
        expect(classesOf(windowsPath(d, dotted), 'WINDOWS')).toEqual(
          classesOf(windowsPath(d, segments), 'WINDOWS'),
        );
      }),
      RUNS,
    );
  });

  it('changing case never changes a Windows class (nor a macOS class)', () => {
    fc.assert(
      fc.property(
        drive,
        windowsSegments.chain((segments) =>
          fc.tuple(fc.constant(segments), fc.mixedCase(fc.constant(segments.join('\\')))),
        ),
        (d, [segments, mixed]) => {
          expect(classesOf(`${d}\\${mixed}`, 'WINDOWS')).toEqual(
            classesOf(windowsPath(d, segments), 'WINDOWS'),
          );
        },
      ),
      RUNS,
    );
    fc.assert(
      fc.property(
        posixSegments.chain((segments) =>
          fc.tuple(fc.constant(segments), fc.mixedCase(fc.constant(segments.join('/')))),
        ),
        ([segments, mixed]) => {
          expect(classesOf(`/${mixed}`, 'MACOS')).toEqual(classesOf(posixPath(segments), 'MACOS'));
        },
      ),
      RUNS,
    );
  });

  it('doubling separators never changes the class', () => {
    fc.assert(
      fc.property(
        drive,
        windowsSegments,
        fc.array(fc.boolean(), { maxLength: 12 }),
        (d, segments, doubles) => {
          const joined = segments
            .map((s, i) => (i === 0 ? s : (doubles[i] ? '\\\\' : '\\') + s))
            .join('');
          expect(classesOf(`${d}\\${doubles[0] ? '\\' : ''}${joined}`, 'WINDOWS')).toEqual(
            classesOf(windowsPath(d, segments), 'WINDOWS'),
          );
        },
      ),
      RUNS,
    );
    fc.assert(
      fc.property(
        posixPlatform,
        posixSegments,
        fc.array(fc.boolean(), { maxLength: 12 }),
        (platform, segments, doubles) => {
          const joined = segments.map((s, i) => (doubles[i] ? '//' : '/') + s).join('');
          expect(classesOf(joined === '' ? '/' : joined, platform)).toEqual(
            classesOf(posixPath(segments), platform),
          );
        },
      ),
      RUNS,
    );
  });

  it('forward slashes, trailing dots and spaces, quotes and file:// URLs never change a Windows class', () => {
    fc.assert(
      fc.property(
        drive,
        windowsSegments,
        fc.constantFrom('.', ' ', '. ', '..'),
        (d, segments, trailer) => {
          const expected = classesOf(windowsPath(d, segments), 'WINDOWS');
          expect(classesOf(`${d}/${segments.join('/')}`, 'WINDOWS')).toEqual(expected);
          expect(classesOf(`"${windowsPath(d, segments)}"`, 'WINDOWS')).toEqual(expected);
          expect(
            classesOf(`${d}\\${segments.map((s) => s + trailer).join('\\')}`, 'WINDOWS'),
          ).toEqual(expected);
          const url = `file:///${d}/${segments.map((s) => encodeURIComponent(s)).join('/')}`;
          expect(classesOf(url, 'WINDOWS')).toEqual(expected);
        },
      ),
      RUNS,
    );
  });

  it('random garbage never throws and always gives a valid classification', () => {
    const garbage = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 80 }),
      fc.string({
        unit: fc.constantFrom(
          '\\',
          '/',
          '.',
          ' ',
          '%',
          ':',
          '~',
          '"',
          "'",
          '?',
          'C',
          'a',
          '\u0000',
          '$',
          '1',
        ),
        maxLength: 40,
      }),
      fc
        .tuple(
          fc.constantFrom('C:\\', '\\\\?\\', '\\\\', 'file:///', '/', '%TEMP%\\', '\\Device\\'),
          fc.string({ maxLength: 40 }),
        )
        .map(([a, b]) => a + b),
    );
    fc.assert(
      fc.property(
        garbage,
        fc.constantFrom<OsPlatform>('WINDOWS', 'LINUX', 'MACOS'),
        (path, platform) => {
          const result = classifyPath(path, platform);
          for (const c of result.classes) expect(LOCATION_CLASSES).toContain(c);
          if (result.understood) {
            expect(result.classes.length).toBeGreaterThan(0);
            expect(result.reason).toBeUndefined();
            if (path === '') expect(result.classes).toEqual(['NONE']);
            else expect(typeof result.normalizedPath).toBe('string');
          } else {
            expect(result.classes).toEqual([]);
            expect(typeof result.reason).toBe('string');
          }
          // A second reading of the normalised path gives the same classes (normalisation is stable).
          if (
            result.understood &&
            result.normalizedPath !== null &&
            !result.normalizedPath.includes('<user>')
          ) {
            expect(classesOf(result.normalizedPath, platform)).toEqual({
              classes: result.classes,
              understood: true,
            });
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('decisions on garbage never throw and always land in the vocabulary', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...AUTOMATION_LEVELS),
        fc.constantFrom(...VERDICTS),
        fc.constantFrom(...EVIDENCE_KINDS),
        fc.constantFrom<OsPlatform>('WINDOWS', 'LINUX', 'MACOS'),
        fc.option(fc.string({ unit: 'binary', maxLength: 60 }), { nil: null }),
        (automationLevel, verdict, kind, osPlatform, path) => {
          const result = decideRemediation({
            automationLevel,
            verdict,
            osPlatform,
            evidence: { kind, path },
          });
          expect(POLICY_DECISIONS).toContain(result.decision);
          expect(result.explanation.length).toBeGreaterThan(20);
          if (automationLevel === 'NO_AUTOMATED_RESPONSE')
            expect(result.decision).toBe('NO_INVESTIGATION');
          if (!result.pathUnderstood && result.decision === 'TAKE_AUTOMATICALLY') {
            // Only a level that does not read the location may act on an unknown location.
            expect(automationLevel).toBe('FULL');
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('the fast path and the full path agree on every plain path', () => {
    const plainName = fc.stringMatching(/^[A-Za-z0-9_~-][A-Za-z0-9 ._~()-]{0,10}[A-Za-z0-9_~)-]$/);
    fc.assert(
      fc.property(
        drive,
        fc.tuple(windowsBase, fc.array(plainName, { maxLength: 4 })).map(([b, r]) => [...b, ...r]),
        fc.boolean(),
        (d, segments, mixCase) => {
          const raw = windowsPath(d, segments);
          const path = mixCase ? raw.toUpperCase() : raw;
          const fast = plainWindowsPathBits(path);
          const prepared = preparePathText(path, false);
          if (!prepared.ok) return;
          const full = parseWindowsPath(prepared.text, prepared.changed);
          if (fast >= 0) expect(full).toEqual({ ok: true, normalizedPath: path, bits: fast });
        },
      ),
      RUNS,
    );
    fc.assert(
      fc.property(
        posixPlatform,
        fc.tuple(posixBase, fc.array(name, { maxLength: 4 })).map(([b, r]) => [...b, ...r]),
        (platform, segments) => {
          const path = posixPath(segments);
          const fast = plainPosixPathBits(path, platform === 'MACOS');
          const full = parsePosixPath(path, false, platform === 'MACOS');
          if (fast >= 0) expect(full).toEqual({ ok: true, normalizedPath: path, bits: fast });
        },
      ),
      RUNS,
    );
  });
});
