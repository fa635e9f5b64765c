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
-- The audit log: insert and read, nothing else (its append-only triggers also bind the owner).
REVOKE UPDATE, DELETE, TRUNCATE ON "audit_events" FROM quell_app;
-- Migration history is the owner's to write; the serving role may read it (a server started on
-- one URL checks that nothing is left to apply).
REVOKE ALL ON "_prisma_migrations" FROM quell_app;
GRANT SELECT ON "_prisma_migrations" TO quell_app;
-- Tables later migrations create get the same grants (their policies each migration adds, with
-- quell_protect_tenant_table below).
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO quell_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO quell_app;

-- Row-level security, as defence in depth behind the services' own scoping. A transaction sees a
-- tenant's rows only after `set_config('quell.tenant_id', <tenant>, true)`; with nothing set it
-- sees nothing. Work across tenants by design (background sweeps, the rule worker, metrics,
-- migrations themselves) says so with `set_config('quell.all_tenants', 'on', true)`. Both
-- settings are transaction-local, so a pooled connection carries nothing over. FORCE: the owner is
-- bound too, so a server that serves through the owner's URL by mistake still filters (only a
-- superuser bypasses row security).
CREATE FUNCTION quell_row_visible(tenant TEXT) RETURNS BOOLEAN
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT tenant = current_setting('quell.tenant_id', true)
      OR current_setting('quell.all_tenants', true) = 'on'
$$;

-- One line per new tenant table in later migrations: `SELECT quell_protect_tenant_table('t');`
-- (`key_column`: the tenant column, "tenantId" unless the table is keyed otherwise).
CREATE FUNCTION quell_protect_tenant_table(table_name TEXT, key_column TEXT DEFAULT 'tenantId')
RETURNS VOID LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', table_name);
  EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', table_name);
  EXECUTE format(
    'CREATE POLICY tenant_rows ON %I USING (quell_row_visible(%I)) WITH CHECK (quell_row_visible(%I))',
    table_name, key_column, key_column
  );
END
$$;

-- Every table of today's schema with a "tenantId" column (so none is forgotten), and tenants by id.
DO $$
DECLARE
  tenant_table TEXT;
BEGIN
  FOR tenant_table IN
    SELECT c.table_name FROM information_schema.columns c
    JOIN information_schema.tables t USING (table_schema, table_name)
    WHERE c.table_schema = 'public' AND c.column_name = 'tenantId' AND t.table_type = 'BASE TABLE'
    ORDER BY c.table_name
  LOOP
    PERFORM quell_protect_tenant_table(tenant_table);
  END LOOP;
END
$$;
SELECT quell_protect_tenant_table('tenants', 'id');

-- The link tables carry no tenant: a link is visible when its parent is (whose policy applies).
ALTER TABLE "incident_devices" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "incident_devices" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON "incident_devices"
  USING (EXISTS (SELECT 1 FROM "incidents" i WHERE i."id" = "incidentId"))
  WITH CHECK (EXISTS (SELECT 1 FROM "incidents" i WHERE i."id" = "incidentId"));

ALTER TABLE "investigation_devices" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "investigation_devices" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON "investigation_devices"
  USING (EXISTS (SELECT 1 FROM "investigations" i WHERE i."id" = "investigationId"))
  WITH CHECK (EXISTS (SELECT 1 FROM "investigations" i WHERE i."id" = "investigationId"));
