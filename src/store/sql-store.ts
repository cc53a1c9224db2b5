import { createHash, randomUUID } from "node:crypto";
import { Accounts } from "./accounts.js";
import { applyMigrations } from "./migrations.js";
import { Studies } from "./studies.js";
import { type SqlClient, type SqlDatabase, isoTime, json, optionalIsoTime } from "./sql.js";
import {
  FINISHED_STATUSES,
  QUEUE_OWNER_PREFIX,
  type NewProject,
  type NewRun,
  type NewScenario,
  type NewVersion,
  type ProgressEntry,
  type Project,
  type Run,
  type RunOutcome,
  type RunStatus,
  type RunWithPlan,
  type ScenarioRecord,
  type ScenarioVersion,
  type Store,
  type StoredAnswer,
  StoreError,
  type VersionSummary,
} from "./types.js";

type Row = Record<string, unknown>;

/** The Store over any PostgreSQL dialect connection: the same SQL for PGlite and for a PostgreSQL server. */
export class SqlStore implements Store {
  readonly accounts: Accounts;
  readonly studies: Studies;

  constructor(
    readonly backend: "pglite" | "postgres",
    readonly location: string,
    private readonly db: SqlDatabase,
  ) {
    this.accounts = new Accounts(db);
    this.studies = new Studies(db);
  }

  /** Applies pending migrations; call once before use. */
  async migrate(): Promise<number[]> {
    return applyMigrations(this.db);
  }

  close(): Promise<void> {
    return this.db.close();
  }

  // ── projects ──────────────────────────────────────────────────────────────

  async createProject(input: NewProject): Promise<Project> {
    const slug = input.slug ?? slugify(input.name);
    return this.db.transaction(async (tx) => {
      const rows = await tx.query(
        `INSERT INTO projects (id, slug, name, description, builtin) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (slug) DO NOTHING RETURNING *`,
        [randomUUID(), slug, input.name, input.description ?? "", input.builtin ?? false],
      );
      if (rows.length === 0) throw new StoreError("conflict", `a project named "${slug}" already exists`);
      const project = toProject(rows[0]!);
      if (input.ownerId) {
        await tx.query("INSERT INTO project_members (project_id, user_id, role) VALUES ($1, $2, 'owner')", [
          project.id,
          input.ownerId,
        ]);
      }
      return project;
    });
  }

  async listProjects(): Promise<Project[]> {
    const rows = await this.db.query("SELECT * FROM projects ORDER BY created_at, slug");
    return rows.map(toProject);
  }

  async getProject(idOrSlug: string): Promise<Project> {
    const rows = await this.db.query("SELECT * FROM projects WHERE id = $1 OR slug = $1", [idOrSlug]);
    if (rows.length === 0) throw new StoreError("not-found", `no project "${idOrSlug}"`);
    return toProject(rows[0]!);
  }

  deleteProject(projectId: string): Promise<void> {
    return this.db.transaction(async (tx) => {
      const locked = await tx.query("SELECT id FROM projects WHERE id = $1 FOR UPDATE", [projectId]);
      if (locked.length === 0) throw new StoreError("not-found", `no project "${projectId}"`);
      const inProject = "SELECT id FROM scenarios WHERE project_id = $1";
      const active = await tx.query(
        `SELECT 1 FROM runs WHERE scenario_id IN (${inProject}) AND status IN ('queued', 'running') LIMIT 1`,
        [projectId],
      );
      if (active.length > 0) {
        throw new StoreError("conflict", "the project has runs queued or running: cancel them first");
      }
      const studying = await tx.query(
        "SELECT 1 FROM studies WHERE project_id = $1 AND status IN ('queued', 'running') LIMIT 1",
        [projectId],
      );
      if (studying.length > 0)
        throw new StoreError("conflict", "the project has studies queued or running: cancel them first");
      // their tasks and results go with them (ON DELETE CASCADE)
      await tx.query("DELETE FROM studies WHERE project_id = $1", [projectId]);
      const runsOf = `SELECT id FROM runs WHERE scenario_id IN (${inProject})`;
      await tx.query(`DELETE FROM run_progress WHERE run_id IN (${runsOf})`, [projectId]);
      await tx.query(`DELETE FROM runs WHERE scenario_id IN (${inProject})`, [projectId]);
      await tx.query(`DELETE FROM scenario_versions WHERE scenario_id IN (${inProject})`, [projectId]);
      await tx.query("DELETE FROM scenarios WHERE project_id = $1", [projectId]);
      await tx.query("DELETE FROM answers WHERE project_id = $1", [projectId]);
      await tx.query("DELETE FROM project_members WHERE project_id = $1", [projectId]);
      await tx.query("DELETE FROM projects WHERE id = $1", [projectId]);
    });
  }

