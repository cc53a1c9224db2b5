import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { cflpToScenario, parseCflp } from "../src/domain/formats/cflp.js";
import { ValidationError } from "../src/domain/issues.js";
import type { Scenario } from "../src/domain/scenario.js";
import { buildModel } from "../src/model/build.js";
import { RowKind } from "../src/model/program.js";
import { solveScenario } from "../src/plan/solve.js";
import type { Plan } from "../src/plan/types.js";
import { type BendersOptions, BendersEngine } from "../src/solver/benders/benders.js";
import { Master } from "../src/solver/benders/master.js";
import { splitProgram } from "../src/solver/benders/split.js";
import type { Cut } from "../src/solver/benders/subproblem.js";
import { ThreadedYears } from "../src/solver/benders/year-pool.js";
import { HighsSolver, highsRuntime } from "../src/solver/highs.js";
import { randomScenario } from "./oracle/random-scenario.js";
import { smallNetwork, twoPlants } from "./model-fixtures.js";

/**
 * The Benders decomposition (src/solver/benders) is exact: the same optima as the monolithic MILP on the
 * OR-Library CFLP instances, on the brute-force oracle's scenarios and on larger random ones, and no cut it
 * generates removes a feasible plan.
 */

const exact = { mipRelGap: 1e-9, explain: false } as const;
const RELATIVE = 1e-6;

function agree(a: number, b: number, relative = RELATIVE): boolean {
  return Math.abs(a - b) <= Math.max(1e-6, relative * Math.max(Math.abs(a), Math.abs(b)));
}

async function solveOrReject(scenario: Scenario, method: "monolithic" | "benders", gap = 1e-9) {
  try {
    return await solveScenario(scenario, { mipRelGap: gap, explain: false, method });
  } catch (error) {
    if (error instanceof ValidationError) return "rejected";
    throw error;
  }
}

/** Every way the two methods' plans of a scenario disagree beyond `relative`, in words. */
async function compare(scenario: Scenario, gap: number, relative: number): Promise<string[]> {
  const mono = await solveOrReject(scenario, "monolithic", gap);
  const benders = await solveOrReject(scenario, "benders", gap);
  if (mono === "rejected" || benders === "rejected")
    return mono === benders ? [] : [`rejected by one method only`];
  const problems: string[] = [];
  if (mono.status !== benders.status)
    problems.push(`status: monolithic ${mono.status}, benders ${benders.status}`);
  else if (mono.status === "optimal") {
    if (!agree(mono.npv, benders.npv, relative))
      problems.push(`npv: monolithic ${mono.npv}, benders ${benders.npv}`);
    for (const check of benders.invariants)
      if (!check.ok) problems.push(`invariant ${check.name}: ${check.detail}`);
  }
  return problems;
}

describe("Benders reproduces the OR-Library CFLP optima", () => {
  const dir = fileURLToPath(new URL("./fixtures/cflp/", import.meta.url));
  const optima = new Map(
    readFileSync(join(dir, "capopt.txt"), "utf8")
      .trim()
      .split("\n")
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .map(([name, value]) => [name!, Number(value)]),
  );
  it("covers the 37 instances", () => {
    expect(readdirSync(dir).filter((f) => /^cap\d+\.txt$/.test(f)).length).toBe(37);
    expect(optima.size).toBe(37);
  });
  // cap41–cap74 (16 warehouses) in every run; the 25- and 50-warehouse ones take minutes through the repeated
  // master (docs/model.md, "Which optimal duals: Pareto-optimal cuts") and run with PORTELLO_BENDERS_ALL_CFLP=1
  const all = process.env.PORTELLO_BENDERS_ALL_CFLP === "1";
  for (const [name, published] of optima) {
    const large = Number(name.slice(3)) >= 100;
    it.skipIf(large && !all)(
      `${name} = ${published}${large ? " (PORTELLO_BENDERS_ALL_CFLP=1)" : ""}`,
      async () => {
        const text = readFileSync(join(dir, `${name}.txt`), "utf8");
        const scenario = cflpToScenario(parseCflp(text, `${name}.txt`), { id: name });
        const plan = await solveScenario(scenario, { ...exact, method: "benders" });
        expect(plan.status).toBe("optimal");
        expect(plan.solver.name).toBe("benders");
        expect(Math.abs(-plan.npv - published) / published).toBeLessThan(RELATIVE);
        expect(plan.invariants.filter((check) => !check.ok)).toEqual([]);
      },
    );
  }
});

