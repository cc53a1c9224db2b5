import type { MathProgram } from "../model/program.js";

export type SolveStatus = "optimal" | "time-limit" | "infeasible" | "unbounded" | "error" | "cancelled";

export interface SolveOptions {
  timeLimitSeconds?: number;
  /** relative MIP gap; default 1e-4 (HiGHS default); set 1e-9 where an exact optimum is asserted */
  mipRelGap?: number;
  /** called as the solver improves its incumbent or bound */
  onProgress?: (p: SolveProgress) => void;
  /** abort the solve; the best incumbent found so far is returned with status "cancelled" */
  signal?: AbortSignal;
  /**
   * Polled during the solve; true stops it like an aborted signal. For a solve that blocks its thread, where no
   * abort event can arrive: e.g. a flag in shared memory that another thread raises (src/study/stop-flag.ts).
   * HiGHS and the Benders engine poll it.
   */
  shouldStop?: () => boolean;
}

export interface SolveProgress {
  elapsedSeconds: number;
  /** best feasible objective so far (in the program's sense), if any */
  incumbent?: number;
  /** best proven bound */
  bound?: number;
  /** relative gap, 0..1 */
  gap?: number;
}

export interface Solution {
  status: SolveStatus;
  /** objective value including the program's offset */
  objective: number;
  /** column values; empty when no feasible point was found */
  x: Float64Array;
  /** row duals where the solver gives them (LP or fixed MIP) */
  rowDuals?: Float64Array;
  /** the proven bound on the objective (a MIP's dual bound; absent for an LP, whose optimum is its bound) */
  bound?: number;
  gap?: number;
  solver: string;
  seconds: number;
  message?: string;
  /** what a decomposition solver did (absent for the monolithic solvers) */
  decomposition?: DecompositionStats;
}

/** The work of one decomposition solve: master MILP solves, LP-phase rounds and the cuts it added. */
export interface DecompositionStats {
  iterations: number;
  lpIterations: number;
  optimalityCuts: number;
  feasibilityCuts: number;
  /** the local search's steps (each a neighbourhood solved by HiGHS) */
  searchSteps: number;
}

/**
 * how far a bound may lie from its objective, relatively, for the objective to count as the optimum itself: below
 * what the solvers' own tolerances (1e-7 on rows) let an objective be known to
 */
export const OPTIMUM_TOLERANCE = 1e-8;

/**
 * The relative gap a comparison of options asks its solves for: the optimum itself, not the scenario's gap. At the
 * Alfa scenarios' 1e-4, 16 of the demo's 296 sensitivity re-solves ended `optimal` with their bound up to €0.22m
 * above the plan.
 */
export const OPTIMUM_GAP = 1e-9;

/**
 * Whether the solution is the optimum itself, not only a plan within the asked gap: status `optimal` means proven
 * within the relative gap the solve was given (HiGHS' default is 1e-4), so a bound that stops short of the
 * objective leaves the optimum somewhere between them. A solution without a bound is an LP's optimum.
 */
export function isProvenOptimum(solution: Solution): boolean {
  if (solution.status !== "optimal") return false;
  if (solution.bound === undefined) return true;
  const slack = Math.abs(solution.bound - solution.objective);
  return slack <= OPTIMUM_TOLERANCE * Math.max(1, Math.abs(solution.objective));
}

/** How much `a` exceeds `b`, or 0 where they are equal to within OPTIMUM_TOLERANCE (relative to `b`). */
export function excess(a: number, b: number): number {
  return a - b > OPTIMUM_TOLERANCE * Math.max(1, Math.abs(b)) ? a - b : 0;
}

/** A solver adapter: any backend that can take a MathProgram. */
export interface SolverAdapter {
  readonly name: string;
  solve(program: MathProgram, options?: SolveOptions): Promise<Solution>;
}
