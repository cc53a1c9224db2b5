import { SOLVE_METHODS, type Scenario, type SolveMethod } from "../domain/scenario.js";
import { presentCount } from "../model/blocks.js";
import { type BuiltModel, buildModel } from "../model/build.js";
import { BendersEngine } from "../solver/benders/benders.js";
import { HighsSolver } from "../solver/highs.js";
import type { Solution, SolveOptions, SolverAdapter } from "../solver/types.js";
import { economicsOf } from "./economics.js";
import { explainPlan, heldBySolver } from "./explain.js";
import { explainInfeasibility } from "./infeasibility.js";
import { interpretSolution } from "./interpret.js";
import { checkInvariants } from "./invariants.js";
import type { Plan } from "./types.js";

/** How the model is solved: in one piece, by Benders decomposition, or chosen by size (docs/model.md). */
export { SOLVE_METHODS, type SolveMethod };

export type PlanOptions = SolveOptions & {
  /** default: HiGHS in this thread (the monolithic method's solver) */
  solver?: SolverAdapter;
  /** default: the scenario's `solver.method`, else "auto" */
  method?: SolveMethod;
  /** explain each allocation and plant event by re-solving without it (default true; one solve each) */
  explain?: boolean;
  /** check the plan against the scenario (src/plan/invariants.ts; default true — studies check a share of their tasks) */
  invariants?: boolean;
};

/**
 * `auto` decomposes models with at least this many flow columns spread over at least two years (measured in
 * docs/model.md, "Decomposition"); smaller ones solve faster in one piece.
 */
export const AUTO_BENDERS_MIN_FLOWS = 50_000;

/** The method `auto` resolves to for a built model (a given solver means the monolithic method). */
export function chooseMethod(
  built: BuiltModel,
  options: Pick<PlanOptions, "method" | "solver">,
): "monolithic" | "benders" {
  const method = options.method ?? "auto";
  if (method !== "auto") return method;
  if (options.solver) return "monolithic";
  const flows = presentCount(built.variables.x);
  return flows >= AUTO_BENDERS_MIN_FLOWS && built.inputs.numYears >= 2 ? "benders" : "monolithic";
}

/**
 * Scenario → Plan: builds the model, solves it, reads the decisions and KPIs back in domain words, explains
 * them and checks the invariants. An infeasible scenario gives a plan with status "infeasible" and the reasons.
 * Options left unset fall back to the scenario's own solver settings.
 */
export async function solveScenario(scenario: Scenario, options: PlanOptions = {}): Promise<Plan> {
  const started = performance.now();
  const built = buildModel(scenario);
  const solveOptions = effectiveOptions(scenario, options);
  const method = chooseMethod(built, { ...options, method: options.method ?? scenario.solver.method });
  const econ = economicsOf(built.inputs);
  if (method === "benders" && options.solver)
    throw new Error(`the benders method solves with HiGHS; it cannot use the ${options.solver.name} solver`);
  const solver = options.solver ?? new HighsSolver();
  const engine = method === "benders" ? await BendersEngine.create(built) : undefined;
  try {
    const firstSolve = withinTimeLimit(solveOptions, (performance.now() - started) / 1000);
    const solution = engine ? await engine.solve(firstSolve) : await solver.solve(built.program, firstSolve);
    const plan = interpretSolution(scenario, built, solution, econ);

    if (solution.status === "infeasible") {
      plan.infeasibility = await explainInfeasibility(scenario, built, econ, solver, solveOptions);
      return plan;
    }
    if (solution.x.length !== built.program.numCols) return plan;
    if (options.invariants !== false) plan.invariants = checkInvariants(plan, scenario);
    // an explanation compares two optima: without a proven optimum it would not be true
    if (options.explain !== false && solution.status === "optimal") {
      const { onProgress: _quiet, ...quiet } = solveOptions;
      const solveHeld = engine
        ? (columns: number[]): Promise<Solution> => engine.solve(quiet, columns)
        : heldBySolver(built, solver, solveOptions);
      plan.explanations = await explainPlan(plan, { scenario, built, econ, solveHeld });
    }
    return plan;
  } finally {
    await engine?.dispose();
  }
}

/**
 * The time limit covers the whole call: what building the model and setting up the solver took (minutes for
 * the decomposition of a million columns) comes off the solver's own limit. Re-solves for explanations each
 * get the full limit again.
 */
function withinTimeLimit(options: SolveOptions, elapsedSeconds: number): SolveOptions {
  if (options.timeLimitSeconds === undefined) return options;
  return { ...options, timeLimitSeconds: Math.max(options.timeLimitSeconds - elapsedSeconds, 0.01) };
}

function effectiveOptions(scenario: Scenario, options: PlanOptions): SolveOptions {
  const {
    solver: _solver,
    explain: _explain,
    method: _method,
    invariants: _checks,
    ...solveOptions
  } = options;
  const timeLimitSeconds = options.timeLimitSeconds ?? scenario.solver.timeLimitSeconds;
  const mipRelGap = options.mipRelGap ?? scenario.solver.mipRelGap;
  return {
    ...solveOptions,
    ...(timeLimitSeconds !== undefined ? { timeLimitSeconds } : {}),
    ...(mipRelGap !== undefined ? { mipRelGap } : {}),
  };
}