describe("Benders agrees with the monolithic MILP", () => {
  const BATCH = 50;
  const seeds = [
    ...Array.from({ length: 300 }, (_, i) => ({ label: `seed ${i + 1}`, make: () => randomScenario(i + 1) })),
    ...Array.from({ length: 50 }, (_, i) => ({
      label: `dense seed ${i + 1}`,
      make: () => randomScenario(i + 1, { dense: true }),
    })),
  ];
  for (let first = 0; first < seeds.length; first += BATCH) {
    const batch = seeds.slice(first, first + BATCH);
    it(`on the oracle's scenarios, ${batch[0]!.label} to ${batch.at(-1)!.label} (1e-6)`, async () => {
      const failures: string[] = [];
      for (const { label, make } of batch) {
        const problems = await compare(make(), 1e-9, RELATIVE);
        if (problems.length > 0) failures.push(`${label}: ${problems.join("; ")}`);
      }
      expect(failures).toEqual([]);
    });
  }

  it("within the reported gap on 100 random mid-size scenarios (both modes, every policy kind)", async () => {
    const failures: string[] = [];
    const kinds = new Set<string>();
    const modes = new Set<string>();
    const gap = 1e-6;
    for (let seed = 1; seed <= 100; seed++) {
      const scenario = randomScenario(seed, { mid: true });
      for (const policy of scenario.policies) kinds.add(policy.kind);
      modes.add(scenario.objective.mode);
      const problems = await compare(scenario, gap, 2 * gap);
      if (problems.length > 0) failures.push(`mid seed ${seed}: ${problems.join("; ")}`);
    }
    expect(failures).toEqual([]);
    expect([...modes].sort()).toEqual(["profit", "serve-all"]);
    expect([...kinds].sort()).toEqual([
      "budget-cap",
      "fix-allocation",
      "forbid-allocation",
      "keep-open",
      "min-volume",
      "restrict-to-countries",
    ]);
  });
});

