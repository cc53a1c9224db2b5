import { parentPort } from "node:worker_threads";
import type { MathProgram } from "../../model/program.js";
import { highsRuntime } from "../highs.js";
import { runHighs } from "../highs-run.js";
import { plantAnswer } from "./lagrangian.js";

/**
 * Worker side of the bound by plant (lagrangian.ts): solves the plant MILPs it is sent, one at a time, and
 * answers each with HiGHS' proven bound (NaN when it has none). One HiGHS runtime per thread, kept for every
 * plant; the stop flag is shared memory that the blocking solve polls.
 */

export interface PlantRequest {
  program: MathProgram;
  timeLimitSeconds?: number;
  mipRelGap: number;
  stopFlag: SharedArrayBuffer;
  /** answer with the MILP's plan too (column generation over plant plans: bench/plant-columns.ts) */
  withSolution?: boolean;
}

/** the MILP's proven bound (NaN when it has none), and whether its time limit stopped it */
export type PlantAnswer =
  | { type: "bound"; bound: number; timedOut: boolean; x?: Float64Array }
  | { type: "failed"; message: string };

const port = parentPort;
port?.on("message", async (request: PlantRequest) => {
  try {
    const stop = new Int32Array(request.stopFlag);
    const solved = runHighs(await highsRuntime(), request.program, {
      ...(request.timeLimitSeconds !== undefined ? { timeLimitSeconds: request.timeLimitSeconds } : {}),
      mipRelGap: request.mipRelGap,
      shouldStop: () => Atomics.load(stop, 0) === 1,
    });
    const answer: PlantAnswer = { type: "bound", ...plantAnswer(solved) };
    if (request.withSolution && solved.x.length > 0) answer.x = solved.x;
    port.postMessage(answer);
  } catch (error) {
    port.postMessage({
      type: "failed",
      message: error instanceof Error ? error.message : String(error),
    } satisfies PlantAnswer);
  }
});
