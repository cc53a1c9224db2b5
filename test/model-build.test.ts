import { describe, expect, it } from "vitest";
import { ValidationError } from "../src/domain/issues.js";
import { loadScenario } from "../src/domain/load.js";
import { type Block, cellOf, labelAt } from "../src/model/blocks.js";
import { type BuildOptions, buildModel } from "../src/model/build.js";
import { AllocationBlock, deriveInputs } from "../src/model/inputs.js";
import { columnName, rowName } from "../src/model/names.js";
import { ColKind, RowKind } from "../src/model/program.js";
import { HighsSolver } from "../src/solver/highs.js";
import { smallNetwork, twoPlants } from "./model-fixtures.js";

function columnsOf(built: ReturnType<typeof buildModel>, kind: number): string[] {
  const names: string[] = [];
  for (let j = 0; j < built.program.numCols; j++) {
    if (built.program.cols.kind[j] === kind) names.push(columnName(built, j));
  }
  return names;
}

function solvedValue(built: ReturnType<typeof buildModel>, x: Float64Array, name: string): number {
  for (let j = 0; j < built.program.numCols; j++) if (columnName(built, j) === name) return x[j]!;
  throw new Error(`no column ${name}`);
}

describe("deriveInputs", () => {
  it("expands growth volumes, discount factors and great-circle lane costs", () => {
    const scenario = twoPlants({
      discountRate: 0.1,
      demand: [{ program: "p1", market: "m", volume: { from: 2030, volume: 100, growth: 0.5 }, price: 100 }],
      lanes: [],
      logistics: { defaultMode: "sea", modes: { sea: { fixedPerVehicle: 10, perKm: 0.5 } } },
    });
    scenario.plants[0]!.lat = 0;
    scenario.plants[0]!.lon = 0;
    scenario.markets[0]!.lat = 0;
    scenario.markets[0]!.lon = 1;
    const inputs = deriveInputs(scenario);
    expect(Array.from(inputs.demand)).toEqual([100, 150]);
    expect(inputs.discount[1]).toBeCloseTo(1 / 1.1, 12);
    // one degree of longitude on the equator is about 111.2 km
    expect(inputs.laneCost[0]).toBeCloseTo(10 + 0.5 * 111.2, 0);
    // no coordinates for plant b: only the fixed handling is charged
    expect(inputs.laneCost[1]).toBe(10);
  });

  it("lets the last matching duty win, within its years, on the customs value", () => {
    const scenario = twoPlants({
      regions: { eu: ["IT", "DE"] },
      duties: [
        { id: "all", from: ["eu"], to: ["m"], rate: 0.1 },
        { id: "later", from: ["IT"], to: ["m"], rate: 0.25, validFrom: 2031 },
      ],
    });
    const inputs = deriveInputs(scenario);
    const T = inputs.numYears;
    // plant a (IT) → market m: 10% in 2030, 25% from 2031; plant b (US) pays none
    expect(Array.from(inputs.dutyRate.subarray(0, T))).toEqual([0.1, 0.25]);
    expect(Array.from(inputs.dutyRate.subarray(T, 2 * T))).toEqual([0, 0]);
  });

  it("records why an allocation is impossible", () => {
    const scenario = twoPlants({
      policies: [{ id: "us-only", kind: "restrict-to-countries", program: "p1", countries: ["US"] }],
    });
    const inputs = deriveInputs(scenario);
    expect(inputs.allocation[0]).toBe(AllocationBlock.outsideCountries);
    expect(inputs.allocation[1]).toBe(AllocationBlock.none);
  });

  it("refuses contradictions with the domain's check, path and message", () => {
    const keptBeforeItExists = twoPlants({ policies: [{ id: "k", kind: "keep-open", plant: "b" }] });
    try {
      deriveInputs(keptBeforeItExists);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      const messages = (error as ValidationError).issues.map((i) => `${i.path}: ${i.message}`);
      expect(messages).toEqual([
        "policies[0]: keep-open asks b to operate in 2030, but it is not available before 2031",
      ]);
    }
    const contradiction = twoPlants({
      policies: [{ id: "f", kind: "forbid-allocation", program: "p1", plant: "a" }],
    });
    contradiction.programs[0]!.builtAt = ["a"];
    expect(() => deriveInputs(contradiction)).toThrow(/builtAt puts p1 at a, but a forbid-allocation policy/);
  });
});