describe("Benders cuts", () => {
  /**
   * A cut of year t says: that year's flow profit ≤ constant + Σ coef·x (optimality), or 0 ≤ constant +
   * Σ coef·x (feasibility). A feasible plan's own flows are one solution of the year's subproblem, so their
   * profit bounds the subproblem's optimum from below: every valid cut must hold at every feasible plan.
   */
  function violations(built: ReturnType<typeof buildModel>, cuts: Cut[], x: Float64Array): string[] {
    const { program } = built;
    const sign = program.sense === "maximize" ? 1 : -1;
    const T = built.inputs.numYears;
    const yearProfit = new Float64Array(T);
    for (const block of [built.variables.x, built.variables.u])
      block.labels.forEach((j, cell) => {
        if (j >= 0) yearProfit[cell % T]! += sign * program.colCost[j]! * x[j]!;
      });
    const found: string[] = [];
    cuts.forEach((cut, k) => {
      let rhs = cut.constant;
      cut.cols.forEach((j, i) => {
        rhs += cut.coef[i]! * x[j]!;
      });
      const lhs = cut.feasibility ? 0 : yearProfit[cut.t]!;
      const tolerance = 1e-7 * Math.max(1, Math.abs(lhs), Math.abs(rhs));
      if (lhs > rhs + tolerance) found.push(`cut ${k} (year ${cut.t}): ${lhs} > ${rhs}`);
    });
    return found;
  }

  /** Feasible plans from the monolithic solver: the optimum and optima with single decisions forbidden. */
  async function feasiblePlans(built: ReturnType<typeof buildModel>): Promise<Float64Array[]> {
    const highs = new HighsSolver();
    const plans: Float64Array[] = [];
    const optimum = await highs.solve(built.program, { mipRelGap: 1e-9 });
    if (optimum.x.length === 0) return plans;
    plans.push(optimum.x);
    const { program } = built;
    for (const j of built.variables.a.labels) {
      if (j < 0 || program.colLower[j]! > 0) continue;
      // the allocation flipped: forbidden where the optimum makes it, required where it does not
      const value = optimum.x[j]! > 0.5 ? 0 : 1;
      const colLower = Float64Array.from(program.colLower);
      const colUpper = Float64Array.from(program.colUpper);
      colLower[j] = value;
      colUpper[j] = value;
      const other = await highs.solve({ ...program, colLower, colUpper }, { mipRelGap: 1e-6 });
      if (other.x.length === program.numCols) plans.push(other.x);
    }
    return plans;
  }

  async function cutsOf(scenario: Scenario, options: BendersOptions = {}): Promise<Cut[]> {
    const built = buildModel(scenario);
    const cuts: Cut[] = [];
    const engine = await BendersEngine.create(built);
    try {
      const solution = await engine.solve({ mipRelGap: 1e-9, ...options, onCut: (cut) => cuts.push(cut) });
      expect(["optimal", "infeasible"]).toContain(solution.status);
      // the counters of the solve count the cuts it added
      const { optimalityCuts, feasibilityCuts } = solution.decomposition!;
      expect(optimalityCuts + feasibilityCuts).toBe(cuts.length);
      expect(feasibilityCuts).toBe(cuts.filter((cut) => cut.feasibility).length);
    } finally {
      await engine.dispose();
    }
    return cuts;
  }

  const cases: [string, () => Scenario][] = [
    ["two plants", () => twoPlants()],
    ["two plants, serve-all without unmet demand", () => twoPlants({ objective: { mode: "serve-all" } })],
    ["small network", () => smallNetwork()],
    ...Array.from({ length: 12 }, (_, i): [string, () => Scenario] => [
      `mid seed ${i + 1}`,
      () => randomScenario(i + 1, { mid: true }),
    ]),
    ...(["cap41", "cap71"] as const).map((name): [string, () => Scenario] => [
      name,
      () =>
        cflpToScenario(
          parseCflp(
            readFileSync(fileURLToPath(new URL(`./fixtures/cflp/${name}.txt`, import.meta.url)), "utf8"),
          ),
          { id: name },
        ),
    ]),
  ];
  for (const [label, make] of cases) {
    it(`never remove a feasible plan (${label})`, async () => {
      let scenario: Scenario;
      let built: ReturnType<typeof buildModel>;
      try {
        scenario = make();
        built = buildModel(scenario);
      } catch (error) {
        // a contradiction the loader rejects: no model to cut
        if (error instanceof ValidationError) return;
        throw error;
      }
      const cuts = await cutsOf(scenario);
      const plans = await feasiblePlans(built);
      const problems = plans.flatMap((x, k) => violations(built, cuts, x).map((v) => `plan ${k}: ${v}`));
      expect(problems).toEqual([]);
      if (plans.length > 0) expect(cuts.length).toBeGreaterThan(0);
    });
  }
});

describe("Benders with the year LPs in worker threads", () => {
  it("gives the same plans and cuts as in one thread, and a thread's failure as an error", async () => {
    const cutsOn = async (scenario: Scenario, yearThreads: number) => {
      const cuts: string[] = [];
      const engine = await BendersEngine.create(buildModel(scenario), { yearThreads });
      try {
        const solution = await engine.solve({
          mipRelGap: 1e-9,
          onCut: (cut) => cuts.push(JSON.stringify([cut.t, cut.constant, [...cut.cols], [...cut.coef]])),
        });
        return { solution, cuts };
      } finally {
        await engine.dispose();
      }
    };
    let multiYear = 0;
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const scenario = randomScenario(seed, { mid: true });
      let local: Awaited<ReturnType<typeof cutsOn>>;
      try {
        local = await cutsOn(scenario, 0);
      } catch (error) {
        if (error instanceof ValidationError) continue;
        throw error;
      }
      const threaded = await cutsOn(scenario, 2);
      expect(threaded.solution.status).toBe(local.solution.status);
      expect(threaded.solution.objective).toBe(local.solution.objective);
      expect([...threaded.solution.x]).toEqual([...local.solution.x]);
      // each year's LP sees the same points in the same order: the same cuts, in the same order
      expect(threaded.cuts).toEqual(local.cuts);
      if (new Set(local.cuts.map((c) => JSON.parse(c)[0])).size > 1) multiYear++;
    }
    expect(multiYear).toBeGreaterThan(0);
    // a year the thread cannot set up: the error comes back to the caller, the thread is stopped
    const built = buildModel(smallNetwork());
    const part = { ...splitProgram(built).years[0]! };
    const wide = part.rows.findIndex((_, i) => part.start[i + 1]! - part.start[i]! > 1);
    part.linkRow = Int32Array.from(part.linkRow);
    part.linkRow[0] = wide;
    await expect(ThreadedYears.start([part], built.program.numCols, 1)).rejects.toThrow(
      /does not bound one flow/,
    );
  });
});

