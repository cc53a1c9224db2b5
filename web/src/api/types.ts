/**
 * Shapes of the HTTP API's answers (see docs/api.md and src/server/schemas.ts). The stored records (projects,
 * scenarios, versions, runs), the plan, the comparison and the scenario diff are the server's own types,
 * imported for their shape only.
 */
export type { Plan } from "../../../src/plan/types.js";
export type { StudyReport } from "../../../src/study/report.js";
export type { StudyRecord } from "../../../src/store/studies.js";
export type {
  ComparedKpi,
  DecisionDifference,
  NpvChange,
  PlanComparison,
} from "../../../src/analysis/compare.js";
export type { ScenarioDiff, EntityChange, FieldChange } from "../../../src/analysis/scenario-diff.js";
export type {
  Project,
  Run,
  RunStatus,
  ScenarioRecord,
  ScenarioVersion as Version,
  VersionSummary,
} from "../../../src/store/types.js";
import type { AnswerJson } from "../../../src/analysis/question.js";
import type { Role } from "../../../src/store/accounts.js";

/** The caller's role, which the API returns with a project, a scenario and a study (src/server/schemas.ts). */
export interface WithRole {
  role: Role;
}
import type { ScenarioDiff } from "../../../src/analysis/scenario-diff.js";
import type { ProgressEntry as StoredProgressEntry, RunStatus } from "../../../src/store/types.js";

export interface ValidationIssue {
  file: string;
  line?: number;
  column?: number;
  /** in a workbook: sheet, cell ("E4") and the column's words */
  sheet?: string;
  cell?: string;
  field?: string;
  path: string;
  expected?: string;
  found?: string;
  message: string;
  text: string;
}

export interface Validation {
  valid: boolean;
  issues: ValidationIssue[];
  summary?: { id: string; name: string; plants: number; programs: number; markets: number };
}

export interface DiffResponse {
  from: { scenarioId: string; number: number };
  to: { scenarioId: string; number: number };
  resolved: boolean;
  diff: ScenarioDiff;
}

/** A line of a run's progress log, with the fields the app reads from its data. */
export interface ProgressEntry extends StoredProgressEntry {
  data: {
    status?: RunStatus;
    elapsedSeconds?: number;
    incumbent?: number;
    bound?: number;
    gap?: number;
  } & Record<string, unknown>;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  issues?: ValidationIssue[];
}

/** A question case answered by `portello demo --save`: the answer's JSON with each option's run. */
export interface StoredAnswer {
  id: string;
  projectId: string;
  caseId: string;
  createdAt: string;
  content: AnswerJson & { runs?: Record<string, string>; notLinked?: string[] };
}

/** GET /api/session: whether this server asks for sign-in, and who is signed in */
export interface Session {
  authRequired: boolean;
  user: { username: string; via: "session" | "token" } | null;
}
