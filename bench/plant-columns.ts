import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { buildModel } from "../src/model/build.js";
import type { MathProgram } from "../src/model/program.js";
import { BendersEngine } from "../src/solver/benders/benders.js";
import { PlantLagrangian } from "../src/solver/benders/lagrangian.js";
import type { PlantAnswer, PlantRequest } from "../src/solver/benders/plant-worker.js";
import { highsRuntime } from "../src/solver/highs.js";
import { runHighs } from "../src/solver/highs-run.js";
import { askWorker, startModuleWorker, stopWorker } from "../src/solver/worker-thread.js";
import { benchScenario } from "./scenario-of.js";

/**
 * A measurement for issue 9, not a solver: how far better multipliers would take the bound by plant, by column
 * generation over plant plans (Dantzig–Wolfe) instead of subgradient steps, and what plans the plant plans make.
 * A decomposition solve of --seconds gives the plan and the LP phase's multipliers; then each round prices at the
 * multipliers (one plant MILP per plant, on every core: L(λ) is a valid bound, as in the engine), adds each plant's
 * plan as a column of a restricted master — the relaxed rows, one convexity row per plant, the loose columns
 * (unmet demand) — and takes the master LP's duals as the next multipliers. The duals of a master with few
 * columns are arbitrary, so they are held in a box around the best multipliers so far (Marsten's box step:
 * ±box of each, at least €1, by penalty columns); the box moves when a round's L is better. After each round the
 * master with integer columns (one plan per plant, the relaxed rows held, no box) gives a plan of the whole model.
 * Usage: node --import tsx bench/plant-columns.ts [--instance oem] [--seconds 60] [--rounds 12] [--box 0.25]
 *          [--plant-limit 20]
 * (docs/benchmarks.md, "2026-12-04 (tenth session)")
 */

const { values: args } = parseArgs({
  options: {
    instance: { type: "string", default: "oem" },
    seconds: { type: "string", default: "60" },
    rounds: { type: "string", default: "12" },
    box: { type: "string", default: "0.25" },
    "plant-limit": { type: "string", default: "20" },
  },
});
const started = performance.now();
const at = () => ((performance.now() - started) / 1000).toFixed(1);
const built = buildModel(benchScenario(args.instance!));
const program = built.program;
const sign = program.sense === "maximize" ? 1 : -1;
/** a maximised internal value in money (with the objective's offset) */
const money = (value: number) => `€${((sign * value + program.objectiveOffset) / 1e9).toFixed(4)}bn`;

const engine = await BendersEngine.create(built);
const solved = await engine.solve({ timeLimitSeconds: Number(args.seconds), mipRelGap: 0.005 });
await engine.dispose();
const lambda0 = engine.lpMultipliers;
if (!lambda0 || solved.x.length === 0) throw new Error("the decomposition gave no plan or no LP multipliers");
console.log(
  `[${at()}] decomposition: plan €${(solved.objective / 1e9).toFixed(4)}bn, bound €${((solved.bound ?? Number.NaN) / 1e9).toFixed(4)}bn`,
);

const lagrangian = new PlantLagrangian(program, program.cols.plant, sign);
const { relaxed, plants, loose } = lagrangian;
const plantIndex = new Int32Array(program.numCols).fill(-1);
plants.forEach((plant, s) => {
  for (const j of plant.cols) plantIndex[j] = s;
});

/** A plant plan: its value and what it puts into each relaxed row (by position in `relaxed`). */
interface PlantPlan {
  plant: number;
  value: number;
  usage: Map<number, number>;
}
const plans: PlantPlan[] = [];
const seen = new Set<string>();

/** Adds plant s's plan (its columns' values from `columnValue`) unless the same plan is there; true if added. */
function addPlan(s: number, columnValue: (j: number) => number): boolean {
  let value = 0;
  for (const j of plants[s]!.cols) value += sign * program.colCost[j]! * columnValue(j);
  const usage = new Map<number, number>();
  relaxed.forEach((r, i) => {
    let amount = 0;
    for (let k = program.rowStart[r]!; k < program.rowStart[r + 1]!; k++) {
      const j = program.colIndex[k]!;
      if (plantIndex[j] === s) amount += program.value[k]! * columnValue(j);
    }
    if (Math.abs(amount) > 1e-9) usage.set(i, amount);
  });
  const key = `${s}|${value.toFixed(2)}|${[...usage].map(([i, a]) => `${i}:${a.toFixed(3)}`).join(",")}`;
  if (seen.has(key)) return false;
  seen.add(key);
  plans.push({ plant: s, value, usage });
  return true;
}
for (let s = 0; s < plants.length; s++) addPlan(s, (j) => solved.x[j]!);

/**
 * The restricted master: columns are the plant plans, the loose columns and (with a box) two penalty columns per
 * relaxed row, whose costs hold the row's dual within [center − delta, center + delta].
 */
