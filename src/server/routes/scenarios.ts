import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { diffScenarios } from "../../analysis/scenario-diff.js";
import { ValidationError } from "../../domain/issues.js";
import { slugify } from "../../store/sql-store.js";
import type { ScenarioRecord, Store } from "../../store/types.js";
import { callerRole, inProject, inScenario, visibleProjects } from "../access.js";
import { Problem } from "../problem.js";
import type { ApiRouter } from "../router.js";
import { parseStoredScenario } from "../scenario-text.js";
import {
  AnyJson,
  DiffQuery,
  NewProjectBody,
  NewScenarioBody,
  NewVersionBody,
  ProjectOut,
  ProjectParams,
  RestoreBody,
  ScenarioOut,
  ScenarioPageOut,
  ScenarioParams,
  ScenarioWithVersionOut,
  ValidateBody,
  ValidationOut,
  VersionOut,
  VersionParams,
  VersionSummaryOut,
} from "../schemas.js";

/** Validation answers: a valid scenario's summary, or (like a refused save) a 422 problem with every issue. */
const VALIDATION_RESPONSES = {
  200: { description: "valid: its summary", schema: ValidationOut },
  422: {
    description: "invalid: problem details with every issue",
    schema: Problem,
    contentType: "application/problem+json",
  },
};

