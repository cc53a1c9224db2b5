import { parseArgs } from "node:util";
import { buildModel } from "../src/model/build.js";
import type { MathProgram } from "../src/model/program.js";
import { highsRuntime } from "../src/solver/highs.js";
import { benchScenario } from "./scenario-of.js";

/**
 * A measurement for issue 9, not a solver: how much of a network's LP gap a bound that keeps whole shifts per
 * plant would close. The LP relaxation of the default build is solved (HiGHS-WASM); its duals of the demand rows
 * and of the few rows that span plants (e.g. how many plants a program may go to) are the multipliers λ of a
 * Lagrangian relaxation of those rows, which splits the model into one MILP per plant — integer shifts, states
 * and allocations kept. L(λ) = Σ λ·(row side) + Σ_plants max (c − Aᵀλ)·x is a valid bound for every λ of the right
 * signs; at the LP duals its plant LPs add up to the LP bound exactly (printed as the check), and the plant MILPs'
 * proven bounds give L(λ), at most the LP bound. `--iterations N` then tries N plain subgradient steps (Polyak,
 * with `--incumbent` as the target and `--theta` halved after two rounds without a better L).
 * Usage: node --import tsx bench/lagrangian-bound.ts [--instance oem] [--incumbent 93.79e9] [--iterations 0]
 *          [--theta 0.05]
 * (docs/model.md, "Where oem's gap sits")
 */

const { values: args } = parseArgs({
  options: {
    instance: { type: "string", default: "oem" },
    incumbent: { type: "string" },
    iterations: { type: "string", default: "0" },
    theta: { type: "string", default: "0.05" },
  },
});

const highs = await highsRuntime();
const built = buildModel(benchScenario(args.instance!));
const program = built.program;
const sign = program.sense === "maximize" ? 1 : -1;
/** objective in the program's own terms (money, with its offset) from the maximised internal value */
const money = (internal: number) => `${((sign * internal + program.objectiveOffset) / 1e9).toFixed(3)}bn`;
const secondsSince = (t: number) => ((performance.now() - t) / 1000).toFixed(1);

interface Solved {
  objective: number;
  /** the MILP's proven bound, or the LP's optimum */
  bound: number;
  x: Float64Array;
  rowDual: Float64Array;
}

/** Maximises `cost` over the given columns and rows of the program (every row's columns must be among them). */
function solve(
  cols: number[],
  rows: number[],
  cost: Float64Array,
  integer: boolean,
  timeLimit: number,
): Solved {
  const local = new Map(cols.map((j, c) => [j, c]));
  const starts = [0];
  const indices: number[] = [];
  const values: number[] = [];
  for (const r of rows) {
    for (let k = program.rowStart[r]!; k < program.rowStart[r + 1]!; k++) {
      indices.push(local.get(program.colIndex[k]!)!);
      values.push(program.value[k]!);
    }
    starts.push(indices.length);
  }
  const model = highs.createModel({
    numCols: cols.length,
    numRows: rows.length,
    sense: highs.constants.objectiveSense.maximize,
    offset: 0,
    colCost: Float64Array.from(cols, (j) => cost[j]!),
    colLower: Float64Array.from(cols, (j) => program.colLower[j]!),
    colUpper: Float64Array.from(cols, (j) => program.colUpper[j]!),
    rowLower: Float64Array.from(rows, (r) => program.rowLower[r]!),
    rowUpper: Float64Array.from(rows, (r) => program.rowUpper[r]!),
    matrix: {
      format: "csr",
      numRows: rows.length,
      numCols: cols.length,
      starts: Int32Array.from(starts),
      indices: Int32Array.from(indices),
      values: Float64Array.from(values),
    },
    integrality: integer
      ? Int32Array.from(cols, (j) => program.integrality[j]!)
      : new Int32Array(cols.length),
  });
  try {
    model.options.set({ output_flag: false, mip_rel_gap: 1e-5, time_limit: timeLimit });
    const status = model.run().modelStatus;
    if (!integer && status !== highs.constants.modelStatus.optimal) throw new Error(`LP status ${status}`);
    const objective = model.getObjectiveValue();
    const solution = model.getSolution();
    return {
      objective,
      bound: integer ? Number(model.info.get("mip_dual_bound")) : objective,
      x: Float64Array.from(solution.colValue),
      rowDual: Float64Array.from(solution.rowDual),
    };
  } finally {
    model.dispose();
  }
}

