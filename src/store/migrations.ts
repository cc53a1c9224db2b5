import type { SqlDatabase } from "./sql.js";

/**
 * Versioned schema migrations, identical for PGlite and PostgreSQL. Append new ones; never edit a released one.
 * Each is applied in its own transaction together with its row in schema_migrations, so a crash leaves the
 * schema either before or after a migration, never half-way.
 */
export const MIGRATIONS: { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: "projects, scenarios, versions, runs",
    sql: `
      CREATE TABLE projects (
        id text PRIMARY KEY,
        slug text NOT NULL UNIQUE,
        name text NOT NULL,
        description text NOT NULL DEFAULT '',
        builtin boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE scenarios (
        id text PRIMARY KEY,
        project_id text NOT NULL REFERENCES projects(id),
        name text NOT NULL,
        file_name text NOT NULL,
        latest_version integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (project_id, file_name)
      );
      CREATE TABLE scenario_versions (
        scenario_id text NOT NULL REFERENCES scenarios(id),
        number integer NOT NULL CHECK (number >= 1),
        content text NOT NULL,
        content_hash text NOT NULL,
        note text NOT NULL DEFAULT '',
        restored_from integer,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (scenario_id, number)
      );
      CREATE TABLE runs (
        id text PRIMARY KEY,
        scenario_id text NOT NULL,
        version_number integer NOT NULL,
        solver text NOT NULL,
        options jsonb NOT NULL DEFAULT '{}',
        status text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
        failure_reason text,
        timings jsonb NOT NULL DEFAULT '{}',
        plan jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        FOREIGN KEY (scenario_id, version_number) REFERENCES scenario_versions(scenario_id, number)
      );
      CREATE INDEX runs_by_scenario ON runs (scenario_id, created_at);
      CREATE INDEX runs_by_status ON runs (status);
      CREATE TABLE run_progress (
        run_id text NOT NULL REFERENCES runs(id),
        seq integer NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        kind text NOT NULL,
        data jsonb NOT NULL DEFAULT '{}',
        PRIMARY KEY (run_id, seq)
      );
    `,
  },
  {
    version: 2,
    name: "users, API tokens, sessions, project members, audit log",
    sql: `
      CREATE TABLE users (
        id text PRIMARY KEY,
        username text NOT NULL UNIQUE,
        password_hash text,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE api_tokens (
        id text PRIMARY KEY,
        user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        name text NOT NULL,
        token_hash text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz,
        revoked_at timestamptz,
        last_used_at timestamptz
      );
      CREATE TABLE sessions (
        id_hash text PRIMARY KEY,
        user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      );
      CREATE TABLE project_members (
        project_id text NOT NULL REFERENCES projects(id),
        user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        role text NOT NULL CHECK (role IN ('viewer', 'editor', 'owner')),
        added_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (project_id, user_id)
      );
      CREATE INDEX project_members_by_user ON project_members (user_id);
      CREATE TABLE audit_log (
        seq bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        actor text NOT NULL,
        via text NOT NULL,
        action text NOT NULL,
        project_id text,
        target text NOT NULL DEFAULT '',
        detail jsonb NOT NULL DEFAULT '{}'
      );
      CREATE INDEX audit_log_by_project ON audit_log (project_id, seq);
    `,
  },
  {
    // numbered 3: migration 2 is the accounts schema (users, tokens, members, audit log)
    version: 3,
    name: "runs pin the bases of their extends chain; finished runs are immutable",
    sql: `
      ALTER TABLE runs ADD COLUMN bases jsonb;
      ALTER TABLE runs ADD COLUMN rerun_of text REFERENCES runs(id);
      CREATE FUNCTION portello_refuse_finished_run_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'run % is finished: a finished run and its plan never change', OLD.id
          USING ERRCODE = 'integrity_constraint_violation';
      END;
      $$;
      CREATE TRIGGER runs_finished_are_immutable BEFORE UPDATE ON runs
        FOR EACH ROW WHEN (OLD.status IN ('succeeded', 'failed', 'cancelled'))
        EXECUTE FUNCTION portello_refuse_finished_run_change();
      CREATE FUNCTION portello_refuse_progress_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' THEN
          RAISE EXCEPTION 'the progress log is append-only' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF EXISTS (SELECT 1 FROM runs WHERE id = NEW.run_id AND status IN ('succeeded', 'failed', 'cancelled')) THEN
          RAISE EXCEPTION 'run % is finished: its progress log never changes', NEW.run_id
            USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
      END;
      $$;
      CREATE TRIGGER run_progress_append_only BEFORE INSERT OR UPDATE ON run_progress
        FOR EACH ROW EXECUTE FUNCTION portello_refuse_progress_change();
    `,
  },
  {
    // numbered 4: 2 is the accounts schema, 3 the runs' pinned bases
    version: 4,
    name: "answers to question cases",
    sql: `
      CREATE TABLE answers (
        id text PRIMARY KEY,
        project_id text NOT NULL REFERENCES projects(id),
        case_id text NOT NULL,
        content jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX answers_by_project ON answers (project_id, created_at);
    `,
  },
  {
    version: 5,
    name: "run owners and leases; uncertainty studies and their results, each stored once",
    sql: `
      ALTER TABLE runs ADD COLUMN owner text;
      ALTER TABLE runs ADD COLUMN lease_expires_at timestamptz;
      CREATE TABLE studies (
        id text PRIMARY KEY,
        project_id text REFERENCES projects(id),
        created_by text NOT NULL DEFAULT '',
        name text NOT NULL DEFAULT '',
        spec jsonb,
        seed bigint,
        prepared jsonb NOT NULL,
        total integer NOT NULL CHECK (total >= 0),
        status text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
        failure_reason text,
        report jsonb,
        owner text,
        lease_expires_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz
      );
      CREATE INDEX studies_by_project ON studies (project_id, created_at);
      CREATE INDEX studies_by_status ON studies (status);
      CREATE TABLE study_tasks (
        study_id text NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
        sample integer NOT NULL CHECK (sample >= 0),
        option text NOT NULL,
        assignments jsonb NOT NULL,
        PRIMARY KEY (study_id, sample, option)
      );
      CREATE TABLE study_results (
        study_id text NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
        sample integer NOT NULL,
        option text NOT NULL,
        seq bigserial NOT NULL,
        result jsonb NOT NULL,
        worker text NOT NULL DEFAULT '',
        stored_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (study_id, sample, option),
        FOREIGN KEY (study_id, sample, option) REFERENCES study_tasks(study_id, sample, option) ON DELETE CASCADE
      );
      CREATE INDEX study_results_by_seq ON study_results (study_id, seq);
      CREATE FUNCTION portello_refuse_study_result_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'a study result is stored once and never changes' USING ERRCODE = 'integrity_constraint_violation';
      END;
      $$;
      CREATE TRIGGER study_results_never_change BEFORE UPDATE ON study_results
        FOR EACH ROW EXECUTE FUNCTION portello_refuse_study_result_change();
    `,
  },
  {
    version: 6,
    name: "study solves shared by content: an identical task of any study, on any worker, is solved once",
    sql: `
      CREATE TABLE study_solve_cache (
        task_key text PRIMARY KEY,
        result jsonb NOT NULL,
        hits bigint NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        used_at timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
];

/** Arbitrary constant: serialises concurrent migrators on one PostgreSQL database. */
const MIGRATION_LOCK = 7_351_102;

export async function applyMigrations(db: SqlDatabase): Promise<number[]> {
  await db.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY,
    name text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  const applied: number[] = [];
  for (const migration of MIGRATIONS) {
    const done = await db.transaction(async (tx) => {
      await tx.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
      const rows = await tx.query("SELECT 1 FROM schema_migrations WHERE version = $1", [migration.version]);
      if (rows.length > 0) return false;
      for (const statement of splitStatements(migration.sql)) await tx.query(statement);
      await tx.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [
        migration.version,
        migration.name,
      ]);
      return true;
    });
    if (done) applied.push(migration.version);
  }
  return applied;
}

/** Statements end at semicolons outside dollar-quoted bodies ($$ … $$ of functions); no literal holds one. */
function splitStatements(sql: string): string[] {
  return sql
    .split("$$")
    .flatMap((part, i) => (i % 2 === 1 ? [`$$${part}$$`] : part.split(/(;)/)))
    .reduce<string[]>(
      (statements, piece) => {
        if (piece === ";") statements.push("");
        else statements[statements.length - 1] += piece;
        return statements;
      },
      [""],
    )
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
