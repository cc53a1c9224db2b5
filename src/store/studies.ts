import { randomUUID } from "node:crypto";
import type { PreparedStudy, StudyTask, TaskResult } from "../study/contract.js";
import { type SqlDatabase, isoTime, json, optionalIsoTime } from "./sql.js";
import { FINISHED_STATUSES, type RunStatus, StoreError } from "./types.js";

/**
 * Uncertainty studies in the store, shared by the server and by any number of `portello worker` processes:
 * the prepared study and its tasks are stored once; each (study, sample, option) has at most one result, so a
 * task executed twice (a worker killed after its solve, a job re-enqueued) is still stored exactly once.
 * A study's rows are written only while it is queued or running: results of a cancelled study are dropped.
 */

export type StudyStatus = RunStatus;

export interface StudyRecord {
  id: string;
  /** absent for studies started outside a project (the CLI on a shared database) */
  projectId?: string;
  /** who started it: a username, or "local" */
  createdBy: string;
  name: string;
  seed?: number;
  status: StudyStatus;
  failureReason?: string;
  /** tasks in all: samples × options */
  total: number;
  /** results stored so far */
  done: number;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
}

export interface NewStudy {
  prepared: PreparedStudy;
  tasks: readonly StudyTask[];
  projectId?: string;
  createdBy?: string;
  name?: string;
  /** the study's specification as the caller sent it */
  spec?: unknown;
  seed?: number;
  /** the server instance that follows the study, and for how long its lease holds */
  lease?: { owner: string; seconds: number };
}

export interface StoredResult {
  /** order of arrival (for readers that follow a study) */
  seq: number;
  result: TaskResult;
}

type Row = Record<string, unknown>;
const ACTIVE = "status IN ('queued', 'running')";
/** the first key of the advisory locks that put a study's result inserts in turn (saveResult); any constant */
const RESULT_LOCK_CLASS = 0x5e9;
/** rows per INSERT when storing a study's tasks */
const TASK_BATCH = 5000;

export class Studies {
  constructor(private readonly db: SqlDatabase) {}