describe("buildModel", () => {
  it("creates only columns that can be nonzero", () => {
    const built = buildModel(twoPlants());
    // plant b operates from 2031 only: no 2030 columns for it
    expect(columnsOf(built, ColKind.flow)).toEqual(["x[p1,a,m,2030]", "x[p1,a,m,2031]", "x[p1,b,m,2031]"]);
    expect(columnsOf(built, ColKind.operate)).toEqual(["o[a,2030]", "o[a,2031]", "o[b,2031]"]);
    expect(columnsOf(built, ColKind.platform)).toEqual(["g[b,x]"]);
    // an active plant that cannot close opens and closes nothing
    expect(columnsOf(built, ColKind.open)).toEqual(["w[b,2031]"]);
    expect(columnsOf(built, ColKind.close)).toEqual([]);

    const closedLane = buildModel(twoPlants({ lanes: [{ from: "b", to: "m", allowed: false }] }));
    expect(columnsOf(closedLane, ColKind.flow)).not.toContain("x[p1,b,m,2031]");

    const closed = twoPlants();
    closed.plants[1]!.status = "closed";
    const built2 = buildModel(closed);
    for (let j = 0; j < built2.program.numCols; j++) expect(built2.program.cols.plant[j]).not.toBe(1);
  });

  it("sets bounds from capacity, demand, status and policies", () => {
    const built = buildModel(
      twoPlants({ policies: [{ id: "fix", kind: "fix-allocation", program: "p1", plant: "b" }] }),
    );
    const { program } = built;
    for (let j = 0; j < program.numCols; j++) {
      const name = columnName(built, j);
      if (name === "x[p1,b,m,2031]") expect([program.colLower[j], program.colUpper[j]]).toEqual([0, 100]);
      if (name === "x[p1,a,m,2030]") expect(program.colUpper[j]).toBe(150);
      if (name === "o[a,2030]") expect(program.colLower[j]).toBe(1);
      if (name === "a[p1,b]") expect(program.colLower[j]).toBe(1);
      if (name === "n[a,2030]") expect([program.integrality[j], program.colUpper[j]]).toEqual([1, 2]);
    }
    const rowNames = Array.from({ length: program.numRows }, (_, i) => rowName(built, i));
    expect(rowNames).toContain("demand[p1,m,2030]");
    expect(rowNames).toContain("capacity[b,2031]");
    expect(new Set(rowNames).size).toBe(rowNames.length);
  });

  it("finds the hand-worked optimum in profit mode", async () => {
    const built = buildModel(twoPlants());
    const solution = await new HighsSolver().solve(built.program, { mipRelGap: 1e-9 });
    expect(solution.status).toBe("optimal");
    expect(solution.objective).toBeCloseTo(21_200, 6);
    expect(solvedValue(built, solution.x, "a[p1,a]")).toBeCloseTo(1, 9);
    expect(solvedValue(built, solution.x, "n[a,2031]")).toBeCloseTo(2, 9);
    expect(solvedValue(built, solution.x, "w[b,2031]")).toBeCloseTo(0, 9);
  });

  it("gives the same optimum with DESIGN.md's aggregated linking rows", async () => {
    const strong = await new HighsSolver().solve(buildModel(twoPlants()).program, { mipRelGap: 1e-9 });
    const weak = buildModel(twoPlants(), { linking: "per-year" });
    const solution = await new HighsSolver().solve(weak.program, { mipRelGap: 1e-9 });
    expect(solution.objective).toBeCloseTo(strong.objective, 6);
  });

  it("pays opening, conversion and tooling when a policy forces the candidate plant", async () => {
    // B gets p1 and sells 100 cars in 2031 at a margin of 89; 2030's demand is lost (single-sourced).
    // NPV = 8,900 - open 5,000 - fixed 200 - shift 100 - conversion 700 - tooling 300 - A's fixed 2,000 = 600
    const built = buildModel(
      twoPlants({ policies: [{ id: "fix", kind: "fix-allocation", program: "p1", plant: "b" }] }),
    );
    const solution = await new HighsSolver().solve(built.program, { mipRelGap: 1e-9 });
    expect(solution.objective).toBeCloseTo(600, 6);
  });

  it("makes a budget cap below the tooling infeasible for a program that must be built", async () => {
    const built = buildModel(
      twoPlants({ policies: [{ id: "cap", kind: "budget-cap", maxInvestment: 200 }] }),
    );
    const solution = await new HighsSolver().solve(built.program);
    expect(solution.status).toBe("infeasible");
  });

  it("minimises discounted cost in serve-all mode, with unmet demand penalised", async () => {
    // A serves everything: variable 10 + lane 5 on 300 cars, fixed 2,000, shifts 2,000, tooling 300 = 8,800.
    // At a penalty of 22 a car, a year costs 150*15 + 2 shifts = 3,250 serving all, 100*15 + 1 shift + 50*22
    // = 3,100 serving 100, and 150*22 = 3,300 serving none (plus fixed and tooling): 2,300 + 2*3,100 = 8,500.
    const served = buildModel(twoPlants({ objective: { mode: "serve-all" } }));
    const all = await new HighsSolver().solve(served.program, { mipRelGap: 1e-9 });
    expect(served.program.sense).toBe("minimize");
    expect(all.objective).toBeCloseTo(8_800, 6);
    const penalised = buildModel(twoPlants({ objective: { mode: "serve-all", unmetPenalty: 22 } }));
    const some = await new HighsSolver().solve(penalised.program, { mipRelGap: 1e-9 });
    expect(some.objective).toBeCloseTo(8_500, 6);
    expect(solvedValue(penalised, some.x, "u[p1,m,2031]")).toBeCloseTo(50, 6);
  });
});

