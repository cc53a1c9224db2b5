import { parentPort } from "node:worker_threads";
import { highsRuntime } from "../highs.js";
import type { YearPart } from "./split.js";
import { type YearResult, YearSubproblem } from "./subproblem.js";

/**
 * Worker side of ThreadedYears (year-pool.ts): keeps its years' LPs (one HiGHS runtime per thread) and solves
 * them at each master point it is sent, answering with their results in the order it was given them.
 */

export type ToYearWorker =
  | { type: "init"; parts: YearPart[]; numProgramCols: number; core: Float64Array | undefined }
  | { type: "solve"; x: Float64Array; core: Float64Array | undefined };

export type FromYearWorker =
  | { type: "ready" }
  | { type: "results"; results: YearResult[] }
  | { type: "failed"; message: string };

let years: YearSubproblem[] = [];
const port = parentPort;

port?.on("message", async (message: ToYearWorker) => {
  try {
    if (message.type === "init") {
      const highs = await highsRuntime();
      years = message.parts.map(
        (part) => new YearSubproblem(highs, part, message.numProgramCols, message.core),
      );
      port.postMessage({ type: "ready" } satisfies FromYearWorker);
      return;
    }
    const results = years.map((year) => year.solve(message.x, message.core));
    // the arrays are this thread's to give away: moved, not copied
    const transfer = results.flatMap((r) => [
      r.y.buffer,
      r.cut.cols.buffer,
      r.cut.coef.buffer,
      ...(r.cut.spanning ? [r.cut.spanning.rows.buffer, r.cut.spanning.duals.buffer] : []),
    ]);
    port.postMessage({ type: "results", results } satisfies FromYearWorker, transfer as ArrayBuffer[]);
  } catch (error) {
    port.postMessage({
      type: "failed",
      message: error instanceof Error ? error.message : String(error),
    } satisfies FromYearWorker);
  }
});
