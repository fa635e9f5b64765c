import pg from 'pg';

/**
 * The two roles Quell's database is used through (SPEC §5): the owner runs migrations and owns
 * every table; the app role serves requests and owns nothing. Their names are fixed because the
 * migrations grant to `quell_app` by name.
 */
export const OWNER_ROLE = 'quell_owner';
export const APP_ROLE = 'quell_app';

/** What a serving connection must not be able to do, checked at start and by the tests. */
export interface RoleFacts {
  role: string;
  superuser: boolean;
  bypassesRowSecurity: boolean;
  ownsTables: boolean;
  mayRunServerPrograms: boolean;
}

const ROLE_FACTS = `
SELECT current_user AS role, r.rolsuper AS superuser, r.rolbypassrls AS "bypassesRowSecurity",
       EXISTS (SELECT 1 FROM pg_tables t WHERE t.schemaname = 'public'
               AND pg_has_role(current_user, t.tableowner, 'USAGE')) AS "ownsTables",
       pg_has_role(current_user, 'pg_execute_server_program', 'USAGE') AS "mayRunServerPrograms"
FROM pg_roles r WHERE r.rolname = current_user`;

export async function roleFacts(client: pg.ClientBase): Promise<RoleFacts> {
  const result = await client.query<RoleFacts>(ROLE_FACTS);
  return result.rows[0]!;
}

/** Run as a superuser: creates both login roles when missing (no password: the launcher's cluster trusts local connections). */
export async function ensureQuellRoles(admin: pg.ClientBase): Promise<void> {
  await admin.query(`
    DO $$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${OWNER_ROLE}') THEN
        CREATE ROLE ${OWNER_ROLE} LOGIN NOSUPERUSER NOCREATEROLE NOBYPASSRLS;
      END IF;
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${APP_ROLE}') THEN
        CREATE ROLE ${APP_ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
      END IF;
    END
    $$`);
}

/**
 * Run as a superuser on `database`: makes the owner role own it, its public schema and every
 * table and sequence in it (a data folder from before the split had them all owned by postgres).
 */
export async function handDatabaseToOwner(adminUrl: string, database: string): Promise<void> {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(`ALTER DATABASE "${database.replace(/"/g, '""')}" OWNER TO ${OWNER_ROLE}`);
    await client.query(`ALTER SCHEMA public OWNER TO ${OWNER_ROLE}`);
    await client.query(`
      DO $$
      DECLARE item RECORD;
      BEGIN
        FOR item IN SELECT c.relname, c.relkind FROM pg_class c
          JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'public' AND c.relkind IN ('r', 'S', 'v')
            AND pg_get_userbyid(c.relowner) <> '${OWNER_ROLE}' LOOP
          EXECUTE format('ALTER %s %I OWNER TO ${OWNER_ROLE}',
            CASE item.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' ELSE 'TABLE' END, item.relname);
        END LOOP;
        FOR item IN SELECT p.proname, pg_get_function_identity_arguments(p.oid) AS args FROM pg_proc p
          JOIN pg_namespace n ON n.oid = p.pronamespace
          WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) <> '${OWNER_ROLE}' LOOP
          EXECUTE format('ALTER FUNCTION %I(%s) OWNER TO ${OWNER_ROLE}', item.proname, item.args);
        END LOOP;
        FOR item IN SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
          WHERE n.nspname = 'public' AND t.typtype = 'e' AND pg_get_userbyid(t.typowner) <> '${OWNER_ROLE}' LOOP
          EXECUTE format('ALTER TYPE %I OWNER TO ${OWNER_ROLE}', item.typname);
        END LOOP;
      END
      $$`);
  } finally {
    await client.end();
  }
}

/** The same URL, logged in as another role (the launcher's cluster needs no password). */
export function urlForRole(url: string, role: string): string {
  const next = new URL(url);
  next.username = role;
  next.password = '';
  return next.toString();
}