  // ── scenarios and versions ───────────────────────────────────────────────

  async createScenario(
    projectId: string,
    input: NewScenario,
  ): Promise<{ scenario: ScenarioRecord; version: ScenarioVersion }> {
    const project = await this.getProject(projectId);
    const fileName = input.fileName ?? `${slugify(input.name)}.yaml`;
    return this.db.transaction(async (tx) => {
      const taken = await tx.query("SELECT 1 FROM scenarios WHERE project_id = $1 AND file_name = $2", [
        project.id,
        fileName,
      ]);
      if (taken.length > 0) {
        throw new StoreError("conflict", `project "${project.slug}" already has a scenario "${fileName}"`);
      }
      const id = randomUUID();
      await tx.query("INSERT INTO scenarios (id, project_id, name, file_name) VALUES ($1, $2, $3, $4)", [
        id,
        project.id,
        input.name,
        fileName,
      ]);
      const version = await appendVersion(tx, id, input.content, input.note ?? "", null);
      const scenario = await scenarioById(tx, id);
      return { scenario, version };
    });
  }

  async listScenarios(projectId: string): Promise<ScenarioRecord[]> {
    const project = await this.getProject(projectId);
    const rows = await this.db.query(
      "SELECT * FROM scenarios WHERE project_id = $1 ORDER BY created_at, name",
      [project.id],
    );
    return rows.map(toScenario);
  }

  getScenario(scenarioId: string): Promise<ScenarioRecord> {
    return scenarioById(this.db, scenarioId);
  }

  async findScenarioByFileName(projectId: string, fileName: string): Promise<ScenarioRecord | undefined> {
    const rows = await this.db.query("SELECT * FROM scenarios WHERE project_id = $1 AND file_name = $2", [
      projectId,
      fileName,
    ]);
    return rows[0] ? toScenario(rows[0]) : undefined;
  }

  saveVersion(scenarioId: string, input: NewVersion): Promise<ScenarioVersion> {
    return this.db.transaction(async (tx) => {
      const scenario = await lockScenario(tx, scenarioId);
      if (input.baseVersion !== undefined && input.baseVersion !== scenario.latestVersion) {
        throw new StoreError(
          "conflict",
          `the scenario was saved meanwhile: you edited version ${input.baseVersion}, the latest is ` +
            `${scenario.latestVersion}; open the latest version, re-apply your change and save again`,
        );
      }
      return appendVersion(tx, scenarioId, input.content, input.note ?? "", null);
    });
  }

  async listVersions(scenarioId: string): Promise<VersionSummary[]> {
    await this.getScenario(scenarioId);
    const rows = await this.db.query(
      `SELECT scenario_id, number, content_hash, note, restored_from, created_at
       FROM scenario_versions WHERE scenario_id = $1 ORDER BY number`,
      [scenarioId],
    );
    return rows.map(toVersionSummary);
  }

  async getVersion(scenarioId: string, number?: number): Promise<ScenarioVersion> {
    const scenario = await this.getScenario(scenarioId);
    const wanted = number ?? scenario.latestVersion;
    const rows = await this.db.query(
      "SELECT * FROM scenario_versions WHERE scenario_id = $1 AND number = $2",
      [scenarioId, wanted],
    );
    if (rows.length === 0) {
      throw new StoreError("not-found", `scenario "${scenario.name}" has no version ${wanted}`);
    }
    return toVersion(rows[0]!);
  }

