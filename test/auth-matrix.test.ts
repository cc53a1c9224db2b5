// biome-ignore-all lint/suspicious/noExplicitAny: the OpenAPI document and response bodies are arbitrary JSON
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/server/app.js";
import { RunManager } from "../src/server/runs.js";
import { StudyManager } from "../src/server/studies.js";
import { openPgliteStore } from "../src/store/pglite-store.js";
import type { Store } from "../src/store/types.js";
import { addUser, type TestUser } from "./fixtures/accounts.js";
import { TINY_SCENARIO } from "./fixtures/tiny-scenario.js";
import { tinyStudyText } from "./fixtures/tiny-study.js";

/**
 * The role matrix: every operation of the server's own OpenAPI document × every kind of caller gets exactly
 * the status written below. The cases come from the document at test time, so an endpoint added without a
 * line here fails the test instead of escaping it.
 */

const CALLERS = ["anonymous", "viewer", "editor", "owner", "outsider"] as const;
type Caller = (typeof CALLERS)[number];
type Row = Record<Caller, number>;

const everyone = (status: number): Row => ({
  anonymous: status,
  viewer: status,
  editor: status,
  owner: status,
  outsider: status,
});
/** the atlas (public facts), listing and creating projects: anyone signed in */
const signedIn = (status: number): Row => ({ ...everyone(status), anonymous: 401 });
/** project reads: members; an outsider is told the project does not exist */
const read: Row = { anonymous: 401, viewer: 200, editor: 200, owner: 200, outsider: 404 };
const edit = (status: number): Row => ({
  anonymous: 401,
  viewer: 403,
  editor: status,
  owner: status,
  outsider: 404,
});
const own = (status: number): Row => ({
  anonymous: 401,
  viewer: 403,
  editor: 403,
  owner: status,
  outsider: 404,
});

const EXPECTED: Record<string, Row> = {
  health: everyone(200),
  openApi: everyone(200),
  getSession: everyone(200),
  signIn: everyone(200),
  signOut: everyone(204),
  atlasWhere: signedIn(200),
  atlasPlants: signedIn(200),
  atlasSales: signedIn(200),
  atlasHistory: signedIn(200),
  atlasConflicts: signedIn(200),
  atlasSources: signedIn(200),
  listProjects: signedIn(200),
  createProject: signedIn(201),
  getProject: read,
  getLatestAnswer: read,
  listScenarios: read,
  createScenario: edit(201),
  getScenario: read,
  listVersions: read,
  saveVersion: edit(201),
  getVersion: read,
  restoreVersion: edit(201),
  validateVersion: read,
  validateScenario: read,
  diffVersions: read,
  startRun: edit(202),
  listRuns: read,
  getRun: read,
  getRunProgress: read,
  followRun: read,
  cancelRun: edit(200),
  rerunRun: edit(202),
  getRunResult: read,
  startStudy: edit(202),
  listStudies: read,
  getStudy: read,
  followStudy: read,
  cancelStudy: edit(200),
  getStudyReport: read,
  downloadStudyWorkbook: read,
  getStudyResults: read,
  uploadWorkbook: edit(201),
  downloadWorkbook: read,
  downloadPlanWorkbook: read,
  downloadComparisonWorkbook: read,
  compareRuns: read,
  listMembers: own(200),
  setMember: own(200),
  removeMember: own(204),
  projectAudit: own(200),
  deleteProject: own(204),
};

