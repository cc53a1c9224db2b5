import type { BuiltModel } from "../src/model/build.js";
import { type BendersOptions, solveByBenders } from "../src/solver/benders/benders.js";
import type { Solution } from "../src/solver/types.js";

/**
 * One decomposition run for the benches that compare its variants (bench/formulation.ts, bench/year-threads.ts):
 * gap 0.5 % asked, to the time limit, timed from `started` (the caller's model build included), with the time
 * of the first plan; and the table row they print.
 */

export interface DecompositionRun {
  solution: Solution;
  /** seconds from `started` to the first plan (NaN: none) */
  firstPlan: number;
  seconds: number;
}

export const DECOMPOSITION_HEADER = [
  "| variant | status | best plan | bound | gap | first plan at | s | LP rounds | cuts |",
  "|---|---|--:|--:|--:|--:|--:|--:|--:|",
].join("\n");

export async function runDecomposition(
  built: BuiltModel,
  started: number,
  options: BendersOptions,
): Promise<DecompositionRun> {
  const since = () => (performance.now() - started) / 1000;
  let firstPlan = Number.NaN;
  const solution = await solveByBenders(built, {
    mipRelGap: 0.005,
    ...options,
    onProgress: (p) => {
      if (p.incumbent !== undefined && Number.isNaN(firstPlan)) firstPlan = since();
    },
  });
  return { solution, firstPlan, seconds: since() };
}

export function decompositionRow(
  variant: string,
  { solution, firstPlan, seconds }: DecompositionRun,
): string {
  const stats = solution.decomposition;
  const gap = ((solution.gap ?? Number.NaN) * 100).toFixed(2);
  return `| ${variant} | ${solution.status} | ${solution.objective.toExponential(5)} | ${solution.bound?.toExponential(5)} | ${gap} % | ${firstPlan.toFixed(1)} s | ${seconds.toFixed(1)} | ${stats?.lpIterations ?? "–"} | ${stats?.optimalityCuts ?? "–"} |`;
}
