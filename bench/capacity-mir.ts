import { parseArgs } from "node:util";
import { labelAt } from "../src/model/blocks.js";
import { type BuiltModel, buildModel, oneShiftOutput } from "../src/model/build.js";
import type { MathProgram } from "../src/model/program.js";
import { highsRuntime } from "../src/solver/highs.js";
import { runHighs } from "../src/solver/highs-run.js";
import { benchScenario } from "./scenario-of.js";

/**
 * A measurement for issue 9: how much of a network's LP gap the integer rounding of each plant-year's capacity
 * closes. Per plant s and year t, with C the output of one shift with its overtime and, per program p, D_p what
 * its allocation lets it build there (x_p = Σ_m x[p,s,m,t] ≤ D_p·a[p,s]), the mixed-integer rounding (MIR) of
 * Σ_p D_p·a_p − Σ_p (D_p·a_p − x_p) ≤ C·n over a set S of programs, with D_S = Σ_S D_p, k = ⌊D_S/C⌋,
 * r = D_S − k·C > 0 and F_p = ⌊−D_p/C⌋ + max(0, frac(−D_p/C) − (1 − r/C))/(r/C), reads
 *   Σ_S x_p ≤ Σ_S (D_p + r·F_p)·a_p + r·n − r·(k + 1) − r·Σ_S F_p
 * (the residual-capacity inequalities of network loading; with every a_p = 1 it is the capacity-rounding row 3d).
 * Rounds: solve the LP relaxation, separate one such row per plant-year (S: the programs the LP builds there,
 * greedily thinned while the violation grows), add the violated ones, again, until none is violated.
 * Usage: node --import tsx bench/capacity-mir.ts [--instance 10k] [--rounds 20] [--all-flow-shift-rows]
 * (docs/benchmarks.md, "2026-12-01 – 2026-12-02: the decomposition's first measurements")
 */

const { values: args } = parseArgs({
  options: {
    instance: { type: "string", default: "10k" },
    rounds: { type: "string", default: "20" },
    "all-flow-shift-rows": { type: "boolean", default: false },
  },
});

interface Row {
  cols: number[];
  values: number[];
  upper: number;
}

/** a program at a plant-year: its flows, what it can build there, its allocation (−1: held at 1) */
interface Member {
  flows: number[];
  most: number;
  allocation: number;
}

