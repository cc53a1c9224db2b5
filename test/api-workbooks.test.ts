// biome-ignore-all lint/suspicious/noExplicitAny: response bodies are arbitrary JSON, checked by the assertions
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import type { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileResolver, parseScenarioText } from "../src/domain/load.js";
import { createApp } from "../src/server/app.js";
import { RunManager } from "../src/server/runs.js";
import { openPgliteStore } from "../src/store/pglite-store.js";
import { seedBuiltinProjects } from "../src/store/seed.js";
import type { ScenarioRecord, Store } from "../src/store/types.js";
import { cellAt, edit } from "./excel/workbooks.js";
import { TINY_SCENARIO } from "./fixtures/tiny-scenario.js";

/** Workbooks through the HTTP API, in-process on a real PGlite store seeded with the Alfa case. */

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
let dir: string;
let store: Store;
let runs: RunManager;
let app: Hono;
let base: ScenarioRecord;
let reopen: ScenarioRecord;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "portello-api-xlsx-"));
  store = await openPgliteStore(join(dir, "data"));
  await seedBuiltinProjects(store);
  runs = new RunManager(store, 1);
  app = createApp({ store, runs, webDir: join(dir, "no-web"), maxBodyBytes: 2 * 1024 * 1024 });
  const scenarios = await store.listScenarios("alfa-romeo");
  base = scenarios.find((s) => s.fileName === "base.yaml")!;
  reopen = scenarios.find((s) => s.fileName === "reopen-belvidere.yaml")!;
});

