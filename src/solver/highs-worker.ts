import { parentPort } from "node:worker_threads";
import type { MathProgram } from "../model/program.js";
import { highsRuntime } from "./highs.js";
import { runHighs } from "./highs-run.js";
import type { Solution, SolveProgress } from "./types.js";

/**
 * Worker side of `HighsSolver` with a worker: one solve per worker, which is then terminated, so the
 * WebAssembly memory the solve grew (it never shrinks) goes back to the system.
 * The stop flag is shared memory: the blocking solve polls it from HiGHS' interrupt callbacks.
 */

export interface WorkerRequest {
  program: MathProgram;
  timeLimitSeconds?: number;
  mipRelGap?: number;
  start?: Float64Array;
  /** Int32Array over it: [0] = 1 asks the solve to stop */
  stopFlag: SharedArrayBuffer;
  reportProgress: boolean;
}

export type WorkerMessage =
  | { type: "progress"; progress: SolveProgress }
  | { type: "done"; solution: Solution }
  | { type: "failed"; message: string };

parentPort?.once("message", async (request: WorkerRequest) => {
  const port = parentPort!;
  try {
    const highs = await highsRuntime();
    const stop = new Int32Array(request.stopFlag);
    const solution = runHighs(highs, request.program, {
      ...(request.timeLimitSeconds !== undefined ? { timeLimitSeconds: request.timeLimitSeconds } : {}),
      ...(request.mipRelGap !== undefined ? { mipRelGap: request.mipRelGap } : {}),
      ...(request.start ? { start: request.start } : {}),
      shouldStop: () => Atomics.load(stop, 0) === 1,
      ...(request.reportProgress
        ? { onProgress: (progress: SolveProgress) => port.postMessage({ type: "progress", progress }) }
        : {}),
    });
    port.postMessage({ type: "done", solution } satisfies WorkerMessage);
  } catch (error) {
    port.postMessage({ type: "failed", message: error instanceof Error ? error.message : String(error) });
  }
});