  /**
   * Stores a study (once: a study of that id already stored is left as it is) and adds the tasks it does not
   * have yet — a study that runs in phases (baseline, samples, break-even steps) adds its tasks phase by phase.
   */
  async create(input: NewStudy): Promise<StudyRecord> {
    const id = input.prepared.id || randomUUID();
    await this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO studies (id, project_id, created_by, name, spec, seed, prepared, total, status, owner,
                              lease_expires_at)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7::jsonb, 0, 'queued', $8,
                 CASE WHEN $8::text IS NULL THEN NULL ELSE now() + make_interval(secs => $9) END)
         ON CONFLICT (id) DO NOTHING`,
        [
          id,
          input.projectId ?? null,
          input.createdBy ?? "",
          input.name ?? "",
          input.spec === undefined ? null : JSON.stringify(input.spec),
          input.seed ?? null,
          JSON.stringify({ ...input.prepared, id }),
          input.lease?.owner ?? null,
          input.lease?.seconds ?? 0,
        ],
      );
      for (let i = 0; i < input.tasks.length; i += TASK_BATCH) {
        const batch = input.tasks.slice(i, i + TASK_BATCH);
        await tx.query(
          `INSERT INTO study_tasks (study_id, sample, option, assignments)
           SELECT $1, s, o, a::jsonb FROM unnest($2::int[], $3::text[], $4::text[]) AS t(s, o, a)
           ON CONFLICT DO NOTHING`,
          [
            id,
            batch.map((t) => t.sample),
            batch.map((t) => t.option),
            batch.map((t) => JSON.stringify(t.assignments)),
          ],
        );
      }
      if (input.tasks.length > 0)
        await tx.query(
          "UPDATE studies SET total = (SELECT count(*) FROM study_tasks WHERE study_id = $1) WHERE id = $1",
          [id],
        );
    });
    return this.get(id);
  }

  /** "sample:option" of every task that has a result */
  async resultKeys(id: string): Promise<Set<string>> {
    const rows = await this.db.query(
      "SELECT sample || ':' || option AS key FROM study_results WHERE study_id = $1",
      [id],
    );
    return new Set(rows.map((r) => String(r.key)));
  }

  /** The study as it was started: what the caller sent (e.g. the spec with its resolved scenarios). */
  async spec(id: string): Promise<unknown> {
    const rows = await this.db.query("SELECT spec FROM studies WHERE id = $1", [id]);
    if (rows.length === 0) throw new StoreError("not-found", `no study "${id}"`);
    return json(rows[0]!.spec, null);
  }

  /** Keeps the study's report (the summary of its results) once it has succeeded. */
  async saveReport(id: string, report: unknown): Promise<void> {
    await this.db.query("UPDATE studies SET report = $2::jsonb WHERE id = $1 AND status = 'succeeded'", [
      id,
      JSON.stringify(report),
    ]);
  }

  async get(id: string): Promise<StudyRecord> {
    const rows = await this.db.query(
      `SELECT s.*, (SELECT count(*) FROM study_results r WHERE r.study_id = s.id)::int AS done
       FROM studies s WHERE id = $1`,
      [id],
    );
    if (rows.length === 0) throw new StoreError("not-found", `no study "${id}"`);
    return toStudy(rows[0]!);
  }

  /** `projectIds`: only studies of these projects */
  async list(filter: { projectId?: string; projectIds?: string[] } = {}): Promise<StudyRecord[]> {
    const rows = await this.db.query(
      `SELECT s.*, (SELECT count(*) FROM study_results r WHERE r.study_id = s.id)::int AS done
       FROM studies s WHERE ($1::text IS NULL OR project_id = $1) AND ($2::text[] IS NULL OR project_id = ANY($2))
       ORDER BY created_at, id`,
      [filter.projectId ?? null, filter.projectIds ?? null],
    );
    return rows.map(toStudy);
  }

  /** What a worker needs to execute the study's tasks, and whether results are still wanted. */
  async prepared(id: string): Promise<{ prepared: PreparedStudy; status: StudyStatus }> {
    const rows = await this.db.query("SELECT prepared, status FROM studies WHERE id = $1", [id]);
    if (rows.length === 0) throw new StoreError("not-found", `no study "${id}"`);
    return {
      prepared: json(rows[0]!.prepared, {} as PreparedStudy),
      status: String(rows[0]!.status) as StudyStatus,
    };
  }

  async status(id: string): Promise<StudyStatus> {
    const rows = await this.db.query("SELECT status FROM studies WHERE id = $1", [id]);
    if (rows.length === 0) throw new StoreError("not-found", `no study "${id}"`);
    return String(rows[0]!.status) as StudyStatus;
  }

  /** The study's tasks, in (sample, option) order; `missing`: only those without a result. */
  async tasks(id: string, options: { missing?: boolean } = {}): Promise<StudyTask[]> {
    const rows = await this.db.query(
      `SELECT t.sample, t.option, t.assignments FROM study_tasks t
       WHERE t.study_id = $1 AND (NOT $2 OR NOT EXISTS (
         SELECT 1 FROM study_results r WHERE r.study_id = t.study_id AND r.sample = t.sample AND r.option = t.option))
       ORDER BY t.sample, t.option`,
      [id, options.missing ?? false],
    );
    return rows.map((r) => ({
      sample: Number(r.sample),
      option: String(r.option),
      assignments: json(r.assignments, []),
    }));
  }

  async hasResult(id: string, sample: number, option: string): Promise<boolean> {
    const rows = await this.db.query(
      "SELECT 1 FROM study_results WHERE study_id = $1 AND sample = $2 AND option = $3",
      [id, sample, option],
    );
    return rows.length > 0;
  }

  /**
   * Stores a task's result unless the study has one for that task already, or is no longer queued or running
   * (cancelled: its late results are dropped). Returns whether it was stored.
   *
   * The study's results are stored one at a time (a transaction-scoped advisory lock on the study, taken before
   * the row draws its sequence number and held until it commits), so that they become visible in the order of
   * their numbers: what `resultsAfter` relies on. Without it a row numbered earlier by one worker could commit
   * after a later one of another worker had been read, and a follower reading on from there would never see it.
   */
  async saveResult(id: string, result: TaskResult, worker = ""): Promise<boolean> {
    const rows = await this.db.query(
      `WITH in_turn AS (SELECT pg_advisory_xact_lock(${RESULT_LOCK_CLASS}, hashtext($1)))
       INSERT INTO study_results (study_id, sample, option, result, worker)
       SELECT $1, $2, $3, $4::jsonb, $5 FROM in_turn
       WHERE EXISTS (SELECT 1 FROM studies WHERE id = $1 AND ${ACTIVE})
       ON CONFLICT (study_id, sample, option) DO NOTHING RETURNING seq`,
      [id, result.sample, result.option, JSON.stringify(result), worker],
    );
    return rows.length > 0;
  }

  /**
   * Results stored after `afterSeq` (0: all), in order of arrival. Once a result numbered s has been returned,
   * no result of the study numbered below s appears later (saveResult stores them in turn): reading on from the
   * last number returned misses nothing.
   */
  async resultsAfter(id: string, afterSeq = 0, limit = 10_000): Promise<StoredResult[]> {
    const rows = await this.db.query(
      "SELECT seq, result FROM study_results WHERE study_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
      [id, afterSeq, limit],
    );
    return rows.map((r) => ({ seq: Number(r.seq), result: json(r.result, {} as TaskResult) }));
  }

  /** Every result, by sample then option: the order does not depend on which worker finished first. */
  async results(id: string): Promise<TaskResult[]> {
    const rows = await this.db.query(
      "SELECT result FROM study_results WHERE study_id = $1 ORDER BY sample, option",
      [id],
    );
    return rows.map((r) => json(r.result, {} as TaskResult));
  }

  /** queued → running; false when it is no longer queued */
  async markRunning(id: string): Promise<boolean> {
    const rows = await this.db.query(
      "UPDATE studies SET status = 'running', started_at = now() WHERE id = $1 AND status = 'queued' RETURNING id",
      [id],
    );
    return rows.length > 0;
  }

  /** Records the end of a study; the first outcome wins (false when it had finished already). */
  async finish(
    id: string,
    outcome: { status: "succeeded" | "failed" | "cancelled"; report?: unknown; failureReason?: string },
  ): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE studies SET status = $2, report = $3::jsonb, failure_reason = $4, finished_at = now(),
              owner = NULL, lease_expires_at = NULL
       WHERE id = $1 AND ${ACTIVE} RETURNING id`,
      [
        id,
        outcome.status,
        outcome.report === undefined ? null : JSON.stringify(outcome.report),
        outcome.failureReason ?? null,
      ],
    );
    return rows.length > 0;
  }

  async report(id: string): Promise<unknown> {
    const rows = await this.db.query("SELECT report FROM studies WHERE id = $1", [id]);
    if (rows.length === 0) throw new StoreError("not-found", `no study "${id}"`);
    return json(rows[0]!.report, null);
  }

  /**
   * The result of a task solved before — by any study, on any worker — under this content key
   * (src/study/shared-cache.ts), counting the reuse; undefined when none was.
   */
  async cachedSolve(taskKey: string): Promise<TaskResult | undefined> {
    const rows = await this.db.query(
      "UPDATE study_solve_cache SET hits = hits + 1, used_at = now() WHERE task_key = $1 RETURNING result",
      [taskKey],
    );
    return rows.length > 0 ? json(rows[0]!.result, {} as TaskResult) : undefined;
  }

  /** Keeps a solved task's result under its content key; the first one stored stays. */
  async cacheSolve(taskKey: string, result: TaskResult): Promise<void> {
    await this.db.query(
      "INSERT INTO study_solve_cache (task_key, result) VALUES ($1, $2::jsonb) ON CONFLICT (task_key) DO NOTHING",
      [taskKey, JSON.stringify(result)],
    );
  }

  /** Empties the shared solve cache (e.g. before a benchmark, or after a change to the model); returns the rows. */
  async clearSolveCache(): Promise<number> {
    const rows = await this.db.query(
      "WITH gone AS (DELETE FROM study_solve_cache RETURNING 1) SELECT count(*)::int AS n FROM gone",
    );
    return Number(rows[0]!.n);
  }

  /** Extends the owner's leases on its unfinished studies; returns their ids. */
  async renewLeases(owner: string, seconds: number): Promise<string[]> {
    const rows = await this.db.query(
      `UPDATE studies SET lease_expires_at = now() + make_interval(secs => $2)
       WHERE owner = $1 AND ${ACTIVE} RETURNING id`,
      [owner, seconds],
    );
    return rows.map((r) => String(r.id));
  }

  /**
   * Takes over unfinished studies that nobody follows: no lease, or one that ran out (its server died); `all`:
   * every unfinished one (an embedded store, which only this process opens).
   * Returns their ids; the new owner re-enqueues what lacks a result and follows them to the end.
   */
  async claimOrphans(owner: string, seconds: number, all = false): Promise<string[]> {
    const rows = await this.db.query(
      `UPDATE studies SET owner = $1, lease_expires_at = now() + make_interval(secs => $2)
       WHERE ${ACTIVE} AND ($3 OR lease_expires_at IS NULL OR lease_expires_at < now()) RETURNING id`,
      [owner, seconds, all],
    );
    return rows.map((r) => String(r.id));
  }
}

function toStudy(r: Row): StudyRecord {
  const study: StudyRecord = {
    id: String(r.id),
    createdBy: String(r.created_by ?? ""),
    name: String(r.name ?? ""),
    status: String(r.status) as StudyStatus,
    total: Number(r.total),
    done: Number(r.done ?? 0),
    createdAt: isoTime(r.created_at),
  };
  if (r.project_id !== null && r.project_id !== undefined) study.projectId = String(r.project_id);
  if (r.seed !== null && r.seed !== undefined) study.seed = Number(r.seed);
  if (r.failure_reason !== null && r.failure_reason !== undefined)
    study.failureReason = String(r.failure_reason);
  const startedAt = optionalIsoTime(r.started_at);
  if (startedAt) study.startedAt = startedAt;
  const finishedAt = optionalIsoTime(r.finished_at);
  if (finishedAt) study.finishedAt = finishedAt;
  return study;
}

export function isFinished(status: StudyStatus): boolean {
  return FINISHED_STATUSES.includes(status);
}
