import { fileURLToPath } from "node:url";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cflpToScenario, parseCflp } from "../src/domain/formats/cflp.js";
import { ValidationError } from "../src/domain/issues.js";
import { buildModel } from "../src/model/build.js";
import { solveScenario } from "../src/plan/solve.js";
import { HighsSolver } from "../src/solver/highs.js";

// OR-Library instances and published optima, copied from shared/benchmarks/cflp (see SOURCES.md there)
const DIR = fileURLToPath(new URL("./fixtures/cflp/", import.meta.url));

/** capopt.txt: "cap41       1040444.375" after a header line. */
function publishedOptima(): Map<string, number> {
  const lines = readFileSync(join(DIR, "capopt.txt"), "utf8").trim().split("\n").slice(1);
  return new Map(
    lines.map((line) => line.trim().split(/\s+/)).map(([name, value]) => [name!, Number(value)]),
  );
}

describe("OR-Library CFLP instances reproduce their published optima", () => {
  const optima = publishedOptima();

  it("covers every instance file", () => {
    const files = readdirSync(DIR).filter((f) => /^cap\d+\.txt$/.test(f));
    expect(files.length).toBe(37);
    expect([...optima.keys()].sort()).toEqual(files.map((f) => f.replace(".txt", "")).sort());
  });

  // the path a user takes: import the file as a scenario, then solve it into a plan (invariants checked)
  for (const [name, published] of optima) {
    it(`${name} = ${published}`, async () => {
      const text = readFileSync(join(DIR, `${name}.txt`), "utf8");
      const scenario = cflpToScenario(parseCflp(text, `${name}.txt`), { id: name });
      const plan = await solveScenario(scenario, { mipRelGap: 1e-9, explain: false });
      expect(plan.status).toBe("optimal");
      // serve-all mode minimises cost; the plan reports it as a negative NPV
      expect(Math.abs(-plan.npv - published) / published).toBeLessThan(1e-6);
      expect(plan.invariants.filter((check) => !check.ok)).toEqual([]);
      expect(plan.unmet).toEqual([]);
    });
  }
});

describe("parseCflp", () => {
  it("reads a token stream regardless of line breaks", () => {
    const instance = parseCflp("2 1\n10 5. 20\n 7\n3 4 5");
    expect(instance).toEqual({ capacity: [10, 20], fixedCost: [5, 7], demand: [3], cost: [[4, 5]] });
  });

  it("maps a tiny instance to a scenario whose optimum is checkable by hand", async () => {
    // two warehouses (capacity 10, fixed 5; capacity 10, fixed 7), one customer of demand 4 costing 8 or 4
    // in total: open the second (7 + 4 = 11) rather than the first (5 + 8 = 13)
    const scenario = cflpToScenario(parseCflp("2 1  10 5  10 7  4 8 4"), { id: "tiny" });
    expect(scenario.lanes.map((l) => l.costPerVehicle)).toEqual([2, 1]);
    const solution = await new HighsSolver().solve(buildModel(scenario).program, { mipRelGap: 1e-9 });
    expect(solution.objective).toBeCloseTo(11, 9);
  });

  it.each([
    ["2 1\n10 5 10\n", /cflp:2:1: the file ends where the fixed cost of warehouse 2 was expected/],
    [
      "2 1\n10 5 10 x\n4 1 1",
      /cflp:2:9: the fixed cost of warehouse 2 should be a non-negative number, found "x"/,
    ],
    ["0 1", /cflp:1:1: the number of warehouses m should be a positive whole number, found "0"/],
    ["1 1 10 5 4 1 99", /cflp:1:14: unexpected data after the last customer: "99"/],
  ])("rejects %j with the position and what was expected", (text, message) => {
    expect(() => parseCflp(text, "cflp")).toThrow(ValidationError);
    try {
      parseCflp(text, "cflp");
    } catch (error) {
      expect((error as Error).message).toMatch(message);
    }
  });
});
