// biome-ignore-all lint/suspicious/noExplicitAny: response bodies are arbitrary JSON, checked by the assertions
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/server/app.js";
import { RunManager } from "../src/server/runs.js";
import { openPgliteStore } from "../src/store/pglite-store.js";
import { seedBuiltinProjects } from "../src/store/seed.js";
import type { Store } from "../src/store/types.js";
import { bigScenarioText } from "./fixtures/big-scenario.js";
import { TINY_SCENARIO } from "./fixtures/tiny-scenario.js";

/** Every endpoint, in-process through Hono's app.request, on a real PGlite store seeded with the Alfa case. */

let dir: string;
let store: Store;
let runs: RunManager;
let app: Hono;

const json = (body: unknown) => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});
async function call(path: string, init?: RequestInit) {
  const res = await app.request(path, init);
  const type = res.headers.get("content-type") ?? "";
  const body = type.includes("json") ? await res.json() : await res.text();
  return { status: res.status, type, body: body as any };
}

/** Reads a run's event stream to its end: [event, data] pairs. */
async function events(runId: string, headers: Record<string, string> = {}) {
  const res = await app.request(`/api/runs/${runId}/events`, { headers });
  expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
  return parseSse(await res.text());
}

function parseSse(text: string): { event: string; data: any; id?: string }[] {
  return text
    .split("\n\n")
    .filter((block) => block.includes("data:"))
    .map((block) => {
      const field = (name: string) =>
        block
          .split("\n")
          .find((l) => l.startsWith(`${name}:`))
          ?.slice(name.length + 1)
          .trim();
      return { event: field("event") ?? "message", data: JSON.parse(field("data")!), id: field("id") };
    });
}

/** Waits, on the live stream, for the first event matching `until`; then drops the connection. */
async function waitForEvent(runId: string, until: (e: { event: string; data: any }) => boolean) {
  const res = await app.request(`/api/runs/${runId}/events`);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`stream ended before the awaited event: ${text}`);
    text += decoder.decode(value, { stream: true });
    const found = parseSse(text.slice(0, text.lastIndexOf("\n\n") + 2)).find(until);
    if (found) {
      await reader.cancel();
      return found;
    }
  }
}

function expectProblem(r: { status: number; type: string; body: any }, status: number) {
  expect(r.status).toBe(status);
  expect(r.type).toMatch(/^application\/problem\+json/);
  expect(r.body).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "portello-api-"));
  store = await openPgliteStore(join(dir, "data"));
  await seedBuiltinProjects(store);
  runs = new RunManager(store, 2);
  const webDir = join(dir, "web");
  mkdirSync(webDir);
  writeFileSync(join(webDir, "index.html"), "<!doctype html><title>Portello</title>");
  app = createApp({ store, runs, webDir });
});

