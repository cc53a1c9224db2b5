import type { Context } from "hono";
import { type Role, roleAtLeast } from "../store/accounts.js";
import type { Store } from "../store/types.js";
import { HttpProblem } from "./problem.js";

/**
 * Who may call a route, declared once per route (see ApiRouter.add) and enforced by the router before the
 * handler runs — handlers hold no access checks of their own.
 *
 * - "public": anyone, signed in or not (health, the API description, signing in).
 * - "signed-in": any signed-in user (the atlas: public facts; creating a project).
 * - a role: the caller needs at least that role in every project the route touches. A project the caller is
 *   not a member of answers 404 with the very words of a project that does not exist, so that nobody learns
 *   which projects exist; a member whose role is too low gets 403.
 */
export type Access<I> =
  | "public"
  | "signed-in"
  | { role: Role; projects: (input: I, scope: ProjectScope) => Promise<ProjectRef>[] };

/** A project a request touches, and how to say "not found" for the thing the caller named. */
export interface ProjectRef {
  projectId: string;
  notFound: string;
}

/** Who is calling. "local": loopback with no users configured, the single-user mode (acts as owner). */
export type Principal =
  | { kind: "local" }
  /** `why`: the reason a 401 gives, when the caller presented a session that has ended */
  | { kind: "anonymous"; why?: string }
  | { kind: "user"; id: string; username: string; via: "session" | "token" };

declare module "hono" {
  interface ContextVariableMap {
    principal: Principal;
    /** the projects the route touched (set by the access check), for the audit log */
    projectIds: string[];
  }
}

/** Finds the project behind what a request names, with the store's own not-found wording. */
export class ProjectScope {
  constructor(private readonly store: Store) {}

  async project(idOrSlug: string): Promise<ProjectRef> {
    const project = await this.store.getProject(idOrSlug);
    return { projectId: project.id, notFound: `no project "${idOrSlug}"` };
  }

  async scenario(scenarioId: string): Promise<ProjectRef> {
    const scenario = await this.store.getScenario(scenarioId);
    return { projectId: scenario.projectId, notFound: `no scenario "${scenarioId}"` };
  }

  async run(runId: string): Promise<ProjectRef> {
    const run = await this.store.getRun(runId);
    const scenario = await this.store.getScenario(run.scenarioId);
    return { projectId: scenario.projectId, notFound: `no run "${runId}"` };
  }

  async study(studyId: string): Promise<ProjectRef> {
    const notFound = `no study "${studyId}"`;
    const study = await this.store.studies.get(studyId);
    // a study started outside any project (portello study on a shared database) is nobody's to reach here
    if (!study.projectId) throw new HttpProblem(404, notFound);
    return { projectId: study.projectId, notFound };
  }

  roleOf(userId: string, projectId: string): Promise<Role | undefined> {
    return this.store.accounts.roleIn(userId, projectId);
  }
}

export const SIGN_IN_FIRST =
  "sign in first: send `Authorization: Bearer <token>` (a token from `portello tokens create`), " +
  "or sign in with the web app";

/** Before anything else is read: the anonymous caller of a route that is not public gets 401. */
export function authenticate<I>(c: Context, access: Access<I>): void {
  const principal = c.get("principal");
  if (access !== "public" && principal.kind === "anonymous")
    throw unauthorized(principal.why ?? SIGN_IN_FIRST);
}

/** Enforces a route's role on the projects its request names; records them for the audit log. */
export async function authorize<I>(
  c: Context,
  access: Access<I>,
  input: I,
  scope: ProjectScope,
): Promise<void> {
  c.set("projectIds", []);
  if (typeof access !== "object") return;
  const refs = await Promise.all(access.projects(input, scope));
  c.set(
    "projectIds",
    refs.map((r) => r.projectId),
  );
  const principal = c.get("principal");
  if (principal.kind !== "user") return; // "local": the single user of a loopback server owns everything
  for (const ref of refs) {
    const role = await scope.roleOf(principal.id, ref.projectId);
    if (role === undefined) throw new HttpProblem(404, ref.notFound);
    if (!roleAtLeast(role, access.role)) {
      throw new HttpProblem(
        403,
        `your role in this project is ${role}; this needs ${access.role} (a project owner can change roles)`,
      );
    }
  }
}

export function unauthorized(detail: string): HttpProblem {
  return new HttpProblem(401, detail, undefined, undefined, {
    "www-authenticate": 'Bearer realm="portello"',
  });
}

/** The projects the caller may see: every one (local mode), or those they are a member of. */
export async function visibleProjects(c: Context, store: Store): Promise<"all" | Map<string, Role>> {
  const principal = c.get("principal");
  if (principal.kind === "local") return "all";
  if (principal.kind === "anonymous") return new Map();
  return store.accounts.rolesOf(principal.id);
}

/**
 * The caller's role in a project the route's access check already let them into, for the web app to show what
 * they may do: the single user of a loopback server owns everything.
 */
export async function callerRole(c: Context, store: Store, projectId: string): Promise<Role> {
  const principal = c.get("principal");
  if (principal.kind !== "user") return "owner";
  return (await store.accounts.roleIn(principal.id, projectId)) ?? "viewer";
}

/** The usual declarations: the role needed in the project that a path parameter names. */
export const inProject = <I extends { params: { project: string } }>(role: Role): Access<I> => ({
  role,
  projects: (i, s) => [s.project(i.params.project)],
});
export const inScenario = <I extends { params: { scenarioId: string } }>(role: Role): Access<I> => ({
  role,
  projects: (i, s) => [s.scenario(i.params.scenarioId)],
});
export const inRun = <I extends { params: { runId: string } }>(role: Role): Access<I> => ({
  role,
  projects: (i, s) => [s.run(i.params.runId)],
});
export const inStudy = <I extends { params: { studyId: string } }>(role: Role): Access<I> => ({
  role,
  projects: (i, s) => [s.study(i.params.studyId)],
});