let dir: string;
let store: Store;
let runs: RunManager;
let studies: StudyManager;
let app: Hono;
const users = {} as Record<Exclude<Caller, "anonymous">, TestUser>;
let scenarioId: string;
let runIds: string[];
let studyId: string;
let doc: any;
let workbook: Uint8Array;
let unique = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "portello-matrix-"));
  store = await openPgliteStore(join(dir, "data"));
  runs = new RunManager(store, 2);
  studies = new StudyManager(store, { threads: 1 });
  app = createApp({
    store,
    runs,
    studies,
    auth: "required",
    webDir: join(dir, "none"),
    signInLimits: { perAccount: 1000, perAddress: 1000, windowMs: 60_000 },
  });
  for (const caller of ["viewer", "editor", "owner", "outsider", "extra"] as const) {
    const user = await addUser(store, caller);
    if (caller !== "extra") users[caller] = user;
  }
  await projectWithMembers("plans");
  await store.createProject({ name: "Elsewhere", ownerId: users.outsider.id });
  await store.saveAnswer((await store.getProject("plans")).id, "case", { answer: "yes" });
  const created = await store.createScenario((await store.getProject("plans")).id, {
    name: "Base",
    fileName: "base.yaml",
    content: TINY_SCENARIO,
  });
  scenarioId = created.scenario.id;
  runIds = [];
  for (let i = 0; i < 2; i++) {
    const res = await send("owner", "POST", `/api/scenarios/${scenarioId}/runs`, { options: {} });
    expect(res.status).toBe(202);
    runIds.push(((await res.json()) as any).id);
  }
  for (const id of runIds) await until(async () => (await store.getRun(id)).status === "succeeded");
  const started = await send("owner", "POST", "/api/projects/plans/studies", { content: tinyStudyText() });
  expect(started.status).toBe(202);
  studyId = ((await started.json()) as any).id;
  await until(async () => (await store.studies.get(studyId)).status === "succeeded");
  doc = await (await app.request("/api/openapi.json")).json();
  const download = await send("owner", "GET", `/api/scenarios/${scenarioId}/versions/1/xlsx`);
  expect(download.status).toBe(200);
  workbook = new Uint8Array(await download.arrayBuffer());
});

