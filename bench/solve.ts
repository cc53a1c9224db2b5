import { parseArgs } from "node:util";
import { type PlanOptions, solveScenario } from "../src/plan/solve.js";
import { benchScenario } from "./scenario-of.js";

/**
 * One solve of one instance through the library's public entry point (`solveScenario`, explanations off), in
 * its own process so that its peak memory is its own: the monolithic HiGHS-WASM model, or the decomposition
 * (`method: "benders"`). Prints `RESULT {json}` with the status, the wall time from the call (model build
 * included) to its return, and every (time, incumbent, bound) the solver reported, from which the benchmark
 * reads the time to each gap.
 * Usage: node --import tsx bench/solve.ts --instance oem|cflp:<file> --method monolithic|benders
 *          [--time-limit 60] [--gap 1e-4]
 *        node --import tsx bench/solve.ts --probe   (is the decomposition there? prints RESULT {available})
 */

export interface SolveRun {
  status: string;
  seconds: number;
  objective: number;
  bound?: number;
  gap?: number;
  solverName: string;
  message?: string;
  /** [seconds since the call, incumbent, bound] as the solver reported them */
  trajectory: [number, number | null, number | null][];
  peakRssBytes: number;
}

/**
 * The method, always explicit: a library whose default is `auto` would otherwise decompose the large models in
 * the monolithic rows; a library without `method` ignores the field and solves monolithic.
 */
function methodOption(method: string): PlanOptions {
  return { method } as PlanOptions;
}

/** Whether `method: "benders"` reaches a decomposition solver: a tiny facility-location problem tells. */
async function probe(): Promise<{ available: boolean; solverName: string; message?: string }> {
  const { cflpToScenario, parseCflp } = await import("../src/domain/formats/cflp.js");
  const scenario = cflpToScenario(parseCflp("2 2  10 5  10 7  4 8 4  3 3 6"), { id: "probe" });
  try {
    const plan = await solveScenario(scenario, { ...methodOption("benders"), explain: false });
    const name = plan.solver.name;
    return { available: name !== "highs" && plan.status === "optimal", solverName: name };
  } catch (error) {
    return {
      available: false,
      solverName: "–",
      message: error instanceof Error ? error.message : String(error),
    };
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      instance: { type: "string" },
      method: { type: "string", default: "monolithic" },
      "time-limit": { type: "string", default: "60" },
      gap: { type: "string", default: "1e-4" },
      probe: { type: "boolean", default: false },
    },
  });
  if (values.probe) {
    console.log(`RESULT ${JSON.stringify(await probe())}`);
    return;
  }
  if (!values.instance) throw new Error("--instance <size|cflp:file>");
  const scenario = benchScenario(values.instance);
  const trajectory: SolveRun["trajectory"] = [];
  const started = performance.now();
  const since = () => (performance.now() - started) / 1000;
  const plan = await solveScenario(scenario, {
    ...methodOption(values.method!),
    explain: false,
    timeLimitSeconds: Number(values["time-limit"]),
    mipRelGap: Number(values.gap),
    onProgress: (p) => trajectory.push([since(), p.incumbent ?? null, p.bound ?? null]),
  });
  const seconds = since();
  const sign = scenario.objective.mode === "profit" ? 1 : -1; // plan.npv is -cost in serve-all
  const run: SolveRun = {
    status: plan.status,
    seconds,
    objective: sign * plan.npv,
    ...(plan.solver.bound !== undefined ? { bound: plan.solver.bound } : {}),
    ...(plan.solver.gap !== undefined ? { gap: plan.solver.gap } : {}),
    solverName: plan.solver.name,
    trajectory,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  };
  console.log(`RESULT ${JSON.stringify(run)}`);
}

void main().then(
  () => process.exit(0),
  (error) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