/** Projects, scenarios and their versions: every save validates the text, then appends a version. */
export function scenarioRoutes(api: ApiRouter, store: Store): void {
  const tag = "projects and scenarios";

  api.add(
    {
      method: "get",
      path: "/api/projects",
      operationId: "listProjects",
      access: "signed-in",
      summary: "List projects",
      tag,
      responses: { 200: { description: "the projects", schema: z.array(ProjectOut) } },
    },
    async (c) => {
      const visible = await visibleProjects(c, store);
      const projects = await store.listProjects();
      return c.json(
        visible === "all"
          ? projects.map((p) => ({ ...p, role: "owner" }))
          : projects.flatMap((p) => (visible.has(p.id) ? [{ ...p, role: visible.get(p.id) }] : [])),
      );
    },
  );

  api.add(
    {
      method: "post",
      path: "/api/projects",
      operationId: "createProject",
      access: "signed-in",
      summary: "Create a project",
      tag,
      body: NewProjectBody,
      responses: { 201: { description: "the project", schema: ProjectOut } },
    },
    async (c, { body }) => {
      // the user who creates a project owns it
      const principal = c.get("principal");
      const project = await store.createProject({
        ...body,
        ...(principal.kind === "user" ? { ownerId: principal.id } : {}),
      });
      c.set("projectIds", [project.id]);
      return c.json({ ...project, role: "owner" }, 201);
    },
  );

  api.add(
    {
      method: "get",
      path: "/api/projects/:project",
      operationId: "getProject",
      access: inProject("viewer"),
      summary: "A project, by id or slug",
      tag,
      params: ProjectParams,
      responses: { 200: { description: "the project", schema: ProjectOut } },
    },
    async (c, { params }) => {
      const project = await store.getProject(params.project);
      return c.json({ ...project, role: await callerRole(c, store, project.id) });
    },
  );

  api.add(
    {
      method: "get",
      path: "/api/projects/:project/scenarios",
      operationId: "listScenarios",
      access: inProject("viewer"),
      summary: "List a project's scenarios",
      tag,
      params: ProjectParams,
      responses: { 200: { description: "the scenarios", schema: z.array(ScenarioOut) } },
    },
    async (c, { params }) => c.json(await store.listScenarios(params.project)),
  );

  api.add(
    {
      method: "post",
      path: "/api/projects/:project/scenarios",
      operationId: "createScenario",
      access: inProject("editor"),
      summary: "Create a scenario from its text (validated); it becomes version 1",
      tag,
      params: ProjectParams,
      body: NewScenarioBody,
      responses: {
        201: { description: "the scenario and its first version", schema: ScenarioWithVersionOut },
      },
    },
    async (c, { params, body }) => {
      const project = await store.getProject(params.project);
      const fileName = body.fileName ?? `${slugify(body.name)}.yaml`;
      await parseStoredScenario(store, body.content, fileName, project.id);
      const created = await store.createScenario(project.id, { ...body, fileName });
      c.header("location", `/api/scenarios/${created.scenario.id}`);
      return c.json(created, 201);
    },
  );

  api.add(
    {
      method: "get",
      path: "/api/scenarios/:scenarioId",
      operationId: "getScenario",
      access: inScenario("viewer"),
      summary: "A scenario with its latest version",
      tag,
      params: ScenarioParams,
      responses: {
        200: {
          description: "the scenario, its latest version and the caller's role",
          schema: ScenarioPageOut,
        },
      },
    },
    async (c, { params }) => {
      const scenario = await store.getScenario(params.scenarioId);
      const role = await callerRole(c, store, scenario.projectId);
      return c.json({ scenario, version: await store.getVersion(scenario.id), role });
    },
  );

  api.add(
    {
      method: "get",
      path: "/api/scenarios/:scenarioId/versions",
      operationId: "listVersions",
      access: inScenario("viewer"),
      summary: "List a scenario's versions, oldest first (without their text)",
      tag,
      params: ScenarioParams,
      responses: { 200: { description: "the versions", schema: z.array(VersionSummaryOut) } },
    },
    async (c, { params }) => c.json(await store.listVersions(params.scenarioId)),
  );

  api.add(
    {
      method: "post",
      path: "/api/scenarios/:scenarioId/versions",
      operationId: "saveVersion",
      access: inScenario("editor"),
      summary: "Save new scenario text (validated) as the next version",
      tag,
      params: ScenarioParams,
      body: NewVersionBody,
      responses: { 201: { description: "the new version", schema: VersionOut } },
    },
    async (c, { params, body }) => {
      const scenario = await store.getScenario(params.scenarioId);
      await parseStoredScenario(store, body.content, scenario.fileName, scenario.projectId);
      const version = await store.saveVersion(scenario.id, body);
      c.header("location", `/api/scenarios/${scenario.id}/versions/${version.number}`);
      return c.json(version, 201);
    },
  );

  api.add(
    {
      method: "get",
      path: "/api/scenarios/:scenarioId/versions/:number",
      operationId: "getVersion",
      access: inScenario("viewer"),
      summary: "One version with its text",
      tag,
      params: VersionParams,
      responses: { 200: { description: "the version", schema: VersionOut } },
    },
    async (c, { params }) => c.json(await store.getVersion(params.scenarioId, params.number)),
  );

  api.add(
    {
      method: "post",
      path: "/api/scenarios/:scenarioId/versions/:number/restore",
      operationId: "restoreVersion",
      access: inScenario("editor"),
      summary: "Restore a version: saves its text again as the next version (nothing is overwritten)",
      tag,
      params: VersionParams,
      body: RestoreBody,
      responses: { 201: { description: "the new version", schema: VersionOut } },
    },
    async (c, { params, body }) =>
      c.json(await store.restoreVersion(params.scenarioId, params.number, body.note), 201),
  );

  api.add(
    {
      method: "get",
      path: "/api/scenarios/:scenarioId/versions/:number/validation",
      operationId: "validateVersion",
      access: inScenario("viewer"),
      summary: "Validate a stored version as it resolves today (its `extends:` base may have changed)",
      tag,
      params: VersionParams,
      responses: VALIDATION_RESPONSES,
    },
    async (c, { params }) => {
      const scenario = await store.getScenario(params.scenarioId);
      const version = await store.getVersion(scenario.id, params.number);
      return c.json(await validation(store, version.content, scenario.fileName, scenario.projectId));
    },
  );

  api.add(
    {
      method: "post",
      path: "/api/validate",
      operationId: "validateScenario",
      audit: false, // reads only: nothing is saved
      access: {
        role: "viewer",
        projects: (i, s) => (i.body.project ? [s.project(i.body.project)] : []),
      },
      summary: "Validate scenario text without saving it",
      tag,
      body: ValidateBody,
      responses: VALIDATION_RESPONSES,
    },
    async (c, { body }) => {
      const projectId = body.project ? (await store.getProject(body.project)).id : undefined;
      return c.json(await validation(store, body.content, body.fileName ?? "scenario.yaml", projectId));
    },
  );

  api.add(
    {
      method: "get",
      path: "/api/scenarios/:scenarioId/diff",
      operationId: "diffVersions",
      access: {
        role: "viewer",
        projects: (i, s) => [
          s.scenario(i.params.scenarioId),
          ...(i.query.against ? [s.scenario(i.query.against)] : []),
        ],
      },
      summary: "Structural diff of two versions: entities added, removed, changed, and their fields",
      tag,
      params: ScenarioParams,
      query: DiffQuery,
      responses: { 200: { description: "the diff", schema: AnyJson } },
    },
    async (c, { params, query }) => {
      const from = await store.getScenario(params.scenarioId);
      const to = query.against ? await store.getScenario(query.against) : from;
      const toNumber = query.to ?? to.latestVersion;
      const a = await versionData(store, from, query.from);
      const b = await versionData(store, to, toNumber);
      // resolved: both sides after `extends:`; otherwise the raw documents (one side does not validate)
      const resolved = a.resolved && b.resolved;
      return c.json({
        from: { scenarioId: from.id, number: query.from },
        to: { scenarioId: to.id, number: toNumber },
        resolved,
        diff: resolved ? diffScenarios(a.data, b.data) : diffScenarios(a.raw, b.raw),
      });
    },
  );
}

/** A valid scenario's summary; an invalid one throws its issues (a 422 problem, like a refused save). */
async function validation(store: Store, content: string, fileName: string, projectId?: string) {
  const s = await parseStoredScenario(store, content, fileName, projectId);
  const summary = {
    id: s.id,
    name: s.name,
    plants: s.plants.length,
    programs: s.programs.length,
    markets: s.markets.length,
  };
  return { valid: true, issues: [], summary };
}

async function versionData(store: Store, scenario: ScenarioRecord, number: number) {
  const version = await store.getVersion(scenario.id, number);
  let raw: unknown = null;
  try {
    raw = parseYaml(version.content);
  } catch {
    // unreadable text diffs as empty
  }
  try {
    const data = await parseStoredScenario(store, version.content, scenario.fileName, scenario.projectId);
    return { resolved: true, data, raw };
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return { resolved: false, data: undefined, raw };
  }
}
