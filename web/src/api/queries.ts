import { api } from "./client.js";
import type { Project, Run, ScenarioRecord } from "./types.js";

/** Answers that take more than one request. */

/** Every project with its scenarios. */
export async function projectsWithScenarios(
  signal: AbortSignal,
): Promise<{ project: Project; scenarios: ScenarioRecord[] }[]> {
  const projects = await api.projects(signal);
  return Promise.all(
    projects.map(async (project) => ({ project, scenarios: await api.scenarios(project.id, signal) })),
  );
}

/** Every run, oldest first, and every scenario's name by id (a run names its scenario by id only). */
export async function runsWithNames(
  signal: AbortSignal,
): Promise<{ runs: Run[]; names: Map<string, string> }> {
  const [runs, projects] = await Promise.all([api.runs(undefined, signal), projectsWithScenarios(signal)]);
  const names = new Map(projects.flatMap((p) => p.scenarios).map((s) => [s.id, s.name]));
  return { runs, names };
}