// shutting down stops the runs and studies the matrix started (a solver thread that will not end is abandoned after 5 s)
afterAll(async () => {
  await studies?.shutdown();
  await runs?.shutdown();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

/** A project with the three roles, and "extra" as a viewer that setMember and removeMember work on. */
async function projectWithMembers(slug: string) {
  const project = await store.createProject({ name: slug, slug, ownerId: users.owner.id });
  await store.accounts.setMember(project.id, "viewer", "viewer");
  await store.accounts.setMember(project.id, "editor", "editor");
  await store.accounts.setMember(project.id, "extra", "viewer");
  return project;
}

async function until(done: () => Promise<boolean>) {
  for (let i = 0; i < 600 && !(await done()); i++) await new Promise((r) => setTimeout(r, 100));
  expect(await done()).toBe(true);
}

/** JSON bodies as JSON; bytes (a workbook) as they are */
function send(caller: Caller, method: string, path: string, body?: unknown) {
  const headers: Record<string, string> = caller === "anonymous" ? {} : { ...users[caller].auth };
  if (body === undefined) return app.request(path, { method, headers });
  const raw = body instanceof Uint8Array;
  headers["content-type"] = raw ? "application/octet-stream" : "application/json";
  return app.request(path, { method, headers, body: raw ? body : JSON.stringify(body) });
}

/** A request that succeeds for a caller with the right role: real ids, a valid body. */
async function requestFor(operationId: string, caller: Caller, template: string) {
  unique++;
  let project = "plans";
  if (operationId === "deleteProject") project = (await projectWithMembers(`doomed-${unique}`)).slug;
  if (operationId === "removeMember")
    await store.accounts.setMember((await store.getProject("plans")).id, "extra", "viewer");
  const path = template
    .replace("{project}", project)
    .replace("{scenarioId}", scenarioId)
    .replace("{number}", "1")
    .replace("{runId}", runIds[0]!)
    .replace("{studyId}", studyId)
    .replace("{username}", "extra");
  const query: Record<string, string> = {
    atlasWhere: "?q=Giulia&year=2020",
    atlasHistory: "?q=Cassino",
    atlasSales: "?q=Alfa%20Romeo&market=USA&year=2024",
    diffVersions: "?from=1",
    listRuns: `?scenario=${scenarioId}`,
    compareRuns: `?runs=${runIds.join(",")}`,
    downloadComparisonWorkbook: `?runs=${runIds.join(",")}`,
  };
  const who = caller === "anonymous" ? users.viewer : users[caller];
  const bodies: Record<string, unknown> = {
    signIn: { username: who.username, password: who.password },
    createProject: { name: `Project ${unique}` },
    createScenario: { name: `Variant ${unique}`, fileName: `variant-${unique}.yaml`, content: TINY_SCENARIO },
    saveVersion: { content: `${TINY_SCENARIO}\n# edit ${unique}\n` },
    restoreVersion: {},
    validateScenario: { content: TINY_SCENARIO, project: "plans" },
    startRun: { options: {} },
    startStudy: { content: tinyStudyText() },
    setMember: { role: "editor" },
    uploadWorkbook: workbook,
  };
  return { path: path + (query[operationId] ?? ""), body: bodies[operationId] };
}

describe("role matrix over the OpenAPI document", () => {
  it("has an expectation for every operation, and no expectation without an operation", () => {
    const operations = Object.values<any>(doc.paths).flatMap((ops) =>
      Object.values<any>(ops).map((op) => op.operationId as string),
    );
    expect(operations.filter((id) => !(id in EXPECTED))).toEqual([]);
    expect(Object.keys(EXPECTED).filter((id) => !operations.includes(id))).toEqual([]);
  });

  for (const caller of CALLERS) {
    it(`${caller}: every endpoint answers its expected status`, async () => {
      const wrong: string[] = [];
      let cases = 0;
      for (const [template, ops] of Object.entries<any>(doc.paths)) {
        for (const [method, op] of Object.entries<any>(ops)) {
          const expected = EXPECTED[op.operationId];
          if (!expected) {
            wrong.push(
              `${method.toUpperCase()} ${template} (${op.operationId}): no expected status declared`,
            );
            continue;
          }
          const { path, body } = await requestFor(op.operationId, caller, template);
          const res = await send(caller, method.toUpperCase(), path, body);
          const text = await res.text();
          cases++;
          if (res.status !== expected[caller]) {
            wrong.push(
              `${method.toUpperCase()} ${path}: ${res.status}, expected ${expected[caller]}: ${text.slice(0, 200)}`,
            );
          } else if (res.status >= 400) {
            expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
            expect(JSON.parse(text)).toMatchObject({ status: res.status, detail: expect.any(String) });
          }
        }
      }
      expect(wrong).toEqual([]);
      expect(cases).toBe(Object.keys(EXPECTED).length);
    });
  }

  it("lists to each caller only the projects and runs of their projects", async () => {
    const slugs = async (caller: Caller) =>
      ((await (await send(caller, "GET", "/api/projects")).json()) as any[]).map((p) => p.slug);
    expect(await slugs("outsider")).toContain("elsewhere");
    expect(await slugs("outsider")).not.toContain("plans");
    expect(await slugs("viewer")).toContain("plans");
    expect(await slugs("viewer")).not.toContain("elsewhere");
    const runsOf = async (caller: Caller) =>
      ((await (await send(caller, "GET", "/api/runs")).json()) as any[]).length;
    expect(await runsOf("outsider")).toBe(0);
    expect(await runsOf("viewer")).toBeGreaterThanOrEqual(2);
  });

  it("tells an outsider exactly what it tells anyone about a project that does not exist", async () => {
    const missing: any = await (await send("outsider", "GET", "/api/projects/no-such-project")).json();
    const hidden = await (await send("outsider", "GET", "/api/projects/plans")).json();
    expect(hidden).toEqual({ ...missing, detail: missing.detail.replace("no-such-project", "plans") });
    const run: any = await (await send("outsider", "GET", `/api/runs/${runIds[0]}`)).json();
    expect(run.detail).toBe(`no run "${runIds[0]}"`);
  });

  it("records every successful write in the audit log, readable by the owner", async () => {
    const res = await send("owner", "GET", "/api/projects/plans/audit?limit=1000");
    const entries = (await res.json()) as any[];
    const saves = entries.filter((e) => e.action === "saveVersion");
    expect(saves.map((e) => e.actor).sort()).toEqual(["editor", "owner"]);
    expect(saves[0]).toMatchObject({ via: "token", target: `/api/scenarios/${scenarioId}/versions` });
    // refused writes leave no entry: the viewer's and outsider's attempts are not there
    expect(entries.some((e) => e.actor === "viewer" || e.actor === "outsider")).toBe(false);
  });
});
