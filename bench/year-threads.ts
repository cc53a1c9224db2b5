import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { loadScenario } from "../src/domain/load.js";
import { buildModel } from "../src/model/build.js";
import { solveByBenders } from "../src/solver/benders/benders.js";

/**
 * The decomposition with its year LPs in the calling thread against worker threads, one after the other on the
 * same scenario file, same time limit: what the threads buy in LP rounds, bound and gap.
 *
 * Usage: node --import tsx bench/year-threads.ts --instance oem.yaml [--threads 0,2] [--time-limit 60]
 * (docs/benchmarks.md, "Year LPs in worker threads")
 */

const { values: args } = parseArgs({
  options: {
    instance: { type: "string", multiple: true, default: [] },
    threads: { type: "string", default: `0,${availableParallelism()}` },
    "time-limit": { type: "string", default: "60" },
  },
});
const timeLimit = Number(args["time-limit"]);
const threadCounts = args.threads!.split(",").map(Number);

for (const file of args.instance!) {
  const scenario = await loadScenario(file);
  console.log(`\n${file}: the decomposition, gap 0.5 % asked, ${timeLimit} s`);
  console.log("| year threads | status | best plan | bound | gap | first plan at | LP rounds | cuts | s |");
  console.log("|--:|---|--:|--:|--:|--:|--:|--:|--:|");
  for (const yearThreads of threadCounts) {
    const started = performance.now();
    // as solveScenario builds it for the decomposition
    const built = buildModel(scenario, { flowNeedsShift: "all" });
    let firstPlan = Number.NaN;
    const solution = await solveByBenders(built, {
      timeLimitSeconds: timeLimit,
      mipRelGap: 0.005,
      yearThreads,
      onProgress: (p) => {
        if (p.incumbent !== undefined && Number.isNaN(firstPlan)) firstPlan = p.elapsedSeconds;
      },
    });
    const stats = solution.decomposition;
    console.log(
      `| ${yearThreads} | ${solution.status} | ${solution.objective.toExponential(5)} | ${solution.bound?.toExponential(5)} | ${((solution.gap ?? Number.NaN) * 100).toFixed(2)} % | ${firstPlan.toFixed(1)} s | ${stats?.lpIterations ?? "–"} | ${stats?.optimalityCuts ?? "–"} | ${((performance.now() - started) / 1000).toFixed(1)} |`,
    );
  }
}
