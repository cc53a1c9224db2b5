import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { formatCflp, generateCflp } from "../bench/cflp.js";
import { cflpToScenario, parseCflp } from "../src/domain/formats/cflp.js";
import { loadScenario } from "../src/domain/load.js";
import { buildModel } from "../src/model/build.js";
import { solveScenario } from "../src/plan/solve.js";
import { CbcSolver } from "../src/solver/cbc.js";

// The benchmark's large facility-location instances (bench/cflp.ts, Cornuéjols–Sridharan–Thizy recipe) go
// through the same path as OR-Library's files: `portello import cflp`, then the model.
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "portello-cflp-gen-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", ...args], { cwd: ROOT, encoding: "utf8" });
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe("generated CFLP instances", () => {
  it("follow the recipe: demands 5–35, capacity scaled to the ratio, costs 10 × distance × demand", () => {
    const instance = generateCflp({ sites: 20, customers: 200, ratio: 5, seed: 3 });
    expect(Math.min(...instance.demand)).toBeGreaterThanOrEqual(5);
    expect(Math.max(...instance.demand)).toBeLessThanOrEqual(35);
    // capacities are rounded down after scaling: within one unit per site of ratio × demand
    const ratio = sum(instance.capacity) / sum(instance.demand);
    expect(ratio).toBeLessThanOrEqual(5);
    expect(ratio).toBeGreaterThan(5 - 20 / sum(instance.demand));
    // the unit square's diagonal bounds every distance
    instance.cost.forEach((row, j) => {
      for (const c of row) expect(c / (10 * instance.demand[j]!)).toBeLessThanOrEqual(Math.SQRT2);
    });
    expect(generateCflp({ sites: 20, customers: 200, ratio: 5, seed: 3 })).toEqual(instance);
    expect(generateCflp({ sites: 20, customers: 200, ratio: 5, seed: 4 })).not.toEqual(instance);
  });

  it("are read back by the OR-Library reader", () => {
    const instance = generateCflp({ sites: 7, customers: 23, ratio: 3, seed: 1 });
    const read = parseCflp(formatCflp(instance), "gen.txt");
    expect(read.capacity).toEqual(instance.capacity);
    expect(read.fixedCost).toEqual(instance.fixedCost);
    expect(read.demand).toEqual(instance.demand);
    const error = read.cost.flatMap((row, j) => row.map((c, i) => Math.abs(c - instance.cost[j]![i]!)));
    expect(Math.max(...error)).toBeLessThanOrEqual(5e-5);
  });

  it("a 100 × 1,000 file is written, imported by `portello import cflp --json` and built", async () => {
    const txt = join(dir, "cflp-100x1000.txt");
    const json = join(dir, "cflp-100x1000.json");
    const written = run("bench/instance.ts", "cflp", txt, "--sites", "100", "--customers", "1000");
    expect(written.status, written.stderr).toBe(0);
    const imported = run("src/cli/main.ts", "import", "cflp", txt, "--json", "--out", json);
    expect(imported.stderr).toBe("");
    expect(imported.status).toBe(0);
    const scenario = await loadScenario(json);
    expect(scenario.plants).toHaveLength(100);
    expect(scenario.markets).toHaveLength(1000);
    const { program } = buildModel(scenario);
    // one flow per site and customer, plus each site's open, shift, allocation and opening columns
    expect(program.numCols).toBeGreaterThanOrEqual(100 * 1000);
    expect(program.numCols).toBeLessThanOrEqual(100 * 1000 + 4 * 100);
  });

  it("a small generated instance solves to the same proven optimum with HiGHS and CBC", async () => {
    const text = formatCflp(generateCflp({ sites: 10, customers: 60, ratio: 3, seed: 7 }));
    const scenario = cflpToScenario(parseCflp(text, "gen.txt"), { id: "gen" });
    const plan = await solveScenario(scenario, { mipRelGap: 1e-9, explain: false });
    expect(plan.status).toBe("optimal");
    expect(plan.invariants.filter((check) => !check.ok)).toEqual([]);
    expect(plan.unmet).toEqual([]);
    const cbc = await new CbcSolver().solve(buildModel(scenario).program, { mipRelGap: 1e-9 });
    expect(cbc.status).toBe("optimal");
    expect(Math.abs(cbc.objective + plan.npv) / Math.abs(plan.npv)).toBeLessThan(1e-6);
  });
});