afterAll(async () => {
  await runs?.shutdown();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("server basics", () => {
  it("reports health and the store in use", async () => {
    const r = await call("/api/health");
    expect(r).toMatchObject({ status: 200, body: { status: "ok", store: "pglite" } });
  });

  it("publishes an OpenAPI 3.1 document generated from the request schemas", async () => {
    const { status, body } = await call("/api/openapi.json");
    expect(status).toBe(200);
    expect(body.openapi).toBe("3.1.0");
    const create = body.paths["/api/projects/{project}/scenarios"].post;
    expect(create.requestBody.content["application/json"].schema.required).toEqual(["name", "content"]);
    expect(create.parameters).toEqual([
      expect.objectContaining({ name: "project", in: "path", required: true }),
    ]);
    expect(body.paths["/api/runs/{runId}/events"].get.responses["200"].content).toHaveProperty(
      "text/event-stream",
    );
    // an event stream over the server's budget is refused with a 429 problem (and Retry-After)
    for (const path of ["/api/runs/{runId}/events", "/api/studies/{studyId}/events"]) {
      const refused = body.paths[path].get.responses["429"];
      expect(refused?.description, path).toMatch(/event streams.*Retry-After/);
      expect(refused.content["application/problem+json"].schema.required).toEqual(
        expect.arrayContaining(["type", "title", "status", "detail"]),
      );
    }
    expect(body.components.schemas.Problem).toBeDefined();
    expect(Object.keys(body.paths).length).toBeGreaterThanOrEqual(17);
  });

  it("serves the web app at / with client-side routes falling back to index.html", async () => {
    for (const path of ["/", "/projects/alfa-romeo"]) {
      const r = await call(path);
      expect(r.status).toBe(200);
      expect(r.body).toContain("<title>Portello</title>");
    }
  });

  it("answers unknown endpoints, wrong media types and broken JSON with problem details", async () => {
    expectProblem(await call("/api/nothing-here"), 404);
    expectProblem(await call("/api/projects", { method: "DELETE" }), 404);
    expectProblem(await call("/api/projects", { method: "POST", body: "name=x" }), 415);
    const broken = await call("/api/projects", { ...json({}), body: '{"name": ' });
    expectProblem(broken, 400);
    expect(broken.body.detail).toMatch(/not valid JSON/);
  });
});

describe("atlas", () => {
  it("answers where a model was built in a year, with sources", async () => {
    const r = await call("/api/atlas/where?q=Giulia&year=2020");
    expect(r.status).toBe(200);
    const answer = r.body.find((a: any) => a.subject.id === "giulia-952");
    expect(answer.builds.map((b: any) => b.plantId)).toContain("cassino");
    expect(answer.builds[0].sources.length).toBeGreaterThan(0);
  });

  it("gives a plant's history, the conflicts and the sources", async () => {
    const history = await call("/api/atlas/history?q=Cassino");
    expect(history.body.subject).toMatchObject({ kind: "plant", id: "cassino" });
    const conflicts = (await call("/api/atlas/conflicts")).body;
    expect(conflicts.length).toBeGreaterThan(0);
    expect(conflicts[0].sides).toHaveLength(2);
    // FACTS.md §7: all 22 items, each tied to what the atlas finds or records
    const items = new Set(conflicts.flatMap((c: any) => (c.reference ? [c.reference] : [])));
    expect(items.size).toBe(22);
    const press = (await call("/api/atlas/sources?kind=press")).body;
    expect(press.every((s: any) => s.kind === "press")).toBe(true);
  });

  it("gives sales by market with their sources, documented in the OpenAPI document", async () => {
    const r = await call("/api/atlas/sales?q=Alfa%20Romeo&market=USA&year=2024");
    expect(r.status).toBe(200);
    const units = r.body.filter((row: any) => row.measure === "units" && row.subject.kind === "brand");
    // FACTS.md §3.3: US 2024, 8,865 (−19%)
    expect(units.map((row: any) => row.value)).toEqual([8865]);
    expect(units[0]).toMatchObject({ market: { id: "us" }, period: { from: "2024", to: "2024" } });
    expect(units[0].sources.length).toBeGreaterThan(0);
    expectProblem(await call("/api/atlas/sales?q=Alfa%20Romeo&market=Atlantis"), 400);
    expectProblem(await call("/api/atlas/sales?q=Nothingburger"), 404);
    const operation = (await call("/api/openapi.json")).body.paths["/api/atlas/sales"].get;
    expect(operation.parameters.map((p: any) => p.name).sort()).toEqual(["market", "q", "year"]);
  });

  it("lists the atlas's plants at a year with coordinates, status and brands", async () => {
    const r = await call("/api/atlas/plants?at=1965");
    expect(r.status).toBe(200);
    const in1965 = new Map(r.body.map((p: any) => [p.id, p]));
    expect(in1965.get("portello")).toMatchObject({
      status: "active",
      focusBrand: { id: "alfa-romeo" },
      lat: 45.486853,
    });
    expect(in1965.get("arese")).toMatchObject({ status: "active", focusBrand: { id: "alfa-romeo" } });
    expect(in1965.get("touring-milan")).toMatchObject({ lat: null, lon: null });
    const in2026 = (await call("/api/atlas/plants?at=2026")).body;
    expect(in2026.find((p: any) => p.id === "belvidere")).toMatchObject({ status: "idle", focusBrand: null });
    const located = in2026.filter((p: any) => p.lat !== null).map((p: any) => p.id);
    expect(located).toEqual(
      expect.arrayContaining(["portello", "arese", "melfi", "toluca", "belvidere", "spartanburg"]),
    );
    expect((await call("/api/atlas/plants")).body).toHaveLength(in2026.length);
    expectProblem(await call("/api/atlas/plants?at=nineteen"), 400);
  });

  it("documents the plants endpoint in OpenAPI from its schemas", async () => {
    const operation = (await call("/api/openapi.json")).body.paths["/api/atlas/plants"].get;
    expect(operation.parameters).toEqual([
      expect.objectContaining({ name: "at", in: "query", required: false }),
    ]);
    const item = operation.responses["200"].content["application/json"].schema.items;
    expect(item.required).toEqual(expect.arrayContaining(["lat", "lon", "status", "brands", "focusBrand"]));
  });

  it("answers unknown subjects and bad parameters with problem details", async () => {
    const none = await call("/api/atlas/where?q=Nothingburger");
    expectProblem(none, 404);
    expect(none.body.detail).toBe("nothing in the atlas matches 'Nothingburger'");
    expectProblem(await call("/api/atlas/where?q=Giulia&year=abc"), 400);
    expectProblem(await call("/api/atlas/where"), 400);
    expectProblem(await call("/api/atlas/sources?kind=bogus"), 400);
  });
});

describe("projects", () => {
  it("lists the seeded Alfa Romeo project with its scenario files, the base first", async () => {
    const { body } = await call("/api/projects");
    expect(body).toContainEqual(expect.objectContaining({ slug: "alfa-romeo", builtin: true }));
    const scenarios = (await call("/api/projects/alfa-romeo/scenarios")).body;
    const files = readdirSync(new URL("../data/scenarios/alfa/", import.meta.url)).filter((f) =>
      f.endsWith(".yaml"),
    );
    expect(files).toEqual(
      expect.arrayContaining(["base.yaml", "reopen-belvidere.yaml", "toluca-usmca.yaml"]),
    );
    expect(scenarios.map((s: any) => s.fileName)).toEqual([
      "base.yaml",
      ...files.filter((f) => f !== "base.yaml").sort((a, b) => a.localeCompare(b)),
    ]);
  });

  it("creates a project, finds it by slug, and refuses a duplicate or an invalid body", async () => {
    const created = await call("/api/projects", json({ name: "Fleet study", description: "d" }));
    expect(created).toMatchObject({ status: 201, body: { slug: "fleet-study", builtin: false } });
    expect((await call("/api/projects/fleet-study")).body.id).toBe(created.body.id);
    expectProblem(await call("/api/projects", json({ name: "Fleet study" })), 409);
    const bad = await call("/api/projects", json({ name: "", extra: 1 }));
    expectProblem(bad, 400);
    expect(bad.body.issues.map((i: any) => i.path)).toEqual(expect.arrayContaining(["body.name"]));
    expectProblem(await call("/api/projects", json({ name: "x", slug: "Not A Slug" })), 400);
    expectProblem(await call("/api/projects/no-such-project"), 404);
  });
});

describe("scenarios and versions", () => {
  let scenarioId: string;

  beforeAll(async () => {
    await call("/api/projects", json({ name: "Versions" }));
  });

  it("creates a scenario from valid text as version 1", async () => {
    const r = await call("/api/projects/versions/scenarios", json({ name: "Tiny", content: TINY_SCENARIO }));
    expect(r.status).toBe(201);
    expect(r.body.scenario).toMatchObject({ name: "Tiny", fileName: "tiny.yaml", latestVersion: 1 });
    expect(r.body.version).toMatchObject({ number: 1, content: TINY_SCENARIO });
    scenarioId = r.body.scenario.id;
    expect((await call(`/api/scenarios/${scenarioId}`)).body.version.content).toBe(TINY_SCENARIO);
  });

  it("refuses invalid text with the CLI's file:line:col messages, and saves nothing", async () => {
    const broken = TINY_SCENARIO.replace("capacityPerShift: 50000", "capacityPerShift: -5");
    const r = await call("/api/projects/versions/scenarios", json({ name: "Broken", content: broken }));
    expectProblem(r, 422);
    expect(r.body.issues[0].text).toMatch(/^broken\.yaml:14:\d+: plants\[0\]\.capacityPerShift: /);
    expect(r.body.detail).toContain(r.body.issues[0].text);
    const names = (await call("/api/projects/versions/scenarios")).body.map((s: any) => s.name);
    expect(names).toEqual(["Tiny"]);
  });

  it("saves versions, refuses a stale base version, restores and diffs", async () => {
    const v2text = TINY_SCENARIO.replace("maxShifts: 2", "maxShifts: 3");
    const v2 = await call(
      `/api/scenarios/${scenarioId}/versions`,
      json({ content: v2text, note: "3 shifts", baseVersion: 1 }),
    );
    expect(v2).toMatchObject({ status: 201, body: { number: 2, note: "3 shifts" } });
    const stale = await call(
      `/api/scenarios/${scenarioId}/versions`,
      json({ content: TINY_SCENARIO, baseVersion: 1 }),
    );
    expectProblem(stale, 409);
    expect(stale.body.detail).toMatch(/latest is 2/);

    const list = (await call(`/api/scenarios/${scenarioId}/versions`)).body;
    expect(list.map((v: any) => v.number)).toEqual([1, 2]);
    expect(list[0]).not.toHaveProperty("content");
    expect((await call(`/api/scenarios/${scenarioId}/versions/1`)).body.content).toBe(TINY_SCENARIO);

    const diff = (await call(`/api/scenarios/${scenarioId}/diff?from=1&to=2`)).body;
    expect(diff.resolved).toBe(true);
    expect(diff.diff.entities).toEqual([
      {
        collection: "plants",
        key: "north",
        kind: "changed",
        fields: [{ path: "maxShifts", kind: "changed", before: 2, after: 3 }],
      },
    ]);

    const restored = await call(`/api/scenarios/${scenarioId}/versions/1/restore`, json({}));
    expect(restored).toMatchObject({
      status: 201,
      body: { number: 3, restoredFrom: 1, content: TINY_SCENARIO },
    });
    expect((await call(`/api/scenarios/${scenarioId}/versions/2`)).body.content).toBe(v2text);
    expect((await call(`/api/scenarios/${scenarioId}/diff?from=1`)).body.diff.identical).toBe(true);
  });

  it("answers bad version requests with problem details", async () => {
    expectProblem(await call(`/api/scenarios/${scenarioId}/versions/99`), 404);
    expectProblem(await call(`/api/scenarios/${scenarioId}/versions/abc`), 400);
    expectProblem(await call(`/api/scenarios/${scenarioId}/versions/0/restore`, json({})), 400);
    expectProblem(await call(`/api/scenarios/${scenarioId}/versions/42/restore`, json({})), 404);
    expectProblem(await call(`/api/scenarios/${scenarioId}/diff`), 400);
    expectProblem(await call("/api/scenarios/nope/versions"), 404);
    expectProblem(await call(`/api/scenarios/${scenarioId}/versions`, json({ content: "" })), 400);
  });

  it("validates text without saving, and stored versions as they resolve today", async () => {
    const ok = await call("/api/validate", json({ content: TINY_SCENARIO }));
    expect(ok.body).toMatchObject({
      valid: true,
      summary: { id: "tiny", plants: 2, programs: 1, markets: 2 },
    });
    const bad = await call("/api/validate", json({ content: "portello: 1\nid: x\n", fileName: "x.yaml" }));
    // invalid text is a 422 problem with every issue, as a refused save is
    expectProblem(bad, 422);
    expect(bad.body.issues[0].text).toMatch(/^x\.yaml/);
    expect((await call(`/api/scenarios/${scenarioId}/versions/2/validation`)).body.valid).toBe(true);
  });

  it("resolves `extends:` against the project's other scenarios by file name", async () => {
    const variant =
      "portello: 1\nextends: base.yaml\nid: alfa-rate\nname: Lower discount rate\ndiscountRate: 0.05\n";
    const r = await call(
      "/api/projects/alfa-romeo/scenarios",
      json({ name: "Lower rate", content: variant }),
    );
    expect(r.status).toBe(201);
    const v = await call("/api/validate", json({ content: variant, project: "alfa-romeo" }));
    expect(v.body).toMatchObject({ valid: true, summary: { id: "alfa-rate" } });
    const orphan = await call(
      "/api/validate",
      json({ content: variant.replace("base.yaml", "gone.yaml"), project: "alfa-romeo" }),
    );
    expectProblem(orphan, 422);
    expect(orphan.body.issues[0].message).toMatch(/base scenario not found: 'gone.yaml'/);
    expect(orphan.body.issues[0].message).not.toContain("portello-project");
    // across scenarios: the variant against its base, resolved
    const base = (await call("/api/projects/alfa-romeo/scenarios")).body.find(
      (s: any) => s.fileName === "base.yaml",
    );
    const diff = (await call(`/api/scenarios/${base.id}/diff?from=1&against=${r.body.scenario.id}`)).body;
    expect(diff.diff.fields).toEqual(
      expect.arrayContaining([{ path: "discountRate", kind: "changed", before: 0.08, after: 0.05 }]),
    );
  });
});

describe("runs", () => {
  let tinyId: string;
  let firstRun: string;

  beforeAll(async () => {
    await call("/api/projects", json({ name: "Runs" }));
    tinyId = (await call("/api/projects/runs/scenarios", json({ name: "Tiny", content: TINY_SCENARIO }))).body
      .scenario.id;
    const cheaper = TINY_SCENARIO.replace("openCost: 300000000", "openCost: 1000");
    await call(`/api/scenarios/${tinyId}/versions`, json({ content: cheaper }));
  });

  it("solves a version in a worker; the event stream replays the log and ends with the run", async () => {
    const started = await call(
      `/api/scenarios/${tinyId}/runs`,
      json({ version: 1, options: { explain: false } }),
    );
    expect(started).toMatchObject({
      status: 202,
      body: { status: "queued", versionNumber: 1, solver: "highs" },
    });
    firstRun = started.body.id;
    const log = await events(firstRun);
    const statuses = log.filter((e) => e.event === "status").map((e) => e.data.data.status);
    expect(statuses).toEqual(["queued", "running", "succeeded"]);
    expect(log.at(-1)).toMatchObject({ event: "end", data: { id: firstRun, status: "succeeded" } });
    expect(log.filter((e) => e.id).map((e) => Number(e.id))).toEqual(
      log.filter((e) => e.id).map((_, i) => i + 1),
    );

    const run = (await call(`/api/runs/${firstRun}`)).body;
    expect(run).toMatchObject({ status: "succeeded", options: { explain: false } });
    expect(run.timings.solve).toBeGreaterThan(0);
    expect(run).not.toHaveProperty("plan");
    const plan = (await call(`/api/runs/${firstRun}/result`)).body;
    expect(plan).toMatchObject({ status: "optimal", scenario: { id: "tiny" } });
    expect(plan.allocations[0]).toMatchObject({ program: "sedan", plant: "north" });

    // a late subscriber, and one reconnecting after entry 2, get the stored log
    expect((await events(firstRun)).length).toBe(log.length);
    expect((await events(firstRun, { "last-event-id": "2" })).filter((e) => e.id).map((e) => e.id)[0]).toBe(
      "3",
    );
    const progress = (await call(`/api/runs/${firstRun}/progress?after=1`)).body;
    expect(progress[0].seq).toBe(2);
  });

  it("compares finished runs", async () => {
    const second = await call(`/api/scenarios/${tinyId}/runs`, json({ options: { explain: false } }));
    await events(second.body.id);
    const r = await call(`/api/compare?runs=${firstRun},${second.body.id}`);
    expect(r.status).toBe(200);
    expect(r.body.plans.map((p: any) => p.id)).toEqual(["tiny", "tiny"]);
    expect(r.body.kpis.find((k: any) => k.key === "npv").values).toHaveLength(2);
    expectProblem(await call(`/api/compare?runs=${firstRun}`), 400);
    expectProblem(await call("/api/compare"), 400);
    expectProblem(await call(`/api/compare?runs=${firstRun},missing`), 404);
    const listed = (await call(`/api/runs?scenario=${tinyId}&status=succeeded`)).body;
    expect(listed.map((x: any) => x.id)).toEqual([firstRun, second.body.id]);
    expectProblem(await call("/api/runs?status=exploded"), 400);
  });

  it("cancels a running run by terminating its worker, and a queued one before it starts", async () => {
    const big = (
      await call(
        "/api/projects/runs/scenarios",
        json({ name: "Big", content: bigScenarioText({ plants: 12, programs: 16 }) }),
      )
    ).body.scenario.id;
    const options = { explain: false, timeLimitSeconds: 600 };
    const a = (await call(`/api/scenarios/${big}/runs`, json({ options }))).body.id;
    const b = (await call(`/api/scenarios/${big}/runs`, json({ options }))).body.id;
    const c = (await call(`/api/scenarios/${big}/runs`, json({ options }))).body.id; // queued: two run at once
    await waitForEvent(a, (e) => e.event === "status" && e.data.data.status === "running");
    expectProblem(await call(`/api/runs/${a}/result`), 409);

    const queued = await call(`/api/runs/${c}/cancel`, { method: "POST" });
    expect(queued.body).toMatchObject({ status: "cancelled" });
    expect(queued.body.startedAt).toBeUndefined();
    const running = await call(`/api/runs/${a}/cancel`, { method: "POST" });
    expect(running.body).toMatchObject({ status: "cancelled" });
    expect((await events(a)).at(-1)).toMatchObject({ event: "end", data: { status: "cancelled" } });
    await call(`/api/runs/${b}/cancel`, { method: "POST" });
    expect((await call(`/api/runs/${b}`)).body.status).toBe("cancelled");
    // cancelling again changes nothing
    expect((await call(`/api/runs/${a}/cancel`, { method: "POST" })).body.status).toBe("cancelled");
    const noPlan = await call(`/api/runs/${a}/result`);
    expectProblem(noPlan, 409);
    expect(noPlan.body.detail).toMatch(/cancelled without a plan/);
  });

  it("solves by the method the run options name", async () => {
    const run = await call(`/api/scenarios/${tinyId}/runs`, json({ options: { method: "benders" } }));
    expect(run.status).toBe(202);
    await events(run.body.id);
    const plan = (await call(`/api/runs/${run.body.id}/result`)).body;
    expect(plan.solver.name).toBe("benders");
    const mono = (await call(`/api/runs/${firstRun}/result`)).body;
    // both solved to the default gap (1e-4)
    expect(Math.abs(plan.npv - mono.npv)).toBeLessThanOrEqual(2e-4 * Math.abs(mono.npv));
  });

  it("refuses runs of missing versions or with bad options", async () => {
    expectProblem(await call(`/api/scenarios/${tinyId}/runs`, json({ version: 9 })), 404);
    expectProblem(await call(`/api/scenarios/${tinyId}/runs`, json({ options: { mipRelGap: 5 } })), 400);
    expectProblem(await call(`/api/scenarios/${tinyId}/runs`, json({ options: { threads: 4 } })), 400);
    expectProblem(await call(`/api/scenarios/${tinyId}/runs`, json({ options: { method: "dual" } })), 400);
    expectProblem(await call("/api/runs/nope"), 404);
    expectProblem(await call("/api/runs/nope/events"), 404);
    expectProblem(await call("/api/runs/nope/cancel", { method: "POST" }), 404);
    expectProblem(await call("/api/runs/nope/progress"), 404);
  });
});

describe("limits", () => {
  it("refuses bodies over the limit with 413", async () => {
    const small = createApp({ store, runs, maxBodyBytes: 1000, webDir: join(dir, "none") });
    const res = await small.request("/api/validate", json({ content: "x".repeat(2000) }));
    expect(res.status).toBe(413);
    expect(res.headers.get("content-type")).toMatch(/problem\+json/);
  });
});

describe("bad input never gives a 500", () => {
  const garbage: unknown[] = [
    null,
    [],
    "text",
    42,
    { unexpected: true },
    { name: 5, content: 7, version: "x" },
    { name: "nul\u0000", content: "portello: 1\u0000", note: "\u0000" },
  ];

  it("every endpoint in the OpenAPI document answers garbage with problem details", async () => {
    const doc = (await call("/api/openapi.json")).body;
    for (const [path, ops] of Object.entries<any>(doc.paths)) {
      const concrete = path.replace(/\{(\w+)\}/g, (_, name) => (name === "number" ? "-1" : "%00nope"));
      for (const method of Object.keys(ops)) {
        const attempts: RequestInit[] =
          method === "get"
            ? [{}, { headers: { "last-event-id": "zz" } }]
            : garbage.map((g) => ({ ...json(g), method: method.toUpperCase() }));
        for (const init of attempts) {
          const r = await call(`${concrete}?from=x&to=-3&runs=&status=1&after=-1`, init);
          expect(r.status, `${method} ${concrete} ${String(init.body)}`).toBeLessThan(500);
          if (r.status >= 400) expect(r.type).toMatch(/problem\+json/);
        }
      }
    }
  });
});
