// biome-ignore-all lint/suspicious/noExplicitAny: response bodies are arbitrary JSON, checked by the assertions
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/server/app.js";
import { RunManager } from "../src/server/runs.js";
import { openPgliteStore } from "../src/store/pglite-store.js";
import type { SqlStore } from "../src/store/sql-store.js";
import { TINY_SCENARIO } from "./fixtures/tiny-scenario.js";

/**
 * Issue 7, reproducible runs: a run records the exact version of every base of its extends chain, and
 * re-running it solves on those — not on the latest — so it gives the same plan after a base changed.
 */

let dir: string;
let store: SqlStore;
let runs: RunManager;
let app: Hono;

async function call(path: string, body?: unknown) {
  const res = await app.request(path, {
    method: body === undefined ? "GET" : "POST",
    ...(body === undefined
      ? {}
      : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
  });
  const type = res.headers.get("content-type") ?? "";
  return {
    status: res.status,
    type,
    body: (type.includes("json") ? await res.json() : await res.text()) as any,
  };
}

async function finished(runId: string): Promise<any> {
  for (;;) {
    const run = (await call(`/api/runs/${runId}`)).body;
    if (["succeeded", "failed", "cancelled"].includes(run.status)) return run;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The plan without the solver's wall time: everything else must match exactly. */
async function planOf(runId: string): Promise<any> {
  const plan = (await call(`/api/runs/${runId}/result`)).body;
  plan.solver.seconds = 0;
  return plan;
}

const VARIANT = "portello: 1\nextends: base.yaml\nid: variant\nname: Variant\ndiscountRate: 0.06\n";

let baseId: string;
let variantId: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "portello-rerun-"));
  store = await openPgliteStore(join(dir, "data"));
  runs = new RunManager(store, 2);
  app = createApp({ store, runs });
  await call("/api/projects", { name: "Rerun" });
  baseId = (
    await call("/api/projects/rerun/scenarios", {
      name: "Base",
      fileName: "base.yaml",
      content: TINY_SCENARIO,
    })
  ).body.scenario.id;
  variantId = (await call("/api/projects/rerun/scenarios", { name: "Variant", content: VARIANT })).body
    .scenario.id;
});

afterAll(async () => {
  await runs?.shutdown();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("re-running a run", () => {
  it("reproduces the plan exactly after the base scenario got a new version", async () => {
    const first = (await call(`/api/scenarios/${variantId}/runs`, { options: { explain: false } })).body;
    expect(first.bases).toEqual([
      {
        label: "base.yaml",
        source: { kind: "stored", scenarioId: baseId, version: 1, fileName: "base.yaml" },
        contentHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    ]);
    expect((await finished(first.id)).status).toBe("succeeded");
    const original = await planOf(first.id);

    // the base changes: more European demand
    const saved = await call(`/api/scenarios/${baseId}/versions`, {
      content: TINY_SCENARIO.replace("volume: 40000", "volume: 55000"),
    });
    expect(saved.status).toBe(201);

    // a new run of the variant solves on the new base: another plan (so the base change matters)
    const fresh = (await call(`/api/scenarios/${variantId}/runs`, { options: { explain: false } })).body;
    expect(fresh.bases[0].source.version).toBe(2);
    await finished(fresh.id);
    expect(await planOf(fresh.id)).not.toEqual(original);

    // the re-run solves on version 1 of the base, with the same options: the same plan
    const rerun = await call(`/api/runs/${first.id}/rerun`, {});
    expect(rerun.status).toBe(202);
    expect(rerun.body).toMatchObject({
      rerunOf: first.id,
      scenarioId: variantId,
      versionNumber: first.versionNumber,
      options: first.options,
      bases: first.bases,
    });
    expect((await finished(rerun.body.id)).status).toBe("succeeded");
    expect(await planOf(rerun.body.id)).toEqual(original);
  });

  it("refuses to re-run a run recorded before runs kept their bases", async () => {
    const legacy = await store.createRun({ scenarioId: variantId, versionNumber: 1, solver: "highs" });
    const reply = await call(`/api/runs/${legacy.id}/rerun`, {});
    expect(reply.status).toBe(409);
    expect(reply.type).toMatch(/^application\/problem\+json/);
    expect(reply.body.detail).toMatch(/before runs kept the versions of their bases/);
    expect((await call("/api/runs/no-such-run/rerun", {})).status).toBe(404);
  });
});
