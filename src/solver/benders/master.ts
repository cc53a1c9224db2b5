import type { Highs, HighsCallbackMap } from "highs";
import type { MathProgram } from "../../model/program.js";
import type { Split } from "./split.js";
import { askWorker, startModuleWorker, stopWorker } from "../worker-thread.js";
import { type Cut, cutValue } from "./subproblem.js";

type Model = ReturnType<Highs["createModel"]>;

/** improving points of one master solve that are checked by the subproblems too (the last ones found) */
const MAX_FOUND = 8;
/** for a solve without a time limit (HiGHS' option takes finite numbers only): more than any solve takes */
const NO_TIME_LIMIT = 1e20;
/** an optimality cut this far (relative) above θ at the point is slack there */
const CUT_SLACK = 1e-7;
/** integer master columns within this of an integer are read as that integer */
const INTEGRALITY_SNAP = 1e-5;

export interface MasterControls {
  timeLimitSeconds: number;
  mipRelGap: number;
  shouldStop?: () => boolean;
  presolve?: boolean;
}

export interface MasterResult {
  status: "optimal" | "infeasible" | "stopped" | "error";
  /** what went wrong, for "error" from a crash */
  message?: string;
  /** master point in program positions (sub columns 0) and the θ of each year part, when there is one */
  x?: Float64Array;
  theta?: Float64Array;
  /** objective of the point (maximise sign × cost, without offset) */
  objective: number;
  /** proven upper bound of the master (maximise sign × cost) */
  bound: number;
  /** the improving points HiGHS found on its way (program positions, and their θ), best last */
  found: { x: Float64Array; theta: Float64Array }[];
}

/**
 * The Benders master, a persistent HiGHS model kept across iterations: the program's own columns except flows
 * and unmet demand, one θ per year part bounding that year's flow profit from above, the program's rows
 * without flows, the capacity rows projected onto the master (capacity with no flow must still hold the
 * reserved volume), and the cuts as they come. It maximises sign × cost, so every bound reads the same way.
 */
export class Master {
  private readonly model: Model;
  /** master position of each program column, -1 for subproblem columns */
  private readonly position: Int32Array;
  private readonly columns: Int32Array;
  private readonly integer: Int32Array;
  readonly thetaFirst: number;
  private readonly numParts: number;
  readonly numCuts = { optimality: 0, feasibility: 0 };
  private integral = false;
  /** the current bounds of the master's program columns (explanations and heuristics change them) */
  private readonly colLower: Float64Array;
  private readonly colUpper: Float64Array;
  /** θ of each part is stored divided by this power of ten */
  private readonly thetaScale: number[] = [];
  /** rows before the first cut */
  private readonly baseRows: number;
  /** the program's own rows, the first of the base rows */
  private readonly programRows: Int32Array;
  /** the row duals of the last solve when it was an optimal LP */
  private lpDuals: Float64Array | undefined;
  /** the cuts in the master, in row order after the base rows, with the key they were added under */
  private cutRows: { cut: Cut; part: number; key: string }[] = [];
  /** why the HiGHS model stopped working (e.g. `Aborted()`: its WebAssembly memory ran out), once it has */
  private failure: string | undefined;

