import { z } from "zod";
import { Role, Username } from "../../store/accounts.js";
import type { Store } from "../../store/types.js";
import { inProject } from "../access.js";
import type { ApiRouter } from "../router.js";
import { ProjectParams } from "../schemas.js";

const MemberParams = ProjectParams.extend({ username: Username });
const MemberOut = z.object({ username: z.string(), role: Role, addedAt: z.string() });
const AuditOut = z.object({
  seq: z.number().int(),
  at: z.string(),
  actor: z.string(),
  via: z.string(),
  action: z.string(),
  projectId: z.string().optional(),
  target: z.string(),
  detail: z.record(z.string(), z.unknown()),
});

/** What only a project's owners may do: manage its members, read its audit log, delete it. */
export function memberRoutes(api: ApiRouter, store: Store): void {
  const tag = "members";

  api.add(
    {
      method: "get",
      path: "/api/projects/:project/members",
      operationId: "listMembers",
      summary: "The project's members and their roles",
      tag,
      params: ProjectParams,
      access: inProject("owner"),
      responses: { 200: { description: "the members", schema: z.array(MemberOut) } },
    },
    async (c, { params }) => {
      const project = await store.getProject(params.project);
      return c.json(await store.accounts.listMembers(project.id));
    },
  );

  api.add(
    {
      method: "put",
      path: "/api/projects/:project/members/:username",
      operationId: "setMember",
      summary: "Add a member (an existing user) or change their role; the last owner cannot step down",
      tag,
      params: MemberParams,
      body: z.strictObject({ role: Role }),
      access: inProject("owner"),
      responses: { 200: { description: "the member", schema: MemberOut } },
    },
    async (c, { params, body }) => {
      const project = await store.getProject(params.project);
      return c.json(await store.accounts.setMember(project.id, params.username, body.role));
    },
  );

  api.add(
    {
      method: "delete",
      path: "/api/projects/:project/members/:username",
      operationId: "removeMember",
      summary: "Remove a member; the last owner cannot be removed",
      tag,
      params: MemberParams,
      access: inProject("owner"),
      responses: { 204: { description: "removed" } },
    },
    async (c, { params }) => {
      const project = await store.getProject(params.project);
      await store.accounts.removeMember(project.id, params.username);
      return c.body(null, 204);
    },
  );

  api.add(
    {
      method: "get",
      path: "/api/projects/:project/audit",
      operationId: "projectAudit",
      summary: "The project's audit log: every write, who made it and when, newest first",
      tag,
      params: ProjectParams,
      query: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(200) }),
      access: inProject("owner"),
      responses: { 200: { description: "audit entries", schema: z.array(AuditOut) } },
    },
    async (c, { params, query }) => {
      const project = await store.getProject(params.project);
      return c.json(await store.accounts.listAudit({ projectId: project.id, limit: query.limit }));
    },
  );

  api.add(
    {
      method: "delete",
      path: "/api/projects/:project",
      operationId: "deleteProject",
      summary: "Delete the project with its scenarios, versions and runs (409 while a run is active)",
      tag,
      params: ProjectParams,
      access: inProject("owner"),
      responses: { 204: { description: "deleted" } },
    },
    async (c, { params }) => {
      const project = await store.getProject(params.project);
      await store.deleteProject(project.id);
      return c.body(null, 204);
    },
  );
}
