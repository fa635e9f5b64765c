-- The database holds its own guarantees (SPEC §5, issue 10 item 6). Migrations run as the owner
-- of the tables; the server connects as a member of "quell_app", which owns nothing, is no
-- superuser, cannot bypass row security, and may only insert and read audit events.

-- The group role the serving login belongs to (the launcher, or an operator, creates the login).
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'quell_app') THEN
    CREATE ROLE quell_app NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
  END IF;
END
$$;

GRANT USAGE ON SCHEMA public TO quell_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO quell_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO quell_app;
-- The audit log: insert and read, nothing else (the append-only triggers stay for the owner).
REVOKE UPDATE, DELETE, TRUNCATE ON "audit_events" FROM quell_app;
-- Migration history is the owner's to write; the serving role may read it (a server started on
-- one URL checks that nothing is left to apply).
REVOKE ALL ON "_prisma_migrations" FROM quell_app;
GRANT SELECT ON "_prisma_migrations" TO quell_app;

-- Row-level security, as defence in depth behind the services' own scoping. A transaction sees a
-- tenant's rows only after `set_config('quell.tenant_id', <tenant>, true)`; with nothing set it
-- sees nothing. Background sweeps that work across tenants say so explicitly with
-- `set_config('quell.all_tenants', 'on', true)`. Both settings are transaction-local, so a pooled
-- connection carries nothing over. The owner is not subject to these policies (no FORCE): it
-- runs migrations and maintenance.
CREATE FUNCTION quell_row_visible(tenant TEXT) RETURNS BOOLEAN
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT tenant = current_setting('quell.tenant_id', true)
      OR current_setting('quell.all_tenants', true) = 'on'
$$;

DO $$
DECLARE
  tenant_table TEXT;
BEGIN
  FOREACH tenant_table IN ARRAY ARRAY[
    'device_groups', 'devices', 'incidents', 'alerts', 'evidence', 'investigations',
    'remediation_actions', 'indicators', 'audit_events', 'stream_events', 'idempotency_records'
  ] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', tenant_table);
    EXECUTE format(
      'CREATE POLICY tenant_rows ON %I TO quell_app USING (quell_row_visible("tenantId")) WITH CHECK (quell_row_visible("tenantId"))',
      tenant_table
    );
  END LOOP;
END
$$;

ALTER TABLE "tenants" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON "tenants" TO quell_app
  USING (quell_row_visible("id")) WITH CHECK (quell_row_visible("id"));

-- The link tables carry no tenant: a link is visible when its parent is (whose policy applies).
ALTER TABLE "incident_devices" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON "incident_devices" TO quell_app
  USING (EXISTS (SELECT 1 FROM "incidents" i WHERE i."id" = "incidentId"))
  WITH CHECK (EXISTS (SELECT 1 FROM "incidents" i WHERE i."id" = "incidentId"));

ALTER TABLE "investigation_devices" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON "investigation_devices" TO quell_app
  USING (EXISTS (SELECT 1 FROM "investigations" i WHERE i."id" = "investigationId"))
  WITH CHECK (EXISTS (SELECT 1 FROM "investigations" i WHERE i."id" = "investigationId"));

-- Tables later migrations create get the same grants; their policies each migration adds.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO quell_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO quell_app;
