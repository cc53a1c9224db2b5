import { parseArgs } from "node:util";
import type { Block } from "../src/model/blocks.js";
import { buildModel } from "../src/model/build.js";
import { solveByBenders } from "../src/solver/benders/benders.js";
import { HighsSolver } from "../src/solver/highs.js";
import { benchScenario } from "./scenario-of.js";

/**
 * A measurement for issue 9: where a network's gap between the LP relaxation and a plan sits. Solves the LP
 * relaxation of the default build (HiGHS-WASM) and the decomposition for `--time-limit` seconds, then sums each
 * variable block's objective, its column values and its fractional integer columns in both, a line per block.
 * Usage: node --import tsx bench/gap-attribution.ts [--instance oem] [--time-limit 60]
 * (docs/model.md, "Where oem's gap sits")
 */

const { values: args } = parseArgs({
  options: {
    instance: { type: "string", default: "oem" },
    "time-limit": { type: "string", default: "60" },
  },
});

const built = buildModel(benchScenario(args.instance!));
const program = built.program;
let clock = performance.now();
const seconds = () => ((performance.now() - clock) / 1000).toFixed(1);
const lp = await new HighsSolver({ run: "worker" }).solve(
  { ...program, integrality: new Uint8Array(program.numCols) },
  { timeLimitSeconds: 3600 },
);
console.log(`LP relaxation: ${lp.status}, ${(lp.objective / 1e9).toFixed(3)}bn in ${seconds()} s`);
clock = performance.now();
const plan = await solveByBenders(built, { timeLimitSeconds: Number(args["time-limit"]), mipRelGap: 0.005 });
console.log(
  `decomposition: ${plan.status}, plan ${(plan.objective / 1e9).toFixed(3)}bn, bound ${((plan.bound ?? Number.NaN) / 1e9).toFixed(3)}bn in ${seconds()} s`,
);

const bn = (v: number) => `${(v / 1e9).toFixed(3)}bn`.padStart(10);
console.log("block  columns  fractional in LP  objective LP  objective plan  difference  Σ LP  Σ plan");
for (const [name, block] of Object.entries(built.variables) as [string, Block][]) {
  let columns = 0;
  let fractional = 0;
  const objective = [0, 0];
  const sum = [0, 0];
  for (const j of block.labels) {
    if (j < 0) continue;
    columns++;
    [lp.x, plan.x].forEach((x, k) => {
      objective[k]! += program.colCost[j]! * x[j]!;
      sum[k]! += x[j]!;
    });
    if (program.integrality[j] && Math.abs(lp.x[j]! - Math.round(lp.x[j]!)) > 1e-6) fractional++;
  }
  console.log(
    `${name.padEnd(5)}  ${String(columns).padStart(7)}  ${String(fractional).padStart(16)}  ${bn(objective[0]!)}  ` +
      `${bn(objective[1]!).padStart(14)}  ${bn(objective[0]! - objective[1]!)}  ${sum[0]!.toFixed(1)}  ${sum[1]!.toFixed(1)}`,
  );
}
process.exit(0);
