import { createHash } from "node:crypto";
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import type { Model } from "highs";
import { Scenario } from "../src/domain/scenario.js";
import { assignAt } from "../src/domain/scenario-path.js";
import { loadStudySpec } from "../src/domain/study-spec.js";
import { buildModel } from "../src/model/build.js";
import type { MathProgram } from "../src/model/program.js";
import { highsRuntime } from "../src/solver/highs.js";
import { runHighs, searchOptions, toModelData } from "../src/solver/highs-run.js";
import { applyAssignments, createTaskExecutor, solveKeyOf } from "../src/study/execute.js";
import type { StudyTask } from "../src/study/contract.js";
import { prepareStudy } from "../src/study/run.js";
import { ThreadEngine } from "../src/study/thread-engine.js";
import { monteCarloTasks } from "./study-tasks.js";

/**
 * Study throughput on the built-in seed-question study (five Alfa options, Latin-hypercube draws):
 *
 * 1. one thread, per draw and option: rebuild (build the program, load it into HiGHS, solve) against a warm
 *    re-solve (one HiGHS model per option kept; the draw's costs, bounds, right-hand sides and changed matrix
 *    coefficients written into it; solved again), with and without the previous solution as a MIP start —
 *    interleaved so that machine load hits all three alike, objectives checked equal;
 * 2. the whole task (draw applied, validated, built, solved, read back as a plan) in one thread;
 * 3. the in-process engine with 1 and 2 worker threads on the same Monte Carlo, timed once its threads are up
 *    (a warm-up on other draws first: a thread's start — loading the modules and HiGHS — is paid once a study).
 *
 * Usage: node --import tsx bench/study.ts [--samples 40] [--threads 1,2]   (docs/benchmarks.md, "Studies")
 */

const { values: args } = parseArgs({
  options: { samples: { type: "string", default: "40" }, threads: { type: "string", default: "1,2" } },
});
const samples = Number(args.samples);
const threadCounts = args.threads!.split(",").map(Number);

const loaded = await loadStudySpec("builtin:alfa-belvidere");
const prepared = prepareStudy(loaded);
const { spec } = loaded;
const tasks = monteCarloTasks(loaded, samples);
/**
 * other draws (a Latin hypercube of another size than the timed run's), so that the warm-up fills no cache the
 * timed run uses
 */
const warmUpTasks = monteCarloTasks(loaded, samples === 3 ? 2 : 3);
const gap = spec.solver.mipRelGap ?? 1e-4;
const highs = await highsRuntime();

// ---- 1. rebuild vs warm re-solve, one thread ----

const sameShape = (a: MathProgram, b: MathProgram) =>
  a.numCols === b.numCols &&
  a.numRows === b.numRows &&
  a.rowStart.every((v, i) => v === b.rowStart[i]) &&
  a.colIndex.every((v, i) => v === b.colIndex[i]) &&
  a.integrality.every((v, i) => v === b.integrality[i]);

interface Kept {
  model: Model;
  program: MathProgram;
  x?: Float64Array;
}

function load(program: MathProgram): Model {
  const model = highs.createModel(toModelData(highs, program));
  model.options.set({ output_flag: false, mip_rel_gap: gap, ...searchOptions(program) });
  return model;
}

/** Writes the new program's numbers into the kept model and solves it again; undefined if the shape changed. */
function warm(kept: Kept, program: MathProgram, start: boolean): number | undefined {
  if (!sameShape(kept.program, program)) return undefined;
  const { model } = kept;
  model.changeColsCost({ kind: "range", from: 0, to: program.numCols - 1 }, program.colCost);
  model.changeColsBounds(
    { kind: "range", from: 0, to: program.numCols - 1 },
    program.colLower,
    program.colUpper,
  );
  model.changeRowsBounds(
    { kind: "range", from: 0, to: program.numRows - 1 },
    program.rowLower,
    program.rowUpper,
  );
  model.changeObjectiveOffset(program.objectiveOffset);
  for (let r = 0; r < program.numRows; r++)
    for (let k = program.rowStart[r]!; k < program.rowStart[r + 1]!; k++)
      if (program.value[k] !== kept.program.value[k])
        model.changeCoefficient(r, program.colIndex[k]!, program.value[k]!);
  if (start && kept.x) model.setSolution({ colValue: kept.x });
  model.run();
  kept.program = program;
  if (start) kept.x = model.getSolution().colValue;
  return model.getObjectiveValue();
}

const time = { build: 0, rebuild: 0, warm: 0, warmStart: 0 };
let warmSolves = 0;
let shapeChanges = 0;
let worstDifference = 0;
const kept = new Map<string, { plain: Kept; start: Kept }>();
for (const task of tasks) {
  const option = prepared.options.find((o) => o.id === task.option)!;
  const applied = applyAssignments(option.scenario, task);
  if ("error" in applied) throw new Error(applied.error);
  let t = performance.now();
  const program = buildModel(applied.scenario).program;
  time.build += performance.now() - t;
  t = performance.now();
  const cold = runHighs(highs, program, { mipRelGap: gap });
  time.rebuild += performance.now() - t;
  const models = kept.get(task.option);
  if (!models) {
    const plain = { model: load(program), program };
    const start = { model: load(program), program };
    plain.model.run();
    start.model.run();
    kept.set(task.option, { plain, start: { ...start, x: start.model.getSolution().colValue } });
    continue;
  }
  t = performance.now();
  const a = warm(models.plain, program, false);
  time.warm += performance.now() - t;
  t = performance.now();
  const b = warm(models.start, program, true);
  time.warmStart += performance.now() - t;
  if (a === undefined || b === undefined) {
    shapeChanges++;
    continue;
  }
  warmSolves++;
  for (const objective of [a, b])
    worstDifference = Math.max(
      worstDifference,
      Math.abs(objective - cold.objective) / Math.abs(cold.objective),
    );
}
for (const { plain, start } of kept.values()) {
  plain.model.dispose();
  start.model.dispose();
}
const perSolve = (ms: number, n: number) => ms / n;
const rebuildMs = perSolve(time.rebuild + time.build, tasks.length);