describe("the split's flow-needs-shift bounds", () => {
  /** per year and flow: the shifts column and coefficient b of its bound x ≤ b·n, from a row or derived */
  const shiftBounds = (built: ReturnType<typeof buildModel>) =>
    splitProgram(built).years.map((part) => {
      const bounds = new Map<number, string>();
      part.shiftRow.forEach((i, c) => {
        if (i < 0) return;
        const k = part.masterStart[i]!;
        expect(part.masterStart[i + 1]! - k).toBe(1);
        bounds.set(part.cols[c]!, `${part.masterCol[k]} ${part.masterValue[k]! / part.shiftCoef[c]!}`);
      });
      return bounds;
    });

  it("are those of the rows on every flow, whatever the build", () => {
    let derived = 0;
    const scenarios = [
      smallNetwork(),
      ...Array.from({ length: 40 }, (_, i) => randomScenario(i + 1, { mid: true })),
    ];
    for (const scenario of scenarios) {
      let built: ReturnType<typeof buildModel>;
      try {
        built = buildModel(scenario);
      } catch (error) {
        if (error instanceof ValidationError) continue; // a contradictory draw, rejected before any model
        throw error;
      }
      const fromRows = shiftBounds(buildModel(scenario, { flowNeedsShift: "all" }));
      const fromDefault = shiftBounds(built);
      expect(fromDefault.map((m) => [...m].sort())).toEqual(fromRows.map((m) => [...m].sort()));
      derived += fromDefault.reduce((n, m) => n + m.size, 0);
      derived -= built.program.rows.kind.filter((k) => k === RowKind.flowNeedsShift).length;
    }
    // bounds the default build wrote no row for
    expect(derived).toBeGreaterThan(0);
  });
});

describe("the Benders master", () => {
  it("removes the optimality cuts slack at a point, keeps the binding ones, and turns a crash into an error", async () => {
    const built = buildModel(smallNetwork());
    const split = splitProgram(built);
    const master = new Master(await highsRuntime(), built.program, split);
    try {
      master.setIntegrality(false);
      const lp = master.solve({ timeLimitSeconds: 60, mipRelGap: 1e-6 });
      expect(lp.status).toBe("optimal");
      const x = lp.x!;
      const theta = lp.theta!;
      // three cuts on year part 0: θ ≤ θ* (binds at the point), θ ≤ θ* + 1 % (slack), and a feasibility cut
      const at = (constant: number, feasibility = false) => ({
        t: split.years[0]!.t,
        feasibility,
        constant,
        cols: new Int32Array(0),
        coef: new Float64Array(0),
      });
      master.addCut(at(theta[0]!), 0, "binding");
      master.addCut(at(theta[0]! + Math.max(10, 0.01 * Math.abs(theta[0]!))), 0, "slack");
      master.addCut(at(5, true), 0, "feasibility");
      expect(master.cutNonzeros()).toBe(2);
      // the LP again with the cuts: removing the slack one leaves its multipliers as they were (its dual is 0)
      const withCuts = master.solve({ timeLimitSeconds: 60, mipRelGap: 1e-6 });
      expect(withCuts.objective).toBeCloseTo(lp.objective, 6);
      const multipliers = master.multipliers(built.program.numRows);
      expect(multipliers).toBeDefined();
      expect(master.removeSlackCuts(x, theta)).toEqual(["slack"]);
      expect(master.cutNonzeros()).toBe(1);
      expect(master.multipliers(built.program.numRows)).toEqual(multipliers);
      // the point is still the optimum, with the same bound
      const again = master.solve({ timeLimitSeconds: 60, mipRelGap: 1e-6 });
      expect(again.objective).toBeCloseTo(lp.objective, 6);
    } finally {
      master.dispose();
    }
    // a disposed (or crashed) master answers with an error and its message, not an exception; changes to it
    // are skipped, and every later solve gives the first failure's message
    const dead = master.solve({ timeLimitSeconds: 1, mipRelGap: 1e-6 });
    expect(dead.status).toBe("error");
    expect(dead.message).toBeTruthy();
    master.setIntegrality(true);
    const a = built.variables.a.labels.find((j) => j >= 0)!;
    master.setBounds([a], [0], [0]);
    master.addCut(
      {
        t: split.years[0]!.t,
        feasibility: false,
        constant: 1,
        cols: new Int32Array(0),
        coef: new Float64Array(0),
      },
      0,
      "after",
    );
    expect(master.solve({ timeLimitSeconds: 1, mipRelGap: 1e-6 })).toMatchObject({
      status: "error",
      message: dead.message,
    });
  });
});

