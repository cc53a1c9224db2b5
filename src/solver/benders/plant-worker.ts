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
}

/** the MILP's proven bound (NaN when it has none), and whether its time limit stopped it */
export type PlantAnswer =
  | { type: "bound"; bound: number; timedOut: boolean }
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
    port.postMessage({ type: "bound", ...plantAnswer(solved) } satisfies PlantAnswer);
  } catch (error) {
    port.postMessage({
      type: "failed",
      message: error instanceof Error ? error.message : String(error),
    } satisfies PlantAnswer);
  }
});
