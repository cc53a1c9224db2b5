import { describe, expect, it } from "vitest";
import { ValidationError } from "../src/domain/issues.js";
import { buildModel } from "../src/model/build.js";
import type { MathProgram } from "../src/model/program.js";
import { PlantLagrangian } from "../src/solver/benders/lagrangian.js";
import { HighsSolver } from "../src/solver/highs.js";
import { randomScenario } from "./oracle/random-scenario.js";
import { smallNetwork } from "./model-fixtures.js";

/**
 * The bound by plant (src/solver/benders/lagrangian.ts): the rows across plants relaxed with multipliers λ, one
 * MILP per plant. L(λ) must be at least the model's optimum for every λ (it is what lets the decomposition call
 * a plan optimal), and at the LP's duals it must be the LP bound when the plant problems are LPs too.
 */

const highs = new HighsSolver({ run: "thread" });
const asLp = (program: MathProgram): MathProgram => ({
  ...program,
  integrality: new Uint8Array(program.numCols),
});
/** objective in maximisation terms without the offset, as L is */
const internal = (program: MathProgram, objective: number) =>
  (program.sense === "maximize" ? 1 : -1) * (objective - program.objectiveOffset);

/** The small network and the first random mid-size scenarios that are feasible, with two plants or more. */
async function cases() {
  const found = [];
  const scenarios = [
    () => smallNetwork(),
    ...Array.from({ length: 60 }, (_, k) => () => randomScenario(k + 1, { mid: true })),
  ];
  for (const scenario of scenarios) {
    if (found.length === 7) break;
    let program: MathProgram;
    try {
      program = buildModel(scenario()).program;
    } catch (error) {
      // a random scenario can contradict itself (the oracle's tests count those): no bound to check there
      if (error instanceof ValidationError) continue;
      throw error;
    }
    const sign: 1 | -1 = program.sense === "maximize" ? 1 : -1;
    const lagrangian = new PlantLagrangian(program, program.cols.plant, sign);
    if (lagrangian.numPlants < 2) continue;
    const lp = await highs.solve(asLp(program), { mipRelGap: 1e-9 });
    const milp = await highs.solve(program, { mipRelGap: 1e-9 });
    if (lp.status !== "optimal" || milp.status !== "optimal" || !lp.rowDuals) continue;
    found.push({ program, sign, lagrangian, lp, milp });
  }
  return found;
}

describe("the bound by plant", () => {
  it("is the LP bound at the LP's duals when the plants are LPs, and between optimum and LP bound as MILPs", async () => {
    const all = await cases();
    expect(all.length).toBe(7);
    // both senses: profit maximised, serve-all's cost minimised
    expect(new Set(all.map((c) => c.program.sense)).size).toBe(2);
    for (const { program, sign, lagrangian, lp, milp } of all) {
      // the duals of max sign·c (L's terms): HiGHS gives those of the program's own sense
      const lambda = Float64Array.from(lp.rowDuals!, (y) => sign * y);
      const tolerance = 1e-6 * Math.max(1, Math.abs(lp.objective));
      const relaxedPlants = new PlantLagrangian(asLp(program), program.cols.plant, sign);
      const atLp = await relaxedPlants.bound(lambda, { seconds: 30, threads: 0 });
      expect(Math.abs(atLp! - internal(program, lp.objective))).toBeLessThanOrEqual(tolerance);
      const bound = await lagrangian.bound(lambda, { seconds: 30, threads: 0 });
      expect(bound!).toBeLessThanOrEqual(internal(program, lp.objective) + tolerance);
      expect(bound!).toBeGreaterThanOrEqual(internal(program, milp.objective) - tolerance);
    }
  });

  it("is at least the optimum whatever the multipliers, in this thread or in worker threads", async () => {
    const all = await cases();
    let seed = 7;
    const random = () => {
      seed = (seed * 48271) % 2147483647;
      return seed / 2147483647;
    };
    for (const { program, lagrangian, lp, milp } of all) {
      const optimum = internal(program, milp.objective);
      const tolerance = 1e-6 * Math.max(1, Math.abs(optimum));
      for (let trial = 0; trial < 3; trial++) {
        // the LP's duals scaled and shaken, signs included: every λ must give a bound
        const lambda = Float64Array.from(lp.rowDuals!, (y) => y * (0.5 + random()) + (random() - 0.5) * 1e3);
        const here = await lagrangian.bound(lambda, { seconds: 30, threads: 0 });
        expect(here!).toBeGreaterThanOrEqual(optimum - tolerance);
        if (trial === 0) {
          const threaded = await lagrangian.bound(lambda, { seconds: 30, threads: 2 });
          expect(Math.abs(threaded! - here!)).toBeLessThanOrEqual(tolerance);
        }
      }
    }
  });

  it("gives no bound when stopped", async () => {
    const [first] = await cases();
    const { lagrangian, lp } = first!;
    const stopped = await lagrangian.bound(Float64Array.from(lp.rowDuals!), {
      seconds: 30,
      threads: 0,
      shouldStop: () => true,
    });
    expect(stopped).toBeUndefined();
  });
});
