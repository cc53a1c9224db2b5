import type { Highs, HighsCallbackMap, ModelData, ModelStatusCode } from "highs";
import type { MathProgram } from "../model/program.js";
import type { Solution, SolveProgress, SolveStatus } from "./types.js";

/**
 * One solve on a loaded HiGHS runtime, shared by the in-process adapter and its worker.
 * The program goes in as CSR arrays through the persistent model API (no LP text); the model is disposed in
 * `finally` because garbage collection does not free WebAssembly memory.
 */

export interface RunControls {
  timeLimitSeconds?: number;
  mipRelGap?: number;
  /** polled from HiGHS' interrupt callbacks; true stops the solve with the incumbent so far */
  shouldStop?: () => boolean;
  onProgress?: (p: SolveProgress) => void;
  /** a point to start a MIP's search from (HiGHS checks it; an infeasible one is ignored) */
  start?: Float64Array;
}

export function toModelData(highs: Highs, program: MathProgram): ModelData {
  return {
    numCols: program.numCols,
    numRows: program.numRows,
    sense:
      program.sense === "maximize"
        ? highs.constants.objectiveSense.maximize
        : highs.constants.objectiveSense.minimize,
    offset: program.objectiveOffset,
    colCost: program.colCost,
    colLower: program.colLower,
    colUpper: program.colUpper,
    rowLower: program.rowLower,
    rowUpper: program.rowUpper,
    matrix: {
      format: "csr",
      numRows: program.numRows,
      numCols: program.numCols,
      starts: program.rowStart,
      indices: program.colIndex,
      values: program.value,
    },
    integrality: Int32Array.from(program.integrality),
  };
}

const isMip = (program: MathProgram) => program.integrality.some((v) => v !== 0);

/**
 * RINS and RENS solve sub-MIPs at the root to find incumbents, and the feasibility jump looks for one before
 * the first LP. On small MIPs the search proves the optimum in a few nodes anyway and these heuristics cost more
 * than they save: off below this many free integer columns (integer columns whose bounds differ; the Alfa
 * options, 39–59: RINS and RENS off halved their solves, the feasibility jump off took another fifth off them,
 * with the same optima; at 365, the `10k` car-group network, the sub-MIPs find the better incumbents;
 * docs/benchmarks.md). Search settings only: the optimum and its proof do not change.
 */
export const SUB_MIP_HEURISTICS_MIN_INTEGERS = 300;

/**
 * The root reduced-cost heuristic (a sub-MIP over the columns the root LP's reduced costs leave free) is off
 * below this many free integer columns: on the Alfa options (39–59) it took a fifth of each solve for
 * incumbents the search finds in a node or two more, on random mid-size scenarios (up to 71) a third; on
 * `check` (97) it saves nodes (278 → 15) and more than half the time (docs/benchmarks.md, "Search settings").
 */
export const ROOT_REDUCED_COST_MIN_INTEGERS = 80;

/** Integer columns whose bounds differ: what the search has to decide (fixed ones presolve away). */
export function freeIntegerColumns(program: MathProgram): number {
  let integers = 0;
  for (let j = 0; j < program.numCols; j++)
    if (program.integrality[j] !== 0 && program.colUpper[j]! > program.colLower[j]!) integers++;
  return integers;
}

/** HiGHS options for this program's search (besides the gap, the time limit and the log). */
export function searchOptions(program: MathProgram): Record<string, boolean> {
  const integers = freeIntegerColumns(program);
  return {
    ...(integers < SUB_MIP_HEURISTICS_MIN_INTEGERS
      ? {
          mip_heuristic_run_rins: false,
          mip_heuristic_run_rens: false,
          mip_heuristic_run_feasibility_jump: false,
        }
      : {}),
    ...(integers < ROOT_REDUCED_COST_MIN_INTEGERS ? { mip_heuristic_run_root_reduced_cost: false } : {}),
  };
}