describe("the Benders master in a thread of its own", () => {
  it("gives what a solve in this thread gives, from the same start, and an error when it cannot run", async () => {
    const built = buildModel(randomScenario(3, { mid: true }));
    const master = new Master(await highsRuntime(), built.program, splitProgram(built));
    try {
      for (const integer of [false, true]) {
        master.setIntegrality(integer);
        const here = master.solve({ timeLimitSeconds: 60, mipRelGap: 1e-9 });
        const apart = await master.solveApart({ timeLimitSeconds: 60, mipRelGap: 1e-9 });
        expect(here.status).toBe("optimal");
        expect(apart.status).toBe(here.status);
        expect(apart.objective).toBeCloseTo(here.objective, 6);
        expect(apart.bound).toBeCloseTo(here.bound, 6);
        // a start point reaches the thread: the master's own optimum is among the points it reports
        const started = await master.solveApart(
          { timeLimitSeconds: 60, mipRelGap: 1e-9 },
          { x: here.x!, theta: here.theta! },
        );
        expect(started.objective).toBeCloseTo(here.objective, 6);
        if (integer) expect(started.found.length).toBeGreaterThan(0);
      }
      // the LP's duals come back from the thread too (the bound by plant reads them)
      master.setIntegrality(false);
      await master.solveApart({ timeLimitSeconds: 60, mipRelGap: 1e-9 });
      expect(master.multipliers(built.program.numRows)).toBeDefined();
    } finally {
      master.dispose();
    }
    // a disposed master cannot be copied to a thread: an error result, as from a solve here
    const dead = await master.solveApart({ timeLimitSeconds: 1, mipRelGap: 1e-6 });
    expect(dead.status).toBe("error");
    expect(dead.message).toBeTruthy();
  });

  it("proves the monolithic optima with the local search running alongside", async () => {
    const { failures, solved, work } = await againstMonolithic({ masterApart: true });
    expect(failures).toEqual([]);
    expect(solved).toBeGreaterThan(10);
    // the master MILP ran in its thread (the LP phase and the rounding alone do not prove these)
    expect(work.iterations).toBeGreaterThan(0);
  });
});

describe("the year networks of a model with several years", () => {
  it("prove the monolithic optima with Pareto-optimal cuts at a core that trails the LP points", async () => {
    // by default the mid-size scenarios' years go to HiGHS' LP (the network starts at 50,000 columns there)
    const { failures, solved } = await againstMonolithic({ yearNetwork: true });
    expect(failures).toEqual([]);
    expect(solved).toBeGreaterThan(10);
  });
});

describe("the local search in streams", () => {
  it("proves the monolithic optima with two local-search streams before the master MILP", async () => {
    const { failures, solved, work } = await againstMonolithic({ masterApart: false, searchStreams: 2 });
    expect(failures).toEqual([]);
    expect(solved).toBeGreaterThan(10);
    // the search ran (the LP phase and the rounding alone do not prove these)
    expect(work.searchSteps).toBeGreaterThan(20);
  });
});

/**
 * The decomposition with the given engine options on 20 random mid-size scenarios, against the monolithic MILP:
 * disagreements, how many have an optimum, and the engines' work summed.
 */
