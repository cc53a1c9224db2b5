import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { generateScenario, lifeCycleShare, SIZES } from "../bench/generate.js";
import { loadScenario } from "../src/domain/load.js";
import { buildModel } from "../src/model/build.js";
import { solveScenario } from "../src/plan/solve.js";

// The benchmark's synthetic networks (bench/generate.ts): what docs/benchmarks.md and `npm run bench:instance`
// promise about them.
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "portello-instances-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const size = (name: string) => SIZES.find((s) => s.name === name)!;

describe("benchmark instances", () => {
  it("`npm run bench:instance` writes the oem network as a file that validates", async () => {
    const file = join(dir, "oem.yaml");
    const run = spawnSync(process.execPath, ["--import", "tsx", "bench/instance.ts", "oem", file], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect(run.stderr).toContain("40 plants, 100 programs, 60 markets");
    expect(run.status).toBe(0);
    // the loader runs every reference and year check a user's file gets
    const scenario = await loadScenario(file);
    expect(scenario.horizon.end - scenario.horizon.start + 1).toBe(12);
    expect(scenario).toEqual(generateScenario(size("oem")));
  });

  it("has the car-group shape the docs describe", () => {
    const s = generateScenario(size("oem"));
    const owned = s.plants.filter((p) => p.status !== "candidate").map((p) => p.platforms.length);
    expect(Math.min(...owned)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...owned)).toBeLessThanOrEqual(3);
    expect(new Set(s.plants.map((p) => p.status))).toEqual(new Set(["active", "idle", "candidate"]));
    const dual = s.programs.filter((p) => p.maxPlants === 2).length;
    expect(dual).toBeGreaterThan(5);
    expect(dual).toBeLessThan(40);
    expect(s.plants.some((p) => Object.keys(p.reservedVolume).length > 0)).toBe(true);
    const kinds = new Set(s.policies.map((p) => p.kind));
    for (const kind of ["keep-open", "budget-cap", "forbid-allocation", "restrict-to-countries"])
      expect(kinds).toContain(kind);
    const rates = new Set(s.duties.map((d) => d.rate));
    expect(rates).toContain(0); // free trade
    expect(rates).toContain(1); // punitive
    // programs start before, during and late in the horizon
    expect(s.programs.some((p) => p.sop < s.horizon.start)).toBe(true);
    expect(s.programs.some((p) => p.sop > s.horizon.start + 5)).toBe(true);
  });

  it("shapes each life cycle as ramp-up, plateau and run-out", () => {
    const shares = Array.from({ length: 7 }, (_, k) => lifeCycleShare(k, 7));
    expect(shares).toEqual([0.45, 0.85, 1, 0.98, 0.96, 0.75, 0.5]);
  });

  it.each([
    ["3k", 2_000, 4_500],
    ["10k", 7_000, 14_000],
    ["100k", 70_000, 140_000],
    ["oem", 90_000, 200_000],
  ])("size %s builds %i–%i columns", (name, least, most) => {
    const { program } = buildModel(generateScenario(size(name)));
    expect(program.numCols).toBeGreaterThanOrEqual(least);
    expect(program.numCols).toBeLessThanOrEqual(most);
  });

  it("the smallest size solves to a proven optimum whose invariants hold", async () => {
    const plan = await solveScenario(generateScenario(size("check")), { mipRelGap: 1e-4, explain: false });
    expect(plan.status).toBe("optimal");
    expect(plan.invariants.filter((check) => !check.ok)).toEqual([]);
    expect(plan.npv).toBeGreaterThan(0);
  });
});
