import type { Highs } from "highs";
import { NetworkSimplexStalled } from "../network-simplex.js";
import type { YearPart } from "./split.js";
import { YearNetwork } from "./year-network.js";

/**
 * A Benders cut on the master's columns (program positions):
 * optimality: θ_t ≤ constant + Σ coef·x; feasibility: 0 ≤ constant + Σ coef·x.
 * Both come from a dual-feasible point of the year's subproblem, so weak duality makes them valid for every
 * master point, whatever the dual's origin or accuracy (docs/model.md, "Why it is exact").
 */
export interface Cut {
  t: number;
  feasibility: boolean;
  constant: number;
  cols: Int32Array;
  coef: Float64Array;
  /** an optimality cut's duals of the year's rows that span plants (program rows, nonzero duals only) */
  spanning?: { rows: Int32Array; duals: Float64Array };
}

export interface YearResult {
  feasible: boolean;
  /** the subproblem's optimum (maximise sign × cost) when feasible */
  value: number;
  /** the year's column values when feasible */
  y: Float64Array;
  cut: Cut;
}

type Model = ReturnType<Highs["createModel"]>;
/** the LP's row bounds (per LP row) and flow bounds at a master point */
type Bounds = { lower: Float64Array; upper: Float64Array; colUpper: Float64Array };
/**
 * Pareto-optimal duals: the point's bounds move this far (relative, times the core point's) towards the core's.
 * cap91 and cap134 proven in 4.1 and 2.6 s against 11.1 and 5.4 s with HiGHS' LP duals, cap131 and cap133 in
 * 23.3 and 13.7 s where those prove neither in 120 s (docs/benchmarks.md, "2026-12-03 (fifth session)").
 */
const PARETO_STEP = 1e-6;
/** a year solved at a point: its optimum, its flows, its rows' duals in part positions, and their cut if made */
type Solved = { value: number; y: Float64Array; pi: Float64Array; cut?: Cut };

/**
 * One year's flow subproblem, kept as a persistent HiGHS LP so that each master point only changes its bounds
 * and the simplex restarts from the last basis. The per-flow rows x ≤ ub·a (linking) and x ≤ U·n (flow needs
 * shift) hold one flow each: the LP takes the tighter of them at the master point as that flow's column bound
 * (a third of the rows it would otherwise carry), and the cut charges the flow's reduced profit to that row as
 * if it were a row of the LP. Given a core point, where the LP is a network (year-network.ts: the shape the model
 * builds), a network simplex solves it instead, warm-started from its last tree, and its potentials give the
 * duals (Pareto-optimal ones, paretoCut); the HiGHS LP is then made only if the network's simplex stalls. An
 * infeasible point is answered by a phase-1 LP
 * (every row elastic, violation minimised) whose duals give the feasibility cut.
 */
export class YearSubproblem {
  private model: Model | undefined;
  private phaseOne: Model | undefined;
  private readonly network: YearNetwork | undefined;
  /** the year's bounds at the core point, and room for the bounds moved towards them (paretoCut) */
  private readonly towardsCore: { core: Bounds; moved: Bounds } | undefined;
  /** the part's rows that stay rows of the LP (all but the per-flow linking rows), in part positions */
  private readonly lpRows: Int32Array;
  private readonly lower: Float64Array;
  private readonly upper: Float64Array;
  private readonly colUpper: Float64Array;
  private readonly scratch: Float64Array;
  /** per column: the per-flow row its reduced profit is charged to (the one binding at the last point), or -1 */
  private readonly chargeRow: Int32Array;
  private readonly chargeCoef: Float64Array;

