import { plainWindowsPathBits } from '../src/policy/windows-path.js';
import { LOCATION_MATCHERS, SegmentBuffer } from '../src/policy/location-matcher.js';
const paths: string[] = JSON.parse(JSON.stringify(['C:\\Windows\\System32\\evil.exe','C:\\Users\\bob\\Downloads\\x.exe','C:\\Program Files\\Common Files\\Vendor\\a.dll','D:\\Data\\Shares\\q.exe','C:\\Users\\alice\\AppData\\Local\\Temp\\a.tmp','C:\\Users\\maria.garcia\\AppData\\Roaming\\Microsoft\\Windows\\Start Menu\\Programs\\Startup\\payload.ps1']));
let s = 0;
function time(name: string, f: (p: string) => number) {
  for (let i = 0; i < 300000; i++) s += f(paths[i % 6]!);
  const res: number[] = [];
  for (let r = 0; r < 5; r++) { const t = performance.now(); for (let i = 0; i < 300000; i++) s += f(paths[i % 6]!); res.push((performance.now() - t) / 300000 * 1e6); }
  res.sort((a, b) => a - b); console.log(name, 'min', res[0]!.toFixed(0), 'ns');
}
time('plainBits', plainWindowsPathBits);
const T = new Uint8Array(128); for (let c = 0; c < 32; c++) T[c] = 1; for (const ch of '/%"*:<>?|\x7f') T[ch.charCodeAt(0)] = 1; T[92] = 2;
time('scan-only', (p) => { const n = p.length; let cnt = 0; for (let i = 3; i < n; i++) { const c = p.charCodeAt(i); if (c < 128) { const k = T[c]; if (k === 0) continue; if (k === 1) return -1; cnt++; } } return cnt; });