  restoreVersion(scenarioId: string, number: number, note?: string): Promise<ScenarioVersion> {
    return this.db.transaction(async (tx) => {
      await lockScenario(tx, scenarioId);
      const rows = await tx.query(
        "SELECT content FROM scenario_versions WHERE scenario_id = $1 AND number = $2",
        [scenarioId, number],
      );
      if (rows.length === 0) throw new StoreError("not-found", `the scenario has no version ${number}`);
      const content = String(rows[0]!.content);
      return appendVersion(tx, scenarioId, content, note ?? `restored version ${number}`, number);
    });
  }

  // ── runs ──────────────────────────────────────────────────────────────────

  async createRun(input: NewRun): Promise<Run> {
    await this.getVersion(input.scenarioId, input.versionNumber);
    const rows = await this.db.query(
      `INSERT INTO runs (id, scenario_id, version_number, solver, options, status, bases, rerun_of, owner,
                         lease_expires_at)
       VALUES ($1, $2, $3, $4, $5::jsonb, 'queued', $6::jsonb, $7, $8,
               CASE WHEN $8::text IS NULL OR $10 THEN NULL ELSE now() + make_interval(secs => $9) END) RETURNING *`,
      [
        randomUUID(),
        input.scenarioId,
        input.versionNumber,
        input.solver,
        JSON.stringify(input.options ?? {}),
        input.bases ? JSON.stringify(input.bases) : null,
        input.rerunOf ?? null,
        input.queue ? `${QUEUE_OWNER_PREFIX}${input.queue}` : (input.lease?.owner ?? null),
        input.lease?.seconds ?? 0,
        input.queue !== undefined,
      ],
    );
    return toRun(rows[0]!);
  }

  async getRun(runId: string): Promise<RunWithPlan> {
    const rows = await this.db.query("SELECT * FROM runs WHERE id = $1", [runId]);
    if (rows.length === 0) throw new StoreError("not-found", `no run "${runId}"`);
    const row = rows[0]!;
    const run: RunWithPlan = toRun(row);
    if (row.plan !== null && row.plan !== undefined) run.plan = json(row.plan, undefined);
    return run;
  }

  async listRuns(
    filter: { scenarioId?: string; status?: RunStatus; projectIds?: string[] } = {},
  ): Promise<Run[]> {
    const rows = await this.db.query(
      `SELECT id, scenario_id, version_number, solver, options, status, failure_reason, timings,
              created_at, started_at, finished_at, bases, rerun_of
       FROM runs WHERE ($1::text IS NULL OR scenario_id = $1) AND ($2::text IS NULL OR status = $2)
         AND ($3::text[] IS NULL OR scenario_id IN (SELECT id FROM scenarios WHERE project_id = ANY($3)))
       ORDER BY created_at, id`,
      [filter.scenarioId ?? null, filter.status ?? null, filter.projectIds ?? null],
    );
    return rows.map(toRun);
  }

  async markRunStarted(runId: string): Promise<boolean> {
    const rows = await this.db.query(
      "UPDATE runs SET status = 'running', started_at = now() WHERE id = $1 AND status = 'queued' RETURNING id",
      [runId],
    );
    return rows.length > 0;
  }

  appendProgress(runId: string, entries: Omit<ProgressEntry, "seq" | "at">[]): Promise<ProgressEntry[]> {
    if (entries.length === 0) return Promise.resolve([]);
    return this.db.transaction(async (tx) => {
      // the run row lock serialises writers, so sequence numbers never collide
      const locked = await tx.query("SELECT status FROM runs WHERE id = $1 FOR UPDATE", [runId]);
      if (locked.length === 0) throw new StoreError("not-found", `no run "${runId}"`);
      if (FINISHED_STATUSES.includes(String(locked[0]!.status) as RunStatus))
        throw new StoreError("conflict", `run "${runId}" is finished: its progress log is closed`);
      const last = await tx.query<{ last: number }>(
        "SELECT COALESCE(MAX(seq), 0)::int AS last FROM run_progress WHERE run_id = $1",
        [runId],
      );
      const first = Number(last[0]!.last) + 1;
      // one batched insert: rows from parallel arrays
      const rows = await tx.query(
        `INSERT INTO run_progress (run_id, seq, kind, data)
         SELECT $1, s, k, d::jsonb FROM unnest($2::int[], $3::text[], $4::text[]) AS t(s, k, d)
         RETURNING seq, at, kind, data`,
        [
          runId,
          entries.map((_, i) => first + i),
          entries.map((e) => e.kind),
          entries.map((e) => JSON.stringify(e.data)),
        ],
      );
      return rows.map(toProgress).sort((a, b) => a.seq - b.seq);
    });
  }

