import { parseArgs } from "node:util";
import { buildModel } from "../src/model/build.js";
import { allOpenPoint, splitProgram } from "../src/solver/benders/split.js";
import { cutValue, YearSubproblem } from "../src/solver/benders/subproblem.js";
import { highsRuntime } from "../src/solver/highs.js";
import { rng } from "./generate.js";
import { benchScenario } from "./scenario-of.js";

/**
 * The year subproblem two ways, side by side at the same master points: the network simplex (year-network.ts,
 * with the Pareto-optimal duals' second solve, as the engine runs it) and HiGHS' dual simplex, each warm from its
 * last solve. The points are a random walk over the master's columns (each step redraws a share of them within
 * their bounds), as the decomposition's points move.
 * Reports per solver the median time of a year's solve, and checks that both reach the same optimum and that
 * each cut is tight at its point (docs/benchmarks.md).
 * Usage: node --import tsx bench/year-network.ts --instance oem|10k|cflp:<file> [--points 40] [--move 0.1]
 */
const { values } = parseArgs({
  options: {
    instance: { type: "string" },
    points: { type: "string", default: "40" },
    move: { type: "string", default: "0.1" },
    seed: { type: "string", default: "1" },
  },
});
if (!values.instance) throw new Error("--instance <size|cflp:file>");
const built = buildModel(benchScenario(values.instance));
const { program } = built;
const highs = await highsRuntime();
const split = splitProgram(built);
const core = allOpenPoint(program, split); // the engine's core point
const network = split.years.map((part) => new YearSubproblem(highs, part, program.numCols, core));
const lp = split.years.map((part) => new YearSubproblem(highs, part, program.numCols));

const random = rng(Number(values.seed));
/** a master column's value: most often its upper bound (a point that can serve the demand), else anywhere */
const draw = (j: number) => {
  const lo = program.colLower[j]!;
  const up = Math.min(program.colUpper[j]!, lo + 4);
  const value = random() < 0.7 ? up : lo + random() * (up - lo);
  return program.integrality[j] ? Math.round(value) : value;
};
const x = new Float64Array(program.numCols);
for (let j = 0; j < program.numCols; j++) if (!split.isSub[j]) x[j] = draw(j);

const times = { network: [] as number[], lp: [] as number[] };
let worstGap = 0;
let worstTightness = 0;
let infeasible = 0;
const points = Number(values.points);
for (let k = 0; k < points; k++) {
  if (k > 0)
    for (let j = 0; j < program.numCols; j++)
      if (!split.isSub[j] && random() < Number(values.move)) x[j] = draw(j);
  split.years.forEach((_, y) => {
    let clock = performance.now();
    const a = network[y]!.solve(x);
    times.network.push(performance.now() - clock);
    clock = performance.now();
    const b = lp[y]!.solve(x);
    times.lp.push(performance.now() - clock);
    if (a.feasible !== b.feasible)
      throw new Error(`year ${y} at point ${k}: feasible ${a.feasible} vs ${b.feasible}`);
    if (!a.feasible) {
      infeasible++;
      return;
    }
    const scale = Math.max(1, Math.abs(b.value));
    worstGap = Math.max(worstGap, Math.abs(a.value - b.value) / scale);
    worstTightness = Math.max(worstTightness, Math.abs(cutValue(a.cut, x) - a.value) / scale);
  });
}
const median = (list: number[]) => [...list].sort((p, q) => p - q)[Math.floor(list.length / 2)]!;
const total = (list: number[]) => list.reduce((sum, v) => sum + v, 0);
console.log(
  JSON.stringify({
    instance: values.instance,
    years: split.years.length,
    flows: split.years.reduce((sum, part) => sum + part.cols.length, 0),
    solves: times.lp.length,
    infeasible,
    medianMs: { network: median(times.network), lp: median(times.lp) },
    totalSeconds: { network: total(times.network) / 1000, lp: total(times.lp) / 1000 },
    ratio: median(times.lp) / median(times.network),
    worstRelativeDifference: worstGap,
    worstCutTightness: worstTightness,
  }),
);
for (const year of [...network, ...lp]) year.dispose();
