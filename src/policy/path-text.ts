/**
 * The first, platform-independent steps of reading an attacker-influenced path: refuse control
 * characters, trim, remove surrounding quotes, and turn a `file://` URL into a path.
 */

export type PreparedPath =
  | { ok: true; text: string; changed: boolean }
  | { ok: false; reason: string };

const fail = (reason: string): PreparedPath => ({ ok: false, reason });

/** NUL, the other C0 control characters and DEL. */
export function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 32 || c === 127) return true;
  }
  return false;
}

function isWhitespaceCode(c: number): boolean {
  return (
    c === 32 ||
    c === 0xa0 ||
    c === 0xfeff ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x3000 ||
    c === 0x1680 ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f
  );
}

/**
 * `file:` URLs: `file:///C:/Windows/x`, `file://localhost/etc/x`, `file:/tmp/x`,
 * `file://server/share/x` (Windows: the UNC path `\\server\share\x`). The path is
 * percent-decoded once. A query or fragment (`?`, `#`) makes the URL ambiguous, so it is refused,
 * as is a URL naming another host on Linux/macOS.
 */
function fromFileUrl(rest: string, posix: boolean): PreparedPath {
  if (rest.includes('?') || rest.includes('#'))
    return fail('a file URL with a query or a fragment is ambiguous');
  let host = '';
  let path: string;
  if (rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2);
    host = slash < 0 ? rest.slice(2) : rest.slice(2, slash);
    path = slash < 0 ? '' : rest.slice(slash);
  } else if (rest.startsWith('/')) {
    path = rest;
  } else {
    return fail('the file URL has no absolute path');
  }
  let decodedPath: string;
  let decodedHost: string;
  try {
    decodedPath = decodeURIComponent(path);
    decodedHost = decodeURIComponent(host);
  } catch {
    return fail('the file URL has invalid percent-encoding');
  }
  if (hasControlCharacter(decodedPath) || hasControlCharacter(decodedHost)) {
    return fail('the path contains a control character (NUL or another)');
  }
  const hostLower = decodedHost.toLowerCase();
  if (!posix && /^[a-z][:|]$/.test(hostLower)) {
    // file://C:/Windows/x (a common malformed form): the "host" is the drive.
    return { ok: true, text: `${decodedHost[0] ?? ''}:${decodedPath}`, changed: true };
  }
  if (decodedHost === '' || hostLower === 'localhost') {
    if (!posix && /^\/[A-Za-z][:|]/.test(decodedPath)) {
      // /C:/Windows/x → C:/Windows/x (`|` is the legacy drive separator of file URLs).
      return { ok: true, text: `${decodedPath[1] ?? ''}:${decodedPath.slice(3)}`, changed: true };
    }
    if (decodedPath === '') return fail('the file URL has no path');
    return { ok: true, text: decodedPath, changed: true };
  }
  if (posix) return fail(`the file URL names another host (${decodedHost})`);
  return { ok: true, text: `\\\\${decodedHost}${decodedPath}`, changed: true };
}

/**
 * Control characters → refused; surrounding white space trimmed; a leading quoted part
 * (`"C:\Program Files\x.exe" -k args`) taken as the path and what follows it (arguments)
 * ignored; `file:` URLs decoded. POSIX platforms also accept single quotes.
 */
export function preparePathText(raw: string, posix: boolean): PreparedPath {
  if (hasControlCharacter(raw))
    return fail('the path contains a control character (NUL or another)');
  let text = raw;
  let changed = false;
  if (
    text.length > 0 &&
    (isWhitespaceCode(text.charCodeAt(0)) || isWhitespaceCode(text.charCodeAt(text.length - 1)))
  ) {
    text = text.trim();
    changed = true;
  }
  const first = text.charCodeAt(0);
  if (first === 34 /* " */ || (posix && first === 39) /* ' */) {
    const quote = text[0] ?? '"';
    const close = text.indexOf(quote, 1);
    if (close < 0) return fail('the path has an unbalanced quote');
    const after = text.slice(close + 1);
    if (after !== '' && !isWhitespaceCode(after.charCodeAt(0)))
      return fail('the path has text glued to its closing quote');
    text = text.slice(1, close).trim();
    changed = true;
  }
  if (
    text.length >= 5 &&
    text.charCodeAt(4) === 58 /* : */ &&
    text.slice(0, 4).toLowerCase() === 'file'
  ) {
    const fromUrl = fromFileUrl(text.slice(5), posix);
    if (!fromUrl.ok) return fromUrl;
    text = fromUrl.text.trim();
    changed = true;
  }
  if (text === '') return fail('the path is blank');
  return { ok: true, text, changed };
}
