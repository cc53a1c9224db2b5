// biome-ignore-all lint/suspicious/noExplicitAny: response bodies are arbitrary JSON, checked by the assertions
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/server/app.js";
import type { AuthMode } from "../src/server/auth.js";
import { RunManager } from "../src/server/runs.js";
import { openPgliteStore } from "../src/store/pglite-store.js";
import type { Store } from "../src/store/types.js";
import { addUser, type TestUser } from "./fixtures/accounts.js";
import { TINY_SCENARIO } from "./fixtures/tiny-scenario.js";

/**
 * The caller's role travels with the project, the scenario and the study the web app loads, so that it can
 * disable a viewer's write actions up front: each member sees their own; the single user of a loopback server
 * without users is owner.
 */
let dir: string;
let store: Store;
let runs: RunManager;
let users: Record<"olga" | "ed" | "vic", TestUser>;
let scenarioId: string;
let studyId: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "portello-roles-"));
  store = await openPgliteStore(join(dir, "data"));
  runs = new RunManager(store, 1);
  users = {
    olga: await addUser(store, "olga"),
    ed: await addUser(store, "ed"),
    vic: await addUser(store, "vic"),
  };
  const project = await store.createProject({ name: "Shared", slug: "shared", ownerId: users.olga.id });
  await store.accounts.setMember(project.id, "ed", "editor");
  await store.accounts.setMember(project.id, "vic", "viewer");
  await store.createProject({ name: "Olga's own", slug: "olgas", ownerId: users.olga.id });
  scenarioId = (await store.createScenario(project.id, { name: "Tiny", content: TINY_SCENARIO })).scenario.id;
  // the study's contents do not matter here, only the project it belongs to
  studyId = (await store.studies.create({ prepared: {} as never, tasks: [], projectId: project.id })).id;
});

afterAll(async () => {
  await runs?.shutdown();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

function appWith(auth: AuthMode) {
  return createApp({ store, runs, auth, webDir: join(dir, "none") });
}

async function read(auth: AuthMode, path: string, user?: TestUser): Promise<any> {
  const res = await appWith(auth).request(path, { headers: user ? user.auth : {} });
  expect(res.status).toBe(200);
  return res.json();
}

describe("the caller's role in API answers", () => {
  it.each([
    ["olga", "owner"],
    ["ed", "editor"],
    ["vic", "viewer"],
  ] as const)("%s is %s of the shared project, its scenario and its study", async (name, role) => {
    const user = users[name];
    const projects = await read("required", "/api/projects", user);
    expect(projects.find((p: any) => p.slug === "shared").role).toBe(role);
    expect((await read("required", "/api/projects/shared", user)).role).toBe(role);
    const scenario = await read("required", `/api/scenarios/${scenarioId}`, user);
    expect(scenario).toMatchObject({ role, scenario: { id: scenarioId }, version: { number: 1 } });
    expect((await read("required", `/api/studies/${studyId}`, user)).role).toBe(role);
  });

  it("lists each project with the caller's own role in it", async () => {
    const roles = (projects: any[]) => Object.fromEntries(projects.map((p) => [p.slug, p.role]));
    expect(roles(await read("required", "/api/projects", users.olga))).toEqual({
      shared: "owner",
      olgas: "owner",
    });
    expect(roles(await read("required", "/api/projects", users.vic))).toEqual({ shared: "viewer" });
  });

  it("the creator of a project is told they own it", async () => {
    const res = await appWith("required").request("/api/projects", {
      method: "POST",
      headers: { ...users.vic.auth, "content-type": "application/json" },
      body: JSON.stringify({ name: "Vic's" }),
    });
    expect(res.status).toBe(201);
    expect(((await res.json()) as any).role).toBe("owner");
  });

  it("a loopback server without users: its single user owns everything", async () => {
    const local = await openPgliteStore(join(dir, "local"));
    const localRuns = new RunManager(local, 1);
    try {
      const app = createApp({ store: local, runs: localRuns, auth: "loopback", webDir: join(dir, "none") });
      const project = await local.createProject({ name: "Mine" });
      const scenario = await local.createScenario(project.id, { name: "Tiny", content: TINY_SCENARIO });
      const projects: any = await (await app.request("/api/projects")).json();
      expect(projects.map((p: any) => p.role)).toEqual(["owner"]);
      const page: any = await (await app.request(`/api/scenarios/${scenario.scenario.id}`)).json();
      expect(page.role).toBe("owner");
    } finally {
      await localRuns.shutdown();
      await local.close();
    }
  });
});
