import type { Accounts } from "./accounts.js";
import type { Studies } from "./studies.js";
import type { ResolvedBase } from "../domain/load.js";

/**
 * The store: projects → scenarios → versions → runs. Versions are immutable: every save, and every restore,
 * appends a new version. Timestamps are ISO 8601 strings (UTC).
 */

export interface Project {
  id: string;
  /** unique, URL-friendly name, e.g. "alfa-romeo" */
  slug: string;
  name: string;
  description: string;
  /** true for projects shipped with Portello and seeded on first start */
  builtin: boolean;
  createdAt: string;
}

export interface ScenarioRecord {
  id: string;
  projectId: string;
  name: string;
  /**
   * File name inside the project, e.g. "base.yaml": unique per project, so that another scenario of the
   * project can `extends:` it by that name, as files on disk do.
   */
  fileName: string;
  createdAt: string;
  latestVersion: number;
  updatedAt: string;
}

/** A version without its content: what version lists show. */
export interface VersionSummary {
  scenarioId: string;
  /** 1, 2, 3 … per scenario */
  number: number;
  /** SHA-256 of the content, hex */
  contentHash: string;
  note: string;
  /** the version this one restored, where it is a restore */
  restoredFrom?: number;
  createdAt: string;
}

export interface ScenarioVersion extends VersionSummary {
  /** the scenario text exactly as saved (YAML or JSON) */
  content: string;
}

