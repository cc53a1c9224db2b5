import type { Scenario } from "../domain/scenario.js";
import { buildModel } from "../model/build.js";
import { HighsSolver } from "../solver/highs.js";
import type { SolveOptions, SolverAdapter } from "../solver/types.js";
import { economicsOf } from "./economics.js";
import { explainPlan } from "./explain.js";
import { explainInfeasibility } from "./infeasibility.js";
import { interpretSolution } from "./interpret.js";
import { checkInvariants } from "./invariants.js";
import type { Plan } from "./types.js";

export type PlanOptions = SolveOptions & {
  /** default: HiGHS in this thread */
  solver?: SolverAdapter;
  /** explain each allocation and plant event by re-solving without it (default true; one solve each) */
  explain?: boolean;
};

/**
 * Scenario → Plan: builds the model, solves it, reads the decisions and KPIs back in domain words, explains
 * them and checks the invariants. An infeasible scenario gives a plan with status "infeasible" and the reasons.
 * Options left unset fall back to the scenario's own solver settings.
 */
export async function solveScenario(scenario: Scenario, options: PlanOptions = {}): Promise<Plan> {
  const built = buildModel(scenario);
  const econ = economicsOf(built.inputs);
  const solver = options.solver ?? new HighsSolver();
  const solveOptions = effectiveOptions(scenario, options);
  const solution = await solver.solve(built.program, solveOptions);
  const plan = interpretSolution(scenario, built, solution, econ);

  if (solution.status === "infeasible") {
    plan.infeasibility = await explainInfeasibility(scenario, built, econ, solver, solveOptions);
    return plan;
  }
  if (solution.x.length !== built.program.numCols) return plan;
  plan.invariants = checkInvariants(plan, scenario);
  // an explanation compares two optima: without a proven optimum it would not be true
  if (options.explain !== false && solution.status === "optimal") {
    plan.explanations = await explainPlan(plan, {
      scenario,
      built,
      econ,
      solver,
      options: solveOptions,
    });
  }
  return plan;
}

function effectiveOptions(scenario: Scenario, options: PlanOptions): SolveOptions {
  const { solver: _solver, explain: _explain, ...solveOptions } = options;
  const timeLimitSeconds = options.timeLimitSeconds ?? scenario.solver.timeLimitSeconds;
  const mipRelGap = options.mipRelGap ?? scenario.solver.mipRelGap;
  return {
    ...solveOptions,
    ...(timeLimitSeconds !== undefined ? { timeLimitSeconds } : {}),
    ...(mipRelGap !== undefined ? { mipRelGap } : {}),
  };
}
