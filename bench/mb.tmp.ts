import { decideRemediation, type PolicyInput } from '../src/policy/index.js';
const paths = ['C:\\Windows\\System32\\evil.exe','C:\\Users\\bob\\Downloads\\x.exe','C:\\Program Files\\Common Files\\Vendor\\a.dll','D:\\Data\\Shares\\q.exe','C:\\Users\\alice\\AppData\\Local\\Temp\\a.tmp','C:\\Users\\maria.garcia\\AppData\\Roaming\\Microsoft\\Windows\\Start Menu\\Programs\\Startup\\payload.ps1','/usr/bin/x','/tmp/a/b'];
const inputs: PolicyInput[] = JSON.parse(JSON.stringify(Array.from({ length: 1024 }, (_, i) => ({ automationLevel: 'SEMI_REQUIRE_APPROVAL_CORE_FOLDERS', verdict: 'MALICIOUS', osPlatform: paths[i % 8]!.startsWith('/') ? 'LINUX' : 'WINDOWS', evidence: { kind: 'FILE', path: paths[i % 8] } }))));
let s = 0;
function run(n: number) { for (let i = 0; i < n; i++) s += decideRemediation(inputs[i & 1023]!).explanation.length; }
run(500000);
const res: number[] = [];
for (let r = 0; r < 7; r++) { const t = performance.now(); run(500000); res.push((performance.now() - t) / 500000 * 1e6); }
res.sort((a, b) => a - b);
console.log('min', res[0]!.toFixed(0), 'ns  median', res[3]!.toFixed(0), 'ns', s % 7);