  constructor(
    private readonly highs: Highs,
    private readonly program: MathProgram,
    split: Split,
  ) {
    const { isSub, sign } = split;
    const columns: number[] = [];
    this.position = new Int32Array(program.numCols).fill(-1);
    for (let j = 0; j < program.numCols; j++) {
      if (isSub[j]) continue;
      this.position[j] = columns.length;
      columns.push(j);
    }
    this.columns = Int32Array.from(columns);
    this.colLower = Float64Array.from(columns, (j) => program.colLower[j]!);
    this.colUpper = Float64Array.from(columns, (j) => program.colUpper[j]!);
    this.thetaFirst = columns.length;
    this.numParts = split.years.length;
    const numCols = columns.length + split.years.length;
    const colCost = new Float64Array(numCols);
    const colLower = new Float64Array(numCols);
    const colUpper = new Float64Array(numCols);
    this.integer = new Int32Array(numCols);
    columns.forEach((j, c) => {
      colCost[c] = sign * program.colCost[j]!;
      colLower[c] = program.colLower[j]!;
      colUpper[c] = program.colUpper[j]!;
      this.integer[c] = program.integrality[j]!;
    });
    split.years.forEach((part, k) => {
      // the year's profit lies between taking every loss and every gain at its bound
      let low = 0;
      let high = 0;
      part.cost.forEach((c, i) => {
        if (c > 0) high += c * part.upper[i]!;
        else low += c * part.upper[i]!;
      });
      // θ in units of `scale`, so that its cuts have moderate coefficients: unscaled, a cut of 1e9 money against
      // HiGHS' absolute feasibility tolerance made its MIP return a wrong optimum (random mid-size seed 12)
      const scale = powerOfTen(Math.max(Math.abs(low), Math.abs(high)) / 1e4);
      this.thetaScale.push(scale);
      colCost[this.thetaFirst + k] = scale;
      colLower[this.thetaFirst + k] = low / scale;
      colUpper[this.thetaFirst + k] = high / scale;
    });
    const starts = [0];
    const indices: number[] = [];
    const values: number[] = [];
    const rowLower: number[] = [];
    const rowUpper: number[] = [];
    for (const r of split.masterRows) {
      for (let k = program.rowStart[r]!; k < program.rowStart[r + 1]!; k++) {
        indices.push(this.position[program.colIndex[k]!]!);
        values.push(program.value[k]!);
      }
      starts.push(indices.length);
      rowLower.push(program.rowLower[r]!);
      rowUpper.push(program.rowUpper[r]!);
    }
    // a row whose flows all enter with a non-negative sign, at a finite upper bound, must hold with no flow
    // (not the per-flow bound rows: with no flow they say only 0 ≤ ub·a)
    for (const part of split.years) {
      const boundRow = new Uint8Array(part.rows.length);
      for (const i of part.linkRow) if (i >= 0) boundRow[i] = 1;
      for (const i of part.shiftRow) if (i >= 0) boundRow[i] = 1;
      for (let i = 0; i < part.rows.length; i++) {
        const upper = part.rowUpper[i]!;
        if (!Number.isFinite(upper) || part.masterStart[i] === part.masterStart[i + 1]) continue;
        let allNonNegative = true;
        for (let k = part.start[i]!; k < part.start[i + 1]!; k++)
          if (part.value[k]! < 0) allNonNegative = false;
        if (!allNonNegative || boundRow[i]) continue;
        for (let k = part.masterStart[i]!; k < part.masterStart[i + 1]!; k++) {
          indices.push(this.position[part.masterCol[k]!]!);
          values.push(part.masterValue[k]!);
        }
        starts.push(indices.length);
        rowLower.push(Number.NEGATIVE_INFINITY);
        rowUpper.push(upper);
      }
    }
    // demand that must be served (no unmet column) needs that much capacity in its year
    for (const { coverage } of split.years) {
      if (!coverage) continue;
      coverage.cols.forEach((j, k) => {
        indices.push(this.position[j]!);
        values.push(coverage.coef[k]!);
      });
      starts.push(indices.length);
      rowLower.push(Number.NEGATIVE_INFINITY);
      rowUpper.push(coverage.upper);
    }
    this.baseRows = rowLower.length;
    this.programRows = split.masterRows;
    this.model = highs.createModel({
      numCols,
      numRows: rowLower.length,
      sense: highs.constants.objectiveSense.maximize,
      offset: 0,
      colCost,
      colLower,
      colUpper,
      rowLower: Float64Array.from(rowLower),
      rowUpper: Float64Array.from(rowUpper),
      matrix: {
        format: "csr",
        numRows: rowLower.length,
        numCols,
        starts: Int32Array.from(starts),
        indices: Int32Array.from(indices),
        values: Float64Array.from(values),
      },
      integrality: new Int32Array(numCols),
    });
    // presolve off: before θ was scaled, HiGHS' presolve on a master with cuts returned a wrong optimum (random
    // mid-size seed 54: "optimal" below a feasible point of the same master); kept off until measured safe
    this.model.options.set({ output_flag: false, presolve: "off" });
  }