async function againstMonolithic(options: Parameters<typeof BendersEngine.create>[1]) {
  const failures: string[] = [];
  let solved = 0;
  const work = { iterations: 0, searchSteps: 0 };
  for (let seed = 1; seed <= 20; seed++) {
    const scenario = randomScenario(seed, { mid: true });
    let built: ReturnType<typeof buildModel>;
    try {
      built = buildModel(scenario);
    } catch (error) {
      if (error instanceof ValidationError) continue;
      throw error;
    }
    const mono = await new HighsSolver().solve(built.program, { mipRelGap: 1e-9 });
    const engine = await BendersEngine.create(built, options);
    try {
      const decomposed = await engine.solve({ mipRelGap: 1e-9 });
      if (decomposed.status !== mono.status)
        failures.push(`seed ${seed}: ${decomposed.status} against ${mono.status}`);
      else if (mono.status === "optimal" && !agree(decomposed.objective, mono.objective))
        failures.push(`seed ${seed}: ${decomposed.objective} against ${mono.objective}`);
      if (mono.status === "optimal") solved++;
      work.iterations += engine.stats.iterations;
      work.searchSteps += engine.stats.searchSteps;
    } finally {
      await engine.dispose();
    }
  }
  return { failures, solved, work };
}

describe("Benders in the plan", () => {
  it("explains decisions by re-solving with bounds changed and proves the same advantages as monolithic", async () => {
    const scenario = smallNetwork();
    const mono = await solveScenario(scenario, { mipRelGap: 1e-9, method: "monolithic" });
    const benders = await solveScenario(scenario, { mipRelGap: 1e-9, method: "benders" });
    expect(benders.solver.name).toBe("benders");
    expect(benders.explanations.map((e) => e.subject)).toEqual(mono.explanations.map((e) => e.subject));
    benders.explanations.forEach((e, k) => {
      const m = mono.explanations[k]!;
      if (m.npvAdvantage === undefined) expect(e.npvAdvantage).toBeUndefined();
      else expect(agree(e.npvAdvantage!, m.npvAdvantage, 1e-6)).toBe(true);
    });
  });

  it("take the method from the scenario's solver settings, the call's method overriding it", async () => {
    const scenario: Scenario = { ...smallNetwork(), solver: { method: "benders" } };
    const byScenario = await solveScenario(scenario, { mipRelGap: 1e-9, explain: false });
    expect(byScenario.solver.name).toBe("benders");
    expect(byScenario.solver.decomposition!.iterations).toBeGreaterThan(0);
    const byCall = await solveScenario(scenario, { mipRelGap: 1e-9, explain: false, method: "monolithic" });
    expect(byCall.solver.name).toBe("highs");
    expect(byCall.solver.decomposition).toBeUndefined();
    expect(agree(byCall.npv, byScenario.npv)).toBe(true);
  });

  it("say which step name of PORTELLO_BENDERS_OFF is unknown, as a validation error, when a solve starts", async () => {
    const saved = process.env.PORTELLO_BENDERS_OFF;
    process.env.PORTELLO_BENDERS_OFF = "search, plant-bonud";
    try {
      const error = await solveScenario(smallNetwork(), { explain: false, method: "benders" }).catch(
        (e) => e,
      );
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues).toMatchObject([
        { file: "<environment>", path: "PORTELLO_BENDERS_OFF", found: "plant-bonud" },
      ]);
    } finally {
      if (saved === undefined) delete process.env.PORTELLO_BENDERS_OFF;
      else process.env.PORTELLO_BENDERS_OFF = saved;
    }
  });

  it("report progress, honour a cancellation and never call a stopped solve optimal", async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const plan: Plan = await solveScenario(smallNetwork(), {
      mipRelGap: 1e-9,
      explain: false,
      method: "benders",
      signal: controller.signal,
      onProgress: (p) => {
        seen.push(p.elapsedSeconds);
        controller.abort();
      },
    });
    expect(seen.length).toBeGreaterThan(0);
    expect(plan.status === "cancelled" || plan.status === "optimal").toBe(true);
    if (plan.status === "optimal") expect(plan.solver.gap ?? 0).toBeLessThanOrEqual(1e-9);
  });
});
