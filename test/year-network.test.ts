import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { cflpToScenario, parseCflp } from "../src/domain/formats/cflp.js";
import { ValidationError } from "../src/domain/issues.js";
import type { Scenario } from "../src/domain/scenario.js";
import { type BuildOptions, buildModel } from "../src/model/build.js";
import { solveScenario } from "../src/plan/solve.js";
import { allOpenPoint, splitProgram } from "../src/solver/benders/split.js";
import { type Cut, cutValue, YearSubproblem } from "../src/solver/benders/subproblem.js";
import { YearNetwork } from "../src/solver/benders/year-network.js";
import { highsRuntime } from "../src/solver/highs.js";
import { randomScenario } from "./oracle/random-scenario.js";
import { smallNetwork } from "./model-fixtures.js";
import { Rng } from "./oracle/rng.js";

/**
 * The year subproblem by the network simplex (src/solver/benders/year-network.ts) against the same year by
 * HiGHS' LP, at the same master points one after another (each warm from its last solve): the shape is found
 * on every year the model builds, the verdicts and optima agree, and every cut — of Pareto-optimal duals, the
 * core point moving along the walk — is tight at its point and valid at every later one. The decomposition takes
 * the network by default (its exactness: test/benders.test.ts); here it also proves the monolithic optima with
 * HiGHS' LPs, the path every other shape of year takes.
 */

async function compareYears(scenario: Scenario, options: BuildOptions, seed: number) {
  const built = buildModel(scenario, options);
  const { program } = built;
  const split = splitProgram(built);
  const highs = await highsRuntime();
  const core = allOpenPoint(program, split);
  const byNetwork = split.years.map((part) => new YearSubproblem(highs, part, program.numCols, core));
  const byLp = split.years.map((part) => new YearSubproblem(highs, part, program.numCols));
  const rng = new Rng(seed);
  const random = () => rng.next();
  const draw = (j: number) => {
    const lo = program.colLower[j]!;
    const up = Math.min(program.colUpper[j]!, lo + 3);
    const value = random() < 0.7 ? up : lo + random() * (up - lo);
    return program.integrality[j] && random() < 0.5 ? Math.round(value) : value;
  };
  const x = new Float64Array(program.numCols);
  // the optimality cuts so far, per year: valid at every later point too (whatever core chose their duals)
  const cuts: Cut[][] = split.years.map(() => []);
  const counts = { years: split.years.length, networks: 0, feasible: 0, infeasible: 0 };
  counts.networks = byNetwork.filter((year) => year.solvedByNetwork).length;
  try {
    for (let point = 0; point < 6; point++) {
      // from the third point on, the last point is the core (as the decomposition's core trails its LP points)
      const newCore = point >= 2 ? Float64Array.from(x) : undefined;
      for (let j = 0; j < program.numCols; j++)
        if (!split.isSub[j] && (point === 0 || random() < 0.2)) x[j] = draw(j);
      split.years.forEach((part, y) => {
        const a = byNetwork[y]!.solve(x, newCore);
        const b = byLp[y]!.solve(x);
        const where = `year ${part.t}, point ${point}`;
        expect(a.feasible, where).toBe(b.feasible);
        if (!a.feasible) {
          counts.infeasible++;
          return;
        }
        counts.feasible++;
        const scale = Math.max(1, Math.abs(b.value));
        expect(Math.abs(a.value - b.value) / scale, where).toBeLessThan(1e-9);
        expect(Math.abs(cutValue(a.cut, x) - a.value) / scale, where).toBeLessThan(1e-7);
        for (const earlier of cuts[y]!)
          expect(cutValue(earlier, x) - b.value, where).toBeGreaterThan(-1e-7 * scale);
        cuts[y]!.push(a.cut);
      });
    }
  } finally {
    for (const year of [...byNetwork, ...byLp]) year.dispose();
  }
  return counts;
}