function restrictedMaster(box?: { center: Float64Array; delta: Float64Array }): MathProgram {
  const numPlans = plans.length;
  const numLoose = loose.length;
  const numCols = numPlans + numLoose + (box ? 2 * relaxed.length : 0);
  const rows = Array.from({ length: relaxed.length + plants.length }, () => ({
    cols: [] as number[],
    values: [] as number[],
  }));
  const put = (row: number, col: number, value: number) => {
    rows[row]!.cols.push(col);
    rows[row]!.values.push(value);
  };
  plans.forEach((plan, c) => {
    for (const [i, amount] of plan.usage) put(i, c, amount);
    put(relaxed.length + plan.plant, c, 1);
  });
  const loosePosition = new Map<number, number>();
  loose.forEach((j, c) => {
    loosePosition.set(j, numPlans + c);
  });
  relaxed.forEach((r, i) => {
    for (let k = program.rowStart[r]!; k < program.rowStart[r + 1]!; k++) {
      const c = loosePosition.get(program.colIndex[k]!);
      if (c !== undefined) put(i, c, program.value[k]!);
    }
    if (box) {
      put(i, numPlans + numLoose + 2 * i, 1);
      put(i, numPlans + numLoose + 2 * i + 1, -1);
    }
  });
  const colCost = new Float64Array(numCols);
  const colLower = new Float64Array(numCols);
  const colUpper = new Float64Array(numCols).fill(Number.POSITIVE_INFINITY);
  plans.forEach((plan, c) => {
    colCost[c] = plan.value;
  });
  loose.forEach((j, c) => {
    colCost[numPlans + c] = sign * program.colCost[j]!;
    colLower[numPlans + c] = program.colLower[j]!;
    colUpper[numPlans + c] = program.colUpper[j]!;
  });
  if (box)
    relaxed.forEach((r, i) => {
      colCost[numPlans + numLoose + 2 * i] = box.center[r]! - box.delta[i]!;
      colCost[numPlans + numLoose + 2 * i + 1] = -(box.center[r]! + box.delta[i]!);
    });
  const rowStart = [0];
  const colIndex: number[] = [];
  const value: number[] = [];
  for (const row of rows) {
    colIndex.push(...row.cols);
    value.push(...row.values);
    rowStart.push(colIndex.length);
  }
  const numRows = rows.length;
  const sideOf = (side: Float64Array) => (i: number) => (i < relaxed.length ? side[relaxed[i]!]! : 1);
  return {
    ...program,
    sense: "maximize",
    numCols,
    numRows,
    colCost,
    colLower,
    colUpper,
    integrality: new Uint8Array(numCols),
    objectiveOffset: 0,
    rowLower: Float64Array.from({ length: numRows }, (_, i) => sideOf(program.rowLower)(i)),
    rowUpper: Float64Array.from({ length: numRows }, (_, i) => sideOf(program.rowUpper)(i)),
    rowStart: Int32Array.from(rowStart),
    colIndex: Int32Array.from(colIndex),
    value: Float64Array.from(value),
  };
}

const highs = await highsRuntime();
const workers = Array.from({ length: availableParallelism() }, () =>
  startModuleWorker(new URL("../src/solver/benders/plant-worker.js", import.meta.url)),
);
const stopFlag = new SharedArrayBuffer(4);

/** L(λ) (as PlantLagrangian.bound) and each plant MILP's plan, in local columns. */
async function price(lambda: Float64Array): Promise<{ L: number; found: (Float64Array | undefined)[] }> {
  const relaxation = lagrangian.relax(lambda);
  if (!relaxation) throw new Error("a loose column's box is unbounded at these multipliers");
  let value = relaxation.constant;
  const found: (Float64Array | undefined)[] = new Array(plants.length);
  let next = 0;
  await Promise.all(
    workers.map(async (worker) => {
      while (next < plants.length) {
        const s = next++;
        const request: PlantRequest = {
          program: lagrangian.plantProgram(s, relaxation.reduced),
          mipRelGap: 1e-4,
          timeLimitSeconds: Number(args["plant-limit"]),
          stopFlag,
          withSolution: true,
        };
        const answer = await askWorker<PlantAnswer>(worker, request, "a plant-MILP thread");
        value += answer.bound;
        found[s] = answer.x;
      }
    }),
  );
  return { L: value, found };
}

/** The restricted master with integer plan columns: the best plan of the whole model from these plant plans. */
function planFromPlantPlans(): string {
  const master = restrictedMaster();
  const integrality = new Uint8Array(master.numCols).fill(1, 0, plans.length);
  const run = runHighs(highs, { ...master, integrality }, { timeLimitSeconds: 60, mipRelGap: 1e-4 });
  return `${run.status} ${money(run.objective)} over ${plans.length} plant plans in ${run.seconds.toFixed(1)} s`;
}

let best = Number.POSITIVE_INFINITY;
let center = lambda0;
let lambda = lambda0;
const boxShare = Number(args.box);
try {
  for (let round = 0; round <= Number(args.rounds); round++) {
    const clock = performance.now();
    const { L, found } = await price(lambda);
    let added = 0;
    found.forEach((x, s) => {
      if (!x) return;
      const local = new Map<number, number>();
      plants[s]!.cols.forEach((j, c) => {
        local.set(j, x[c]!);
      });
      if (addPlan(s, (j) => local.get(j) ?? 0)) added++;
    });
    const pricing = ((performance.now() - clock) / 1000).toFixed(1);
    if (L < best) {
      best = L;
      center = lambda;
    }
    const delta = Float64Array.from(relaxed, (r) => Math.max(boxShare * Math.abs(center[r]!), 1));
    const master = runHighs(highs, restrictedMaster({ center, delta }), {});
    console.log(
      `[${at()}] round ${round}: L ${money(L)} (best ${money(best)}), pricing ${pricing} s, ${added} new plant plans; ` +
        `boxed master ${master.status} ${money(master.objective)}; plan from plant plans ${planFromPlantPlans()}`,
    );
    if (master.status !== "optimal" || !master.rowDuals) break;
    const duals = master.rowDuals;
    lambda = new Float64Array(program.numRows);
    relaxed.forEach((r, i) => {
      lambda[r] = duals[i]!;
    });
  }
} catch (error) {
  // the boxed master can fail numerically (a €1 floor against costs of €10⁹): report and stop
  console.log(`[${at()}] stopped: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  await Promise.all(workers.map((worker) => stopWorker(worker)));
}