// ---- 2. the whole task, one thread ----

const execute = createTaskExecutor();
let t = performance.now();
for (const task of tasks) {
  const result = await execute(prepared, task);
  if (result.status !== "optimal") throw new Error(`sample ${task.sample} ${task.option}: ${result.status}`);
}
const taskMs = (performance.now() - t) / tasks.length;

// ---- 2b. applying a draw and keying it: the product's way against copying, parsing and hashing it whole ----

/** The way before 2026-12-02 (the reference): the whole scenario cloned, parsed again and hashed as JSON. */
function applyWhole(task: StudyTask): string {
  const option = prepared.options.find((o) => o.id === task.option)!;
  const data = structuredClone(option.scenario) as unknown;
  for (const a of task.assignments) assignAt(data, a.path, a.mode, a.value);
  const parsed = Scenario.safeParse(data, { reportInput: true });
  if (!parsed.success) throw new Error(`sample ${task.sample}: the draw leaves the schema`);
  const text = JSON.stringify({ scenario: parsed.data, solver: prepared.solver });
  return createHash("sha256").update(text).digest("hex");
}
function applyProduct(task: StudyTask): string {
  const option = prepared.options.find((o) => o.id === task.option)!;
  const applied = applyAssignments(option.scenario, task);
  if ("error" in applied) throw new Error(applied.error);
  return solveKeyOf(option.scenario, applied.changes, prepared.solver);
}
const drawTimes = { whole: [] as number[], product: [] as number[] };
for (let pass = 0; pass < 3; pass++)
  tasks.forEach((task, i) => {
    // interleaved, alternating which goes first: the machine's drift falls on both alike
    const order = i % 2 === 0 ? (["whole", "product"] as const) : (["product", "whole"] as const);
    for (const way of order) {
      const started = performance.now();
      if (way === "whole") applyWhole(task);
      else applyProduct(task);
      drawTimes[way].push(performance.now() - started);
    }
  });
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

// ---- 3. the in-process engine ----

const pool: { threads: number; perSecond: number }[] = [];
for (const threads of threadCounts) {
  const engine = new ThreadEngine({ threads });
  await engine.run(prepared, warmUpTasks, { onResult: () => {} });
  t = performance.now();
  await engine.run(prepared, tasks, { onResult: () => {} });
  pool.push({ threads, perSecond: tasks.length / ((performance.now() - t) / 1000) });
  await engine.close();
}

const rate = (ms: number) => (1000 / ms).toFixed(1);
const lines = [
  `Built-in study alfa-belvidere, ${samples} Latin-hypercube samples × ${prepared.options.length} options = ${tasks.length} solves; ` +
    `${availableParallelism()} cores; MIP gap ${gap}.`,
  "",
  "| one thread | ms per solve | solves/s |",
  "|---|---:|---:|",
  `| build the program (JS) | ${perSolve(time.build, tasks.length).toFixed(1)} | — |`,
  `| rebuild: build + load into HiGHS + solve | ${rebuildMs.toFixed(1)} | ${rate(rebuildMs)} |`,
  `| warm: kept HiGHS model, numbers changed in place, solved again | ${perSolve(time.warm + time.build, warmSolves).toFixed(1)} | ${rate(perSolve(time.warm + time.build, warmSolves))} |`,
  `| warm + previous solution as MIP start | ${perSolve(time.warmStart + time.build, warmSolves).toFixed(1)} | ${rate(perSolve(time.warmStart + time.build, warmSolves))} |`,
  `| whole task (draw applied and validated, built, solved, read back as a plan) | ${taskMs.toFixed(1)} | ${rate(taskMs)} |`,
  "",
  `Applying a draw and keying the solve (median of ${drawTimes.product.length}, interleaved): ` +
    `${median(drawTimes.product).toFixed(2)} ms the product's way (copy on write, changed parts validated, ` +
    `option hashed once) against ${median(drawTimes.whole).toFixed(2)} ms cloning, parsing and hashing the ` +
    "whole scenario.",
  "",
  `Warm re-solves: ${warmSolves} (the first solve of each option loads its model); shape changes: ${shapeChanges}; ` +
    `largest objective difference to the rebuild: ${worstDifference.toExponential(1)} (relative).`,
  "",
  "| in-process engine | solves/s | 10,000 samples × 5 options at this rate |",
  "|---|---:|---:|",
  ...pool.map(
    (p) =>
      `| ${p.threads} thread${p.threads === 1 ? "" : "s"} | ${p.perSecond.toFixed(1)} | ${(50_000 / p.perSecond / 60).toFixed(0)} min |`,
  ),
];
process.stdout.write(`${lines.join("\n")}\n`);