  async getProgress(runId: string, afterSeq = 0): Promise<ProgressEntry[]> {
    const rows = await this.db.query(
      "SELECT seq, at, kind, data FROM run_progress WHERE run_id = $1 AND seq > $2 ORDER BY seq",
      [runId, afterSeq],
    );
    return rows.map(toProgress);
  }

  async finishRun(runId: string, outcome: RunOutcome): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE runs SET status = $2, plan = $3::jsonb, failure_reason = $4, timings = $5::jsonb,
              finished_at = now()
       WHERE id = $1 AND status IN ('queued', 'running') RETURNING id`,
      [
        runId,
        outcome.status,
        outcome.plan === undefined ? null : JSON.stringify(outcome.plan),
        outcome.failureReason ?? null,
        JSON.stringify(outcome.timings ?? {}),
      ],
    );
    return rows.length > 0;
  }

  // ── answers ───────────────────────────────────────────────────────────────

  async saveAnswer(projectId: string, caseId: string, content: unknown): Promise<StoredAnswer> {
    await this.getProject(projectId);
    const rows = await this.db.query(
      "INSERT INTO answers (id, project_id, case_id, content) VALUES ($1, $2, $3, $4::jsonb) RETURNING *",
      [randomUUID(), projectId, caseId, JSON.stringify(content)],
    );
    return toAnswer(rows[0]!);
  }

  async latestAnswer(projectId: string): Promise<StoredAnswer> {
    const rows = await this.db.query(
      "SELECT * FROM answers WHERE project_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1",
      [projectId],
    );
    if (rows.length === 0) throw new StoreError("not-found", `no answer stored for project "${projectId}"`);
    return toAnswer(rows[0]!);
  }

  async markInterruptedRuns(reason: string, onlyExpired = false): Promise<string[]> {
    const rows = await this.db.query(
      `UPDATE runs SET status = 'failed', failure_reason = $1, finished_at = now()
       WHERE status IN ('queued', 'running')
         AND (NOT $2 OR lease_expires_at < now()
              OR (lease_expires_at IS NULL AND (owner IS NULL OR NOT starts_with(owner, $3)))) RETURNING id`,
      [reason, onlyExpired, QUEUE_OWNER_PREFIX],
    );
    return rows.map((r) => String(r.id));
  }

  async renewRunLeases(owner: string, seconds: number): Promise<string[]> {
    const rows = await this.db.query(
      `UPDATE runs SET lease_expires_at = now() + make_interval(secs => $2)
       WHERE owner = $1 AND status IN ('queued', 'running') RETURNING id`,
      [owner, seconds],
    );
    return rows.map((r) => String(r.id));
  }

  async unfinishedRunsOf(owner: string): Promise<string[]> {
    const rows = await this.db.query(
      "SELECT id FROM runs WHERE owner = $1 AND status IN ('queued', 'running') ORDER BY created_at, id",
      [owner],
    );
    return rows.map((r) => String(r.id));
  }
}

/** Takes the scenario's row lock: concurrent saves to one scenario queue up instead of racing for a number. */
async function lockScenario(tx: SqlClient, scenarioId: string): Promise<ScenarioRecord> {
  const rows = await tx.query("SELECT * FROM scenarios WHERE id = $1 FOR UPDATE", [scenarioId]);
  if (rows.length === 0) throw new StoreError("not-found", `no scenario "${scenarioId}"`);
  return toScenario(rows[0]!);
}

async function appendVersion(
  tx: SqlClient,
  scenarioId: string,
  content: string,
  note: string,
  restoredFrom: number | null,
): Promise<ScenarioVersion> {
  const bumped = await tx.query<{ latest_version: number }>(
    `UPDATE scenarios SET latest_version = latest_version + 1, updated_at = now()
     WHERE id = $1 RETURNING latest_version`,
    [scenarioId],
  );
  if (bumped.length === 0) throw new StoreError("not-found", `no scenario "${scenarioId}"`);
  const rows = await tx.query(
    `INSERT INTO scenario_versions (scenario_id, number, content, content_hash, note, restored_from)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
    [scenarioId, Number(bumped[0]!.latest_version), content, contentHash(content), note, restoredFrom],
  );
  return toVersion(rows[0]!);
}