describe("variable and constraint blocks", () => {
  it("label every column and row of their kind at its domain cell, and nothing else", () => {
    const built = buildModel(twoPlants());
    const { cols, rows } = built.program;
    const start = built.inputs.years[0]!;
    const kinds = {
      a: ColKind.allocate,
      g: ColKind.platform,
      o: ColKind.operate,
      n: ColKind.shifts,
      w: ColKind.open,
      z: ColKind.close,
      x: ColKind.flow,
      u: ColKind.unmet,
    } as const;
    for (const [name, kind] of Object.entries(kinds)) {
      const block = built.variables[name as keyof typeof kinds];
      const labelled = [...block.labels].filter((j) => j >= 0).sort((a, b) => a - b);
      const ofKind = [...cols.kind.keys()].filter((j) => cols.kind[j] === kind);
      expect(labelled, name).toEqual(ofKind);
    }
    for (const j of built.variables.x.labels.filter((j) => j >= 0)) {
      const at = [cols.program[j]!, cols.plant[j]!, cols.market[j]!, cols.year[j]! - start];
      expect(labelAt(built.variables.x, ...at)).toBe(j);
    }
    for (const i of built.constraints.capacity.labels.filter((i) => i >= 0)) {
      expect(rowName(built, i)).toMatch(/^capacity\[/);
      expect(labelAt(built.constraints.capacity, rows.plant[i]!, rows.year[i]! - start)).toBe(i);
    }
    expect(built.program.cols.platform[built.variables.g.labels.find((j) => j >= 0)!]).toBeGreaterThanOrEqual(
      0,
    );
  });

  it.each([
    ["per-flow", "profit"],
    ["per-year", "serve-all"],
  ] as const)(
    "give every row exactly one cell of the block of its family (%s linking, %s)",
    (linking, mode) => {
      const built = buildModel(smallNetwork({ objective: { mode } }), { linking });
      const { rows } = built.program;
      const start = built.inputs.years[0]!;
      const owner = new Int32Array(built.program.numRows).fill(-1);
      const families = Object.entries(built.constraints) as [keyof typeof RowKind, Block][];
      families.forEach(([name, block], f) => {
        const kind = RowKind[name];
        block.labels.forEach((i, cell) => {
          if (i < 0) return;
          expect(owner[i], `row ${rowName(built, i)} in two blocks`).toBe(-1);
          owner[i] = f;
          expect(rows.kind[i], name).toBe(kind);
          // the cell's indices are the row's domain indices
          const index = {
            program: rows.program,
            plant: rows.plant,
            market: rows.market,
            platform: rows.platform,
          };
          const at = block.dims.map((dim) =>
            dim === "year" ? rows.year[i]! - start : dim === "policy" ? rows.policy[i]! : index[dim][i]!,
          );
          expect(cellOf(block, ...at), rowName(built, i)).toBe(cell);
        });
      });
      const unlabelled = [...owner.keys()].filter((i) => owner[i] === -1).map((i) => rowName(built, i));
      expect(unlabelled).toEqual([]);
      expect(families.map(([name]) => name).sort()).toEqual(Object.keys(RowKind).sort());
    },
  );
});

/** The program with its integrality dropped: the LP relaxation. */
const relaxed = (program: ReturnType<typeof buildModel>["program"]) => ({
  ...program,
  integrality: new Uint8Array(program.numCols),
});

/**
 * A scenario built with and without some valid rows, MIP and LP relaxation of each, all proven optimal, the two
 * MIP optima equal (valid rows remove no integer plan): the four solutions for the caller's LP checks.
 */
async function withAndWithoutRows(scenario: Parameters<typeof buildModel>[0], without: BuildOptions) {
  const highs = new HighsSolver();
  const withRows = buildModel(scenario).program;
  const withoutRows = buildModel(scenario, without).program;
  expect(withRows.numRows).toBeGreaterThan(withoutRows.numRows);
  const [mipWith, mipWithout, lpWith, lpWithout] = await Promise.all([
    highs.solve(withRows, { mipRelGap: 1e-9 }),
    highs.solve(withoutRows, { mipRelGap: 1e-9 }),
    highs.solve(relaxed(withRows)),
    highs.solve(relaxed(withoutRows)),
  ]);
  for (const s of [mipWith, mipWithout, lpWith, lpWithout]) expect(s.status).toBe("optimal");
  expect(Math.abs(mipWith.objective - mipWithout.objective)).toBeLessThan(
    1e-7 * Math.abs(mipWithout.objective),
  );
  return { mipWith, mipWithout, lpWith, lpWithout };
}

describe("flow-needs-shift rows (3c)", () => {
  it("tie each flow to its plant's shifts where a market needs less than a shift and shifts cost money", () => {
    // 60 cars a year for the market, a shift builds 100: each flow is one the rows tie to n
    const demand = [
      { program: "p1", market: "m", volume: { from: 2030, volume: 60, growth: 0 }, price: 100 },
    ];
    const scenario = twoPlants({ demand });
    const built = buildModel(scenario, { flowNeedsShift: "all" });
    const { program } = built;
    const block = built.constraints.flowNeedsShift;
    expect(block.dims).toEqual(["program", "plant", "market", "year"]);
    let rows = 0;
    for (let r = 0; r < program.numRows; r++) {
      if (program.rows.kind[r] !== RowKind.flowNeedsShift) continue;
      rows++;
      const entries = [program.rowStart[r]!, program.rowStart[r]! + 1];
      const [flow, shifts] = entries.map((k) => program.colIndex[k]!);
      expect(program.cols.kind[flow!]).toBe(ColKind.flow);
      expect(program.cols.kind[shifts!]).toBe(ColKind.shifts);
      expect(program.value[entries[0]!]).toBe(1);
      // the coefficient of n is the flow's demand (below one shift here)
      expect(-program.value[entries[1]!]!).toBe(program.colUpper[flow!]);
      expect(program.rowUpper[r]).toBe(0);
      expect(rowName(built, r)).toMatch(/^flow_needs_shift\[/);
      const at = [
        program.cols.program[flow!]!,
        program.cols.plant[flow!]!,
        program.cols.market[flow!]!,
        program.cols.year[flow!]! - scenario.horizon.start,
      ];
      expect(labelAt(block, ...at)).toBe(r);
    }
    expect(rows).toBe(3); // plant a in 2030 and 2031, plant b from 2031
    const count = (s: Parameters<typeof buildModel>[0], options?: Parameters<typeof buildModel>[1]) =>
      Array.from(buildModel(s, options).program.rows.kind).filter((k) => k === RowKind.flowNeedsShift).length;
    // by default only flows whose allocation is fixed (they have no linking row): none while p1 may go anywhere,
    // plant a's two years once p1 is fixed there
    expect(count(scenario)).toBe(0);
    const fixed = twoPlants({
      demand,
      policies: [{ id: "fix", kind: "fix-allocation", program: "p1", plant: "a" }],
    });
    expect(count(fixed)).toBe(2);
    expect(count(fixed, { flowNeedsShift: "none" })).toBe(0);
    // free shifts: no rows (a free n takes whatever the row asks, so it would tighten nothing)
    // the demand of 150 in twoPlants needs more than a shift: the capacity row says it all
    expect(Array.from(buildModel(twoPlants()).program.rows.kind)).not.toContain(RowKind.flowNeedsShift);
    const free = twoPlants({ demand });
    for (const plant of free.plants) plant.shiftCost = 0;
    expect(count(free, { flowNeedsShift: "all" })).toBe(0);
  });

  it("remove no integer plan and tighten the LP relaxation of the Alfa base case", async () => {
    const scenario = await loadScenario("builtin:alfa/base");
    const { mipWith, mipWithout, lpWith, lpWithout } = await withAndWithoutRows(scenario, {
      flowNeedsShift: "none",
    });
    // maximising NPV: the relaxation's bound comes down towards the optimum
    expect(lpWith.objective).toBeLessThan(lpWithout.objective);
    const gapWith = (lpWith.objective - mipWith.objective) / mipWith.objective;
    const gapWithout = (lpWithout.objective - mipWithout.objective) / mipWithout.objective;
    expect(gapWith).toBeLessThan(gapWithout / 2);
  });
});

describe("capacity-rounding rows (3d)", () => {
  const roundingRows = (built: ReturnType<typeof buildModel>) =>
    [...built.program.rows.kind.keys()].filter(
      (r) => built.program.rows.kind[r] === RowKind.capacityRounding,
    );

  it("round the capacity row against the most a plant can be asked to build", () => {
    // p1's demand of 150 a year: plant a (100 a shift, 2 shifts) may be asked for 1.5 shifts' output;
    // plant b (1 shift of 100) can build at most one shift's output: nothing to round there
    const built = buildModel(twoPlants());
    const { program } = built;
    const block = built.constraints.capacityRounding;
    expect(block.dims).toEqual(["plant", "year"]);
    const rows = roundingRows(built);
    expect(rows.map((r) => rowName(built, r))).toEqual([
      "capacity_rounding[a,2030]",
      "capacity_rounding[a,2031]",
    ]);
    for (const r of rows) {
      const entries = [];
      for (let k = program.rowStart[r]!; k < program.rowStart[r + 1]!; k++)
        entries.push({ kind: program.cols.kind[program.colIndex[k]!], value: program.value[k] });
      // L − r·n ≤ D − r·(k + 1) with D = 150, one shift 100, k = 1, r = 50
      expect(entries).toEqual([
        { kind: ColKind.flow, value: 1 },
        { kind: ColKind.shifts, value: -50 },
      ]);
      expect(program.rowUpper[r]).toBe(50);
      expect(labelAt(block, program.rows.plant[r]!, program.rows.year[r]! - 2030)).toBe(r);
    }
    expect(roundingRows(buildModel(twoPlants(), { capacityRounding: false }))).toEqual([]);
  });

  it("hold for every whole number of shifts, whatever the demand", () => {
    for (const volume of [30, 99, 100, 101, 150, 199, 200, 250]) {
      const demand = [{ program: "p1", market: "m", volume: { from: 2030, volume, growth: 0 }, price: 100 }];
      const built = buildModel(twoPlants({ demand }));
      const { program } = built;
      for (const r of roundingRows(built)) {
        let shiftsCoef = 0;
        let most = 0;
        for (let k = program.rowStart[r]!; k < program.rowStart[r + 1]!; k++) {
          const j = program.colIndex[k]!;
          if (program.cols.kind[j] === ColKind.shifts) shiftsCoef = program.value[k]!;
          else most += program.colUpper[j]!;
        }
        // the most load n shifts allow (100 a shift, 2 shifts at plant a) must satisfy the row
        for (let n = 0; n <= 2; n++) {
          const load = Math.min(100 * n, most);
          expect(load + shiftsCoef * n, `${volume} cars, ${n} shifts`).toBeLessThanOrEqual(
            program.rowUpper[r]! + 1e-9,
          );
        }
      }
    }
  });

  it("remove no integer plan and tighten the LP relaxation (two plants, the Alfa base case)", async () => {
    for (const scenario of [twoPlants(), await loadScenario("builtin:alfa/base")]) {
      const { lpWith, lpWithout } = await withAndWithoutRows(scenario, { capacityRounding: false });
      expect(lpWith.objective).toBeLessThan(lpWithout.objective - 1e-6 * Math.abs(lpWithout.objective));
    }
  });
});
