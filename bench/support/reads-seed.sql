-- Copied from ../shared/peerbench/quell/seed.sql (the peer harness seed); {{INCIDENTS}} is the size knob.
-- SCHEMA=quell: the rows of seed.sql in Quell's own tables (created by Quell's migrations, see
-- db.sh), set-based, a few seconds in all: 1 tenant, 10 device groups, 2,000 devices, 10,000
-- incidents, 5 evidence and 4 remediation actions each, plus the incident_devices links Quell's
-- scope needs (an incident is visible when a device it touches is).
-- Ids are deterministic UUIDs: md5('<kind>/<n>')::uuid. Times are anchored on the current hour
-- (newest incident = id 10000, one minute apart, ~7 days back), so pending approvals expire in
-- the future. Enum-typed columns take the contract's values. Satisfies Quell's check constraints
-- (sha256 hex, open target key only on open actions, UNDONE has undoneAt, rank >= 1) and unique
-- keys (group name/rank per tenant, hostname per tenant, one action per evidence, one open action
-- per target).
BEGIN;

CREATE TEMP TABLE anchor ON COMMIT DROP AS SELECT date_trunc('hour', now() AT TIME ZONE 'UTC') AS t;

INSERT INTO tenants (id, name, plan, "createdAt")
SELECT 'contoso', 'Contoso', 'BUSINESS', t - interval '90 days' FROM anchor;

-- group g: name, level, rules; the default group (isDefault) matches last.
CREATE TEMP TABLE g_spec ON COMMIT DROP AS
SELECT * FROM (VALUES
  (1, 'Domain controllers',   'NO_AUTOMATED_RESPONSE',                 'dc-',    NULL::text, NULL::text),
  (2, 'Servers',              'SEMI_REQUIRE_APPROVAL_ANY',             'srv-',   NULL, NULL),
  (3, 'Finance workstations', 'SEMI_REQUIRE_APPROVAL_CORE_FOLDERS',    'fin-',   NULL, 'finance'),
  (4, 'Developer laptops',    'SEMI_REQUIRE_APPROVAL_NON_TEMP_FOLDERS', 'dev-',  NULL, NULL),
  (5, 'Kiosks',               'FULL',                                  'kiosk-', NULL, NULL),
  (6, 'Executive laptops',    'SEMI_REQUIRE_APPROVAL_ANY',             'exec-',  NULL, 'executive'),
  (7, 'Lab machines',         'FULL',                                  'lab-',   'lab.contoso.com', NULL),
  (8, 'Point of sale',        'SEMI_REQUIRE_APPROVAL_CORE_FOLDERS',    'pos-',   NULL, NULL),
  (9, 'Build agents',         'SEMI_REQUIRE_APPROVAL_NON_TEMP_FOLDERS', 'build-', NULL, 'ci'),
  (10, 'Ungrouped devices',   'FULL',                                  'ws-',    NULL, NULL)
) v(g, name, level, prefix, domain, tag);

INSERT INTO device_groups (id, "tenantId", name, description, "automationLevel", rank, "isDefault",
                           "ruleHostnamePrefix", "ruleDomain", "ruleTag", "createdAt", "updatedAt")
SELECT md5('group/' || g)::uuid, 'contoso', name, 'Automation: ' || lower(replace(level, '_', ' ')),
       level::"AutomationLevel", g, g = 10,
       CASE WHEN g = 10 OR tag IS NOT NULL OR domain IS NOT NULL THEN NULL ELSE prefix END, domain, tag,
       a.t - interval '60 days', a.t - interval '60 days'
FROM g_spec, anchor a;

-- device d is in group 1 + (d - 1) % 10; hostname <group prefix><d>, unique per tenant
INSERT INTO devices (id, "tenantId", "deviceGroupId", "groupAssignedExplicitly", hostname, "osPlatform",
                     domain, tags, "lastSeenAt", "createdAt")
