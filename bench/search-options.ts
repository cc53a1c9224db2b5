import { parseArgs } from "node:util";
import { loadStudySpec } from "../src/domain/study-spec.js";
import type { Scenario } from "../src/domain/scenario.js";
import { buildModel } from "../src/model/build.js";
import type { MathProgram } from "../src/model/program.js";
import { highsRuntime } from "../src/solver/highs.js";
import { freeIntegerColumns, searchOptions, toModelData } from "../src/solver/highs-run.js";
import { applyAssignments } from "../src/study/execute.js";
import { prepareStudy } from "../src/study/run.js";
import { randomScenario } from "../test/oracle/random-scenario.js";
import { benchScenario } from "./scenario-of.js";
import { monteCarloTasks } from "./study-tasks.js";

/**
 * What the small-MIP search settings of `searchOptions` (src/solver/highs-run.ts) bring: every program solved
 * with them and with each heuristic they switch off switched back on, one after the other (best of --repeats
 * runs each, so that machine load hits all alike), the optima checked equal (the settings change the search,
 * never the optimum).
 *
 * Programs: the seed-question study's sampled options (39–59 free integer columns), random mid-size scenarios
 * of the oracle's generator (up to 71), and the `check` and `3k` benchmark instances (97, 174).
 *
 * Usage: node --import tsx bench/search-options.ts [--samples 30] [--random 120] [--repeats 3]
 * (docs/benchmarks.md, "Formulation")
 */

const { values: args } = parseArgs({
  options: {
    samples: { type: "string", default: "30" },
    random: { type: "string", default: "120" },
    repeats: { type: "string", default: "3" },
  },
});
const repeats = Number(args.repeats);
const highs = await highsRuntime();

/** the heuristics `searchOptions` may switch off; each is flipped in turn, all else as the product sets it */
const HEURISTICS: { label: string; keys: string[] }[] = [
  { label: "root reduced cost", keys: ["mip_heuristic_run_root_reduced_cost"] },
  { label: "feasibility jump", keys: ["mip_heuristic_run_feasibility_jump"] },
  { label: "RINS, RENS", keys: ["mip_heuristic_run_rins", "mip_heuristic_run_rens"] },
];

/** The product's settings (variant 0) and each heuristic flipped (variant 1 + h). */
function settings(program: MathProgram, variant: number): Record<string, boolean> {
  const chosen = searchOptions(program);
  if (variant === 0) return chosen;
  const flipped = { ...chosen };
  for (const key of HEURISTICS[variant - 1]!.keys) flipped[key] = !(chosen[key] ?? true);
  return flipped;
}

interface Family {
  name: string;
  programs: () => Iterable<MathProgram>;
}

function* studyPrograms(): Generator<MathProgram> {
  for (const task of monteCarloTasks(loaded, Number(args.samples))) {
    const applied = applyAssignments(prepared.options.find((o) => o.id === task.option)!.scenario, task);
    if ("error" in applied) throw new Error(applied.error);
    yield buildModel(applied.scenario).program;
  }
}

function* randomPrograms(): Generator<MathProgram> {
  for (let seed = 1; seed <= Number(args.random); seed++) {
    let scenario: Scenario;
    try {
      scenario = randomScenario(seed, { mid: true });
      yield buildModel(scenario).program;
    } catch {
      // a seed whose policies contradict its plants' years: the generator's, not this bench's, concern
    }
  }
}

const loaded = await loadStudySpec("builtin:alfa-belvidere");
const prepared = prepareStudy(loaded);
const FAMILIES: Family[] = [
  { name: "seed-question study options", programs: studyPrograms },
  { name: "random mid-size scenarios", programs: randomPrograms },
  { name: "check", programs: () => [buildModel(benchScenario("check")).program] },
  { name: "3k", programs: () => [buildModel(benchScenario("3k")).program] },
];

function solve(program: MathProgram, variant: number): { ms: number; objective: number; nodes: number } {
  let best = Number.POSITIVE_INFINITY;
  let objective = Number.NaN;
  let nodes = 0;
  for (let r = 0; r < repeats; r++) {
    const model = highs.createModel(toModelData(highs, program));
    try {
      model.options.set({ output_flag: false, mip_rel_gap: 1e-4, ...settings(program, variant) });
      const started = performance.now();
      model.run();
      best = Math.min(best, performance.now() - started);
      // no plan (an infeasible random scenario): NaN, which must then be NaN under every setting
      objective =
        Number(model.info.get("primal_solution_status")) === 2 ? model.getObjectiveValue() : Number.NaN;
      nodes = Number(model.info.get("mip_node_count"));
    } finally {
      model.dispose();
    }
  }
  return { ms: best, objective, nodes };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const sum = (values: number[]) => values.reduce((s, v) => s + v, 0);

const VARIANTS = HEURISTICS.length + 1;
console.log(`HiGHS-WASM, MIP gap 1e-4, best of ${repeats} runs per program and setting`);
console.log("| programs | free integer columns | settings | ms per solve, median | total ms | nodes, mean |");
console.log("|---|--:|---|--:|--:|--:|");
let worst = 0;
// warm the runtime up (its first solves are slower): not counted
solve(buildModel(benchScenario("check")).program, 0);
for (const family of FAMILIES) {
  const ms = Array.from({ length: VARIANTS }, () => [] as number[]);
  const nodes = Array.from({ length: VARIANTS }, () => [] as number[]);
  const integers: number[] = [];
  let first: MathProgram | undefined;
  for (const program of family.programs()) {
    first ??= program;
    integers.push(freeIntegerColumns(program));
    const runs = Array.from({ length: VARIANTS }, (_, v) => solve(program, v));
    runs.forEach((run, v) => {
      ms[v]!.push(run.ms);
      nodes[v]!.push(run.nodes);
      const base = runs[0]!.objective;
      const difference =
        Number.isNaN(base) && Number.isNaN(run.objective)
          ? 0
          : Math.abs(run.objective - base) / Math.max(1, Math.abs(base));
      worst = Number.isNaN(difference) ? Number.POSITIVE_INFINITY : Math.max(worst, difference);
    });
  }
  const count = integers.length;
  for (let v = 0; v < VARIANTS; v++) {
    // the flipped heuristic's state on this family's first program (the families keep one side of each threshold)
    const label =
      v === 0
        ? "searchOptions"
        : `${HEURISTICS[v - 1]!.label} ${settings(first!, v)[HEURISTICS[v - 1]!.keys[0]!] ? "on" : "off"}`;
    const name = v === 0 ? `${family.name} (${count})` : "";
    const range = v === 0 ? `${Math.min(...integers)}–${Math.max(...integers)}` : "";
    console.log(
      `| ${name} | ${range} | ${label} | ${median(ms[v]!).toFixed(1)} | ${sum(ms[v]!).toFixed(0)} | ${(sum(nodes[v]!) / count).toFixed(1)} |`,
    );
  }
}
console.log(
  `\nlargest relative difference between the settings' optima: ${worst.toExponential(1)} (gap 1e-4)`,
);