  constructor(
    private readonly highs: Highs,
    readonly part: YearPart,
    numProgramCols: number,
    /**
     * a core point (program positions): the year by the network simplex where it is a network (year-network.ts),
     * with Pareto-optimal duals at that point (paretoCut); without, HiGHS' LP
     */
    core?: Float64Array,
  ) {
    this.lpRows = rowsKeptInLp(part);
    this.network = core ? YearNetwork.of(part, this.lpRows) : undefined;
    this.lower = new Float64Array(this.lpRows.length);
    this.upper = new Float64Array(this.lpRows.length);
    this.colUpper = new Float64Array(part.cols.length);
    this.scratch = new Float64Array(numProgramCols);
    // until a point is solved: the allocation's row where there is one, as before there were shift rows
    this.chargeRow = Int32Array.from(part.linkRow);
    this.chargeCoef = Float64Array.from(part.linkCoef);
    if (this.network && core) {
      const bounds = () => ({
        lower: new Float64Array(this.lpRows.length),
        upper: new Float64Array(this.lpRows.length),
        colUpper: new Float64Array(part.cols.length),
      });
      this.towardsCore = { core: bounds(), moved: bounds() };
      const { lower, upper, colUpper } = this.towardsCore.core;
      this.boundsAt(core, lower, upper, colUpper, false);
    }
  }

  /** whether the year's LP is solved by the network simplex (it has the shape year-network.ts takes) */
  get solvedByNetwork(): boolean {
    return this.network !== undefined;
  }

  /**
   * Solves the year at the master point `x` (program positions) and returns the cut of its dual; `core`, where
   * given, replaces the core point of the Pareto-optimal cuts from here on.
   */
  solve(x: Float64Array, core?: Float64Array): YearResult {
    const { part, lpRows } = this;
    if (core && this.towardsCore) {
      const { lower, upper, colUpper } = this.towardsCore.core;
      this.boundsAt(core, lower, upper, colUpper, false);
    }
    this.boundsAt(x, this.lower, this.upper, this.colUpper, true);
    const solved = this.solveNetwork(x) ?? this.solveLp();
    if (solved !== "infeasible") {
      return {
        feasible: true,
        value: solved.value,
        y: solved.y,
        cut: solved.cut ?? this.cutOf(solved.pi, part.cost, false),
      };
    }
    this.phaseOne ??= createLp(this.highs, part, lpRows, new Float64Array(part.cols.length), true);
    if (solveLp(this.highs, this.phaseOne, this.lower, this.upper, this.colUpper) !== "optimal")
      throw new Error(`the phase-1 LP of year ${part.t} did not solve`);
    const duals = this.partDuals(this.phaseOne.getSolution().rowDual);
    const cut = this.cutOf(duals, new Float64Array(part.cols.length), true);
    return { feasible: false, value: Number.NEGATIVE_INFINITY, y: new Float64Array(0), cut };
  }

  /**
   * The LP's row bounds and column bounds at master point `x`; with `charge`, each column's charge row too (the
   * per-flow row that bounds it there, -1 for its own bound).
   */
  private boundsAt(
    x: Float64Array,
    lower: Float64Array,
    upper: Float64Array,
    colUpper: Float64Array,
    charge: boolean,
  ): void {
    const { part } = this;
    const shiftOf = (i: number) => {
      let shift = 0;
      for (let k = part.masterStart[i]!; k < part.masterStart[i + 1]!; k++)
        shift += part.masterValue[k]! * x[part.masterCol[k]!]!;
      return shift;
    };
    this.lpRows.forEach((i, r) => {
      const shift = shiftOf(i);
      lower[r] = part.rowLower[i]! - shift;
      upper[r] = part.rowUpper[i]! - shift;
    });
    for (let c = 0; c < part.cols.length; c++) {
      // the tightest of the column's own bound and its per-flow rows, and the row to charge (-1: the bound)
      let bound = part.upper[c]!;
      let row = -1;
      let coef = 0;
      const link = part.linkRow[c]!;
      if (link >= 0) {
        // ub·a ≤ ub: the allocation's row is charged even at a = 1, as before there were shift rows
        bound = Math.min(bound, (part.rowUpper[link]! - shiftOf(link)) / part.linkCoef[c]!);
        row = link;
        coef = part.linkCoef[c]!;
      }
      const shift = part.shiftRow[c]!;
      if (shift >= 0) {
        const byShifts = (part.rowUpper[shift]! - shiftOf(shift)) / part.shiftCoef[c]!;
        if (byShifts < bound) {
          bound = byShifts;
          row = shift;
          coef = part.shiftCoef[c]!;
        }
      }
      if (charge) {
        this.chargeRow[c] = row;
        if (row >= 0) this.chargeCoef[c] = coef;
      }
      // a tiny negative bound is an allocation or a shift at 0 read with rounding noise
      colUpper[c] = Math.max(0, bound);
    }
  }