SELECT md5('device/' || d)::uuid, 'contoso', md5('group/' || s.g)::uuid, s.g = 10,
       s.prefix || lpad(d::text, 4, '0'), 'WINDOWS',
       coalesce(s.domain, 'corp.contoso.com'),
       CASE WHEN s.tag IS NULL THEN ARRAY[]::text[] ELSE ARRAY[s.tag] END,
       a.t - (d % 90) * interval '1 minute', a.t - interval '30 days'
FROM generate_series(1, 2000) d
JOIN g_spec s ON s.g = 1 + (d - 1) % 10
CROSS JOIN anchor a;

-- evidence k (1..5) of incident i: k = 1..4 are remediable kinds (FILE, PROCESS, REGISTRY_KEY,
-- SERVICE, DRIVER, SCHEDULED_TASK), k = 5 is informational (IP_ADDRESS, URL, USER). Paths only
-- where the kind has a file; registry keys, addresses, URLs and users in their own columns.
CREATE TEMP TABLE ev ON COMMIT DROP AS
SELECT e.*,
       -- action k (k <= 4) remediates evidence k: the AIR action of its kind; statuses cycle through
       -- the lifecycle (KILL_PROCESS cannot be undone: COMPLETED instead of UNDONE). Derived states
       -- are computed from these, so every row is written once (no UPDATE: a compact heap).
       CASE WHEN k <= 4 THEN CASE WHEN st = 'UNDONE' AND kind = 'PROCESS' THEN 'COMPLETED' ELSE st END END AS status,
       CASE WHEN k <= 4 THEN CASE kind WHEN 'FILE' THEN 'QUARANTINE_FILE' WHEN 'PROCESS' THEN 'KILL_PROCESS'
              WHEN 'REGISTRY_KEY' THEN 'REMOVE_REGISTRY_KEY' WHEN 'SERVICE' THEN 'STOP_SERVICE'
              WHEN 'DRIVER' THEN 'DISABLE_DRIVER' ELSE 'REMOVE_SCHEDULED_TASK' END END AS type
FROM (
  SELECT i, k, md5('evidence/' || i || '/' || k)::uuid AS id, 1 + ((i * 7 + k * 13) % 2000) AS devno,
         CASE WHEN k < 5 THEN (ARRAY['FILE','PROCESS','REGISTRY_KEY','SERVICE','DRIVER','SCHEDULED_TASK'])[1 + (i + k) % 6]
              ELSE (ARRAY['IP_ADDRESS','URL','USER'])[1 + i % 3] END AS kind,
         CASE (i + k) % 3 WHEN 0 THEN 'C:\Users\user' || (i % 50) || '\AppData\Local\Temp\payload' || k || '.exe'
                          WHEN 1 THEN 'C:\Windows\System32\drivers\evil' || i || '_' || k || '.sys'
                          ELSE 'C:\Program Files\Vendor\app' || k || '\bin\tool.dll' END AS file_path,
         CASE (i + k) % 3 WHEN 0 THEN 'TEMP_FOLDER' WHEN 1 THEN 'OS_DIRECTORY' ELSE 'OTHER' END AS loc,
         (ARRAY['PENDING_APPROVAL','COMPLETED','REJECTED','IN_PROGRESS','UNDONE','FAILED','EXPIRED'])[1 + ((i * 5 + k) % 7)] AS st
  FROM generate_series(1, {{INCIDENTS}}) i, generate_series(1, 5) k
) e;

-- incident i is ({{INCIDENTS}} - i) minutes older than the anchor: distinct createdAt, newest = 10000.
-- Its primary device is the device of its first evidence.
INSERT INTO incidents (id, "tenantId", "primaryDeviceId", title, severity, status, classification,
                       "assignedTo", tags, "remediationStatus", "automatedInvestigationState", "createdAt", "updatedAt")