const built = buildModel(
  benchScenario(args.instance!),
  args["all-flow-shift-rows"] ? { flowNeedsShift: "all" } : {},
);
const flowMost = flowBounds(built);
let program = built.program;
const highs = await highsRuntime();
const started = performance.now();
for (let round = 0; round < Number(args.rounds); round++) {
  const lp = runHighs(highs, { ...program, integrality: new Uint8Array(program.numCols) });
  if (lp.status !== "optimal") throw new Error(`LP relaxation: ${lp.status}`);
  const rows = separate(built, flowMost, lp.x, program);
  console.log(
    `round ${round}: LP ${(lp.objective / 1e9).toFixed(4)}bn, ${program.numRows} rows, ${rows.length} violated MIR rows, ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  if (rows.length === 0) break;
  program = withRows(program, rows);
}

/** per flow column, what its allocation lets it carry: the tighter of its upper bound and its linking row */
function flowBounds(model: BuiltModel): Float64Array {
  const p = model.program;
  const most = Float64Array.from(p.colUpper);
  for (const r of model.constraints.buildOnlyWhereAllocated.labels) {
    if (r < 0) continue;
    // x − ub·a ≤ 0: one flow (positive) and its allocation (negative)
    let flow = -1;
    let ub = Number.POSITIVE_INFINITY;
    for (let k = p.rowStart[r]!; k < p.rowStart[r + 1]!; k++) {
      if (p.value[k]! > 0) flow = flow === -1 ? p.colIndex[k]! : -2;
      else ub = -p.value[k]!;
    }
    if (flow >= 0) most[flow] = Math.min(most[flow]!, ub);
  }
  return most;
}

function separate(model: BuiltModel, most: Float64Array, x: Float64Array, p: MathProgram): Row[] {
  const { x: flows, a, n } = model.variables;
  const [programs, plants, markets, years] = flows.shape as [number, number, number, number];
  const found: Row[] = [];
  for (let s = 0; s < plants; s++)
    for (let t = 0; t < years; t++) {
      const shifts = labelAt(n, s, t);
      if (shifts < 0) continue;
      const C = oneShiftOutput(model.inputs, s);
      if (!(C > 0)) continue;
      const members: Member[] = [];
      for (let q = 0; q < programs; q++) {
        const own: number[] = [];
        let total = 0;
        let built = 0;
        for (let m = 0; m < markets; m++) {
          const j = labelAt(flows, q, s, m, t);
          if (j < 0) continue;
          own.push(j);
          total += most[j]!;
          built += x[j]!;
        }
        if (own.length === 0 || !(total > 0) || built <= 1e-6) continue;
        const j = labelAt(a, q, s);
        members.push({ flows: own, most: total, allocation: j >= 0 && p.colLower[j]! < 1 ? j : -1 });
      }
      let set = members;
      let best = mirRow(set, C, shifts);
      for (let thinner = true; thinner && set.length > 1; ) {
        thinner = false;
        for (let i = 0; i < set.length; i++) {
          const trial = set.filter((_, k) => k !== i);
          const row = mirRow(trial, C, shifts);
          if (row && violation(row, x) > (best ? violation(best, x) : 0)) {
            set = trial;
            best = row;
            thinner = true;
            break;
          }
        }
      }
      if (best && violation(best, x) > 1e-4 * C) found.push(best);
    }
  return found;
}

/** the MIR row of a set of programs at a plant-year (undefined when its demand is whole shifts) */
function mirRow(set: Member[], C: number, shifts: number): Row | undefined {
  const total = set.reduce((sum, member) => sum + member.most, 0);
  const k = Math.floor(total / C);
  const r = total - k * C;
  if (r <= 1e-9 * C) return undefined;
  const f = 1 - r / C;
  const row: Row = { cols: [shifts], values: [-r], upper: -r * (k + 1) };
  for (const member of set) {
    const d = -member.most / C;
    const F = Math.floor(d) + Math.max(0, d - Math.floor(d) - f) / (1 - f);
    for (const j of member.flows) {
      row.cols.push(j);
      row.values.push(1);
    }
    const onAllocation = member.most + r * F;
    if (member.allocation >= 0) {
      row.cols.push(member.allocation);
      row.values.push(-onAllocation);
    } else row.upper += onAllocation;
    row.upper -= r * F;
  }
  return row;
}

function violation(row: Row, x: Float64Array): number {
  let lhs = 0;
  row.cols.forEach((j, i) => {
    lhs += row.values[i]! * x[j]!;
  });
  return lhs - row.upper;
}

/** the program with rows appended (≤ rows; their index entries say nothing: kind 0, every index −1) */
function withRows(p: MathProgram, rows: Row[]): MathProgram {
  const numRows = p.numRows + rows.length;
  const added = rows.reduce((sum, row) => sum + row.cols.length, 0);
  const rowStart = new Int32Array(numRows + 1);
  rowStart.set(p.rowStart);
  const colIndex = new Int32Array(p.colIndex.length + added);
  colIndex.set(p.colIndex);
  const value = new Float64Array(p.value.length + added);
  value.set(p.value);
  let at = p.colIndex.length;
  rows.forEach((row, i) => {
    row.cols.forEach((j, k) => {
      colIndex[at] = j;
      value[at++] = row.values[k]!;
    });
    rowStart[p.numRows + i + 1] = at;
  });
  const rowLower = new Float64Array(numRows).fill(Number.NEGATIVE_INFINITY);
  rowLower.set(p.rowLower);
  const rowUpper = new Float64Array(numRows);
  rowUpper.set(p.rowUpper);
  rows.forEach((row, i) => {
    rowUpper[p.numRows + i] = row.upper;
  });
  const grow = (from: Int32Array): Int32Array => {
    const to = new Int32Array(numRows).fill(-1);
    to.set(from);
    return to;
  };
  const index = p.rows;
  const kind = new Uint8Array(numRows);
  kind.set(index.kind);
  return {
    ...p,
    numRows,
    rowStart,
    colIndex,
    value,
    rowLower,
    rowUpper,
    rows: {
      kind,
      program: grow(index.program),
      plant: grow(index.plant),
      market: grow(index.market),
      platform: grow(index.platform),
      policy: grow(index.policy),
      year: grow(index.year),
    },
  };
}
