import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { loadScenario } from "../src/domain/load.js";
import { buildModel } from "../src/model/build.js";
import { DECOMPOSITION_HEADER, decompositionRow, runDecomposition } from "./decomposition-run.js";

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
  console.log(`\n${file}: the decomposition, gap 0.5 % asked, ${timeLimit} s; variant = year threads`);
  console.log(DECOMPOSITION_HEADER);
  for (const yearThreads of threadCounts) {
    const started = performance.now();
    const built = buildModel(scenario);
    const run = await runDecomposition(built, started, { timeLimitSeconds: timeLimit, yearThreads });
    console.log(decompositionRow(String(yearThreads), run));
  }
}