describe("the year subproblem as a network", () => {
  it("is found on every year of the model's builds and agrees with the LP at a walk of master points", async () => {
    const total = { years: 0, networks: 0, feasible: 0, infeasible: 0 };
    const cases: [Scenario, BuildOptions][] = [
      [smallNetwork(), {}],
      [smallNetwork(), { linking: "per-year" }],
      [smallNetwork(), { flowNeedsShift: "all" }],
      [
        cflpToScenario(parseCflp(readFileSync("test/fixtures/cflp/cap131.txt", "utf8"), "cap131.txt"), {
          id: "cap131",
        }),
        {},
      ],
      ...Array.from({ length: 30 }, (_, i): [Scenario, BuildOptions] => [
        randomScenario(i + 1, { mid: true }),
        i % 3 === 0 ? { linking: "per-year" } : {},
      ]),
    ];
    for (const [k, [scenario, options]] of cases.entries()) {
      let counts: Awaited<ReturnType<typeof compareYears>>;
      try {
        counts = await compareYears(scenario, options, k + 1);
      } catch (error) {
        if (error instanceof ValidationError) continue; // a contradictory draw, rejected before any model
        throw error;
      }
      for (const key of Object.keys(total) as (keyof typeof total)[]) total[key] += counts[key];
    }
    expect(total.networks).toBe(total.years);
    expect(total.feasible).toBeGreaterThan(100);
    expect(total.infeasible).toBeGreaterThan(10);
  });

  it("is not taken where a row is not a plain sum of flows", () => {
    const built = buildModel(smallNetwork());
    const part = splitProgram(built).years[0]!;
    const lpRows = Int32Array.from(part.rows.keys()).filter(
      (i) => !part.linkRow.includes(i) && !part.shiftRow.includes(i),
    );
    expect(YearNetwork.of(part, lpRows)).toBeDefined();
    const scaled = { ...part, value: Float64Array.from(part.value, (v, k) => (k === 0 ? 2 * v : v)) };
    expect(YearNetwork.of(scaled, lpRows)).toBeUndefined();
  });
});

describe("the decomposition with its years as HiGHS LPs (PORTELLO_BENDERS_OFF=network)", () => {
  it("proves the monolithic optima on the oracle's scenarios and four OR-Library instances", async () => {
    const saved = process.env.PORTELLO_BENDERS_OFF;
    process.env.PORTELLO_BENDERS_OFF = "network";
    const failures: string[] = [];
    let proven = 0;
    try {
      const cases: [string, Scenario][] = [
        ...["cap41", "cap61", "cap71", "cap91"].map((name): [string, Scenario] => [
          name,
          cflpToScenario(parseCflp(readFileSync(`test/fixtures/cflp/${name}.txt`, "utf8"), `${name}.txt`), {
            id: name,
          }),
        ]),
        ...Array.from({ length: 40 }, (_, i): [string, Scenario] => [`seed ${i + 1}`, randomScenario(i + 1)]),
        ...Array.from({ length: 10 }, (_, i): [string, Scenario] => [
          `mid seed ${i + 1}`,
          randomScenario(i + 1, { mid: true }),
        ]),
      ];
      for (const [label, scenario] of cases) {
        const solve = (method: "monolithic" | "benders") =>
          solveScenario(scenario, { mipRelGap: 1e-9, explain: false, method }).catch((error) => {
            if (error instanceof ValidationError) return "rejected" as const;
            throw error;
          });
        const mono = await solve("monolithic");
        const benders = await solve("benders");
        if (mono === "rejected" || benders === "rejected") {
          if (mono !== benders) failures.push(`${label}: rejected by one method only`);
          continue;
        }
        if (mono.status !== benders.status)
          failures.push(`${label}: ${mono.status} against ${benders.status}`);
        else if (mono.status === "optimal") {
          proven++;
          const scale = Math.max(1, Math.abs(mono.npv));
          if (Math.abs(mono.npv - benders.npv) > 1e-6 * scale)
            failures.push(`${label}: npv ${mono.npv} against ${benders.npv}`);
        }
      }
    } finally {
      if (saved === undefined) delete process.env.PORTELLO_BENDERS_OFF;
      else process.env.PORTELLO_BENDERS_OFF = saved;
    }
    expect(failures).toEqual([]);
    expect(proven).toBeGreaterThan(30);
  });
});