SELECT md5('incident/' || i)::uuid, 'contoso', md5('device/' || (1 + ((i * 7 + 13) % 2000)))::uuid,
       (ARRAY['Suspicious PowerShell', 'Ransomware behaviour', 'Credential theft attempt',
              'Cryptominer detected'])[1 + i % 4] || ' on multiple endpoints (' || i || ')',
       (ARRAY['INFORMATIONAL','LOW','MEDIUM','HIGH'])[1 + i % 4]::"Severity",
       (ARRAY['ACTIVE','IN_PROGRESS','RESOLVED','REDIRECTED'])[1 + (i / 7) % 4]::"IncidentStatus",
       (ARRAY['UNKNOWN','TRUE_POSITIVE','FALSE_POSITIVE','UNKNOWN'])[1 + (i / 7) % 4]::"IncidentClassification",
       CASE WHEN i % 3 = 0 THEN 'analyst' || (i % 7) || '@contoso.com' END,
       ARRAY[]::text[], rs.rs::"IncidentRemediationStatus",
       (ARRAY['RUNNING','PENDING_APPROVAL','REMEDIATED','PARTIALLY_REMEDIATED'])[1 + i % 4]::"InvestigationState",
       a.t - ({{INCIDENTS}} - i) * interval '1 minute', a.t - ({{INCIDENTS}} - i) * interval '1 minute' + interval '5 minutes'
FROM generate_series(1, {{INCIDENTS}}) i
CROSS JOIN anchor a
JOIN (SELECT ev.i AS n,
             CASE WHEN bool_or(status = 'PENDING_APPROVAL') THEN 'PENDING_APPROVAL'
                  WHEN bool_and(status = 'COMPLETED') THEN 'REMEDIATED'
                  WHEN bool_or(status = 'COMPLETED') THEN 'PARTIALLY_REMEDIATED' ELSE 'NONE' END AS rs
      FROM ev WHERE k <= 4 GROUP BY ev.i) rs ON rs.n = i
ORDER BY i;

INSERT INTO evidence (id, "tenantId", "deviceId", "incidentId", kind, path, sha256, "processId", "commandLine",
                      "registryKey", name, value, verdict, "remediationStatus", "locationClasses", "pathUnderstood", "createdAt")
SELECT ev.id, 'contoso', md5('device/' || ev.devno)::uuid, md5('incident/' || ev.i)::uuid,
       ev.kind::"EvidenceKind",
       CASE WHEN ev.kind IN ('FILE','PROCESS','DRIVER','SERVICE','SCHEDULED_TASK') THEN ev.file_path END,
       CASE WHEN ev.kind IN ('FILE','PROCESS','DRIVER') THEN encode(sha256(convert_to(ev.i || ':' || ev.k, 'UTF8')), 'hex') END,
       CASE WHEN ev.kind = 'PROCESS' THEN 1000 + ev.i % 60000 END,
       CASE WHEN ev.kind = 'PROCESS' THEN '"' || ev.file_path || '" --silent' END,
       CASE WHEN ev.kind = 'REGISTRY_KEY' THEN 'HKLM\Software\Microsoft\Windows\CurrentVersion\Run\upd' || ev.i END,
       CASE WHEN ev.kind = 'SERVICE' THEN 'UpdSvc' || ev.i WHEN ev.kind = 'SCHEDULED_TASK' THEN '\Microsoft\Updater' || ev.i
            WHEN ev.kind = 'USER' THEN 'CONTOSO\user' || (ev.i % 50) END,
       CASE WHEN ev.kind = 'IP_ADDRESS' THEN '203.0.113.' || (ev.i % 250) WHEN ev.kind = 'URL' THEN 'http://c2-' || ev.i || '.example.invalid/beacon' END,
       (CASE WHEN ev.k < 5 THEN (ARRAY['MALICIOUS','SUSPICIOUS','MALICIOUS'])[1 + ((ev.i * 3 + ev.k) % 3)]
             ELSE (ARRAY['SUSPICIOUS','NO_THREATS_FOUND',NULL])[1 + ev.i % 3] END)::"Verdict",
       (CASE ev.status WHEN 'PENDING_APPROVAL' THEN 'PENDING_APPROVAL' WHEN 'IN_PROGRESS' THEN 'IN_PROGRESS'
          WHEN 'COMPLETED' THEN 'REMEDIATED' WHEN 'REJECTED' THEN 'DECLINED' WHEN 'FAILED' THEN 'FAILED'
          WHEN 'UNDONE' THEN 'RESTORED' ELSE 'NONE' END)::"EvidenceRemediationStatus",
       CASE WHEN ev.kind IN ('FILE','PROCESS','DRIVER','SERVICE','SCHEDULED_TASK') THEN ARRAY[ev.loc]::"LocationClass"[]
            ELSE ARRAY['NONE']::"LocationClass"[] END,
       true, inc."createdAt" + ev.k * interval '1 second'