export function runHighs(highs: Highs, program: MathProgram, controls: RunControls = {}): Solution {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  if (program.numCols === 0) {
    // HiGHS answers "empty" without checking the rows: with no columns every row's activity is 0, so the
    // model is feasible exactly when 0 lies within every row's bounds (e.g. a must-build row 0 >= 1 is not)
    const feasible = program.rowLower.every((lower, i) => lower <= 1e-9 && program.rowUpper[i]! >= -1e-9);
    return {
      status: feasible ? "optimal" : "infeasible",
      objective: program.objectiveOffset,
      x: new Float64Array(0),
      solver: "highs",
      seconds: 0,
    };
  }
  const model = highs.createModel(toModelData(highs, program));
  try {
    model.options.set({
      output_flag: false,
      mip_rel_gap: controls.mipRelGap ?? 1e-4,
      ...searchOptions(program),
    });
    if (controls.timeLimitSeconds !== undefined) model.options.set("time_limit", controls.timeLimitSeconds);
    if (controls.start && isMip(program)) model.setSolution({ colValue: controls.start });
    let status = model.run(callbacks(highs, controls, seconds)).modelStatus;
    if (status === highs.constants.modelStatus.unboundedOrInfeasible) {
      // presolve could not tell which; solving without it can
      model.options.set("presolve", "off");
      status = model.run(callbacks(highs, controls, seconds)).modelStatus;
    }
    const mip = isMip(program);
    const hasPrimal = Number(model.info.get("primal_solution_status")) === 2;
    const solution = hasPrimal ? model.getSolution() : undefined;
    const result: Solution = {
      status: mapStatus(highs, status),
      objective: hasPrimal ? model.getObjectiveValue() : Number.NaN,
      x: solution ? solution.colValue : new Float64Array(0),
      solver: "highs",
      seconds: seconds(),
    };
    if (mip) {
      result.bound = Number(model.info.get("mip_dual_bound"));
      result.gap = Number(model.info.get("mip_gap"));
    } else if (solution && Number(model.info.get("dual_solution_status")) === 2) {
      result.rowDuals = solution.rowDual;
    }
    if (result.status === "error")
      result.message = `HiGHS stopped with model status ${statusName(highs, status)}`;
    return result;
  } finally {
    model.dispose();
  }
}

function callbacks(highs: Highs, controls: RunControls, seconds: () => number): HighsCallbackMap {
  const map: { -readonly [K in keyof HighsCallbackMap]: HighsCallbackMap[K] } = {};
  const { shouldStop, onProgress } = controls;
  const type = highs.constants.callbackType;
  if (shouldStop) {
    map[type.mipInterrupt] = (event) => {
      if (shouldStop()) event.interrupt();
    };
    map[type.simplexInterrupt] = (event) => {
      if (shouldStop()) event.interrupt();
    };
    map[type.ipmInterrupt] = (event) => {
      if (shouldStop()) event.interrupt();
    };
  }
  if (onProgress) {
    let lastGap = Number.NaN;
    let lastIncumbent = Number.NaN;
    map[type.mipLogging] = (event) => {
      const { mip_primal_bound: incumbent, mip_dual_bound: bound, mip_gap: gap } = event.data;
      // report changes only: the logging channel fires on every log line
      if (gap === lastGap && incumbent === lastIncumbent) return;
      lastGap = gap ?? Number.NaN;
      lastIncumbent = incumbent ?? Number.NaN;
      onProgress(progress(seconds(), incumbent, bound, gap));
    };
    map[type.mipImprovingSolution] = (event) => {
      const { objective_function_value: incumbent, mip_dual_bound: bound, mip_gap: gap } = event.data;
      onProgress(progress(seconds(), incumbent, bound, gap));
    };
  }
  return map;
}

function progress(elapsedSeconds: number, incumbent?: number, bound?: number, gap?: number): SolveProgress {
  const p: SolveProgress = { elapsedSeconds };
  if (incumbent !== undefined && Number.isFinite(incumbent)) p.incumbent = incumbent;
  if (bound !== undefined && Number.isFinite(bound)) p.bound = bound;
  if (gap !== undefined && Number.isFinite(gap)) p.gap = gap;
  return p;
}

function mapStatus(highs: Highs, status: ModelStatusCode): SolveStatus {
  const s = highs.constants.modelStatus;
  switch (status) {
    case s.optimal:
      return "optimal";
    case s.infeasible:
    case s.unboundedOrInfeasible:
      return "infeasible";
    case s.unbounded:
      return "unbounded";
    case s.timeLimit:
    case s.iterationLimit:
    case s.solutionLimit:
    case s.objectiveBound:
    case s.objectiveTarget:
      return "time-limit";
    case s.interrupted:
      return "cancelled";
    default:
      return "error";
  }
}

function statusName(highs: Highs, status: ModelStatusCode): string {
  const entry = Object.entries(highs.constants.modelStatus).find(([, code]) => code === status);
  return entry ? `${entry[0]} (${status})` : String(status);
}