  /** The year by the network simplex at the bounds of the point: undefined where it is no network or stalled. */
  private solveNetwork(x: Float64Array): Solved | "infeasible" | undefined {
    if (!this.network) return undefined;
    try {
      const exact = this.network.solve(this.lower, this.upper, this.colUpper);
      if (!exact) return "infeasible";
      const cut = this.paretoCut(x, exact);
      return cut ? { ...exact, cut } : exact;
    } catch (error) {
      if (!(error instanceof NetworkSimplexStalled)) throw error;
      return undefined; // stalled on degenerate pivots (never seen): this point goes to the LP
    }
  }

  /**
   * The cut of duals optimal at the point and, among those, best at the core point — a Pareto-optimal cut
   * (Magnanti and Wong) — found as the optimal duals of the year at the point's bounds moved a little towards the
   * core's (Sherali and Lunday's perturbation; the network's greatest potentials there). Undefined unless the cut
   * is tight at the point, which a small enough move guarantees in exact arithmetic (then the point's own duals
   * make the cut).
   */
  private paretoCut(x: Float64Array, exact: Solved): Cut | undefined {
    const towards = this.towardsCore;
    if (!towards) return undefined;
    const moved = (atPoint: number, atCore: number) =>
      Number.isFinite(atPoint) ? atPoint + PARETO_STEP * atCore : atPoint;
    const { lower, upper, colUpper } = towards.moved;
    for (let r = 0; r < lower.length; r++) {
      lower[r] = moved(this.lower[r]!, towards.core.lower[r]!);
      upper[r] = moved(this.upper[r]!, towards.core.upper[r]!);
    }
    for (let c = 0; c < colUpper.length; c++)
      colUpper[c] = moved(this.colUpper[c]!, towards.core.colUpper[c]!);
    const perturbed = this.network!.solve(lower, upper, colUpper);
    if (!perturbed) return undefined;
    const cut = this.cutOf(perturbed.pi, this.part.cost, false);
    const slack = Math.abs(cutValue(cut, x) - exact.value);
    return slack <= 1e-9 * Math.max(1, Math.abs(exact.value)) ? cut : undefined;
  }

  /** The year by HiGHS' simplex at the bounds of the point, from its last basis. */
  private solveLp(): Solved | "infeasible" {
    this.model ??= createLp(this.highs, this.part, this.lpRows, this.part.cost, false);
    if (solveLp(this.highs, this.model, this.lower, this.upper, this.colUpper) === "infeasible")
      return "infeasible";
    const solution = this.model.getSolution();
    return {
      value: this.model.getObjectiveValue(),
      y: Float64Array.from(solution.colValue),
      pi: this.partDuals(solution.rowDual),
    };
  }

  /** The LP's row duals in part positions (the linking rows, bounds in the LP, get theirs in cutOf). */
  private partDuals(lpDuals: ArrayLike<number>): Float64Array {
    const pi = new Float64Array(this.part.rows.length);
    this.lpRows.forEach((i, r) => {
      pi[i] = lpDuals[r]!;
    });
    return pi;
  }

