import type {
  DiffResponse,
  Plan,
  PlanComparison,
  ProgressEntry,
  Problem,
  Project,
  Run,
  ScenarioRecord,
  StoredAnswer,
  Session,
  StudyRecord,
  StudyReport,
  Validation,
  Version,
  VersionSummary,
  WithRole,
} from "./types.js";

/** The app's only way to the planner: the HTTP API, same origin. No planning happens in the browser. */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | undefined,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** Sent on window when the server answers 401 (a session that ended): the app shows the sign-in page. */
export const UNAUTHORIZED_EVENT = "portello:unauthorized";

async function request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  // a file goes as it is (a workbook); anything else as JSON
  const file = body instanceof Blob;
  const response = await fetch(path, {
    method,
    headers:
      body === undefined
        ? {}
        : {
            "content-type": file
              ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              : "application/json",
          },
    body: body === undefined ? undefined : file ? body : JSON.stringify(body),
    signal,
  });
  const text = await response.text();
  const json: unknown = text ? JSON.parse(text) : undefined;
  if (!response.ok) {
    const problem = json as Problem | undefined;
    if (response.status === 401 && path !== "/api/session") {
      window.dispatchEvent(new CustomEvent(UNAUTHORIZED_EVENT, { detail: problem?.detail }));
    }
    throw new ApiError(
      response.status,
      problem,
      problem?.detail ?? `${method} ${path}: HTTP ${response.status}`,
    );
  }
  return json as T;
}

export const get = <T>(path: string, signal?: AbortSignal) => request<T>("GET", path, undefined, signal);
const post = <T>(path: string, body: unknown, signal?: AbortSignal) => request<T>("POST", path, body, signal);
const q = encodeURIComponent;

export const api = {
  /** the project's newest stored answer; undefined when none is stored (404) */
  answer: (project: string, signal?: AbortSignal) =>
    get<StoredAnswer>(`/api/projects/${q(project)}/answer`, signal).catch((error: unknown) => {
      if (error instanceof ApiError && error.status === 404) return undefined;
      throw error;
    }),
  session: (signal?: AbortSignal) => get<Session>("/api/session", signal),
  signIn: (username: string, password: string) =>
    post<{ username: string; expiresAt: string }>("/api/session", { username, password }),
  signOut: () => request<void>("DELETE", "/api/session"),
  projects: (signal?: AbortSignal) => get<(Project & WithRole)[]>("/api/projects", signal),
  project: (project: string, signal?: AbortSignal) =>
    get<Project & WithRole>(`/api/projects/${q(project)}`, signal),
  scenarios: (project: string, signal?: AbortSignal) =>
    get<ScenarioRecord[]>(`/api/projects/${q(project)}/scenarios`, signal),
  scenario: (id: string, signal?: AbortSignal) =>
    get<{ scenario: ScenarioRecord; version: Version } & WithRole>(`/api/scenarios/${q(id)}`, signal),
  versions: (id: string, signal?: AbortSignal) =>
    get<VersionSummary[]>(`/api/scenarios/${q(id)}/versions`, signal),
  version: (id: string, n: number, signal?: AbortSignal) =>
    get<Version>(`/api/scenarios/${q(id)}/versions/${n}`, signal),
  saveVersion: (id: string, content: string, baseVersion: number, note?: string) =>
    post<Version>(`/api/scenarios/${q(id)}/versions`, { content, baseVersion, ...(note ? { note } : {}) }),
  /** Invalid text is a 422 problem listing the issues: here it becomes the validation's result. */
  validate: (content: string, fileName: string, project: string, signal?: AbortSignal) =>
    post<Validation>("/api/validate", { content, fileName, project }, signal).catch((error: unknown) => {
      if (error instanceof ApiError && error.status === 422 && error.problem?.issues)
        return { valid: false, issues: error.problem.issues } satisfies Validation;
      throw error;
    }),
  /** the diff from version `from` of `scenarioId` to version `to` of `against` (default: the same scenario) */
  diff: (scenarioId: string, from: number, to: number, against?: string, signal?: AbortSignal) =>
    get<DiffResponse>(
      `/api/scenarios/${q(scenarioId)}/diff?from=${from}&to=${to}${against ? `&against=${q(against)}` : ""}`,
      signal,
    ),
  startRun: (scenarioId: string, version: number) =>
    post<Run>(`/api/scenarios/${q(scenarioId)}/runs`, { version, options: {} }),
  runs: (scenarioId?: string, signal?: AbortSignal) =>
    get<Run[]>(`/api/runs${scenarioId ? `?scenario=${q(scenarioId)}` : ""}`, signal),
  run: (id: string, signal?: AbortSignal) => get<Run>(`/api/runs/${q(id)}`, signal),
  progress: (id: string, signal?: AbortSignal) => get<ProgressEntry[]>(`/api/runs/${q(id)}/progress`, signal),
  cancelRun: (id: string) => post<Run>(`/api/runs/${q(id)}/cancel`, undefined),
  /** the same version, options and base versions again: the same plan */
  rerun: (id: string) => post<Run>(`/api/runs/${q(id)}/rerun`, undefined),
  result: (id: string, signal?: AbortSignal) => get<Plan>(`/api/runs/${q(id)}/result`, signal),
  compare: (runIds: string[], signal?: AbortSignal) =>
    get<PlanComparison>(`/api/compare?runs=${runIds.map(q).join(",")}`, signal),
  /** a version as an .xlsx workbook: resolved, or (diff) only its differences from its base */
  workbookUrl: (id: string, n: number, diff = false) =>
    `/api/scenarios/${q(id)}/versions/${n}/xlsx${diff ? "?diff=true" : ""}`,
  uploadWorkbook: (id: string, file: Blob, baseVersion: number, note: string) =>
    request<Version>(
      "POST",
      `/api/scenarios/${q(id)}/versions/xlsx?baseVersion=${baseVersion}&note=${q(note)}`,
      file,
    ),
  /** a run's plan as an .xlsx workbook */
  planWorkbookUrl: (id: string) => `/api/runs/${q(id)}/xlsx`,
  /** a comparison of runs as an .xlsx workbook */
  compareWorkbookUrl: (runIds: string[]) => `/api/compare/xlsx?runs=${runIds.map(q).join(",")}`,
  /** the URL of a run's server-sent events: progress so far, live progress, then `end` */
  eventsUrl: (id: string) => `/api/runs/${q(id)}/events`,
  /** uncertainty studies (docs/studies.md): started from their text, followed over SSE, read as a report */
  startStudy: (project: string, content: string, samples?: number) =>
    post<StudyRecord>(`/api/projects/${q(project)}/studies`, { content, ...(samples ? { samples } : {}) }),
  studies: (project: string, signal?: AbortSignal) =>
    get<StudyRecord[]>(`/api/projects/${q(project)}/studies`, signal),
  study: (id: string, signal?: AbortSignal) => get<StudyRecord & WithRole>(`/api/studies/${q(id)}`, signal),
  cancelStudy: (id: string) => post<StudyRecord>(`/api/studies/${q(id)}/cancel`, undefined),
  studyReport: (id: string, signal?: AbortSignal) => get<StudyReport>(`/api/studies/${q(id)}/report`, signal),
  studyEventsUrl: (id: string) => `/api/studies/${q(id)}/events`,
  /** a succeeded study's report as an .xlsx workbook */
  studyWorkbookUrl: (id: string) => `/api/studies/${q(id)}/report/xlsx`,
};