  addCut(cut: Cut, part: number, key: string): void {
    this.cutRows.push({ cut, part, key });
    const indices: number[] = [];
    const values: number[] = [];
    let largest = 0;
    for (const c of cut.coef) largest = Math.max(largest, Math.abs(c));
    // an optimality cut in θ's units; a feasibility cut with its largest coefficient near 1
    const scale = cut.feasibility ? powerOfTen(largest) : this.thetaScale[part]!;
    if (!cut.feasibility) {
      indices.push(this.thetaFirst + part);
      values.push(1);
    }
    cut.cols.forEach((j, k) => {
      indices.push(this.position[j]!);
      values.push(-cut.coef[k]! / scale);
    });
    this.call(() => this.model.addRow(Number.NEGATIVE_INFINITY, cut.constant / scale, { indices, values }));
    if (cut.feasibility) this.numCuts.feasibility++;
    else this.numCuts.optimality++;
  }

  /**
   * Removes the optimality cuts that are slack at a master point (the last LP optimum) and returns their keys: a
   * cut that does not bind there leaves that point optimal without it, so the LP bound stays, and the master
   * gets smaller (on `1m` the ~1,500 cuts of a 300-s LP phase made the master MILP run out of HiGHS-WASM's
   * 2 GiB). A removed cut is valid still; if a later point violates it, it is added again. The last LP's duals
   * stay, without the removed rows: a row slack at the optimum has a zero dual, so `multipliers` is unchanged.
   */
  removeSlackCuts(x: Float64Array, theta: Float64Array): string[] {
    const mask = new Uint8Array(this.baseRows + this.cutRows.length);
    const kept: typeof this.cutRows = [];
    const removed: string[] = [];
    this.cutRows.forEach((row, i) => {
      const value = row.cut.feasibility ? undefined : cutValue(row.cut, x);
      if (value !== undefined && value - theta[row.part]! > CUT_SLACK * Math.max(1, Math.abs(value))) {
        mask[this.baseRows + i] = 1;
        removed.push(row.key);
      } else kept.push(row);
    });
    if (removed.length === 0 || !this.call(() => this.model.deleteRows({ kind: "mask", mask }))) return [];
    this.cutRows = kept;
    if (this.lpDuals) this.lpDuals = this.lpDuals.filter((_, i) => !mask[i]);
    return removed;
  }

  /**
   * Multipliers for the program's rows from the last solve, when it was an optimal LP (else undefined): the
   * master's own rows take their duals; a year's rows that span plants take the combination of its optimality
   * cuts' duals of those rows, weighted by the cuts' duals (in θ's units, so that a year's weights add up to one
   * where its θ is not at a bound) — the duals of the whole LP the master and the years make up.
   */
  multipliers(numRows: number): Float64Array | undefined {
    const duals = this.lpDuals;
    if (!duals) return undefined;
    const lambda = new Float64Array(numRows);
    this.programRows.forEach((r, i) => {
      lambda[r] = duals[i]!;
    });
    // the cuts added after that solve (at its end: rows after the duals) have no dual yet
    this.cutRows.slice(0, duals.length - this.baseRows).forEach(({ cut, part }, c) => {
      const weight = duals[this.baseRows + c]! / this.thetaScale[part]!;
      if (cut.feasibility || !cut.spanning || !(weight > 0)) return;
      cut.spanning.rows.forEach((r, k) => {
        lambda[r]! += weight * cut.spanning!.duals[k]!;
      });
    });
    return lambda;
  }

