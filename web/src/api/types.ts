/**
 * Shapes of the HTTP API's answers (see docs/api.md and src/server/schemas.ts). The plan, the comparison and
 * the scenario diff are the server's own types, imported for their shape only.
 */
export type { Plan } from "../../../src/plan/types.js";
export type { PlanComparison, ComparedKpi, DecisionDifference } from "../../../src/analysis/compare.js";
export type { ScenarioDiff, EntityChange, FieldChange } from "../../../src/analysis/scenario-diff.js";
import type { ScenarioDiff } from "../../../src/analysis/scenario-diff.js";

export interface Project {
  id: string;
  slug: string;
  name: string;
  description: string;
  builtin: boolean;
  createdAt: string;
}

export interface ScenarioRecord {
  id: string;
  projectId: string;
  name: string;
  fileName: string;
  latestVersion: number;
  createdAt: string;
  updatedAt: string;
}

export interface VersionSummary {
  scenarioId: string;
  number: number;
  contentHash: string;
  note: string;
  restoredFrom?: number;
  createdAt: string;
}

export interface Version extends VersionSummary {
  content: string;
}

export interface ValidationIssue {
  file: string;
  line?: number;
  column?: number;
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

export type RunStatus = "queued" | "running" | "succeeded" | "failed" | "cancelled";

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
  timings: Record<string, number>;
}

export interface ProgressEntry {
  seq: number;
  at: string;
  kind: "status" | "progress" | string;
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
