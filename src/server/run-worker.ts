import { parentPort, workerData } from "node:worker_threads";
import type { Scenario } from "../domain/scenario.js";
import { type SolveMethod, solveScenario } from "../plan/solve.js";

/**
 * One solve in a worker thread, off the server's request path. The thread is thrown away afterwards (HiGHS's
 * WebAssembly memory never shrinks) or terminated on cancel. Messages: progress…, then done or error.
 */
export interface RunWorkerInput {
  scenario: Scenario;
  options: { timeLimitSeconds?: number; mipRelGap?: number; explain?: boolean; method?: SolveMethod };
}

export type RunWorkerMessage =
  | { type: "progress"; data: Record<string, unknown> }
  | { type: "done"; plan: unknown; seconds: number }
  | { type: "error"; message: string };

const port = parentPort;
if (!port) throw new Error("run-worker.ts runs only as a worker thread");
const { scenario, options } = workerData as RunWorkerInput;
const post = (message: RunWorkerMessage) => port.postMessage(message);

const started = performance.now();
try {
  const plan = await solveScenario(scenario, {
    ...options,
    onProgress: (p) => post({ type: "progress", data: { ...p } }),
  });
  post({ type: "done", plan, seconds: (performance.now() - started) / 1000 });
} catch (error) {
  post({ type: "error", message: error instanceof Error ? error.message : String(error) });
}