async function scenarioById(db: SqlClient, scenarioId: string): Promise<ScenarioRecord> {
  const rows = await db.query("SELECT * FROM scenarios WHERE id = $1", [scenarioId]);
  if (rows.length === 0) throw new StoreError("not-found", `no scenario "${scenarioId}"`);
  return toScenario(rows[0]!);
}

export function contentHash(content: string): string {
  return createHash("sha256").update(content, "utf8").digest("hex");
}

/** "Alfa Romeo 2030!" → "alfa-romeo-2030" */
export function slugify(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return slug || "untitled";
}

function toProject(r: Row): Project {
  return {
    id: String(r.id),
    slug: String(r.slug),
    name: String(r.name),
    description: String(r.description ?? ""),
    builtin: Boolean(r.builtin),
    createdAt: isoTime(r.created_at),
  };
}

function toScenario(r: Row): ScenarioRecord {
  return {
    id: String(r.id),
    projectId: String(r.project_id),
    name: String(r.name),
    fileName: String(r.file_name),
    latestVersion: Number(r.latest_version),
    createdAt: isoTime(r.created_at),
    updatedAt: isoTime(r.updated_at),
  };
}

function toVersionSummary(r: Row): VersionSummary {
  const summary: VersionSummary = {
    scenarioId: String(r.scenario_id),
    number: Number(r.number),
    contentHash: String(r.content_hash),
    note: String(r.note ?? ""),
    createdAt: isoTime(r.created_at),
  };
  if (r.restored_from !== null && r.restored_from !== undefined)
    summary.restoredFrom = Number(r.restored_from);
  return summary;
}

function toVersion(r: Row): ScenarioVersion {
  return { ...toVersionSummary(r), content: String(r.content) };
}

function toRun(r: Row): Run {
  const run: Run = {
    id: String(r.id),
    scenarioId: String(r.scenario_id),
    versionNumber: Number(r.version_number),
    solver: String(r.solver),
    options: json(r.options, {}),
    status: String(r.status) as RunStatus,
    createdAt: isoTime(r.created_at),
    timings: json(r.timings, {}),
  };
  if (r.failure_reason !== null && r.failure_reason !== undefined)
    run.failureReason = String(r.failure_reason);
  const startedAt = optionalIsoTime(r.started_at);
  if (startedAt) run.startedAt = startedAt;
  const finishedAt = optionalIsoTime(r.finished_at);
  if (finishedAt) run.finishedAt = finishedAt;
  if (r.bases !== null && r.bases !== undefined) run.bases = json(r.bases, []);
  if (r.rerun_of !== null && r.rerun_of !== undefined) run.rerunOf = String(r.rerun_of);
  return run;
}

function toAnswer(r: Row): StoredAnswer {
  return {
    id: String(r.id),
    projectId: String(r.project_id),
    caseId: String(r.case_id),
    createdAt: isoTime(r.created_at),
    content: json(r.content, null),
  };
}

function toProgress(r: Row): ProgressEntry {
  return { seq: Number(r.seq), at: isoTime(r.at), kind: String(r.kind), data: json(r.data, {}) };
}
