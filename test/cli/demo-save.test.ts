import { spawnSync } from "node:child_process";
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { AnswerJson } from "../../src/analysis/question.js";
import { openPgliteStore } from "../../src/store/pglite-store.js";
import { seedBuiltinProjects } from "../../src/store/seed.js";

const root = resolve(import.meta.dirname, "../..");
const CASE = "test/fixtures/cases/alfa-small.yaml";

function demo(dataDir: string) {
  const run = spawnSync(
    process.execPath,
    ["--import", "tsx", "src/cli/main.ts", "demo", "--case", CASE, "--json", "--save", "--data", dataDir],
    { cwd: root, encoding: "utf8" },
  );
  expect(run.status, run.stderr).toBe(0);
  return { answer: JSON.parse(run.stdout) as AnswerJson, stderr: run.stderr };
}

describe("portello demo --save", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "portello-demo-save-"));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("stores the answer in the built-in project, with each option's plan as a finished run", async () => {
    const { answer, stderr } = demo(dataDir);
    expect(stderr).toMatch(/answer stored in project "alfa-romeo"/);
    const store = await openPgliteStore(dataDir);
    try {
      const project = await store.getProject("alfa-romeo");
      const stored = (await store.latestAnswer(project.id)).content as AnswerJson & {
        runs: Record<string, string>;
      };
      expect(stored.winner).toBe(answer.winner);
      expect(Object.keys(stored.runs).sort()).toEqual(answer.options.map((o) => o.scenario).sort());
      for (const option of answer.options) {
        const run = await store.getRun(stored.runs[option.scenario]!);
        expect(run.status).toBe("succeeded");
        // the versions of its bases are recorded, so the run can be re-run exactly
        expect(run.bases, option.scenario).toBeDefined();
        expect((run.plan as { npv: number }).npv).toBe(option.npv);
        const scenario = await store.getScenario(run.scenarioId);
        expect(`alfa/${scenario.fileName.replace(/\.yaml$/, "")}`).toBe(option.scenario);
      }
    } finally {
      await store.close();
    }
  });

  /** A store seeded from a copy of the shipped scenarios where italy-more-shifts.yaml differs (an older release). */
  async function staleStore(dir: string) {
    const scenarios = mkdtempSync(join(tmpdir(), "portello-old-scenarios-"));
    cpSync(join(root, "data/scenarios"), scenarios, { recursive: true });
    appendFileSync(join(scenarios, "alfa/italy-more-shifts.yaml"), "# as shipped by an older release\n");
    const store = await openPgliteStore(dir);
    await seedBuiltinProjects(store, scenarios);
    rmSync(scenarios, { recursive: true, force: true });
    const project = await store.getProject("alfa-romeo");
    const scenario = (await store.findScenarioByFileName(project.id, "italy-more-shifts.yaml"))!;
    return { store, project, scenario };
  }

  it("brings a stale shipped scenario up to date as a new version, and links the run to it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "portello-demo-stale-"));
    try {
      const { store, scenario } = await staleStore(dir);
      await store.close();
      demo(dir);
      const reopened = await openPgliteStore(dir);
      try {
        const versions = await reopened.listVersions(scenario.id);
        expect(versions.map((v) => v.note)).toEqual([
          "shipped with Portello",
          "shipped with Portello (updated)",
        ]);
        const latest = await reopened.getVersion(scenario.id);
        expect(latest.content).toBe(
          readFileSync(join(root, "data/scenarios/alfa/italy-more-shifts.yaml"), "utf8"),
        );
        const runs = await reopened.listRuns({ scenarioId: scenario.id });
        expect(runs.map((r) => r.versionNumber)).toEqual([2]);
      } finally {
        await reopened.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("never buries a version the user wrote: that option is reported as not linked", async () => {
    const dir = mkdtempSync(join(tmpdir(), "portello-demo-edited-"));
    try {
      const { store, project, scenario } = await staleStore(dir);
      const before = await store.getVersion(scenario.id);
      await store.saveVersion(scenario.id, { content: `${before.content}# my note\n`, note: "mine" });
      await store.close();

      const { stderr } = demo(dir);
      expect(stderr).toMatch(/not linked, edited in the app: alfa\/italy-more-shifts/);
      const reopened = await openPgliteStore(dir);
      try {
        expect((await reopened.listVersions(scenario.id)).length).toBe(2);
        expect((await reopened.getVersion(scenario.id)).content).toMatch(/# my note/);
        const stored = (await reopened.latestAnswer(project.id)).content as { runs: Record<string, string> };
        expect(Object.keys(stored.runs)).toEqual(["alfa/reopen-belvidere-multi-source"]);
      } finally {
        await reopened.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