  /** Nonzeros of the cut rows (θ's included). */
  cutNonzeros(): number {
    let total = 0;
    for (const { cut } of this.cutRows) total += cut.cols.length + (cut.feasibility ? 0 : 1);
    return total;
  }

  /** Drops the simplex basis: the next solve starts from the slack basis. */
  resetBasis(): void {
    this.call(() => this.model.setLogicalBasis());
  }

  /** LP relaxation (false) or the MIP (true). */
  setIntegrality(integer: boolean): void {
    this.integral = integer && this.integer.some((v) => v !== 0);
    if (this.integral) {
      const all = { kind: "range", from: 0, to: this.integer.length - 1 } as const;
      this.call(() => this.model.changeColsIntegrality(all, this.integer));
    } else this.call(() => this.model.clearIntegrality());
  }

  /** Holds program columns at the given bounds (e.g. a decision forbidden); returns the bounds to restore. */
  setBounds(cols: number[], lower: number[], upper: number[]): { lower: number[]; upper: number[] } {
    const previous = { lower: cols.map((j) => this.lowerOf(j)), upper: cols.map((j) => this.upperOf(j)) };
    cols.forEach((j, k) => {
      const c = this.position[j]!;
      this.colLower[c] = lower[k]!;
      this.colUpper[c] = upper[k]!;
      this.call(() => this.model.changeColBounds(c, lower[k]!, upper[k]!));
    });
    return previous;
  }

  /** The current bounds of a master column (program position). */
  lowerOf(j: number): number {
    return this.colLower[this.position[j]!]!;
  }
  upperOf(j: number): number {
    return this.colUpper[this.position[j]!]!;
  }

  /**
   * Solves the master (LP or MIP as set) from an optional start point (program positions, θ per part). A crash
   * of HiGHS — `Aborted()` when its WebAssembly memory runs out — is an "error" result with the message, not an
   * exception: the solve that asked keeps its incumbent.
   */
  solve(controls: MasterControls, start?: { x: Float64Array; theta: Float64Array }): MasterResult {
    let result: MasterResult | undefined;
    this.call(() => {
      result = this.run(controls, start);
    });
    return result ?? this.failed();
  }

  /**
   * A call into the HiGHS model (a change or a solve), unless it has failed (a runtime that aborted throws on
   * every call): after a failure, calls are skipped and every solve answers "error" with the first failure's
   * message, so the decomposition ends with its incumbent wherever the crash happened. False when the call did
   * not complete.
   */
  private call(change: () => unknown): boolean {
    if (this.failure !== undefined) return false;
    try {
      change();
      return true;
    } catch (error) {
      this.failure = error instanceof Error ? error.message : String(error);
      return false;
    }
  }

  private run(controls: MasterControls, start?: { x: Float64Array; theta: Float64Array }): MasterResult {
    this.lpDuals = undefined;
    const request = this.request(controls, start);
    return this.interpret(runMasterModel(this.highs, this.model, request, controls.shouldStop));
  }

  /**
   * Solves the master (LP or MIP as set) in a worker thread of its own, so that this thread can do other work
   * meanwhile (the decomposition's local search runs alongside the master MILP). The thread gets a copy of the
   * master as it is now; cuts added meanwhile are not in that solve. Same result as `solve`.
   */
  async solveApart(
    controls: MasterControls,
    start?: { x: Float64Array; theta: Float64Array },
  ): Promise<MasterResult> {
    let model: MasterModelData | undefined;
    this.call(() => {
      model = this.model.getModel("csr");
    });
    if (!model) return this.failed();
    this.lpDuals = undefined;
    const stopFlag = new SharedArrayBuffer(4);
    const poll = setInterval(() => {
      if (controls.shouldStop?.()) Atomics.store(new Int32Array(stopFlag), 0, 1);
    }, 100);
    const worker = startModuleWorker(new URL("./master-worker.js", import.meta.url));
    try {
      const answer = await askWorker<MasterAnswer>(
        worker,
        {
          model,
          run: this.request(controls, start),
          stopFlag,
          // the thread's start-up counts against the time limit
          deadline: Date.now() + controls.timeLimitSeconds * 1000,
        } satisfies MasterRequest,
        "the master-MILP thread",
      );
      return this.interpret(answer.run);
    } catch (error) {
      return { ...this.failed(), message: error instanceof Error ? error.message : String(error) };
    } finally {
      clearInterval(poll);
      await stopWorker(worker);
    }
  }

