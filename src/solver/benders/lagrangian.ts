import { type MathProgram, subProgram } from "../../model/program.js";
import { highsRuntime } from "../highs.js";
import { runHighs } from "../highs-run.js";
import { askWorker, startModuleWorker, stopWorker } from "../worker-thread.js";
import type { PlantAnswer, PlantRequest } from "./plant-worker.js";

/**
 * A bound by plant (docs/model.md, "Decomposition"): the rows that span plants — demand, how many plants a
 * program may go to, budgets — are relaxed with multipliers λ, which splits the model into one MILP per plant
 * (its allocations, states, shifts and flows, integers kept). For maximisation with λ of the right signs,
 * L(λ) = Σ_r λ_r·side_r + Σ_plants max (c − Aᵀλ)·x over the plant's own rows is at least the model's optimum
 * whatever λ (weak duality), and at LP duals at most the LP bound: it keeps whole shifts per plant, which the LP
 * relaxation and the Benders master's cuts do not. Every plant MILP contributes its proven bound, so a plant
 * stopped by its time limit still gives a valid (weaker) L.
 */
export class PlantLagrangian {
  /** the relaxed rows: they span plants or hold a column of no plant (unmet demand) */
  readonly relaxed: Int32Array;
  /** per plant (smallest first), its columns and its own rows */
  readonly plants: { cols: Int32Array; rows: Int32Array }[];
  /** columns of no plant: alone in relaxed rows, each a box of its own in L */
  readonly loose: Int32Array;

  /** `sign`: +1 when the program maximises, −1 when it minimises (L is in maximisation terms). */
  constructor(
    private readonly program: MathProgram,
    plantOf: Int32Array,
    private readonly sign: 1 | -1,
  ) {
    const numPlants = plantOf.reduce((most, s) => Math.max(most, s + 1), 0);
    const rows: number[][] = Array.from({ length: numPlants }, () => []);
    const relaxed: number[] = [];
    for (let r = 0; r < program.numRows; r++) {
      if (program.rowStart[r + 1] === program.rowStart[r]) continue;
      let only = -2;
      for (let k = program.rowStart[r]!; k < program.rowStart[r + 1]!; k++) {
        const s = plantOf[program.colIndex[k]!]!;
        only = only === -2 || only === s ? s : -1;
        if (only === -1) break;
      }
      if (only >= 0) rows[only]!.push(r);
      else relaxed.push(r);
    }
    const cols: number[][] = Array.from({ length: numPlants }, () => []);
    const loose: number[] = [];
    plantOf.forEach((s, j) => {
      if (s >= 0) cols[s]!.push(j);
      else loose.push(j);
    });
    this.relaxed = Int32Array.from(relaxed);
    // smallest first: the time they do not use goes to the larger ones
    this.plants = cols
      .map((c, s) => ({ cols: Int32Array.from(c), rows: Int32Array.from(rows[s]!) }))
      .sort((u, v) => u.cols.length - v.cols.length);
    this.loose = Int32Array.from(loose);
  }

  get numPlants(): number {
    return this.plants.length;
  }

  /**
   * L(λ), in maximisation terms without the objective's offset (as the decomposition's bounds); `lambda` holds
   * a multiplier per program row (only the relaxed ones are read). The plant MILPs share `seconds` (what one
   * leaves goes to the next) over `threads` worker threads (0: this thread). Undefined when a plant MILP gives no
   * bound in its time, the solve is stopped, or a loose column's box is unbounded.
   */
  async bound(lambda: Float64Array, controls: PlantControls): Promise<number | undefined> {
    const relaxation = this.relax(lambda);
    if (!relaxation) return undefined;
    const programs = this.plants.map((_, s) => this.plantProgram(s, relaxation.reduced));
    const bounds = await solvePlants(programs, controls);
    if (bounds === undefined || bounds.some((b) => Number.isNaN(b))) return undefined;
    return bounds.reduce((sum, b) => sum + b, relaxation.constant);
  }

  /**
   * The relaxation at λ: each column's reduced profit sign·c − Aᵀλ, and the part of L(λ) that is not the plant
   * MILPs' — Σ λ·side over the relaxed rows plus the loose columns' best. A multiplier of the wrong sign for its
   * row's finite sides is taken as 0. Undefined when a loose column's box is unbounded.
   */
  relax(lambda: Float64Array): { reduced: Float64Array; constant: number } | undefined {
    const p = this.program;
    const reduced = Float64Array.from(p.colCost, (c) => this.sign * c);
    let constant = 0;
    for (const r of this.relaxed) {
      let y = lambda[r]!;
      if ((y > 0 && !Number.isFinite(p.rowUpper[r]!)) || (y < 0 && !Number.isFinite(p.rowLower[r]!))) y = 0;
      if (y === 0) continue;
      constant += y * (y > 0 ? p.rowUpper[r]! : p.rowLower[r]!);
      for (let k = p.rowStart[r]!; k < p.rowStart[r + 1]!; k++) reduced[p.colIndex[k]!]! -= y * p.value[k]!;
    }
    for (const j of this.loose) {
      const c = reduced[j]!;
      const at = c > 0 ? p.colUpper[j]! : c < 0 ? p.colLower[j]! : 0;
      if (!Number.isFinite(at)) return undefined;
      constant += c * at;
    }
    return { reduced, constant };
  }