  /**
   * The cut of row duals `pi` for the objective `cost`: duals of the wrong sign for a row's finite bounds are
   * dropped, then every column's remaining reduced profit goes to the per-flow row that bounded it at the last
   * master point (its allocation or its plant's shifts: the tight choice there) or else to its upper bound. The
   * result is dual feasible by construction, which is all validity needs.
   */
  cutOf(pi: Float64Array, cost: Float64Array, feasibility: boolean): Cut {
    const part = this.part;
    const rowCount = part.rows.length;
    for (let i = 0; i < rowCount; i++) {
      const d = pi[i]!;
      if ((d > 0 && !Number.isFinite(part.rowUpper[i]!)) || (d < 0 && !Number.isFinite(part.rowLower[i]!)))
        pi[i] = 0;
    }
    const spanning = feasibility ? undefined : spanningDuals(part, pi);
    const reduced = Float64Array.from(cost);
    for (let i = 0; i < rowCount; i++) {
      const d = pi[i]!;
      if (d === 0) continue;
      for (let k = part.start[i]!; k < part.start[i + 1]!; k++)
        reduced[part.local[k]!]! -= part.value[k]! * d;
    }
    let constant = 0;
    for (let c = 0; c < reduced.length; c++) {
      const excess = reduced[c]!;
      if (excess <= 0) continue;
      const row = this.chargeRow[c]!;
      if (row >= 0) pi[row]! += excess / this.chargeCoef[c]!;
      else constant += excess * part.upper[c]!;
    }
    const touched: number[] = [];
    const coefOf = this.scratch;
    for (let i = 0; i < rowCount; i++) {
      const d = pi[i]!;
      if (d === 0) continue;
      constant += d * (d > 0 ? part.rowUpper[i]! : part.rowLower[i]!);
      for (let k = part.masterStart[i]!; k < part.masterStart[i + 1]!; k++) {
        const j = part.masterCol[k]!;
        if (coefOf[j] === 0) touched.push(j);
        coefOf[j]! -= d * part.masterValue[k]!;
      }
    }
    touched.sort((a, b) => a - b);
    const cols: number[] = [];
    const coef: number[] = [];
    for (const j of touched) {
      if (coefOf[j] !== 0) {
        cols.push(j);
        coef.push(coefOf[j]!);
      }
      coefOf[j] = 0;
    }
    const cut: Cut = {
      t: part.t,
      feasibility,
      constant,
      cols: Int32Array.from(cols),
      coef: Float64Array.from(coef),
    };
    if (spanning) cut.spanning = spanning;
    return cut;
  }

  dispose(): void {
    this.model?.dispose();
    this.phaseOne?.dispose();
  }
}

/** The nonzero duals of the part's rows that span plants, in program rows (none when the part marks none). */
function spanningDuals(part: YearPart, pi: Float64Array): Cut["spanning"] {
  if (!part.spanning || part.spanning.length === 0) return undefined;
  const rows: number[] = [];
  const duals: number[] = [];
  for (const i of part.spanning) {
    if (pi[i] === 0) continue;
    rows.push(part.rows[i]!);
    duals.push(pi[i]!);
  }
  return { rows: Int32Array.from(rows), duals: Float64Array.from(duals) };
}

/** The value of a cut at a master point. */
export function cutValue(cut: Cut, x: Float64Array): number {
  let value = cut.constant;
  for (let k = 0; k < cut.cols.length; k++) value += cut.coef[k]! * x[cut.cols[k]!]!;
  return value;
}

/**
 * Whether a cut cuts off a master point: a feasibility cut that the point leaves negative, an optimality cut below
 * the point's θ for its year (no θ: every optimality cut counts), each beyond a relative tolerance of 1e-9.
 */
export function violates(cut: Cut, x: Float64Array, theta: number | undefined): boolean {
  const value = cutValue(cut, x);
  return cut.feasibility
    ? value < -1e-9 * Math.max(1, Math.abs(cut.constant))
    : theta === undefined || theta > value + 1e-9 * Math.max(1, Math.abs(value));
}

/** A cut's identity, by its text: the same cut found at two master points is added once. */
export function cutKey(cut: Cut): string {
  return `${cut.t}|${cut.feasibility}|${cut.constant}|${cut.cols.join(",")}|${cut.coef.join(",")}`;
}