  private failed(): MasterResult {
    return {
      status: "error",
      message: this.failure,
      objective: Number.NaN,
      bound: Number.POSITIVE_INFINITY,
      found: [],
    };
  }

  /** A run's settings and start point (master positions, θ in its units). */
  private request(
    controls: MasterControls,
    start?: { x: Float64Array; theta: Float64Array },
  ): MasterRunRequest {
    const request: MasterRunRequest = {
      mipRelGap: controls.mipRelGap,
      presolve: controls.presolve === true,
      timeLimitSeconds: controls.timeLimitSeconds,
      integral: this.integral,
      width: this.thetaFirst + this.numParts,
    };
    if (start) {
      const colValue = new Float64Array(this.thetaFirst + start.theta.length);
      this.columns.forEach((j, c) => {
        colValue[c] = start.x[j]!;
      });
      start.theta.forEach((theta, k) => {
        colValue[this.thetaFirst + k] = theta / this.thetaScale[k]!;
      });
      request.start = colValue;
    }
    return request;
  }

  /** A run in program positions and money; keeps an optimal LP's row duals for `multipliers`. */
  private interpret(run: MasterRun): MasterResult {
    if (run.status === "infeasible")
      return { status: "infeasible", objective: Number.NaN, bound: Number.NaN, found: [] };
    const result: MasterResult = {
      status: run.status,
      objective: run.objective,
      bound: run.bound,
      found: run.found.map((values) => ({ x: this.toProgram(values), theta: this.thetaOf(values) })),
    };
    if (run.colValue) {
      result.x = this.toProgram(run.colValue);
      result.theta = this.thetaOf(run.colValue);
    }
    this.lpDuals = run.rowDual;
    return result;
  }

  /** The θ of each part, in money, from a master vector. */
  private thetaOf(values: ArrayLike<number>): Float64Array {
    return Float64Array.from(this.thetaScale, (scale, k) => values[this.thetaFirst + k]! * scale);
  }

  /**
   * A master vector in program positions (subproblem columns 0). In the MIP, integer columns are snapped to
   * their integer: the MIP's values carry its integrality tolerance, and an allocation of 1e-7 would reach the
   * year LPs as a flow bound of a few vehicles' noise.
   */
  private toProgram(values: ArrayLike<number>): Float64Array {
    const x = new Float64Array(this.program.numCols);
    this.columns.forEach((j, c) => {
      const value = values[c]!;
      const whole = Math.round(value);
      x[j] = this.integral && this.integer[c] && Math.abs(value - whole) <= INTEGRALITY_SNAP ? whole : value;
    });
    return x;
  }

  dispose(): void {
    try {
      this.model.dispose();
    } catch {
      // a runtime that aborted has nothing left to free
    }
  }
}

/** The master's data as HiGHS gives it (a copy for another thread). */
export type MasterModelData = ReturnType<Model["getModel"]>;

/** One run of a master model: its settings and start (master positions), wherever it runs. */
export interface MasterRunRequest {
  mipRelGap: number;
  presolve: boolean;
  timeLimitSeconds: number;
  /** the model has integer columns switched on: improving points are collected */
  integral: boolean;
  /** columns of the master (program columns and θ): an improving point of another length is not one */
  width: number;
  start?: Float64Array;
}

