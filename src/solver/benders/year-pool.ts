import type { Worker } from "node:worker_threads";
import type { Highs } from "highs";
import { askWorker, startModuleWorker, stopWorker } from "../worker-thread.js";
import type { YearPart } from "./split.js";
import { type YearResult, YearSubproblem } from "./subproblem.js";
import type { FromYearWorker, ToYearWorker } from "./year-worker.js";

/**
 * The year subproblems of a decomposition, solved at a master point: in the calling thread, or spread over
 * worker threads (the years are independent; each thread keeps its years' LPs warm between points, as the
 * calling thread would). Results come back in year order whichever thread solved them, and each year's LP sees
 * the same sequence of points either way, so both give the same cuts and plans.
 */
export interface YearPool {
  /** `core`: a new core point for the Pareto-optimal cuts (where the years have one), from this point on */
  solveAll(x: Float64Array, core?: Float64Array): Promise<YearResult[]>;
  dispose(): Promise<void>;
}

export class LocalYears implements YearPool {
  private readonly years: YearSubproblem[];

  /** `core`: the years by the network simplex where they are networks, with Pareto-optimal duals at that point */
  constructor(highs: Highs, parts: YearPart[], numProgramCols: number, core?: Float64Array) {
    this.years = parts.map((part) => new YearSubproblem(highs, part, numProgramCols, core));
  }

  async solveAll(x: Float64Array, core?: Float64Array): Promise<YearResult[]> {
    return this.years.map((year) => year.solve(x, core));
  }

  async dispose(): Promise<void> {
    for (const year of this.years) year.dispose();
  }
}

/** Years k, k + n, k + 2n, … go to thread k of n. */
export class ThreadedYears implements YearPool {
  private constructor(
    private readonly workers: Worker[],
    private readonly yearsOf: number[][],
    private readonly count: number,
  ) {}

  static async start(
    parts: YearPart[],
    numProgramCols: number,
    threads: number,
    core?: Float64Array,
  ): Promise<ThreadedYears> {
    const n = Math.max(1, Math.min(threads, parts.length));
    const yearsOf = Array.from({ length: n }, (_, k) => parts.map((_, i) => i).filter((i) => i % n === k));
    const workers = yearsOf.map(() => startModuleWorker(new URL("./year-worker.js", import.meta.url)));
    const pool = new ThreadedYears(workers, yearsOf, parts.length);
    try {
      await Promise.all(
        workers.map((worker, k) =>
          pool.ask(worker, {
            type: "init",
            parts: yearsOf[k]!.map((i) => parts[i]!),
            numProgramCols,
            core,
          }),
        ),
      );
    } catch (error) {
      await pool.dispose();
      throw error;
    }
    return pool;
  }

  async solveAll(x: Float64Array, core?: Float64Array): Promise<YearResult[]> {
    const answers = await Promise.all(
      this.workers.map((worker) => this.ask(worker, { type: "solve", x, core })),
    );
    const results: YearResult[] = new Array(this.count);
    answers.forEach((answer, k) => {
      if (answer.type !== "results") throw new Error("a year thread answered out of turn");
      this.yearsOf[k]!.forEach((i, local) => {
        results[i] = answer.results[local]!;
      });
    });
    return results;
  }

  async dispose(): Promise<void> {
    await Promise.all(this.workers.map((worker) => stopWorker(worker)));
  }

  /** One request, one answer: a thread works on one request at a time. */
  private ask(worker: Worker, message: ToYearWorker): Promise<FromYearWorker> {
    return askWorker<FromYearWorker>(worker, message, "a year-LP thread");
  }
}