export const RUN_STATUSES = ["queued", "running", "succeeded", "failed", "cancelled"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const FINISHED_STATUSES: readonly RunStatus[] = ["succeeded", "failed", "cancelled"];

/** One line of a run's progress log. */
export interface ProgressEntry {
  /** 1-based position in the log */
  seq: number;
  at: string;
  /** e.g. "status", "progress", "log" */
  kind: string;
  data: Record<string, unknown>;
}

export interface Run {
  id: string;
  scenarioId: string;
  versionNumber: number;
  solver: string;
  options: Record<string, unknown>;
  status: RunStatus;
  failureReason?: string;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  /** named durations in seconds, e.g. { solve: 1.2 } */
  timings: Record<string, number>;
  /**
   * The exact bases of the scenario's `extends` chain (full base first): stored versions by number, built-ins
   * by content hash. Re-running resolves to these, not to the latest. Absent on runs recorded before pinning.
   */
  bases?: ResolvedBase[];
  /** the run this one re-ran */
  rerunOf?: string;
}

/** A run with its plan (the full Plan JSON), when it has one. */
export interface RunWithPlan extends Run {
  plan?: unknown;
}

/** A question case answered (e.g. by `portello demo --save`): the answer's JSON, with links to its runs. */
export interface StoredAnswer {
  id: string;
  projectId: string;
  /** the question case's id */
  caseId: string;
  createdAt: string;
  content: unknown;
}

export interface NewProject {
  name: string;
  slug?: string;
  description?: string;
  builtin?: boolean;
  /** a user who becomes the project's owner, in the same transaction */
  ownerId?: string;
}

export interface NewScenario {
  name: string;
  fileName?: string;
  content: string;
  note?: string;
}

export interface NewVersion {
  content: string;
  note?: string;
  /**
   * The version the edit started from. When given and no longer the latest, the save is refused with a
   * conflict, so that two people editing at once never silently bury each other's work.
   */
  baseVersion?: number;
}

export interface NewRun {
  scenarioId: string;
  versionNumber: number;
  solver: string;
  options?: Record<string, unknown>;
  /** the chain's bases as resolved for this run; without them the run cannot be re-run */
  bases?: ResolvedBase[];
  rerunOf?: string;
  /** the server instance that executes it, and for how long its lease holds before it must renew it */
  lease?: { owner: string; seconds: number };
  /**
   * Instead of a lease: the queue (serve --redis) that holds the run until a `portello worker` executes it. No
   * server owns it, so none fails it when its own lease runs out (see QUEUE_OWNER_PREFIX).
   */
  queue?: string;
}

/** The owner of a run held by a queue is this prefix and the queue's name ("/" is in no host name). */
export const QUEUE_OWNER_PREFIX = "queue/";

export interface RunOutcome {
  status: Extract<RunStatus, "succeeded" | "failed" | "cancelled">;
  plan?: unknown;
  failureReason?: string;
  timings?: Record<string, number>;
}

export interface Store {
  /** "pglite" (embedded) or "postgres" */
  readonly backend: "pglite" | "postgres";
  /** where the data lives: a folder, or the database URL without its password */
  readonly location: string;
  close(): Promise<void>;
  /** users, tokens, sessions, project members, audit log */
  readonly accounts: Accounts;
  /** uncertainty studies: prepared once, each task's result stored once */
  readonly studies: Studies;

  createProject(input: NewProject): Promise<Project>;
  listProjects(): Promise<Project[]>;
  /** by id or slug */
  getProject(idOrSlug: string): Promise<Project>;
  /**
   * Deletes the project with its scenarios, versions, runs, studies, answers and members (the audit log keeps its
   * entries).
   * Refused while one of its runs or studies is queued or running.
   */
  deleteProject(projectId: string): Promise<void>;

  /** creates the scenario with its first version, in one transaction */
  createScenario(
    projectId: string,
    input: NewScenario,
  ): Promise<{ scenario: ScenarioRecord; version: ScenarioVersion }>;
  listScenarios(projectId: string): Promise<ScenarioRecord[]>;
  getScenario(scenarioId: string): Promise<ScenarioRecord>;
  /** the latest content of the project's scenario saved under `fileName`, if any (for `extends:`) */
  findScenarioByFileName(projectId: string, fileName: string): Promise<ScenarioRecord | undefined>;

  saveVersion(scenarioId: string, input: NewVersion): Promise<ScenarioVersion>;
  listVersions(scenarioId: string): Promise<VersionSummary[]>;
  /** a version by number; omit the number for the latest */
  getVersion(scenarioId: string, number?: number): Promise<ScenarioVersion>;
  /** appends a new version whose content is that of version `number` */
  restoreVersion(scenarioId: string, number: number, note?: string): Promise<ScenarioVersion>;

  createRun(input: NewRun): Promise<Run>;
  getRun(runId: string): Promise<RunWithPlan>;
  /** `projectIds`: only runs of scenarios in these projects */
  listRuns(filter?: { scenarioId?: string; status?: RunStatus; projectIds?: string[] }): Promise<Run[]>;
  /** queued → running; returns false when the run is no longer queued (e.g. cancelled meanwhile) */
  markRunStarted(runId: string): Promise<boolean>;
  appendProgress(runId: string, entries: Omit<ProgressEntry, "seq" | "at">[]): Promise<ProgressEntry[]>;
  /** progress entries after `afterSeq` (0 = all), in order */
  getProgress(runId: string, afterSeq?: number): Promise<ProgressEntry[]>;
  /**
   * Records the end of a run; returns false when it had already finished (first outcome wins). A finished run,
   * its plan and its progress log never change afterwards (the database refuses it too).
   */
  finishRun(runId: string, outcome: RunOutcome): Promise<boolean>;
  /**
   * Marks queued or running runs failed with `reason` and returns their ids: every one (an embedded store, whose
   * folder only one process opens), or `onlyExpired`: those whose owner's lease ran out (PostgreSQL shared by
   * several servers), and runs recorded without a lease — except runs held by a queue, which no server owns.
   */
  markInterruptedRuns(reason: string, onlyExpired?: boolean): Promise<string[]>;
  /** extends the lease of the owner's unfinished runs; returns their ids (a run cancelled elsewhere is not among them) */
  renewRunLeases(owner: string, seconds: number): Promise<string[]>;
  /** the ids of the owner's queued or running runs, oldest first (a queue's: see QUEUE_OWNER_PREFIX) */
  unfinishedRunsOf(owner: string): Promise<string[]>;

  /** appends an answer; earlier ones stay */
  saveAnswer(projectId: string, caseId: string, content: unknown): Promise<StoredAnswer>;
  /** the project's newest answer; not-found when it has none */
  latestAnswer(projectId: string): Promise<StoredAnswer>;
}

export type StoreErrorKind = "not-found" | "conflict";

/** A failure the caller can act on: something missing, or a save that would bury newer work. */
export class StoreError extends Error {
  constructor(
    readonly kind: StoreErrorKind,
    message: string,
  ) {
    super(message);
    this.name = "StoreError";
  }
}
