import { parseArgs } from "node:util";
import { loadScenario } from "../src/domain/load.js";
import { loadStudySpec } from "../src/domain/study-spec.js";
import type { Scenario } from "../src/domain/scenario.js";
import { type BuildOptions, buildModel } from "../src/model/build.js";
import type { MathProgram } from "../src/model/program.js";
import { highsRuntime } from "../src/solver/highs.js";
import { searchOptions, toModelData } from "../src/solver/highs-run.js";
import { applyAssignments } from "../src/study/execute.js";
import { prepareStudy } from "../src/study/run.js";
import { DECOMPOSITION_HEADER, decompositionRow, runDecomposition } from "./decomposition-run.js";
import { monteCarloTasks } from "./study-tasks.js";

/**
 * What the valid inequalities of the model bring — the flow-needs-shift rows (docs/model.md, constraint 3c) and
 * the capacity-rounding rows (3d) — side by side in one run: the same programs built with and without them, solved by HiGHS-WASM one after the other so that machine load hits
 * both alike, the optima checked equal.
 *
 * 1. the built-in seed-question study's sampled options (Latin-hypercube draws, five Alfa options each):
 *    ms per solve, branch-and-bound nodes, the LP relaxation's gap to the optimum;
 * 2. optionally scenario files (e.g. a benchmark instance): LP relaxation, then the MIP to a time limit;
 * 3. optionally scenario files through the decomposition, with and without 3d (it derives the bounds of 3c
 *    on every flow itself), gap 0.5 % asked, to the time limit.
 *
 * Usage: node --import tsx bench/formulation.ts [--samples 30] [--instance check.yaml ...]
 *          [--benders oem.yaml ...] [--time-limit 60]
 * (docs/benchmarks.md, "Formulation")
 */

const { values: args } = parseArgs({
  options: {
    samples: { type: "string", default: "30" },
    instance: { type: "string", multiple: true, default: [] },
    benders: { type: "string", multiple: true, default: [] },
    "time-limit": { type: "string", default: "60" },
  },
});
const samples = Number(args.samples);
const timeLimit = Number(args["time-limit"]);
const highs = await highsRuntime();
interface Variant {
  label: string;
  options: BuildOptions;
}
const variant = (flowNeedsShift: BuildOptions["flowNeedsShift"], capacityRounding: boolean): Variant => ({
  label: `3c ${flowNeedsShift}${capacityRounding ? " + 3d" : ""}`,
  options: { flowNeedsShift, capacityRounding },
});
/** 3c on no flow, on the fixed allocations' flows (the default build, with 3d), on every flow; 3d or not. */
const VARIANTS = [
  variant("none", false),
  variant("unlinked", false),
  variant("all", false),
  variant("unlinked", true),
  variant("all", true),
];
/**
 * The decomposition derives the bounds of 3c on every flow itself (src/solver/benders/split.ts), whatever the
 * build: what is left to compare is 3d.
 */
const DECOMPOSITION_VARIANTS = [variant("unlinked", false), variant("unlinked", true)];

interface Run {
  objective: number;
  bound: number;
  gap: number;
  seconds: number;
  nodes: number;
}

function solve(program: MathProgram, relax: boolean, limit: number, mipRelGap: number): Run {
  const data = toModelData(highs, program);
  const model = highs.createModel(relax ? { ...data, integrality: new Int32Array(program.numCols) } : data);
  try {
    model.options.set({
      output_flag: false,
      mip_rel_gap: mipRelGap,
      time_limit: limit,
      ...searchOptions(program),
    });
    const started = performance.now();
    model.run();
    const seconds = (performance.now() - started) / 1000;
    return {
      objective: model.getObjectiveValue(),
      bound: relax ? Number.NaN : Number(model.info.get("mip_dual_bound")),
      gap: relax ? 0 : Number(model.info.get("mip_gap")),
      seconds,
      nodes: relax ? 0 : Number(model.info.get("mip_node_count")),
    };
  } finally {
    model.dispose();
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
const relative = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(b));

// ---- 1. the seed-question study's options ----
const loaded = await loadStudySpec("builtin:alfa-belvidere");
const prepared = prepareStudy(loaded);
const gap = loaded.spec.solver.mipRelGap ?? 1e-4;
const stats = VARIANTS.map(() => ({
  ms: [] as number[],
  nodes: [] as number[],
  lpGap: [] as number[],
  rows: [] as number[],
}));
let worst = 0;
for (const task of monteCarloTasks(loaded, samples)) {
  const option = prepared.options.find((o) => o.id === task.option)!;
  const applied = applyAssignments(option.scenario, task);
  if ("error" in applied) throw new Error(applied.error);
  const runs = VARIANTS.map(({ options }, v) => {
    const program = buildModel(applied.scenario, options).program;
    const mip = solve(program, false, 600, gap);
    const lp = solve(program, true, 600, gap);
    // the first sample warms the runtime up: not counted
    if (task.sample > 0) {
      stats[v]!.ms.push(mip.seconds * 1000);
      stats[v]!.nodes.push(mip.nodes);
      stats[v]!.lpGap.push(relative(lp.objective, mip.objective));
      stats[v]!.rows.push(program.numRows);
    }
    return mip;
  });
  for (const run of runs) worst = Math.max(worst, relative(run.objective, runs[0]!.objective));
}
console.log(
  `seed-question study: ${samples - 1} samples × ${prepared.options.length} options (first sample not counted), MIP gap ${gap}`,
);
console.log("| valid rows | rows | ms per solve, median | mean | nodes, mean | LP relaxation gap, mean |");
console.log("|---|--:|--:|--:|--:|--:|");
VARIANTS.forEach(({ label }, v) => {
  const s = stats[v]!;
  console.log(
    `| ${label} | ${Math.round(mean(s.rows))} | ${median(s.ms).toFixed(1)} | ${mean(s.ms).toFixed(1)} | ${mean(s.nodes).toFixed(1)} | ${(mean(s.lpGap) * 100).toFixed(1)} % |`,
  );
});
console.log(`largest relative difference of the optima: ${worst.toExponential(1)}`);

// ---- 2. scenario files ----
for (const file of args.instance!) {
  const scenario: Scenario = await loadScenario(file);
  console.log(`\n${file}: LP relaxation, then the MIP to ${timeLimit} s (gap 1e-4)`);
  console.log("| valid rows | rows | LP relaxation | LP s | MIP objective | bound | gap | s |");
  console.log("|---|--:|--:|--:|--:|--:|--:|--:|");
  for (const { label, options } of VARIANTS) {
    const program = buildModel(scenario, options).program;
    const lp = solve(program, true, 3600, 1e-4);
    const mip = solve(program, false, timeLimit, 1e-4);
    console.log(
      `| ${label} | ${program.numRows} | ${lp.objective.toExponential(5)} | ${lp.seconds.toFixed(1)} | ${mip.objective.toExponential(5)} | ${mip.bound.toExponential(5)} | ${(mip.gap * 100).toFixed(2)} % | ${mip.seconds.toFixed(1)} |`,
    );
  }
}

// ---- 3. the decomposition on scenario files ----
for (const file of args.benders!) {
  const scenario: Scenario = await loadScenario(file);
  console.log(`\n${file}: the decomposition, gap 0.5 % asked, ${timeLimit} s`);
  console.log(DECOMPOSITION_HEADER);
  for (const { label, options } of DECOMPOSITION_VARIANTS) {
    const started = performance.now();
    const built = buildModel(scenario, options);
    console.log(
      decompositionRow(label, await runDecomposition(built, started, { timeLimitSeconds: timeLimit })),
    );
  }
}