FROM ev JOIN incidents inc ON inc.id = md5('incident/' || ev.i)::uuid
ORDER BY ev.i, ev.k;

-- Quell's scope: an incident is visible through the devices it touches
INSERT INTO incident_devices ("incidentId", "deviceId")
SELECT DISTINCT "incidentId", "deviceId" FROM evidence;

-- the actions (see ev above), on the evidence's device, in the device's group
INSERT INTO remediation_actions (id, "tenantId", "deviceId", "deviceGroupId", type, source, status, "evidenceId",
       "incidentId", sha256, "openTargetKey", decision, explanation, "decidedBy", "decidedAt", "decisionComment",
       "completedAt", "failureReason", undoable, "undoneBy", "undoneAt", "expiresAt", "createdAt", "updatedAt")
SELECT md5('action/' || ev.i || '/' || ev.k)::uuid, 'contoso', md5('device/' || ev.devno)::uuid,
       md5('group/' || (1 + (ev.devno - 1) % 10))::uuid, x.type::"RemediationActionType", 'AUTOMATED_INVESTIGATION',
       x.status::"RemediationActionStatus", ev.id, md5('incident/' || ev.i)::uuid,
       CASE WHEN x.type = 'QUARANTINE_FILE' THEN encode(sha256(convert_to(ev.i || ':' || ev.k, 'UTF8')), 'hex') END,
       CASE WHEN x.status IN ('PENDING_APPROVAL','IN_PROGRESS') THEN
         md5('device/' || ev.devno)::uuid || ':' || x.type || CASE WHEN x.type = 'QUARANTINE_FILE'
           THEN ':' || encode(sha256(convert_to(ev.i || ':' || ev.k, 'UTF8')), 'hex') ELSE ':evidence:' || ev.id END END,
       (CASE WHEN x.status IN ('PENDING_APPROVAL','REJECTED','EXPIRED') THEN 'REQUIRE_APPROVAL' ELSE 'TAKE_AUTOMATICALLY' END)::"PolicyDecision",
       CASE WHEN x.status IN ('PENDING_APPROVAL','REJECTED','EXPIRED') THEN 'The group''s automation level requires approval for this location.'
            ELSE 'Taken automatically: the group''s automation level allows it here.' END,
       CASE WHEN x.status IN ('COMPLETED','REJECTED','UNDONE') THEN 'analyst' || (ev.i % 7) || '@contoso.com' END,
       CASE WHEN x.status IN ('COMPLETED','REJECTED','UNDONE') THEN x.created + interval '1 hour' END,
       CASE WHEN x.status = 'REJECTED' THEN 'Known admin tool' END,
       CASE WHEN x.status IN ('COMPLETED','UNDONE') THEN x.created + interval '61 minutes' END,
       CASE WHEN x.status = 'FAILED' THEN 'File locked by another process' END,
       x.type <> 'KILL_PROCESS',
       CASE WHEN x.status = 'UNDONE' THEN 'analyst' || (ev.i % 5) || '@contoso.com' END,
       CASE WHEN x.status = 'UNDONE' THEN x.created + interval '2 hours' END,
       CASE WHEN x.status = 'PENDING_APPROVAL' THEN x.created + interval '7 days' END,
       x.created, x.created + CASE WHEN x.status = 'PENDING_APPROVAL' THEN interval '0' ELSE interval '2 hours' END
FROM ev
JOIN incidents inc ON inc.id = md5('incident/' || ev.i)::uuid
CROSS JOIN LATERAL (SELECT ev.type, ev.status, inc."createdAt" + ev.k * interval '10 seconds' AS created) x
WHERE ev.k <= 4
ORDER BY ev.i, ev.k;

COMMIT;
-- VACUUM ANALYZE runs separately (bench/reads.ts): not inside a multi-statement query.