afterAll(async () => {
  await runs?.shutdown();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function download(scenario: ScenarioRecord, number: number, query = "") {
  const res = await app.request(`/api/scenarios/${scenario.id}/versions/${number}/xlsx${query}`);
  return { res, bytes: new Uint8Array(await res.arrayBuffer()) };
}
const upload = (scenario: ScenarioRecord, body: Uint8Array, query = "", type = XLSX) =>
  app.request(`/api/scenarios/${scenario.id}/versions/xlsx${query}`, {
    method: "POST",
    headers: { "content-type": type },
    body,
  });

describe("workbooks through the API", () => {
  it("downloads a version as the resolved scenario, or its differences from its base", async () => {
    const { res, bytes } = await download(reopen, 1);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(XLSX);
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="reopen-belvidere-v1.xlsx"');
    const resolved = await parseScenarioText(bytes, "reopen.xlsx", fileResolver());
    expect(resolved.extends).toBeUndefined();
    expect(resolved.plants.length).toBeGreaterThan(1);

    const diff = await download(reopen, 1, "?diff=true");
    expect(diff.res.status).toBe(200);
    const refused = await app.request(`/api/scenarios/${base.id}/versions/1/xlsx?diff=true`);
    const problem = await refused.json();
    expect(problem).toMatchObject({ status: 400, detail: expect.stringContaining("does not extend a base") });
  });

  it("refuses an invalid workbook with every problem at its cell, and saves nothing", async () => {
    const { bytes } = await download(base, 1);
    const bad = await edit(bytes, (wb) => {
      cellAt(wb, "Plants", "cassino", "capacity per shift").value = "abc";
      cellAt(wb, "Demand", "giulia-952", "price").value = -1;
    });
    const res = await upload(base, bad);
    expect(res.status).toBe(422);
    expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    const body: any = await res.json();
    expect(body.issues.map((i: any) => `${i.sheet}!${i.cell}`)).toEqual(["Demand!H2", "Plants!J2"]);
    expect(body.issues[1]).toMatchObject({
      file: "base.xlsx",
      field: "capacity per shift",
      path: "plants[0].capacityPerShift",
      text: expect.stringContaining("base.xlsx: Plants!J2: capacity per shift: expected a number"),
    });
    expect((await store.listVersions(base.id)).length).toBe(1);
  });

  it("saves a valid workbook as the next version (YAML text), resolving extends from the project", async () => {
    const { bytes } = await download(reopen, 1, "?diff=true");
    const changed = await edit(bytes, (wb) => {
      cellAt(wb, "Plants", "belvidere", "earliest year").value = 2029;
    });
    const res = await upload(reopen, changed, "?note=from%20Excel&baseVersion=1");
    expect(res.status).toBe(201);
    const version: any = await res.json();
    expect(version).toMatchObject({ number: 2, note: "from Excel" });
    expect(version.content).toContain("extends: base.yaml");
    const stale = await upload(reopen, changed, "?baseVersion=1");
    expect(stale.status).toBe(409);
  });

  it("checks the media type, the body and its size, and refuses what is not a workbook", async () => {
    const text = new TextEncoder().encode("id,name\n");
    expect((await upload(base, text, "", "text/csv")).status).toBe(415);
    expect((await upload(base, new Uint8Array(), "")).status).toBe(400);
    const notZip: any = await (await upload(base, text)).json();
    expect(notZip).toMatchObject({ status: 422 });
    expect(notZip.issues[0].message).toBe("the file is not an .xlsx workbook (it is not a zip archive)");
    const huge = new Uint8Array(3 * 1024 * 1024);
    expect((await upload(base, huge)).status).toBe(413);
  });

  it("downloads a run's plan and a comparison of runs as workbooks", async () => {
    const post = (path: string, body: unknown) =>
      app.request(path, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const project: any = await (await post("/api/projects", { name: "Workbooks" })).json();
    const created: any = await (
      await post(`/api/projects/${project.id}/scenarios`, { name: "Tiny", content: TINY_SCENARIO })
    ).json();
    const ids: string[] = [];
    for (let i = 0; i < 2; i++)
      ids.push(
        (
          (await (
            await post(`/api/scenarios/${created.scenario.id}/runs`, { options: { explain: false } })
          ).json()) as any
        ).id,
      );
    for (const id of ids)
      while (((await (await app.request(`/api/runs/${id}`)).json()) as any).status !== "succeeded")
        await new Promise((r) => setTimeout(r, 100));
    const plan: any = await (await app.request(`/api/runs/${ids[0]}/result`)).json();

    const res = await app.request(`/api/runs/${ids[0]}/xlsx`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(XLSX);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await res.arrayBuffer()) as ExcelJS.Buffer);
    expect(workbook.worksheets.map((w) => w.name)).toEqual([
      "Summary",
      "Allocations",
      "Plant events",
      "Plant years",
      "Flows",
      "Unmet demand",
      "Landed cost",
      "Duties by lane",
      "Explanations",
      "Checks",
    ]);
    const summary = workbook.getWorksheet("Summary")!;
    const npvRow = summary
      .getRows(1, summary.rowCount)!
      .find((r) => String(r.getCell(1).value).startsWith("NPV"))!;
    expect(npvRow.getCell(2).value).toBe(plan.npv);
    expect(workbook.getWorksheet("Flows")!.rowCount).toBe(plan.flows.length + 1);

    const compared = await app.request(`/api/compare/xlsx?runs=${ids.join(",")}`);
    expect(compared.status).toBe(200);
    const comparison = new ExcelJS.Workbook();
    await comparison.xlsx.load((await compared.arrayBuffer()) as ExcelJS.Buffer);
    expect(comparison.worksheets.map((w) => w.name)).toEqual(["Plans", "KPIs", "Differences"]);
    expect(comparison.getWorksheet("KPIs")!.getRow(2).values).toEqual([
      undefined,
      "NPV",
      "EUR",
      plan.npv,
      plan.npv,
    ]);
    expect((await app.request(`/api/runs/nope/xlsx`)).status).toBe(404);
  });

  it("lists the workbook routes in the OpenAPI document", async () => {
    const doc: any = await (await app.request("/api/openapi.json")).json();
    expect(doc.paths["/api/scenarios/{scenarioId}/versions/xlsx"].post.requestBody.content).toHaveProperty(
      XLSX,
    );
    expect(
      doc.paths["/api/scenarios/{scenarioId}/versions/{number}/xlsx"].get.responses["200"].content,
    ).toHaveProperty(XLSX);
  });
});