  /** Plant s's MILP (in `plants` order) at the given reduced profits, maximised. */
  plantProgram(s: number, reduced: Float64Array): MathProgram {
    const plant = this.plants[s]!;
    return subProgram(
      this.program,
      plant.cols,
      plant.rows,
      Float64Array.from(plant.cols, (j) => reduced[j]!),
      "maximize",
    );
  }
}

/** How the plant MILPs run: their time together, worker threads (0: this thread), a stop, a report per solve. */
export interface PlantControls {
  seconds: number;
  threads: number;
  shouldStop?: () => boolean;
  /** after each plant MILP: its columns, its time and whether its time limit stopped it (for traces) */
  onPlant?: (solved: { cols: number; seconds: number; timedOut: boolean }) => void;
}

/** A plant MILP's proven bound: HiGHS' dual bound, an LP's optimum, NaN when there is none. */
function plantBound(solved: { status: string; bound?: number; objective: number }): number {
  const bound = solved.bound ?? (solved.status === "optimal" ? solved.objective : Number.NaN);
  return Number.isFinite(bound) ? bound : Number.NaN;
}

/** what a solved plant MILP tells the queue: its proven bound, and whether its time limit stopped it */
export function plantAnswer(solved: { status: string; bound?: number; objective: number }): {
  bound: number;
  timedOut: boolean;
} {
  return { bound: plantBound(solved), timedOut: solved.status === "time-limit" };
}

/**
 * the plant MILPs' gap: their bounds are what counts, the gap only says when one may stop (on `oem` 1e-4 against
 * 1e-6: the same L within 2e-7, in 11–16 s against 17–20 s)
 */
const PLANT_GAP = 1e-4;
/** solves of a plant MILP at most: the first, and one more if its time limit stopped the first */
const PLANT_TRIES = 2;
/** a plant is queued again only while this much of the time is left */
const RETRY_MIN_MS = 200;

/**
 * The plant MILPs' bounds, in order: a queue that each thread takes the next plant from, with a time limit of an
 * even share of the time left per plant still waiting. A plant stopped by its time limit goes to the back of the
 * queue once more, for its share of what the others left, and keeps the better of its two bounds: a plant's
 * hardness does not follow its size (on `oem` at 60 s three of 40 plants stopped at their 0.9–1.9 s and held
 * L 0.35bn above what their optima, reached in 2–4 s, give). Undefined when stopped.
 */
async function solvePlants(programs: MathProgram[], controls: PlantControls): Promise<number[] | undefined> {
  const deadline = performance.now() + controls.seconds * 1000;
  const lanes = Math.max(1, Math.min(controls.threads, programs.length));
  const queue = programs.map((_, i) => i);
  const tries = new Uint8Array(programs.length);
  let next = 0;
  // no time limit (an infinite deadline): each plant MILP to its gap; with fewer plants waiting than lanes, a
  // plant's share is the time left, not more
  const share = () => {
    if (!Number.isFinite(deadline)) return undefined;
    const left = (deadline - performance.now()) / 1000;
    return Math.max(left * Math.min(1, lanes / Math.max(1, queue.length - next)), 0.01);
  };
  const bounds = new Array<number>(programs.length).fill(Number.NaN);
  /** a plant's answer: its bound kept if better, the plant queued again if its time stopped it */
  const settle = (i: number, answer: { bound: number; timedOut: boolean }, seconds: number) => {
    controls.onPlant?.({ cols: programs[i]!.numCols, seconds, timedOut: answer.timedOut });
    const [before, bound] = [bounds[i]!, answer.bound];
    bounds[i] = Number.isNaN(before) ? bound : Number.isNaN(bound) ? before : Math.min(before, bound);
    tries[i]!++;
    if (answer.timedOut && tries[i]! < PLANT_TRIES && deadline - performance.now() > RETRY_MIN_MS)
      queue.push(i);
  };
  if (controls.threads <= 0) {
    const highs = await highsRuntime();
    for (; next < queue.length; next++) {
      if (controls.shouldStop?.()) return undefined;
      const i = queue[next]!;
      const timeLimitSeconds = share();
      const solved = runHighs(highs, programs[i]!, {
        ...(timeLimitSeconds !== undefined ? { timeLimitSeconds } : {}),
        mipRelGap: PLANT_GAP,
        ...(controls.shouldStop ? { shouldStop: controls.shouldStop } : {}),
      });
      settle(i, plantAnswer(solved), solved.seconds);
    }
    return bounds;
  }
  const stopFlag = new SharedArrayBuffer(4);
  const poll = setInterval(() => {
    if (controls.shouldStop?.()) Atomics.store(new Int32Array(stopFlag), 0, 1);
  }, 200);
  const workers = Array.from({ length: lanes }, () =>
    startModuleWorker(new URL("./plant-worker.js", import.meta.url)),
  );
  try {
    await Promise.all(
      workers.map(async (worker) => {
        while (next < queue.length) {
          const i = queue[next]!;
          const timeLimitSeconds = share();
          next++;
          const request: PlantRequest = { program: programs[i]!, mipRelGap: PLANT_GAP, stopFlag };
          if (timeLimitSeconds !== undefined) request.timeLimitSeconds = timeLimitSeconds;
          const clock = performance.now();
          const answer = await askWorker<PlantAnswer>(worker, request, "a plant-MILP thread");
          if (!controls.shouldStop?.()) settle(i, answer, (performance.now() - clock) / 1000);
        }
      }),
    );
  } finally {
    clearInterval(poll);
    await Promise.all(workers.map((worker) => stopWorker(worker)));
  }
  return controls.shouldStop?.() ? undefined : bounds;
}