/** What one run gave, in master positions and θ's units. */
export interface MasterRun {
  status: "optimal" | "infeasible" | "stopped" | "error";
  objective: number;
  /** proven upper bound (maximisation), +∞ when there is none */
  bound: number;
  colValue?: Float64Array;
  /** the row duals when the run was an LP solved to optimality */
  rowDual?: Float64Array;
  /** the last improving points of a MIP, best last */
  found: Float64Array[];
}

/** A master request to a worker thread (master-worker.ts) and its answer. */
export interface MasterRequest {
  model: MasterModelData;
  run: MasterRunRequest;
  /** Int32Array over it: [0] = 1 asks the run to stop */
  stopFlag: SharedArrayBuffer;
  /** when the run's time ends (Date.now() milliseconds; infinite for none) */
  deadline: number;
}
export type MasterAnswer = { type: "done"; run: MasterRun } | { type: "failed"; message: string };

/** Runs a master model once (in this thread or in a worker thread: the same code). */
export function runMasterModel(
  highs: Highs,
  model: Model,
  request: MasterRunRequest,
  shouldStop?: () => boolean,
): MasterRun {
  model.options.set({ mip_rel_gap: request.mipRelGap, presolve: request.presolve ? "on" : "off" });
  // HiGHS compares its time limit with the run time summed over every run of the model (until HiGHS 2.0):
  // without the reset, later master solves stopped early (on `oem` the LP phase ended at 19 s of its 30)
  model.zeroAllClocks();
  model.options.set(
    "time_limit",
    Number.isFinite(request.timeLimitSeconds) ? Math.max(request.timeLimitSeconds, 0.01) : NO_TIME_LIMIT,
  );
  if (request.start) model.setSolution({ colValue: request.start });
  const callbacks: { -readonly [K in keyof HighsCallbackMap]: HighsCallbackMap[K] } = {};
  const found: Float64Array[] = [];
  if (request.integral) {
    callbacks[highs.constants.callbackType.mipImprovingSolution] = (event) => {
      const values = event.data.mip_solution;
      if (values && values.length === request.width) found.push(Float64Array.from(values));
    };
  }
  if (shouldStop) {
    const type = highs.constants.callbackType;
    for (const kind of [type.mipInterrupt, type.simplexInterrupt, type.ipmInterrupt] as const)
      callbacks[kind] = (event: { interrupt(): void }) => {
        if (shouldStop()) event.interrupt();
      };
  }
  const status = model.run(callbacks).modelStatus;
  const codes = highs.constants.modelStatus;
  if (status === codes.infeasible)
    return { status: "infeasible", objective: Number.NaN, bound: Number.NaN, found: [] };
  const hasPrimal = Number(model.info.get("primal_solution_status")) === 2;
  const objective = hasPrimal ? model.getObjectiveValue() : Number.NaN;
  const bound = request.integral
    ? Number(model.info.get("mip_dual_bound"))
    : status === codes.optimal
      ? objective
      : Number.POSITIVE_INFINITY;
  const run: MasterRun = {
    status:
      status === codes.optimal
        ? "optimal"
        : status === codes.timeLimit || status === codes.interrupted
          ? "stopped"
          : "error",
    objective,
    bound: Number.isFinite(bound) ? bound : Number.POSITIVE_INFINITY,
    found: found.slice(-MAX_FOUND),
  };
  if (hasPrimal) {
    const solution = model.getSolution();
    run.colValue = Float64Array.from(solution.colValue);
    if (!request.integral && status === codes.optimal && Number(model.info.get("dual_solution_status")) === 2)
      run.rowDual = Float64Array.from(solution.rowDual);
  }
  return run;
}

/** The power of ten at or below `x` (1 for x ≤ 1). */
function powerOfTen(x: number): number {
  return x > 1 ? 10 ** Math.floor(Math.log10(x)) : 1;
}