/** Rows relaxed (demand, and rows across plants) and each plant's own rows. */
function splitRows(p: MathProgram, plantOf: Int32Array, numPlants: number) {
  const relaxed: number[] = [];
  const own: number[][] = Array.from({ length: numPlants }, () => []);
  const isDemand = new Uint8Array(p.numRows);
  for (const r of built.constraints.demand.labels) if (r >= 0) isDemand[r] = 1;
  for (let r = 0; r < p.numRows; r++) {
    if (p.rowStart[r + 1] === p.rowStart[r]) continue;
    const plants = new Set<number>();
    for (let k = p.rowStart[r]!; k < p.rowStart[r + 1]!; k++) plants.add(plantOf[p.colIndex[k]!]!);
    const [only] = plants;
    if (!isDemand[r] && plants.size === 1 && only !== -1) own[only!]!.push(r);
    else relaxed.push(r);
  }
  return { relaxed, own };
}

const cost = Float64Array.from(program.colCost, (c) => sign * c);
let clock = performance.now();
const lp = solve(
  Array.from({ length: program.numCols }, (_, j) => j),
  Array.from({ length: program.numRows }, (_, r) => r),
  cost,
  false,
  3600,
);
console.log(`LP relaxation: ${money(lp.objective)} in ${secondsSince(clock)} s`);

const plantOf = program.cols.plant;
const numPlants = plantOf.reduce((most, s) => Math.max(most, s + 1), 0);
const { relaxed, own } = splitRows(program, plantOf, numPlants);
const colsOf: number[][] = Array.from({ length: numPlants }, () => []);
plantOf.forEach((s, j) => {
  if (s >= 0) colsOf[s]!.push(j);
});
console.log(`${relaxed.length} rows relaxed (demand and rows across plants), ${numPlants} plant problems`);

/** L(λ) with the plant problems as LPs (the check) or MILPs (the bound), and the point that attains it. */
function lagrangian(lambda: Float64Array, integer: boolean): { value: number; x: Float64Array } {
  const reduced = Float64Array.from(cost);
  let value = 0;
  for (const r of relaxed) {
    const y = lambda[r]!;
    if (y === 0) continue;
    value += y * (y > 0 ? program.rowUpper[r]! : program.rowLower[r]!);
    for (let k = program.rowStart[r]!; k < program.rowStart[r + 1]!; k++)
      reduced[program.colIndex[k]!]! -= y * program.value[k]!;
  }
  const x = new Float64Array(program.numCols);
  plantOf.forEach((s, j) => {
    if (s !== -1) return;
    x[j] = reduced[j]! > 0 ? program.colUpper[j]! : program.colLower[j]!;
    value += reduced[j]! * x[j]!;
  });
  colsOf.forEach((cols, s) => {
    const plant = solve(cols, own[s]!, reduced, integer, 30);
    value += plant.bound;
    cols.forEach((j, c) => {
      x[j] = plant.x[c]!;
    });
  });
  return { value, x };
}

const lambda = new Float64Array(program.numRows);
for (const r of relaxed) lambda[r] = lp.rowDual[r]!;
clock = performance.now();
console.log(
  `check, plant LPs at the LP duals: ${money(lagrangian(lambda, false).value)} (= the LP relaxation)`,
);
console.log(`  in ${secondsSince(clock)} s`);

const iterations = Number(args.iterations);
const target =
  args.incumbent === undefined ? undefined : (Number(args.incumbent) - program.objectiveOffset) * sign;
if (iterations > 0 && target === undefined)
  throw new Error("--iterations needs --incumbent (the Polyak target)");
let theta = Number(args.theta);
let best = Number.POSITIVE_INFINITY;
let sinceBetter = 0;
for (let it = 0; it <= iterations; it++) {
  clock = performance.now();
  const { value, x } = lagrangian(lambda, true);
  if (value < best) {
    best = value;
    sinceBetter = 0;
  } else if (++sinceBetter >= 2) {
    theta /= 2;
    sinceBetter = 0;
  }
  console.log(
    `L(λ) round ${it}: ${money(value)}, best ${money(best)} (plant MILPs ${secondsSince(clock)} s)`,
  );
  if (it === iterations) break;
  // a subgradient of L at λ: the row's side minus its activity (projected on the multiplier's sign)
  const g = relaxed.map((r) => {
    let activity = 0;
    for (let k = program.rowStart[r]!; k < program.rowStart[r + 1]!; k++)
      activity += program.value[k]! * x[program.colIndex[k]!]!;
    const [lo, up, y] = [program.rowLower[r]!, program.rowUpper[r]!, lambda[r]!];
    if (y > 0) return up - activity;
    if (y < 0) return lo - activity;
    return activity > up ? up - activity : activity < lo ? lo - activity : 0;
  });
  const norm = g.reduce((sum, v) => sum + v * v, 0);
  if (norm === 0) break;
  const step = (theta * (value - target!)) / norm;
  relaxed.forEach((r, i) => {
    let y = lambda[r]! - step * g[i]!;
    if (!Number.isFinite(program.rowUpper[r]!) && y > 0) y = 0;
    if (!Number.isFinite(program.rowLower[r]!) && y < 0) y = 0;
    lambda[r] = y;
  });
}
process.exit(0);
