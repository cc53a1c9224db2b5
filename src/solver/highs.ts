import highsModule, { type Highs } from "highs";
import type { MathProgram } from "../model/program.js";
import { runHighs } from "./highs-run.js";
import type { WorkerMessage, WorkerRequest } from "./highs-worker.js";
import type { Solution, SolveOptions, SolverAdapter } from "./types.js";
import { startModuleWorker } from "./worker-thread.js";

// The package's types describe CommonJS (default import = module object) while Node loads its ES module
// (default import = the loader): accept both shapes.
type Loader = () => Promise<Highs>;
const loadHighs: Loader =
  typeof highsModule === "function"
    ? (highsModule as unknown as Loader)
    : (highsModule as { default: Loader }).default;

let runtime: Promise<Highs> | undefined;

/** The HiGHS WebAssembly runtime of this thread, loaded once. */
export function highsRuntime(): Promise<Highs> {
  runtime ??= loadHighs();
  return runtime;
}

export interface HighsSolverOptions {
  /**
   * Where the solve runs. "thread": in this thread (no start-up cost). "worker": in a worker thread that is
   * terminated afterwards, so an AbortSignal stops the solve at any time and the WebAssembly memory is returned.
   * "auto" (default): a worker when a signal is given or the model has more than `workerAboveNonzeros`.
   */
  run?: "auto" | "thread" | "worker";
  workerAboveNonzeros?: number;
}

/** HiGHS takes, besides the common options, a point to start its MIP search from. */
export interface HighsSolveOptions extends SolveOptions {
  start?: Float64Array;
}

/**
 * HiGHS (npm `highs`, WebAssembly): the embedded default solver. The program goes in as typed arrays.
 * Progress comes from HiGHS' MIP callbacks. `run()` blocks its thread, so in "thread" mode an AbortSignal is
 * seen only when it fires from inside the solve (e.g. from `onProgress`); in a worker it is seen at once.
 */
export class HighsSolver implements SolverAdapter {
  readonly name = "highs";

  constructor(private readonly settings: HighsSolverOptions = {}) {}

  async solve(program: MathProgram, options: HighsSolveOptions = {}): Promise<Solution> {
    if (options.signal?.aborted) return cancelledBeforeStart(this.name);
    const mode = this.settings.run ?? "auto";
    const big = program.colIndex.length > (this.settings.workerAboveNonzeros ?? 300_000);
    const inWorker = mode === "worker" || (mode === "auto" && (options.signal !== undefined || big));
    try {
      return inWorker
        ? await solveInWorker(program, options)
        : solveInThread(await highsRuntime(), program, options);
    } catch (error) {
      return failed(this.name, error);
    }
  }
}

function solveInThread(highs: Highs, program: MathProgram, options: HighsSolveOptions): Solution {
  const { signal, shouldStop } = options;
  return runHighs(highs, program, {
    ...(options.timeLimitSeconds !== undefined ? { timeLimitSeconds: options.timeLimitSeconds } : {}),
    ...(options.mipRelGap !== undefined ? { mipRelGap: options.mipRelGap } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.start ? { start: options.start } : {}),
    ...(signal || shouldStop
      ? { shouldStop: () => signal?.aborted === true || shouldStop?.() === true }
      : {}),
  });
}

/** How often a solve in a worker thread asks `shouldStop` (this thread is free while it runs). */
const SHOULD_STOP_POLL_MS = 200;

function solveInWorker(program: MathProgram, options: HighsSolveOptions): Promise<Solution> {
  const worker = startModuleWorker(new URL("./highs-worker.js", import.meta.url));
  const stopFlag = new SharedArrayBuffer(4);
  const stop = () => Atomics.store(new Int32Array(stopFlag), 0, 1);
  options.signal?.addEventListener("abort", stop, { once: true });
  const { shouldStop } = options;
  const poll = shouldStop && setInterval(() => shouldStop() && stop(), SHOULD_STOP_POLL_MS);
  return new Promise<Solution>((resolve) => {
    const finish = (solution: Solution) => {
      options.signal?.removeEventListener("abort", stop);
      clearInterval(poll);
      void worker.terminate();
      resolve(solution);
    };
    worker.on("message", (message: WorkerMessage) => {
      if (message.type === "progress") options.onProgress?.(message.progress);
      else if (message.type === "done") finish(message.solution);
      else finish(failed("highs", new Error(message.message)));
    });
    worker.on("error", (error) => finish(failed("highs", error)));
    worker.on("exit", (code) =>
      finish(failed("highs", new Error(`the solver worker exited with code ${code}`))),
    );
    const request: WorkerRequest = { program, stopFlag, reportProgress: options.onProgress !== undefined };
    if (options.timeLimitSeconds !== undefined) request.timeLimitSeconds = options.timeLimitSeconds;
    if (options.mipRelGap !== undefined) request.mipRelGap = options.mipRelGap;
    if (options.start) request.start = options.start;
    worker.postMessage(request);
  });
}

export function cancelledBeforeStart(solver: string): Solution {
  return { status: "cancelled", objective: Number.NaN, x: new Float64Array(0), solver, seconds: 0 };
}

/** A solver crash (e.g. WebAssembly `Aborted()` when memory runs out) as a Solution, not an exception. */
export function failed(solver: string, error: unknown): Solution {
  const message = error instanceof Error ? error.message : String(error);
  return { status: "error", objective: Number.NaN, x: new Float64Array(0), solver, seconds: 0, message };
}