/** The rows of a part the LP keeps: all but the per-flow rows that bound a single flow (those become bounds). */
function rowsKeptInLp(part: YearPart): Int32Array {
  const asBound = new Uint8Array(part.rows.length);
  const mark = (i: number, c: number) => {
    if (i < 0) return;
    const single = part.start[i + 1]! - part.start[i]! === 1 && part.local[part.start[i]!] === c;
    if (single && !Number.isFinite(part.rowLower[i]!)) asBound[i] = 1;
    else throw new Error(`per-flow row ${part.rows[i]} does not bound one flow from above`);
  };
  part.linkRow.forEach(mark);
  part.shiftRow.forEach(mark);
  const kept: number[] = [];
  for (let i = 0; i < part.rows.length; i++) if (!asBound[i]) kept.push(i);
  return Int32Array.from(kept);
}

/**
 * The year's LP over the rows `lpRows` (maximise); with `elastic`, each row also gets a +1 and a -1 slack
 * costing 1 per unit.
 */
function createLp(
  highs: Highs,
  part: YearPart,
  lpRows: Int32Array,
  cost: Float64Array,
  elastic: boolean,
): Model {
  const n = part.cols.length;
  const m = lpRows.length;
  const numCols = elastic ? n + 2 * m : n;
  const colCost = new Float64Array(numCols);
  colCost.set(cost);
  if (elastic) colCost.fill(-1, n);
  const colUpper = new Float64Array(numCols).fill(Number.POSITIVE_INFINITY);
  colUpper.set(part.upper);
  const starts: number[] = [0];
  const indices: number[] = [];
  const values: number[] = [];
  lpRows.forEach((i, r) => {
    for (let k = part.start[i]!; k < part.start[i + 1]!; k++) {
      indices.push(part.local[k]!);
      values.push(part.value[k]!);
    }
    if (elastic) {
      indices.push(n + 2 * r, n + 2 * r + 1);
      values.push(1, -1);
    }
    starts.push(indices.length);
  });
  const model = highs.createModel({
    numCols,
    numRows: m,
    sense: highs.constants.objectiveSense.maximize,
    offset: 0,
    colCost,
    colLower: new Float64Array(numCols),
    colUpper,
    rowLower: Float64Array.from(lpRows, (i) => part.rowLower[i]!),
    rowUpper: Float64Array.from(lpRows, (i) => part.rowUpper[i]!),
    matrix: {
      format: "csr",
      numRows: m,
      numCols,
      starts: Int32Array.from(starts),
      indices: Int32Array.from(indices),
      values: Float64Array.from(values),
    },
    integrality: new Int32Array(numCols),
  });
  model.options.set({ output_flag: false });
  return model;
}

function solveLp(
  highs: Highs,
  model: Model,
  lower: Float64Array,
  upper: Float64Array,
  colUpper: Float64Array,
): "optimal" | "infeasible" {
  if (lower.length > 0)
    model.changeRowsBounds({ kind: "range", from: 0, to: lower.length - 1 }, lower, upper);
  if (colUpper.length > 0)
    model.changeColsBounds(
      { kind: "range", from: 0, to: colUpper.length - 1 },
      new Float64Array(colUpper.length),
      colUpper,
    );
  const codes = highs.constants.modelStatus;
  const verdict = (status: number) =>
    status === codes.optimal ? "optimal" : status === codes.infeasible ? "infeasible" : undefined;
  const status = model.run().modelStatus;
  const first = verdict(status);
  if (first) return first;
  if (status === codes.unboundedOrInfeasible) {
    // without presolve the simplex tells which (a bounded LP cannot be unbounded)
    model.options.set("presolve", "off");
    const again = verdict(model.run().modelStatus);
    model.options.set("presolve", "choose");
    if (again) return again;
  }
  // "unknown": the warm start from the last basis ran into numerical trouble (seen on oem at a master point
  // after many others); the same LP from a fresh basis
  model.setLogicalBasis();
  const fresh = verdict(model.run().modelStatus);
  if (fresh) return fresh;
  throw new Error(`a subproblem LP stopped with model status ${status}`);
}
